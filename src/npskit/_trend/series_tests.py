"""Tests over a series of periods: Cochran's heterogeneity Q and the weighted linear trend."""

from __future__ import annotations

import math

import numpy as np

from npskit._core.tally import Tally

from .results import LinearTrendTest, OmnibusTest

__all__ = ["series_tests"]


def series_tests(tallies: list[Tally], level: float) -> tuple[OmnibusTest, LinearTrendTest]:
    """Cochran's heterogeneity Q and the weighted least-squares slope (see :func:`trend`)."""
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
    sizes = np.array([t.effective_n for t in present])
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
    t_bar = float(np.sum(w * index) / np.sum(w))
    sxx = float(np.sum(w * (index - t_bar) ** 2))
    slope = float(np.sum(w * (index - t_bar) * (theta - centre)) / sxx)
    se = 1.0 / math.sqrt(sxx)
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
