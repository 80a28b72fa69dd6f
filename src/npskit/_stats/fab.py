"""Confidence intervals with constant coverage that borrow strength from other segments.

For one segment, ``y ~ N(theta, s^2)`` with ``s`` known. Among all interval
procedures whose coverage is exactly ``1 - alpha`` for *every* ``theta``,
the one with the smallest expected width when ``theta ~ N(mu, tau^2)`` is
the FAB ("frequentist, assisted by Bayes") interval of Pratt (1963) and Yu
and Hoff (2018): invert, for each ``theta``, the acceptance region

    A(theta) = (theta + s * z(alpha w), theta - s * z(alpha (1 - w))),

with ``z`` the standard normal quantile and ``w = w(theta)`` the share of
``alpha`` spent in the lower tail, which solves
``z(alpha w) - z(alpha (1 - w)) = 2 s (theta - mu) / tau^2`` (equal
likelihood ratio of the prior predictive law at both ends). Every
``A(theta)`` has probability ``1 - alpha`` under ``theta``, so coverage is
exact whatever ``mu`` and ``tau^2`` are, as long as they do not depend on
``y``: Yu and Hoff estimate them from the *other* segments, which
:func:`leave_one_out_prior` does.

Pratt, J. W. (1963). Shorter confidence intervals for the mean of a normal
distribution with known variance. *Annals of Mathematical Statistics*,
34(2), 574-586. doi:10.1214/aoms/1177704170

Yu, C. and Hoff, P. D. (2018). Adaptive multigroup confidence intervals with
constant coverage. *Biometrika*, 105(2), 319-335. doi:10.1093/biomet/asy009

Each end is found without a quantile function: ``theta`` is eliminated,
leaving one increasing equation in the lower-tail quantile ``a``,
``Phi(a) + Phi(a (1 + s/c) - d/c) = alpha`` with ``c = tau^2 / (2 s)``
(:func:`_tail_quantile`), solved for all segments at once by bracketed
Newton steps. No loop runs over segments.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

__all__ = ["constant_coverage_intervals", "fab_interval", "leave_one_out_prior"]

Floats = npt.NDArray[np.float64]

_TOLERANCE = 1e-12  # both ends stop when every step in theta is this small
_MAX_STEPS = 200
_GRID = np.concatenate(([0.0], np.geomspace(1e-8, 1.0, 4001)))  # tau^2 nodes for mu_i
_SQRT_2PI = math.sqrt(2.0 * math.pi)


def leave_one_out_prior(y: Floats, v: Floats) -> tuple[Floats, Floats]:
    """Each segment's prior mean and variance ``(mu_i, tau2_i)`` from the other segments.

    ``tau2_i`` is the DerSimonian-Laird moment estimate of the between-segment
    variance among the others (DerSimonian and Laird 1986,
    doi:10.1016/0197-2456(86)90046-2), truncated to ``[0, 1]``; ``inf`` when
    fewer than two others have answers (then nothing is borrowed).
    ``mu_i`` is the others' mean weighted by ``1 / (v_j + tau2_i)``, its sums
    interpolated over a fixed grid of ``tau2`` (log-linear, 4,002 nodes; the
    grid does not depend on the data, so ``mu_i`` still depends on the other
    segments only). Segments with ``v = inf`` (no answers) take no part and
    get the prior of all segments with answers.

    Examples
    --------
    Three segments: leaving out the first, the other two (0.2 and 0.4, equal
    variances 0.01) have ``Q = 2 = k - 1`` degrees of freedom plus one, so
    ``tau2 = (2 - 1) / (200 - 100) = 0.01`` and ``mu = 0.3``:

    >>> mu, tau2 = leave_one_out_prior(np.array([0.0, 0.2, 0.4]), np.full(3, 0.01))
    >>> round(float(mu[0]), 6), round(float(tau2[0]), 6)
    (0.3, 0.01)
    """
    yy = np.asarray(y, dtype=np.float64)
    vv = np.asarray(v, dtype=np.float64)
    present = np.isfinite(vv)
    w = np.where(present, 1.0 / np.where(present, vv, 1.0), 0.0)
    centred = np.where(present, yy - (w @ yy) / w.sum(), 0.0)  # Q is shift invariant
    # Sums over the others: totals minus the segment's own term.
    s1 = w.sum() - w
    s2 = (w * w).sum() - w * w
    sy = (w @ centred) - w * centred
    syy = (w @ (centred * centred)) - w * centred * centred
    others = int(present.sum()) - present.astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = syy - sy * sy / s1
        tau2 = (q - (others - 1)) / (s1 - s2 / s1)
    tau2 = np.where(others >= 2, np.clip(np.nan_to_num(tau2, nan=0.0), 0.0, 1.0), np.inf)

    # Random-effects weighted mean of the others at each segment's own tau2.
    # Only the grid nodes next to some tau2_i are evaluated; which nodes a
    # segment's interpolation uses depends on its own tau2_i alone.
    at = np.where(np.isfinite(tau2), tau2, 1.0)
    right = np.clip(np.searchsorted(_GRID, at), 1, len(_GRID) - 1)
    nodes = np.unique(np.concatenate((right - 1, right)))
    vp, yp = vv[present], centred[present]
    inverse = 1.0 / (vp[None, :] + _GRID[nodes, None])
    total, weighted = inverse.sum(axis=1), inverse @ yp
    log_grid = np.log(np.maximum(_GRID[nodes], 1e-300))
    place = np.log(np.maximum(at, 1e-300))
    own = np.where(present, 1.0 / (np.where(present, vv, 1.0) + at), 0.0)
    s_at = np.exp(np.interp(place, log_grid, np.log(total))) - own
    t_at = np.interp(place, log_grid, weighted) - own * centred
    with np.errstate(divide="ignore", invalid="ignore"):
        mu = np.where(s_at > 0, t_at / s_at, 0.0)
    return mu + (w @ yy) / w.sum(), tau2


def constant_coverage_intervals(y: Floats, v: Floats, level: float) -> tuple[Floats, Floats]:
    """FAB intervals at ``level`` for every segment, each borrowing from the others only.

    ``y`` are the estimates and ``v`` their sampling variances (``inf`` for a
    segment without answers, whose interval is the whole line). The prior of
    segment ``i`` comes from :func:`leave_one_out_prior`, so it does not
    depend on ``y_i`` and the coverage of :func:`fab_interval` holds.

    At ``level <= 0.5`` nothing is borrowed (``y -/+ z s``): there, one tail
    may take more than half of ``alpha``, and an acceptance region with all
    of it on one side no longer contains its own ``theta``, so intervals
    could shrink to a point at ``y = mu``. Coverage is exact either way.

    Examples
    --------
    >>> low, high = constant_coverage_intervals(
    ...     np.array([0.1, 0.2, 0.3, 0.9]), np.array([0.01, 0.01, 0.01, np.inf]), 0.95
    ... )
    >>> bool(np.all(low[:3] < [0.1, 0.2, 0.3])), float(low[3]), float(high[3])
    (True, -inf, inf)
    """
    yy = np.asarray(y, dtype=np.float64)
    vv = np.asarray(v, dtype=np.float64)
    present = np.isfinite(vv)
    mu, tau2 = leave_one_out_prior(yy, vv)
    if level <= 0.5:
        tau2 = np.full_like(tau2, np.inf)
    s = np.sqrt(np.where(present, vv, 1.0))
    low, high = fab_interval(np.where(present, yy, mu), s, mu, tau2, 1.0 - level)
    return np.where(present, low, -np.inf), np.where(present, high, np.inf)


def fab_interval(
    y: Floats, s: Floats, mu: Floats, tau2: Floats, alpha: float
) -> tuple[Floats, Floats]:
    """Ends of the ``1 - alpha`` FAB interval for each ``theta_i`` (module docstring).

    ``tau2 = inf`` gives the usual ``y -/+ z(1 - alpha/2) s``; ``tau2 = 0``
    gives ``[min(mu, y - z(1 - alpha) s), max(mu, y + z(1 - alpha) s)]``
    (all of ``alpha`` in one tail, on the side away from ``mu``).

    Examples
    --------
    With ``y`` at ``mu`` the interval is shorter than ``y -/+ 1.96 s``
    (3.92); far from it, it is shifted towards ``mu`` and a little wider:

    >>> low, high = fab_interval(
    ...     np.array([0.0, 3.0]), np.ones(2), np.zeros(2), np.ones(2), 0.05
    ... )
    >>> [round(float(x), 3) for x in high - low]
    [3.29, 4.211]
    """
    from scipy.special import ndtri

    yy, ss = np.broadcast_arrays(np.asarray(y, dtype=np.float64), np.asarray(s, np.float64))
    yy, ss = yy.ravel(), ss.ravel()
    mm = np.broadcast_to(np.asarray(mu, dtype=np.float64), yy.shape)
    t2 = np.broadcast_to(np.asarray(tau2, dtype=np.float64), yy.shape)
    z_one, z_half = float(-ndtri(alpha)), float(-ndtri(alpha / 2.0))
    low, high = yy - z_half * ss, yy + z_half * ss  # tau2 = inf: nothing borrowed
    point = t2 == 0  # the prior is a point: all of alpha on the side away from mu
    low = np.where(point, np.minimum(mm, yy - z_one * ss), low)
    high = np.where(point, np.maximum(mm, yy + z_one * ss), high)
    between = np.flatnonzero(np.isfinite(t2) & ~point)
    if between.size:
        c = t2[between] / (2.0 * ss[between])
        yb, sb, mb = yy[between], ss[between], mm[between]
        high[between] = yb - sb * _tail_quantile(yb - mb, sb, c, alpha, -z_one, -z_half)
        low[between] = yb + sb * _tail_quantile(mb - yb, sb, c, alpha, -z_one, -z_half)
    return low, high


def _tail_quantile(
    d: Floats, s: Floats, c: Floats, alpha: float, top: float, start: float
) -> Floats:
    """The root ``a < top = z(alpha)`` of ``Phi(a) + Phi(a (1 + s/c) - d/c) = alpha``.

    For the upper end, ``a = z(alpha w)`` at ``theta = y - s a`` and
    ``b = z(alpha (1 - w))`` follows from ``theta = mu + c (a - b)``; the two
    tails must add up to ``alpha``. The left side rises with ``a``, so
    bracketed Newton steps find the one root (``d = y - mu``). The lower end is
    the mirror image (``d = mu - y``). One pair of normal distribution
    functions per step, no quantile function.
    """
    from scipy.special import ndtr

    ratio = 1.0 + s / c
    shift = d / c
    # One tail holds at least alpha/2 and neither more than alpha, so with
    # b = ratio a - shift: a lies between the larger of the two ways to put
    # alpha/2 in one tail and the smaller of the two ways to put alpha in one.
    lo = np.minimum(start, (start + shift) / ratio)
    hi = np.minimum(top, (top + shift) / ratio)
    a = 0.5 * (lo + hi)
    active = np.arange(d.size)
    for _ in range(_MAX_STEPS):
        if active.size == 0:
            break
        a_a, r_a, f_a = a[active], ratio[active], shift[active]
        b = a_a * r_a - f_a
        value = ndtr(a_a) + ndtr(b) - alpha
        slope = (np.exp(-0.5 * a_a * a_a) + r_a * np.exp(-0.5 * b * b)) / _SQRT_2PI
        below = value < 0
        lo_a = np.where(below, a_a, lo[active])
        hi_a = np.where(below, hi[active], a_a)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            step = a_a - value / slope
        done = (np.abs(step - a_a) < _TOLERANCE) | (hi_a - lo_a < _TOLERANCE)
        inside = done | (np.isfinite(step) & (step >= lo_a) & (step <= hi_a))
        # A step past an end goes to that end once (a convex or concave tail
        # converges from there), and halves the bracket only if it is there already.
        end = np.where(step > hi_a, hi_a, lo_a)
        new = np.where(inside, step, np.where(end != a_a, end, 0.5 * (lo_a + hi_a)))
        lo[active], hi[active], a[active] = lo_a, hi_a, new
        active = active[~done]
    return a
