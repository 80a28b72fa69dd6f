"""Tests over a series of periods: Cochran's heterogeneity Q and the linear trend.

The linear-trend test weights each period by its variance *under the null*:
with every period sharing the pooled shares, period ``i``'s NPS has variance
``sigma0^2 / n_i`` with ``sigma0^2 = p + d - (p - d)^2`` of the pooled shares
(the Cochran-Armitage construction for scores -1, 0, +1). Weighting by each
period's own estimated variance instead (as before issue 13) treats noisy
variances as known and rejects 0.07-0.13 of the time at 20-50 answers per
period with no trend; see "Trends over periods" in the docs for the size and
power tables.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._core.tally import Tally
from npskit._stats.effective import linearized_effective_counts

from .results import LinearTrendTest, OmnibusTest

__all__ = ["null_trend", "series_tests"]

Floats = npt.NDArray[np.float64]


def null_trend(counts: Any, index: Any) -> tuple[Floats, Floats]:
    """Slope and its standard error under H0 of every series; vectorised.

    Parameters
    ----------
    counts : array_like, shape (..., k, 3)
        Effective counts of the ``k`` periods of each series (a period
        without answers has zero counts and drops out).
    index : array_like, shape (k,) or (..., k)
        The periods' positions ``t`` (0, 1, 2, ...).

    Returns
    -------
    slope, standard_error : numpy.ndarray, shape (...)
        In shares per period: ``b = sum n_i (t_i - t_bar)(theta_i - theta_bar)
        / S_tt`` with ``S_tt = sum n_i (t_i - t_bar)^2`` and
        ``se = sqrt(sigma0^2 / S_tt)``, means weighted by ``n_i``; NaN where
        fewer than two periods have answers, se 0 where the pooled shares have
        no variance.

    Examples
    --------
    Two periods of 100 answers, NPS 0 then +10 (shares 0.3/0.4/0.3 and
    0.25/0.4/0.35): pooled shares 0.275/0.4/0.325, sigma0^2 = 0.6 - 0.05^2
    = 0.5975, S_tt = 100 * 0.25 + 100 * 0.25 = 50, se = sqrt(0.5975/50).

    >>> slope, se = null_trend([[30.0, 40.0, 30.0], [25.0, 40.0, 35.0]], [0.0, 1.0])
    >>> round(float(slope), 6), round(float(se), 6)
    (0.1, 0.109316)
    """
    c: Floats = np.asarray(counts, dtype=np.float64)
    t = np.broadcast_to(np.asarray(index, dtype=np.float64), c.shape[:-1])
    n = c.sum(axis=-1)
    present = n > 0
    size = np.sum(n, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        theta = np.where(present, (c[..., 2] - c[..., 0]) / np.where(present, n, 1.0), 0.0)
        pooled = c.sum(axis=-2) / size[..., None]
        centre = pooled[..., 2] - pooled[..., 0]
        sigma2 = np.maximum(pooled[..., 2] + pooled[..., 0] - centre**2, 0.0)
        t_bar = np.sum(n * t, axis=-1) / size
        dt = t - t_bar[..., None]
        stt = np.sum(n * dt**2, axis=-1)
        slope = np.sum(n * dt * (theta - centre[..., None]), axis=-1) / stt
        se = np.sqrt(sigma2 / stt)
    enough = np.sum(present, axis=-1) >= 2
    return np.where(enough, slope, np.nan), np.where(enough, se, np.nan)


def series_tests(tallies: list[Tally], level: float) -> tuple[OmnibusTest, LinearTrendTest]:
    """Cochran's heterogeneity Q and the linear trend under H0 (see :func:`trend`).

    Weighted periods enter with the effective n of the linearization variance
    (:mod:`npskit._stats.effective`).
    """
    from scipy.special import chdtrc, ndtr, ndtri

    index = np.array([i for i, t in enumerate(tallies) if t.weight_sum > 0], dtype=np.float64)
    present = [t for t in tallies if t.weight_sum > 0]
    nan = math.nan
    if len(present) < 2:
        return (
            OmnibusTest(statistic=nan, df=0, pvalue=nan),
            LinearTrendTest(
                slope=nan, standard_error=nan, low=nan, high=nan, statistic=nan, pvalue=nan
            ),
        )
    counts = np.array([[t.detractors, t.passives, t.promoters] for t in present], dtype=float)
    squares = None
    if any(t.is_weighted for t in present):
        squares = np.array([t._squares() for t in present], dtype=float)
    answers = np.array([t.n for t in present], dtype=float)
    sizes = linearized_effective_counts(counts, squares, answers)[1]
    shares = counts / counts.sum(axis=1, keepdims=True)
    theta = shares[:, 2] - shares[:, 0]
    spread = shares[:, 2] + shares[:, 0] - theta**2
    pooled = (shares * sizes[:, None]).sum(axis=0) / sizes.sum()
    pooled_spread = pooled[2] + pooled[0] - (pooled[2] - pooled[0]) ** 2
    spread = np.where(spread > 1e-15, spread, pooled_spread)
    df = len(present) - 1
    if not np.all(spread > 1e-15):
        return (
            OmnibusTest(statistic=0.0, df=df, pvalue=1.0),
            LinearTrendTest(
                slope=0.0, standard_error=0.0, low=0.0, high=0.0, statistic=0.0, pvalue=1.0
            ),
        )
    w = sizes / spread
    centre = float(np.sum(w * theta) / np.sum(w))
    q = float(np.sum(w * (theta - centre) ** 2))
    omnibus = OmnibusTest(statistic=q, df=df, pvalue=float(chdtrc(df, q)))
    effective = shares * sizes[:, None]
    slope_array, se_array = null_trend(effective, index)
    slope, se = float(slope_array), float(se_array)
    z = slope / se
    half = float(ndtri(0.5 + level / 2)) * se
    linear = LinearTrendTest(
        slope=100.0 * slope,
        standard_error=100.0 * se,
        low=100.0 * (slope - half),
        high=100.0 * (slope + half),
        statistic=z,
        pvalue=float(min(1.0, 2.0 * ndtr(-abs(z)))),
    )
    return omnibus, linear
