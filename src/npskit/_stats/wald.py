"""Wald and adjusted-Wald (pseudo-count) intervals for one NPS.

With shares ``p`` and ``d`` of promoters and detractors among ``n`` answers,
the NPS (as a share) is ``p - d`` and the variance of one answer's score
(+1, 0 or -1) is ``p + d - (p - d)^2``, so the standard error of the NPS is
``sqrt((p + d - (p - d)^2) / n)``. The adjusted intervals add pseudo-counts to
the three categories before using the same formula.
"""

from __future__ import annotations

import math

__all__ = ["PSEUDO_COUNTS", "wald_bounds", "wald_standard_error"]

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


def wald_standard_error(d: float, s: float, p: float) -> float:
    """Standard error of the NPS (a share) from counts: ``sqrt((p + d - (p - d)^2) / n)``."""
    n = d + s + p
    share_p, share_d = p / n, d / n
    variance = share_p + share_d - (share_p - share_d) ** 2
    return math.sqrt(max(variance, 0.0) / n)


def wald_bounds(
    d: float, s: float, p: float, alpha: float, *, method: str = "wald"
) -> tuple[float, float]:
    """Lower and upper one-sided bounds with tail probability ``alpha`` each, unclipped.

    Shares, not points; the caller clips to ``[-1, 1]``.
    """
    from scipy.special import ndtri

    add_d, add_s, add_p = PSEUDO_COUNTS[method]
    d, s, p = d + add_d, s + add_s, p + add_p
    centre = (p - d) / (d + s + p)
    half = float(ndtri(1.0 - alpha)) * wald_standard_error(d, s, p)
    return centre - half, centre + half
