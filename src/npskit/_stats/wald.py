"""Wald and adjusted-Wald (pseudo-count) intervals for one NPS and for a difference.

With shares ``p`` and ``d`` of promoters and detractors among ``n`` answers,
the NPS (as a share) is ``p - d`` and the variance of one answer's score
(+1, 0 or -1) is ``p + d - (p - d)^2``, so the standard error of the NPS is
``sqrt((p + d - (p - d)^2) / n)``. The adjusted intervals add pseudo-counts to
the three categories before using the same formula. Every function takes
floats or numpy arrays of counts (one entry per segment).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from npskit._stats.normal import normal_pvalue, signed_ratio, z_quantile

__all__ = [
    "PSEUDO_COUNTS",
    "wald_bounds",
    "wald_bounds_array",
    "wald_difference",
    "wald_estimate",
    "wald_test",
]

PSEUDO_COUNTS: dict[str, tuple[float, float, float]] = {
    # (detractors, passives, promoters) added before the Wald formula.
    "wald": (0.0, 0.0, 0.0),
    # Sauro & Lewis / Rocks (2016): 3/4, 3/2, 3/4, so n grows by 3.
    "adjusted-wald": (0.75, 1.5, 0.75),
    # Agresti & Min (2005) "Wald+2" for matched pairs: 1/2 per cell of the
    # paired 2x2 table, i.e. 1/2 to each discordant cell (promoters,
    # detractors) and 1/2 + 1/2 to the concordant ones (passives).
    "agresti-min": (0.5, 1.0, 0.5),
    # Bonett & Price (2012): one pseudo-count to each discordant cell.
    "bonett-price": (1.0, 0.0, 1.0),
}


def wald_estimate(d: Any, s: Any, p: Any, *, method: str = "wald") -> tuple[Any, Any]:
    """The NPS (a share) and its standard error, after ``method``'s pseudo-counts.

    ``sqrt((p + d - (p - d)^2) / n)`` with the shares of the adjusted counts.
    """
    add_d, add_s, add_p = PSEUDO_COUNTS[method]
    d = np.asarray(d, dtype=np.float64) + add_d
    s = np.asarray(s, dtype=np.float64) + add_s
    p = np.asarray(p, dtype=np.float64) + add_p
    n = d + s + p
    centre = (p - d) / n
    variance = (p + d) / n - centre * centre
    return centre, np.sqrt(np.maximum(variance, 0.0) / n)


def wald_bounds_array(
    d: Any, s: Any, p: Any, alpha: float, *, method: str = "wald"
) -> tuple[Any, Any]:
    """Lower and upper one-sided bounds with tail ``alpha`` each, unclipped, for arrays."""
    centre, se = wald_estimate(d, s, p, method=method)
    half = z_quantile(alpha) * se
    return centre - half, centre + half


def wald_bounds(
    d: float, s: float, p: float, alpha: float, *, method: str = "wald"
) -> tuple[float, float]:
    """Lower and upper one-sided bounds with tail ``alpha`` each, unclipped.

    Shares, not points; the caller clips to ``[-1, 1]``.
    """
    low, high = wald_bounds_array(d, s, p, alpha, method=method)
    return float(low), float(high)


def wald_difference(
    d0: Any, s0: Any, p0: Any, d1: Any, s1: Any, p1: Any, *, method: str
) -> tuple[Any, Any]:
    """Centre ``(p1 - d1)/n1 - (p0 - d0)/n0`` and its unpooled standard error.

    Each period gets ``method``'s pseudo-counts (``"wald"``: none;
    ``"adjusted-wald"``: 3/4, 3/2, 3/4, n + 3) and the variances add.
    """
    e0, se0 = wald_estimate(d0, s0, p0, method=method)
    e1, se1 = wald_estimate(d1, s1, p1, method=method)
    return e1 - e0, np.sqrt(se0 * se0 + se1 * se1)


def wald_test(d: float, s: float, p: float, delta: float, alternative: str) -> tuple[float, float]:
    """The Wald z test of NPS = ``delta`` (shares): ``(statistic, normal p-value)``.

    ``z = (p - d - delta) / sqrt((p + d - (p - d)^2) / n)``; with a zero
    standard error (every answer in one category) 0 when the estimate equals
    ``delta``, else an infinity of the difference's sign.
    """
    centre, se = wald_estimate(d, s, p)
    statistic = float(signed_ratio(centre - delta, se))
    return statistic, float(normal_pvalue(statistic, alternative))
