"""``breakdown`` of a share or mean metric (CSAT, CES, ...): the computation.

Every segment's estimate and interval come from
:func:`npskit._intervals.metric_arrays.metric_interval_arrays` and every
segment-vs-rest difference from the metric kind's comparison kernel
(Newcombe's hybrid score interval for shares, Welch for means), both
vectorised over the segments: the rest of segment ``s`` is the total minus
``s``, counts per answer point. Multiplicity, impact and the small flag are
those of the NPS breakdown (see :func:`npskit.breakdown`).
"""

from __future__ import annotations

from typing import Any, get_args

import numpy as np
import numpy.typing as npt

from npskit._compare.metric_arrays import metric_difference_arrays
from npskit._compare.metric_methods import check_metric_compare_method
from npskit._core.errors import EmptyDataError
from npskit._core.grouped import GroupedTally
from npskit._core.grouped_histogram import GroupedHistogram
from npskit._core.metric import Metric
from npskit._core.tally import Tally
from npskit._core.validation import (
    check_choice,
    check_confidence_level,
    check_n_resamples,
    check_positive_int,
    check_rng,
)
from npskit._counting.histogram_by import histogram_by
from npskit._intervals.metric_arrays import metric_effective_counts, metric_interval_arrays
from npskit._intervals.metric_methods import check_metric_interval_method
from npskit._stats.effective import kish_effective_counts
from npskit._stats.multiplicity import adjust_pvalues
from npskit.typing import CompareTo, MissingKeys, NanPolicy, PAdjustMethod, SortBy

from .metric_results import (
    _VALUE_FIELDS,
    MetricBreakdown,
    MetricBreakdownRow,
    MetricBreakdownTotal,
)
from .metric_shrinkage import shrink_metric
from .shrinkage import unique_key_names

__all__ = ["breakdown_metric", "metric_breakdown", "metric_segment_statistics", "rest_of"]

Floats = npt.NDArray[np.float64]


def rest_of(
    counts: Floats, squares: Floats | None, responses: npt.NDArray[Any]
) -> tuple[Floats, Floats | None, npt.NDArray[Any]]:
    """Counts (and squared weights, answers) of every segment's rest: the total minus it."""
    total = counts.sum(axis=0)
    rest = total[None, :] - counts
    rest_squares = None
    if squares is not None:  # floating sums: clear the rounding residue of absent answers
        rest[rest < 1e-9 * max(float(total.sum()), 1.0)] = 0.0
        rest_squares = squares.sum(axis=0)[None, :] - squares
        rest_squares[rest == 0.0] = 0.0
    return rest, rest_squares, responses.sum() - responses


