"""Bootstrap intervals for one NPS: percentile and BCa, resampling the counts.

Resampling ``n`` answers with replacement from a sample with counts
``(D, S, P)`` is the same as drawing the counts of a resample from
``Multinomial(n, (D/n, S/n, P/n))``, so the bootstrap never touches the
answers and costs the same at any n.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["bootstrap_bounds"]


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

    generator = np.random.default_rng(rng)
    n = d + s + p
    shares = np.array([d, s, p]) / n
    trials = max(1, round(n))
    draws = generator.multinomial(trials, shares, size=n_resamples)
    replicates = (draws[:, 2] - draws[:, 0]) / trials
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
