"""The posterior of the difference of two independent NPS, without sampling.

Each period gets its own posterior ``Dirichlet(D + a, S + a, P + a)``; the two
are independent, so the posterior of ``delta_1 - delta_0`` (current minus
baseline, as shares) is the convolution of the two posteriors of
``delta = p - d``. Three deterministic steps:

1. The distribution function of one ``delta`` on a grid of ``GRID`` points
   spanning its mass (mean +- ``SPAN`` posterior standard deviations, inside
   ``[-1, 1]``). ``delta`` is written through two independent Beta shares
   (aggregation property of the Dirichlet law): the detractor share
   ``t ~ Beta(a_d, a_s + a_p)`` and ``p / (1 - t) ~ Beta(a_p, a_s)`` (as in
   :mod:`npskit._bayes`), its mirror image with promoters first, or the
   non-passive share ``u = p + d ~ Beta(a_p + a_d, a_s)`` and
   ``p / u ~ Beta(a_p, a_d)``, with ``delta = u (2 p/u - 1)``. One outer
   share is integrated out by Gauss-Legendre quadrature after the sine
   substitution ``v - sin(2 pi v)/(2 pi)`` (which flattens endpoint
   singularities), for every grid point at once; the decomposition whose
   integrand is the smoothest is used.
2. ``P(delta_1 - delta_0 <= z)`` as a Stieltjes sum over the bins of the
   narrower posterior against the (linearly interpolated) distribution
   function of the wider one, with Simpson's weights inside each bin.
3. Quantiles by Brent's method on that function.

Accuracy (checked in the tests against the adaptive-quadrature distribution
function of :mod:`npskit._bayes` and against Monte Carlo): about 1e-6 in
probability and 0.002 points in the quantiles, at any sample size.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

__all__ = ["Posterior", "difference_cdf", "posterior", "posterior_difference"]

GRID = 1025
"""Grid points per posterior distribution function."""

NODES = 48
"""Gauss-Legendre nodes per grid point."""

SPAN = 16.0
"""Half-width of the grid in posterior standard deviations."""


class Posterior(NamedTuple):
    """One posterior of ``delta = p - d``, tabulated: ``cdf[k] = P(delta <= grid[k])``."""

    grid: np.ndarray[Any, np.dtype[np.float64]]
    cdf: np.ndarray[Any, np.dtype[np.float64]]
    mean: float
    sd: float


def posterior(d: float, s: float, p: float, prior: float) -> Posterior:
    """Tabulate the posterior of ``p - d`` for counts ``(d, s, p)`` and concentration ``prior``."""
    a_d, a_s, a_p = d + prior, s + prior, p + prior
    total = a_d + a_s + a_p
    mean = (a_p - a_d) / total
    # Var(p - d) = Var p + Var d - 2 Cov(p, d), Cov(p, d) = -a_p a_d / (A^2 (A + 1)).
    var = (a_p * (total - a_p) + a_d * (total - a_d) + 2.0 * a_p * a_d) / (
        total * total * (total + 1.0)
    )
    sd = math.sqrt(var)
    x = np.linspace(max(-1.0, mean - SPAN * sd), min(1.0, mean + SPAN * sd), GRID)
    outer = _best_outer(a_d, a_s, a_p)
    if outer == "detractors":
        cdf = _cdf_outer_detractors(a_d, a_s, a_p, x)
    elif outer == "promoters":  # the mirror image: delta -> -delta swaps d and p
        cdf = 1.0 - _cdf_outer_detractors(a_p, a_s, a_d, -x)
    else:
        cdf = _cdf_outer_nonpassive(a_d, a_s, a_p, x)
    cdf = np.maximum.accumulate(np.clip(cdf, 0.0, 1.0))  # rounding, ~1e-16
    if x[0] == -1.0:
        cdf[0] = 0.0
    if x[-1] == 1.0:
        cdf[-1] = 1.0
    return Posterior(x, cdf, mean, sd)


def _best_outer(a_d: float, a_s: float, a_p: float) -> str:
    """Which share to integrate over: the one whose integrand is smoothest.

    ``delta`` is written as a function of an outer share and an independent
    inner share. The integrand changes over about ``sd(inner part) /
    sd(outer part)`` standard deviations of the outer share; choosing the
    largest ratio among the three decompositions keeps it at least about one
    standard deviation wide anywhere on the simplex, so fixed Gauss-Legendre
    nodes resolve it.
    """
    total = a_d + a_s + a_p
    d, p = a_d / total, a_p / total
    ratios: dict[str, float] = {}
    for name, first, second in (("detractors", d, p), ("promoters", p, d)):
        rest = second / (1.0 - first)  # share of the other end among the rest
        inner = (1.0 - first) ** 2 * rest * (1.0 - rest) / (1.0 - first)
        outer_var = (1.0 + rest) ** 2 * first * (1.0 - first)
        ratios[name] = inner / outer_var if outer_var > 0 else math.inf
    u = d + p
    w = p / u
    inner_u = 4.0 * u * w * (1.0 - w)
    outer_u = (2.0 * w - 1.0) ** 2 * u * (1.0 - u)
    ratios["nonpassive"] = inner_u / outer_u if outer_u > 0 else math.inf
    return max(ratios, key=lambda name: ratios[name])


def _quadrature(
    a: float, b: float, low: np.ndarray[Any, Any], high: np.ndarray[Any, Any]
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Nodes (one row per grid point) and weights times Beta(a, b) density on [low, high].

    Gauss-Legendre after the sine substitution, restricted to the part of the
    Beta law that carries mass.
    """
    from scipy.special import betaln, roots_legendre, xlog1py, xlogy

    from ._quantiles import beta_support

    support_low, support_high = beta_support(a, b)
    start = np.maximum(low, support_low)
    stop = np.minimum(high, support_high)
    width = np.maximum(stop - start, 0.0)
    nodes, weights = roots_legendre(NODES)
    v = 0.5 * (nodes + 1.0)
    stretch = v - np.sin(2.0 * math.pi * v) / (2.0 * math.pi)
    jacobian = 0.5 * weights * (1.0 - np.cos(2.0 * math.pi * v))
    t = np.clip(start[:, None] + width[:, None] * stretch[None, :], 1e-300, 1.0 - 1e-16)
    log_density = xlogy(a - 1.0, t) + xlog1py(b - 1.0, -t) - float(betaln(a, b))
    return t, np.exp(log_density) * width[:, None] * jacobian[None, :]


