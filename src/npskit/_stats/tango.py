"""Tango's score statistic and score interval for one NPS.

A one-sample NPS is a difference of paired proportions: think of every answer
as a pair of binary outcomes (is a promoter, is a detractor). The two
discordant cells of the paired 2x2 table are the promoters ``b`` and the
detractors ``c``; the passives are the concordant pairs. The NPS (as a share)
is ``delta = p12 - p21``, the quantity Tango (1998) built his score statistic
for.

All functions work on counts given as floats (``b``, ``c`` and the total
``n``), so weighted effective counts and finite-population corrected counts go
through the same code.
"""

from __future__ import annotations

import math
from collections.abc import Callable

__all__ = ["restricted_mle", "score_statistic", "tango_bounds"]

# How far inside (-1, 1) the brackets start: the statistic is 0/0 at the ends.
_EDGE = 1e-13
_EPS = 2.220446049250313e-16


def restricted_mle(b: float, c: float, n: float, delta: float) -> float:
    """Maximum likelihood estimate of ``p21`` (the detractor share) given ``delta``.

    Closed form of Tango (1998), eq. 4: the root in ``[max(0, -delta),
    (1 - delta) / 2]`` of ``A q^2 + B q + C = 0`` with ``A = 2n``,
    ``B = -b - c + (2n - b + c) delta`` and ``C = -c delta (1 - delta)``.
    """
    a_coef = 2.0 * n
    b_coef = -b - c + (2.0 * n - b + c) * delta
    c_coef = -c * delta * (1.0 - delta)
    discriminant = max(b_coef * b_coef - 4.0 * a_coef * c_coef, 0.0)
    return (math.sqrt(discriminant) - b_coef) / (2.0 * a_coef)


def score_statistic(b: float, c: float, n: float, delta: float) -> float:
    """Tango's score statistic for H0: ``p12 - p21 = delta``.

    ``Z = (b - c - n delta) / sqrt(n (2 q + delta (1 - delta)))`` with ``q`` the
    restricted maximum likelihood estimate of ``p21``. It decreases in
    ``delta``. Where the denominator vanishes (only at the ends of the range
    and for samples in one category) it is taken as 0 when the numerator is 0
    and as an infinity of the numerator's sign otherwise.
    """
    numerator = b - c - n * delta
    q = restricted_mle(b, c, n, delta)
    variance = n * (2.0 * q + delta * (1.0 - delta))
    if variance <= 0.0:
        if numerator == 0.0:
            return 0.0
        return math.copysign(math.inf, numerator)
    return numerator / math.sqrt(variance)


def tango_bounds(d: float, s: float, p: float, alpha: float) -> tuple[float, float]:
    """Lower and upper one-sided score bounds, each with tail probability ``alpha``.

    The bounds are the two solutions of ``Z(delta) = +-z`` with
    ``z = Phi^{-1}(1 - alpha)``, found by Brent's method to ``1e-12``. Shares,
    not points.
    """
    from scipy.optimize import brentq
    from scipy.special import ndtri

    n = d + s + p
    z = float(ndtri(1.0 - alpha))
    lower = _solve(lambda delta: score_statistic(p, d, n, delta) - z, brentq)
    upper = _solve(lambda delta: score_statistic(p, d, n, delta) + z, brentq)
    return lower, upper


def _solve(gap: Callable[[float], float], brentq: Callable[..., float]) -> float:
    """Root of a decreasing ``gap`` on ``(-1, 1)``, or the end it lies beyond."""
    low_end, high_end = -1.0 + _EDGE, 1.0 - _EDGE
    if gap(low_end) <= 0.0:
        return -1.0
    if gap(high_end) >= 0.0:
        return 1.0
    return float(brentq(gap, low_end, high_end, xtol=1e-12, rtol=4 * _EPS))
