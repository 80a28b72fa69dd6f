"""Comparing a share or mean metric between two independent samples.

The body of :func:`npskit.compare` when ``metric`` is not the NPS. Samples
become histograms (answers are counted), weighted ones their effective
counts of the linearization variance; the kernel of the chosen method
(:mod:`npskit._compare.metric_methods`) gives the interval and the test.
"""

from __future__ import annotations

from typing import Any, NamedTuple, get_args

import numpy as np

from npskit._core.metric import Metric
from npskit._core.validation import check_choice
from npskit._intervals.metric_arrays import metric_effective_counts
from npskit._intervals.metric_interval import as_histogram
from npskit._stats.consistency import consistent_pvalue, contain_estimate
from npskit._stats.normal import open_sides, tail_probability
from npskit.typing import Alternative, NanPolicy

from .metric_methods import COMPARE_METHODS_BY_KIND, check_metric_compare_method

__all__ = ["MetricComparison", "metric_compare"]


class MetricComparison(NamedTuple):
    """The fields of a :class:`npskit.Comparison` of a share or mean metric."""

    baseline: float
    current: float
    difference: float
    low: float
    high: float
    statistic: float
    pvalue: float
    compare_method: str
    interval_method: str
    alternative: str
    n_baseline: int
    n_current: int
    effective_n_baseline: float
    effective_n_current: float
    n_missing_baseline: int
    n_missing_current: int


def metric_compare(
    baseline: Any,
    current: Any,
    metric: Metric,
    *,
    compare_method: object,
    alternative: object,
    confidence_level: float,
    nan_policy: NanPolicy,
) -> MetricComparison:
    """``current - baseline`` of ``metric`` (``confidence_level`` already validated)."""
    chosen = check_metric_compare_method(metric, compare_method)
    side = check_choice("alternative", alternative, get_args(Alternative))
    hists = [as_histogram(data, None, metric, nan_policy) for data in (baseline, current)]
    estimates = [h.score(metric) for h in hists]  # EmptyDataError for an empty sample
    effective = []
    for h in hists:
        values, squares = h.arrays()
        effective.append(
            metric_effective_counts(
                values[None, :], None if squares is None else squares[None, :], [h.n], metric
            )
        )
    entry = COMPARE_METHODS_BY_KIND[metric.kind][chosen]
    scores = metric.scores()
    outcome = entry.kernel(
        effective[0], effective[1], scores, tail_probability(confidence_level, side), side
    )
    factor = metric.factor
    difference = estimates[1] - estimates[0]
    lowest, highest = metric.bounds
    limit = (highest - lowest) / factor  # the largest possible difference, score units
    low, high = float(outcome.low[0]), float(outcome.high[0])
    if np.isnan(low):  # a mean with fewer than two answers on a side: no interval
        low, high = -limit, limit
    low, high = max(low, -limit), min(high, limit)
    low, high = contain_estimate(low, high, difference / factor)
    low, high = open_sides(low, high, side, limit=limit)
    low, high = contain_estimate(factor * float(low), factor * float(high), difference)
    statistic = float(outcome.statistic[0])
    pvalue = consistent_pvalue(float(outcome.pvalue[0]), difference, statistic, side)
    return MetricComparison(
        baseline=estimates[0],
        current=estimates[1],
        difference=difference,
        low=float(low),
        high=float(high),
        statistic=statistic,
        pvalue=float(pvalue),
        compare_method=chosen,
        interval_method=chosen,
        alternative=side,
        n_baseline=hists[0].n,
        n_current=hists[1].n,
        effective_n_baseline=hists[0].effective_n,
        effective_n_current=hists[1].effective_n,
        n_missing_baseline=hists[0].n_missing,
        n_missing_current=hists[1].n_missing,
    )