def _cdf_outer_detractors(
    a_d: float, a_s: float, a_p: float, x: np.ndarray[Any, Any]
) -> np.ndarray[Any, Any]:
    """``P(p - d <= x)`` integrating over the detractor share ``t``.

    ``t ~ Beta(a_d, a_s + a_p)`` and ``p / (1 - t) ~ Beta(a_p, a_s)`` given
    ``t``; for ``t >= (1 - x)/2`` the event is certain, for ``t <= -x``
    impossible.
    """
    from scipy.special import betainc

    certain_from = 0.5 * (1.0 - x)
    tail = betainc(a_s + a_p, a_d, 0.5 * (1.0 + x))  # P(t > (1 - x)/2)
    t, weight = _quadrature(a_d, a_s + a_p, np.maximum(-x, 0.0), certain_from)
    share = np.clip((x[:, None] + t) / (1.0 - t), 0.0, 1.0)
    result: np.ndarray[Any, Any] = tail + np.sum(weight * betainc(a_p, a_s, share), axis=1)
    return result


def _cdf_outer_nonpassive(
    a_d: float, a_s: float, a_p: float, x: np.ndarray[Any, Any]
) -> np.ndarray[Any, Any]:
    """``P(p - d <= x)`` integrating over the non-passive share ``u = p + d``.

    ``u ~ Beta(a_p + a_d, a_s)`` and, independently, ``w = p / u ~ Beta(a_p,
    a_d)``; ``p - d = u (2 w - 1)``, so for ``u > |x|`` the event is
    ``w <= (1 + x / u) / 2``, and for ``u <= |x|`` it is certain when
    ``x >= 0`` and impossible otherwise.
    """
    from scipy.special import betainc

    magnitude = np.abs(x)
    certain = np.where(x >= 0.0, betainc(a_p + a_d, a_s, magnitude), 0.0)
    u, weight = _quadrature(a_p + a_d, a_s, magnitude, np.ones_like(x))
    share = np.clip(0.5 * (1.0 + x[:, None] / u), 0.0, 1.0)
    result: np.ndarray[Any, Any] = certain + np.sum(weight * betainc(a_p, a_d, share), axis=1)
    return result


def difference_cdf(baseline: Posterior, current: Posterior, z: float) -> float:
    """``P(delta_current - delta_baseline <= z)`` for independent posteriors."""
    if baseline.sd <= current.sd:
        # Sum over the baseline's bins: P(delta_1 <= z + delta_0).
        return _stieltjes(baseline, current, z)
    # Sum over the current's bins: P(delta_0 >= delta_1 - z) = 1 - P(delta_0 < delta_1 - z).
    return 1.0 - _stieltjes(current, baseline, -z)


def _stieltjes(narrow: Posterior, wide: Posterior, shift: float) -> float:
    """``E[F_wide(shift + X)]`` with ``X`` distributed as ``narrow``."""
    grid, cdf = narrow.grid, narrow.cdf
    masses = np.diff(cdf)
    left, right = grid[:-1], grid[1:]
    middle = 0.5 * (left + right)

    def f(points: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        values: np.ndarray[Any, Any] = np.interp(
            shift + points, wide.grid, wide.cdf, left=0.0, right=1.0
        )
        return values

    inside = (f(left) + 4.0 * f(middle) + f(right)) / 6.0
    total = float(masses @ inside)
    # Mass outside the narrow grid (at most ~1e-15 by the choice of SPAN).
    total += float(cdf[0]) * float(f(grid[:1])[0])
    total += (1.0 - float(cdf[-1])) * float(f(grid[-1:])[0])
    return min(1.0, max(0.0, total))


def posterior_difference(
    baseline: Posterior, current: Posterior, alpha: float
) -> tuple[float, float, float]:
    """Lower ``alpha``- and upper ``(1 - alpha)``-quantiles of the difference, and ``P(> 0)``.

    Shares, not points: the difference lies in ``[-2, 2]``.
    """
    from scipy.optimize import brentq

    def cdf(z: float) -> float:
        return difference_cdf(baseline, current, z)

    lo_end = max(-2.0, float(current.grid[0] - baseline.grid[-1]))
    hi_end = min(2.0, float(current.grid[-1] - baseline.grid[0]))

    def quantile(level: float) -> float:
        if cdf(lo_end) >= level:
            return lo_end
        if cdf(hi_end) <= level:
            return hi_end
        return float(brentq(lambda z: cdf(z) - level, lo_end, hi_end, xtol=1e-12, rtol=1e-14))

    greater = 1.0 - cdf(0.0)
    return quantile(alpha), quantile(1.0 - alpha), greater
