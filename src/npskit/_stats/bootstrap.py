"""Bootstrap intervals for one NPS (percentile and BCa) and for a difference (percentile).

Resampling ``n`` answers with replacement from a sample with counts
``(D, S, P)`` is the same as drawing the counts of a resample from
``Multinomial(n, (D/n, S/n, P/n))``, so the bootstrap never touches the
answers and costs the same at any n.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from npskit._stats.normal import signed_ratio

__all__ = ["bootstrap_bounds", "bootstrap_difference", "resampled_nps"]

Counts = tuple[float, float, float]


def resampled_nps(
    d: float, s: float, p: float, *, n_resamples: int, rng: np.random.Generator
) -> np.ndarray[Any, Any]:
    """NPS (shares) of ``n_resamples`` multinomial resamples of the counts.

    Fractional (effective) counts are resampled with ``round(n)`` answers, at
    least 1.
    """
    n = d + s + p
    trials = max(1, round(n))
    draws = rng.multinomial(trials, np.array([d, s, p]) / n, size=n_resamples)
    replicates: np.ndarray[Any, Any] = (draws[:, 2] - draws[:, 0]) / trials
    return replicates


def bootstrap_bounds(
    d: float,
    s: float,
    p: float,
    alpha: float,
    *,
    kind: str,
    n_resamples: int,
    rng: Any,
) -> tuple[float, float]:
    """Lower and upper bootstrap bounds with tail probability ``alpha`` each.

    ``kind`` is ``"percentile"`` or ``"bca"``. Shares, not points. Fractional
    (effective) counts are resampled with ``round(n)`` answers, at least 1.
    """
    from scipy.special import ndtr, ndtri

    n = d + s + p
    replicates = resampled_nps(d, s, p, n_resamples=n_resamples, rng=np.random.default_rng(rng))
    estimate = (p - d) / n
    levels = np.array([alpha, 1.0 - alpha])
    if kind == "bca":
        below = np.count_nonzero(replicates < estimate)
        ties = np.count_nonzero(replicates == estimate)
        # Mid-rank: replicates of a discrete statistic often tie the estimate.
        z0 = float(ndtri((below + 0.5 * ties) / n_resamples))
        accel = _acceleration(d, s, p)
        z = ndtri(levels)
        shifted = z0 + z
        levels = ndtr(z0 + shifted / (1.0 - accel * shifted))
        if not np.all(np.isfinite(levels)):
            levels = np.array([alpha, 1.0 - alpha])
    low, high = np.quantile(replicates, levels)
    return float(low), float(high)


def _acceleration(d: float, s: float, p: float) -> float:
    """BCa acceleration from the jackknife, in closed form over the three categories.

    Leaving out one answer of value ``v`` (-1, 0 or +1) moves the NPS to
    ``(P - D - v) / (n - 1)``, so the jackknife deviations are proportional to
    ``v - nps`` and ``a = sum c_v (v - nps)^3 / (6 (sum c_v (v - nps)^2)^{3/2})``
    with ``c_v`` the counts (Efron 1987, eq. 6.6).
    """
    n = d + s + p
    mean = (p - d) / n
    deviations = np.array([-1.0 - mean, -mean, 1.0 - mean])
    counts = np.array([d, s, p])
    second = float(np.sum(counts * deviations**2))
    if second <= 0.0:
        return 0.0
    third = float(np.sum(counts * deviations**3))
    return third / (6.0 * math.pow(second, 1.5))


def bootstrap_difference(
    c0: Counts,
    c1: Counts,
    alpha: float,
    alternative: str,
    *,
    n_resamples: int,
    rng: np.random.Generator,
) -> tuple[float, float, float, float]:
    """Percentile bootstrap of ``current - baseline``: ``(low, high, statistic, pvalue)``.

    Each period's counts are resampled from their multinomial; the bounds
    are the ``alpha`` and ``1 - alpha`` quantiles of the resampled
    differences ``r`` (shares, unclipped). p-value: the percentile
    interval's own, ``(1 + #{r <= 0}) / (1 + B)`` for ``"greater"``,
    ``(1 + #{r >= 0}) / (1 + B)`` for ``"less"``, twice the smaller (at most
    1) for ``"two-sided"``. Statistic: the observed difference over the
    resamples' standard deviation.
    """
    generator = np.random.default_rng(rng)
    first, second = (
        resampled_nps(*counts, n_resamples=n_resamples, rng=generator) for counts in (c0, c1)
    )
    differences = second - first
    low, high = (float(v) for v in np.quantile(differences, [alpha, 1.0 - alpha]))
    at_most = (1.0 + float(np.count_nonzero(differences <= 0.0))) / (1.0 + n_resamples)
    at_least = (1.0 + float(np.count_nonzero(differences >= 0.0))) / (1.0 + n_resamples)
    if alternative == "greater":
        pvalue = at_most
    elif alternative == "less":
        pvalue = at_least
    else:
        pvalue = min(1.0, 2.0 * min(at_most, at_least))
    observed = (c1[2] - c1[0]) / sum(c1) - (c0[2] - c0[0]) / sum(c0)
    spread = float(np.std(differences, ddof=1)) if n_resamples > 1 else 0.0
    return low, high, float(signed_ratio(observed, spread)), pvalue
