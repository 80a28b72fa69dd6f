"""Tango's score statistic and score interval for one NPS, on floats or arrays.

A one-sample NPS is a difference of paired proportions: think of every answer
as a pair of binary outcomes (is a promoter, is a detractor). The two
discordant cells of the paired 2x2 table are the promoters ``b`` and the
detractors ``c``; the passives are the concordant pairs. The NPS (as a share)
is ``delta = p12 - p21``, the quantity Tango (1998) built his score statistic
for.

The statistic is written once, vectorised (:func:`score_statistic`); the
bounds come from it either by Brent's method for one sample
(:func:`tango_bounds`) or by a vectorised Newton method for many at once
(:func:`tango_bounds_array`), with the slope of the statistic in closed form
(:func:`score_and_slope`). Counts are floats, so weighted effective counts
and finite-population corrected counts go through the same code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from npskit._stats.distinct import distinct_rows
from npskit._stats.normal import normal_pvalue, z_quantile
from npskit._stats.roots import decreasing_roots, newton_roots

__all__ = [
    "EDGE",
    "restricted_mle",
    "score_and_slope",
    "score_statistic",
    "tango_bounds",
    "tango_bounds_array",
    "tango_test",
]

EDGE = 1e-13
"""How far inside (-1, 1) the bound searches start: the statistic is 0/0 at the ends."""

_EPS = 2.220446049250313e-16
_GAP_NOISE = 1e-14  # rounding noise of arctan(Z - z) near the bound
_TOLERANCE = 2.0**-55  # as 56 halvings of [-1, 1]: below double precision (2 / 2^56 < 3e-17)


def restricted_mle(b: Any, c: Any, n: Any, delta: Any) -> Any:
    """Maximum likelihood estimate of ``p21`` (the detractor share) given ``delta``.

    Closed form of Tango (1998), eq. 4: the root in ``[max(0, -delta),
    (1 - delta) / 2]`` of ``A q^2 + B q + C = 0`` with ``A = 2n``,
    ``B = -b - c + (2n - b + c) delta`` and ``C = -c delta (1 - delta)``.
    """
    b_coef = -b - c + (2.0 * n - b + c) * delta
    # B^2 - 4 A C with A = 2n and -4 A C = 8 n c delta (1 - delta).
    four_ac = 8.0 * n * c * delta * (1.0 - delta)
    root = np.sqrt(np.maximum(b_coef * b_coef + four_ac, 0.0))
    plain = (root - b_coef) / (4.0 * n)
    rising = b_coef > 0.0
    if not np.any(rising):  # the usual case: no row needs the other form
        return plain
    # (root - B) / 2A cancels catastrophically when B > 0 and 4AC is small (a few
    # detractors among very many answers); there the same root is 2|C| / (B + root).
    with np.errstate(invalid="ignore", divide="ignore"):
        stable = np.where(rising, four_ac / (4.0 * n) / np.where(rising, b_coef + root, 1.0), 0.0)
    return np.where(rising, stable, plain)


def score_statistic(b: Any, c: Any, n: Any, delta: Any) -> Any:
    """Tango's score statistic for H0: ``p12 - p21 = delta`` (floats or arrays).

    ``Z = (b - c - n delta) / sqrt(n (2 q + delta (1 - delta)))`` with ``q`` the
    restricted maximum likelihood estimate of ``p21``. It decreases in
    ``delta``. Where the denominator vanishes (only at the ends of the range
    and for samples in one category) it is taken as 0 when the numerator is 0
    and as an infinity of the numerator's sign otherwise.
    """
    return _score_parts(b, c, n, delta, restricted_mle(b, c, n, delta))[0]


def score_and_slope(b: Any, c: Any, n: Any, delta: Any) -> tuple[Any, Any]:
    """:func:`score_statistic` and its derivative in ``delta``, for Newton's method.

    With ``N = b - c - n delta`` and ``V = n (2 q + delta (1 - delta))``,
    ``Z' = (-n - N V' / 2V) / sqrt(V)``, ``V' = n (2 q' + 1 - 2 delta)``, and
    ``q'`` from differentiating ``A q^2 + B q + C = 0``:
    ``q' = (c (1 - 2 delta) - (2n - b + c) q) / (4 n q + B)``. The slope is
    not finite where ``V`` vanishes (Newton's caller then bisects).
    """
    q = restricted_mle(b, c, n, delta)
    z, numerator, variance = _score_parts(b, c, n, delta, q)
    slope_coef = 2.0 * n - b + c
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        dq = (c * (1.0 - 2.0 * delta) - slope_coef * q) / (4.0 * n * q - b - c + slope_coef * delta)
        dvariance = n * (2.0 * dq + 1.0 - 2.0 * delta)
        slope = (-n - numerator * dvariance / (2.0 * variance)) / np.sqrt(variance)
    return z, slope


def _score_parts(b: Any, c: Any, n: Any, delta: Any, q: Any) -> tuple[Any, Any, Any]:
    """Tango's ``Z`` (see :func:`score_statistic`), its numerator and its variance, given ``q``."""
    numerator = b - c - n * delta
    variance = n * (2.0 * q + delta * (1.0 - delta))
    positive = variance > 0.0
    if np.all(positive):  # the usual case: no 0/0 to settle
        return numerator / np.sqrt(variance), numerator, variance
    z = numerator / np.sqrt(np.where(positive, variance, 1.0))
    z = np.where(positive, z, np.where(numerator == 0.0, 0.0, np.copysign(np.inf, numerator)))
    return z, numerator, variance


def tango_test(d: float, s: float, p: float, delta: float, alternative: str) -> tuple[float, float]:
    """Tango's score test of NPS = ``delta`` (shares): ``(statistic, normal p-value)``.

    At ``delta = 0`` the statistic is McNemar's ``(P - D) / sqrt(P + D)``.
    """
    statistic = float(score_statistic(p, d, d + s + p, delta))
    return statistic, float(normal_pvalue(statistic, alternative))


def tango_bounds(d: float, s: float, p: float, alpha: float) -> tuple[float, float]:
    """Lower and upper one-sided score bounds, each with tail probability ``alpha``.

    The bounds are the two solutions of ``Z(delta) = +-z`` with
    ``z = Phi^{-1}(1 - alpha)``, found by Brent's method to a relative
    precision of ``4 eps`` (the bounds may lie within 1e-17 of 0). Shares, not
    points.
    """
    n = d + s + p
    z = z_quantile(alpha)
    lower = _solve(lambda delta: float(score_statistic(p, d, n, delta)) - z)
    upper = _solve(lambda delta: float(score_statistic(p, d, n, delta)) + z)
    return lower, upper


def tango_bounds_array(d: Any, s: Any, p: Any, z: float) -> tuple[Any, Any]:
    """Tango's lower and upper score bounds at critical value ``z`` for arrays of counts.

    Solves ``Z(delta) = +-z`` for every outcome at once by safeguarded
    Newton steps from the Wald bounds (:func:`npskit._stats.roots.newton_roots`),
    finishing any row left open by the vectorised Illinois method
    (:func:`npskit._stats.roots.decreasing_roots`), to double precision; the
    same bounds as :func:`tango_bounds` with ``z = Phi^-1(1 - alpha)`` (to
    the rounding noise of the statistic, some 1e-12 for samples almost all in
    one category).
    """
    d, s, p = (np.asarray(v, dtype=np.float64) for v in (d, s, p))
    shape = np.broadcast_shapes(d.shape, s.shape, p.shape)
    d, s, p = (np.broadcast_to(v, shape).ravel() for v in (d, s, p))
    repeated = distinct_rows(np.column_stack([d, s, p]))
    if repeated is not None:  # many segments share their counts: solve each once
        first, inverse = repeated
        low, high = tango_bounds_array(d[first], s[first], p[first], z)
        return low[inverse].reshape(shape), high[inverse].reshape(shape)
    n = d + s + p
    # First guesses: the Wald bounds, which the score bounds are near.
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = (p - d) / n
        spread = np.sqrt(np.maximum((p + d) / n - centre * centre, 0.0) / n)
    low = np.full(n.shape, -1.0 + EDGE)
    high = np.full(n.shape, 1.0 - EDGE)
    score_low, score_high = score_statistic(p, d, n, low), score_statistic(p, d, n, high)
    bounds = []
    for target in (z, -z):
        gap_low, gap_high = score_low - target, score_high - target
        below = gap_low <= 0.0  # root at or below -1
        above = gap_high >= 0.0  # root at or above +1
        rows = np.flatnonzero((gap_low > 0.0) & (gap_high < 0.0))
        root = np.zeros(n.shape)
        root[rows] = _bound_of_rows(
            (p[rows], d[rows], n[rows]),
            target,
            (gap_low[rows], gap_high[rows]),
            (centre - target * spread)[rows],
        )
        bound = np.where(below, -1.0, np.where(above, 1.0, root))
        bounds.append(bound.reshape(shape))
    return bounds[0], bounds[1]


def _bound_of_rows(
    values: tuple[Any, Any, Any], target: float, gaps: tuple[Any, Any], guess: Any
) -> Any:
    """The root of ``Z(delta) = target`` in ``(-1, 1)`` of rows whose root is inside.

    Newton's method from the Wald bound settles nearly every row in two to
    four evaluations of Tango's statistic and its slope
    (:func:`npskit._stats.roots.newton_roots`); any row left open finishes
    by the vectorised Illinois search in the bracket Newton has narrowed, on
    ``arctan(Z - target)``, which keeps the huge scores near the ends from
    stalling regula falsi.
    """

    def value_and_slope(x: Any, p: Any, d: Any, n: Any) -> tuple[Any, Any]:
        score, slope = score_and_slope(p, d, n, x)
        return score - target, slope

    def gap(x: Any, p: Any, d: Any, n: Any) -> Any:
        return np.arctan(score_statistic(p, d, n, x) - target)

    ends = np.full(len(guess), -1.0 + EDGE), np.full(len(guess), 1.0 - EDGE)
    root, (left, a, b, fa, fb) = newton_roots(
        value_and_slope, *ends, *gaps, guess, xtol=_TOLERANCE, ftol=_GAP_NOISE, args=values
    )
    if len(left):
        rest = tuple(v[left] for v in values)
        gap_a, gap_b = np.arctan(fa), np.arctan(fb)
        root[left] = decreasing_roots(
            gap, a, b, gap_a, gap_b, xtol=_TOLERANCE, ftol=_GAP_NOISE, args=rest
        )
    return root


def _solve(gap: Callable[[float], float]) -> float:
    """Root of a decreasing ``gap`` on ``(-1, 1)``, or the end it lies beyond."""
    from scipy.optimize import brentq

    low_end, high_end = -1.0 + EDGE, 1.0 - EDGE
    if gap(low_end) <= 0.0:
        return -1.0
    if gap(high_end) >= 0.0:
        return 1.0
    # The bounds can lie within 1e-17 of 0 (a few non-passives among 10^18 answers):
    # precision relative to the root (rtol), not an absolute 1e-12.
    return float(brentq(gap, low_end, high_end, xtol=1e-300, rtol=4 * _EPS, maxiter=2000))
