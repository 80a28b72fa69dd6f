"""Planning kernels for two independent periods: trinomial outcomes, normal power.

Everything works on expected shares ``(d, s, p)`` of detractors, passives and
promoters and on sample sizes; nothing here knows about the tests, whose
rejection rule :mod:`npskit._planning.power` takes from the comparison
registry.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from npskit._stats.normal import tail_probability, z_quantile

__all__ = [
    "PRUNE",
    "count_outcomes",
    "normal_power",
    "normal_size",
    "shifted_shares",
    "trinomial_outcomes",
]

Shares3 = tuple[float, float, float]
Array = np.ndarray[Any, Any]

PRUNE = 1e-15
"""Outcomes less likely than this are left out of the enumeration (mass dropped <= 1e-9)."""


def shifted_shares(baseline: Shares3, difference: float) -> Shares3:
    """The current shares after a change of ``difference`` points.

    Half of the change moves answers from detractor to promoter (raising the
    NPS) or back (lowering it), the passives unchanged: ``p + D/2``,
    ``d - D/2``. When that would empty the category that gives, the rest of
    the change comes from the passives.
    """
    d, s, p = baseline
    change = difference / 100.0
    if change >= 0:
        moved = min(d, change / 2.0)  # detractors turned promoters
        rest = change - 2.0 * moved  # passives turned promoters
        d1, s1, p1 = d - moved, s - rest, p + moved + rest
    else:
        moved = min(p, -change / 2.0)
        rest = -change - 2.0 * moved
        d1, s1, p1 = d + moved + rest, s - rest, p - moved
    if s1 < -1e-12:
        raise ValueError(
            f"difference={difference!r} cannot be reached from an NPS of "
            f"{100 * (p - d):.1f}: the NPS stays within -100..100"
        )
    s1 = max(s1, 0.0)
    return (d1, s1, p1)


def trinomial_outcomes(shares: Shares3, n: int) -> tuple[Array, Array]:
    """Every trinomial outcome with probability above ``PRUNE``: counts (k x 3) and pmf."""
    from scipy.special import gammaln, xlogy

    x_d, x_s = np.meshgrid(np.arange(n + 1.0), np.arange(n + 1.0), indexing="ij")
    x_d, x_s = x_d.ravel(), x_s.ravel()
    x_p = n - x_d - x_s
    keep = x_p >= 0
    x_d, x_s, x_p = x_d[keep], x_s[keep], x_p[keep]
    log_pmf = (
        gammaln(n + 1.0)
        - gammaln(x_d + 1.0)
        - gammaln(x_s + 1.0)
        - gammaln(x_p + 1.0)
        + xlogy(x_d, shares[0])
        + xlogy(x_s, shares[1])
        + xlogy(x_p, shares[2])
    )
    pmf = np.exp(log_pmf)
    likely = pmf > PRUNE
    return np.stack([x_d[likely], x_s[likely], x_p[likely]], axis=1), pmf[likely]


def count_outcomes(shares: Shares3, n: int) -> int:
    """How many outcomes :func:`trinomial_outcomes` keeps, without building the pmf for large n."""
    return int(trinomial_outcomes(shares, n)[0].shape[0])


def normal_power(
    shares0: Shares3,
    shares1: Shares3,
    n0: float,
    n1: float,
    *,
    confidence_level: float,
    alternative: str,
) -> float:
    """Large-sample power of the three tests: ``Phi(|Delta|/sigma - z)``, two tails if two-sided."""
    from scipy.special import ndtr

    delta0 = shares0[2] - shares0[0]
    delta1 = shares1[2] - shares1[0]
    var0 = shares0[2] + shares0[0] - delta0**2
    var1 = shares1[2] + shares1[0] - delta1**2
    sigma = math.sqrt(max(var0, 0.0) / n0 + max(var1, 0.0) / n1)
    change = delta1 - delta0
    critical = z_quantile(tail_probability(confidence_level, alternative))
    if alternative == "two-sided":
        if sigma == 0.0:
            return 1.0 if change != 0.0 else 0.0
        return float(ndtr(change / sigma - critical) + ndtr(-change / sigma - critical))
    signed = change if alternative == "greater" else -change
    if sigma == 0.0:
        return 1.0 if signed > 0.0 else 0.0
    return float(ndtr(signed / sigma - critical))


def normal_size(shares0: Shares3, shares1: Shares3, level: float, target: float, side: str) -> int:
    """The normal-approximation size per period, at least 1 (the search's start)."""
    delta0, delta1 = shares0[2] - shares0[0], shares1[2] - shares1[0]
    variance = (shares0[2] + shares0[0] - delta0**2) + (shares1[2] + shares1[0] - delta1**2)
    z = z_quantile(tail_probability(level, side)) + z_quantile(1.0 - target)
    return max(1, math.ceil(z * z * max(variance, 1e-12) / (delta1 - delta0) ** 2))
