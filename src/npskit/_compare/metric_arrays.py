"""Differences of a share or mean metric between rows of histograms, vectorised.

:func:`metric_difference_arrays` is the comparison behind ``breakdown``
(each segment vs the rest) and ``trend`` (each period vs the previous one)
for share and mean metrics: the kind's comparison kernel (Newcombe's hybrid
score interval or Agresti-Caffo for shares, Welch for means; see
:mod:`npskit._compare.metric_methods`) on many pairs at once, then the same
clipping and containment as :func:`npskit.compare`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._core.metric import Metric
from npskit._stats.consistency import consistent_pvalue, contain_estimate
from npskit._stats.normal import tail_probability

from .metric_methods import COMPARE_METHODS_BY_KIND

__all__ = ["metric_difference_arrays"]

Floats = npt.NDArray[np.float64]


def metric_difference_arrays(
    baseline: Any,
    current: Any,
    difference: Any,
    metric: Metric,
    *,
    compare_method: str,
    confidence_level: float,
) -> tuple[Floats, Floats, Floats]:
    """Two-sided interval and p-value of ``current - baseline``, every row, reported units.

    ``baseline`` and ``current`` are effective counts per answer point,
    shape ``(rows, points)``, every row with answers on both sides;
    ``difference`` the estimated differences in reported units. A mean
    with fewer than two answers on a side has no interval: it gets the
    widest possible one and p-value 1.
    """
    c0 = np.atleast_2d(np.asarray(baseline, dtype=np.float64))
    c1 = np.atleast_2d(np.asarray(current, dtype=np.float64))
    d = np.asarray(difference, dtype=np.float64)
    kernel = COMPARE_METHODS_BY_KIND[metric.kind][compare_method].kernel
    alpha = tail_probability(confidence_level, "two-sided")
    with np.errstate(invalid="ignore", divide="ignore"):
        outcome = kernel(c0, c1, metric.scores(), alpha, "two-sided")
    factor = metric.factor
    lowest, highest = metric.bounds
    limit = (highest - lowest) / factor  # the largest possible difference, score units
    low = np.asarray(outcome.low, dtype=np.float64)
    high = np.asarray(outcome.high, dtype=np.float64)
    undefined = np.isnan(low) | np.isnan(high)
    low = np.clip(np.where(undefined, -limit, low), -limit, limit)
    high = np.clip(np.where(undefined, limit, high), -limit, limit)
    low, high = contain_estimate(factor * low, factor * high, d)
    statistic = np.asarray(outcome.statistic, dtype=np.float64)
    p = np.asarray(outcome.pvalue, dtype=np.float64)
    p = np.where(np.isnan(p), 1.0, p)
    pvalue = np.asarray(consistent_pvalue(p, d, statistic, "two-sided"), dtype=np.float64)
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64), pvalue