def metric_segment_statistics(
    grouped: GroupedHistogram,
    metric: Metric,
    *,
    level: float,
    interval_method: str,
    compare_method: str,
    against: CompareTo,
    adjust: PAdjustMethod,
    n_resamples: int,
    rng: np.random.Generator | None,
) -> dict[str, Floats]:
    """Every per-segment statistic as arrays in key order, in the metric's reported units."""
    counts = np.asarray(grouped.counts, dtype=np.float64)
    squares = grouped.squared_weights
    responses = grouped.responses
    estimate, low, high = metric_interval_arrays(
        counts,
        squares,
        responses,
        metric,
        confidence_level=level,
        interval_method=interval_method,
        n_resamples=n_resamples,
        rng=rng,
    )
    rest, rest_squares, rest_responses = rest_of(counts, squares, responses)
    scores = metric.scores()
    factor = metric.factor
    n = counts.sum(axis=1)
    rest_n = rest.sum(axis=1)
    total_n = float(n.sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        rest_estimate = np.where(rest_n > 0, factor * (rest @ scores) / rest_n, np.nan)
    total_estimate = factor * float(counts.sum(axis=0) @ scores) / total_n
    difference = estimate - rest_estimate
    d_low, d_high, pvalue = (np.full(len(n), np.nan) for _ in range(3))
    both = (n > 0) & (rest_n > 0)
    if both.any():
        seg_eff = metric_effective_counts(
            counts[both], None if squares is None else squares[both], responses[both], metric
        )
        rest_eff = metric_effective_counts(
            rest[both],
            None if rest_squares is None else rest_squares[both],
            rest_responses[both],
            metric,
        )
        d_low[both], d_high[both], pvalue[both] = metric_difference_arrays(
            rest_eff,
            seg_eff,
            difference[both],
            metric,
            compare_method=compare_method,
            confidence_level=level,
        )
    weight = n / total_n
    if against == "total":
        shrink_by = 1.0 - weight
        difference, d_low, d_high = difference * shrink_by, d_low * shrink_by, d_high * shrink_by
    difference = np.where(np.isnan(pvalue), np.nan, difference)
    return {
        "n": n,
        "effective_n": kish_effective_counts(counts, squares)[1],
        "share_of_total": weight,
        "estimate": estimate,
        "low": low,
        "high": high,
        "difference": difference,
        "difference_low": d_low,
        "difference_high": d_high,
        "pvalue": pvalue,
        "pvalue_adjusted": adjust_pvalues(pvalue, p_adjust=adjust),
        "impact": total_estimate - rest_estimate,
    }


def metric_breakdown(
    grouped: GroupedHistogram,
    metric: Metric,
    *,
    level: float,
    interval_method: str,
    compare_method: str,
    against: CompareTo,
    adjust: PAdjustMethod,
    threshold: int,
    order: SortBy | None,
    ascending: bool,
    n_resamples: int,
    rng: np.random.Generator | None,
    shrinkage: bool = False,
) -> MetricBreakdown:
    """The :class:`MetricBreakdown` of ``grouped`` (options validated by the caller)."""
    total = grouped.total
    if total.weight_sum <= 0:
        raise EmptyDataError(
            f"breakdown needs answers, got none ({total.n_missing} missing left out"
            + (", or weights summing to 0)" if grouped.is_weighted else ")")
        )
    columns = metric_segment_statistics(
        grouped,
        metric,
        level=level,
        interval_method=interval_method,
        compare_method=compare_method,
        against=against,
        adjust=adjust,
        n_resamples=n_resamples,
        rng=rng,
    )
    fit = None
    if shrinkage or order == "shrunk":
        effective = metric_effective_counts(
            np.asarray(grouped.counts, dtype=np.float64),
            grouped.squared_weights,
            grouped.responses,
            metric,
        )
        fit, columns["shrunk_estimate"], columns["shrunk_low"], columns["shrunk_high"] = (
            shrink_metric(effective, metric, confidence_level=level)
        )
    alpha = 1.0 - level
    key_names = unique_key_names(grouped.names, _VALUE_FIELDS)
    sums = grouped.counts.sum(axis=1).tolist()
    lists = {name: values.tolist() for name, values in columns.items()}
    shrunk = ("shrunk_estimate", "shrunk_low", "shrunk_high")
    rows = [
        MetricBreakdownRow(
            key=key,
            key_names=key_names,
            n=int(grouped.responses[i]),
            weight_sum=sums[i],
            effective_n=lists["effective_n"][i],
            n_missing=int(grouped.n_missing[i]),
            share_of_total=lists["share_of_total"][i],
            estimate=lists["estimate"][i],
            low=lists["low"][i],
            high=lists["high"][i],
            difference=lists["difference"][i],
            difference_low=lists["difference_low"][i],
            difference_high=lists["difference_high"][i],
            pvalue=lists["pvalue"][i],
            pvalue_adjusted=lists["pvalue_adjusted"][i],
            significant=bool(lists["pvalue_adjusted"][i] < alpha),
            small=bool(lists["effective_n"][i] < threshold),
            impact=lists["impact"][i],
            **{name: lists[name][i] for name in shrunk if name in lists},
        )
        for i, key in enumerate(grouped.keys)
    ]
    if order is not None:
        rows = _sorted(rows, order, ascending)
    counts, squares = total.arrays()
    estimate, low, high = metric_interval_arrays(
        counts[None, :],
        None if squares is None else squares[None, :],
        [total.n],
        metric,
        confidence_level=level,
        interval_method=interval_method,
        n_resamples=n_resamples,
        rng=rng,
    )
    return MetricBreakdown(
        rows=tuple(rows),
        names=grouped.names,
        total=MetricBreakdownTotal(
            n=total.n,
            weight_sum=total.weight_sum,
            effective_n=total.effective_n,
            n_missing=total.n_missing,
            estimate=float(estimate[0]),
            low=float(low[0]),
            high=float(high[0]),
        ),
        metric=metric,
        weighted=grouped.is_weighted,
        interval_method=interval_method,
        compare_method=compare_method,
        compare_to=against,
        confidence_level=level,
        p_adjust=adjust,
        min_n=threshold,
        sort=order,
        ascending=ascending,
        shrinkage=fit,
    )


_SORT_FIELD = {
    "nps": "estimate",
    "n": "n",
    "impact": "impact",
    "lower": "low",
    "shrunk": "shrunk_estimate",
}


def _sorted(
    rows: list[MetricBreakdownRow], by: SortBy, ascending: bool
) -> list[MetricBreakdownRow]:
    name = _SORT_FIELD[by]

    def value(row: MetricBreakdownRow) -> float:
        v = float(getattr(row, name))
        return v if ascending else -v

    present = [row for row in rows if not np.isnan(getattr(row, name))]
    absent = [row for row in rows if np.isnan(getattr(row, name))]
    return sorted(present, key=value) + absent


def breakdown_metric(
    scores: Any,
    by: Any,
    metric: Metric,
    *,
    data: Any,
    weights: Any,
    confidence_level: float,
    interval_method: object,
    compare_method: object,
    compare_to: object,
    p_adjust: object,
    min_n: int,
    shrinkage: bool,
    sort: object,
    ascending: bool,
    missing_keys: MissingKeys,
    nan_policy: NanPolicy,
    rng: Any,
    n_resamples: int,
) -> MetricBreakdown:
    """:func:`npskit.breakdown` of a share or mean metric: validation, counting, computing."""
    level = check_confidence_level(confidence_level)
    chosen = check_metric_interval_method(metric, interval_method)
    versus = check_metric_compare_method(metric, compare_method)
    against: CompareTo = check_choice("compare_to", compare_to, get_args(CompareTo))
    adjust: PAdjustMethod = check_choice("p_adjust", p_adjust, get_args(PAdjustMethod))
    threshold = check_positive_int("min_n", min_n, minimum=0)
    order: SortBy | None = None if sort is None else check_choice("sort", sort, get_args(SortBy))
    for name, flag in (("ascending", ascending), ("shrinkage", shrinkage)):
        if not isinstance(flag, bool):
            raise TypeError(f"{name} must be True or False, got {flag!r}")
    resamples = check_n_resamples(n_resamples, method=chosen)
    generator = check_rng(rng)
    if isinstance(scores, (Tally, GroupedTally)):
        raise TypeError(
            f"scores is a {type(scores).__name__} (NPS categories), which cannot give the "
            f"{metric.name!r} metric: pass the answers, or a GroupedHistogram"
        )
    if isinstance(scores, GroupedHistogram):
        if data is not None or weights is not None:
            raise TypeError(
                "data and weights must be None when scores is a GroupedHistogram (already counted)"
            )
        if (scores.low, scores.high) != (metric.low, metric.high):
            raise ValueError(
                f"scores is a GroupedHistogram on {scores.low}..{scores.high} but the metric "
                f"{metric.name!r} is on {metric.low}..{metric.high}"
            )
        grouped = scores
    else:
        if by is None:
            raise TypeError("by is required: the segment of each answer, or column names")
        grouped = histogram_by(
            scores,
            by,
            metric=metric,
            weights=weights,
            data=data,
            nan_policy=nan_policy,
            missing_keys=missing_keys,
        )
    return metric_breakdown(
        grouped,
        metric,
        level=level,
        interval_method=chosen,
        compare_method=versus,
        against=against,
        adjust=adjust,
        threshold=threshold,
        order=order,
        ascending=ascending,
        n_resamples=resamples,
        rng=generator,
        shrinkage=shrinkage,
    )
