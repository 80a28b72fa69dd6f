"""``trend`` of a share or mean metric (CSAT, CES, ...): counting, changes, series tests.

Periods are counted per answer point in one pass (:func:`npskit.histogram_by`
over the period codes of :mod:`npskit._trend.calendar`); every period's
interval (:func:`npskit._intervals.metric_arrays.metric_interval_arrays`) and
every change (:func:`npskit._compare.metric_arrays.metric_difference_arrays`)
is computed for all periods at once.

Series tests, on the scores :math:`x_j` of the metric (0/1 for a share, the
answer for a mean), with :math:`\\hat\\theta_i` the mean score of period
:math:`i`, :math:`s_i^2` its score variance and :math:`n_i` its (effective)
number of answers:

- Cochran's heterogeneity Q (Cochran 1954, doi:10.2307/3001666),
  :math:`Q = \\sum w_i (\\hat\\theta_i - \\bar\\theta_w)^2` with
  :math:`w_i = n_i / s_i^2` (a period without spread gets the pooled
  variance), against :math:`\\chi^2_{k-1}`;
- the linear trend by weighted least squares with the variance *under H0*
  (every period with the pooled score variance :math:`\\sigma_0^2`):
  :math:`b = \\sum n_i (t_i - \\bar t)(\\hat\\theta_i - \\bar\\theta) / S_{tt}`,
  :math:`\\mathrm{se} = \\sqrt{\\sigma_0^2 / S_{tt}}`, :math:`z = b/\\mathrm{se}`.
  For a share this is the Cochran-Armitage test for trend in proportions
  (Armitage 1955, doi:10.2307/3001775), the construction the NPS trend uses
  since issue 13; for a mean it is its analogue for scores.
"""

from __future__ import annotations

import math
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
    check_rng,
)
from npskit._counting.histogram_by import histogram_by
from npskit._intervals.metric_arrays import metric_effective_counts, metric_interval_arrays
from npskit._intervals.metric_methods import check_metric_interval_method
from npskit._stats.multiplicity import adjust_pvalues
from npskit.typing import Frequency, NanPolicy, PAdjustMethod

from .calendar import bucket, calendar, warn_if_dates
from .metric_results import MetricTrend, MetricTrendRow
from .results import LinearTrendTest, OmnibusTest

__all__ = ["metric_series_tests", "trend_metric"]

Floats = npt.NDArray[np.float64]


def trend_metric(
    scores: Any,
    periods: Any,
    metric: Metric,
    *,
    period: str | None,
    freq: object,
    weights: Any,
    confidence_level: float,
    interval_method: object,
    compare_method: object,
    p_adjust: object,
    nan_policy: NanPolicy,
    rng: Any,
    n_resamples: int,
) -> MetricTrend:
    """:func:`npskit.trend` of a share or mean metric: validation, counting, computing."""
    chosen_freq: Frequency | None = (
        None if freq is None else check_choice("freq", freq, get_args(Frequency))
    )
    level = check_confidence_level(confidence_level)
    interval = check_metric_interval_method(metric, interval_method)
    versus = check_metric_compare_method(metric, compare_method)
    adjust: PAdjustMethod = check_choice("p_adjust", p_adjust, get_args(PAdjustMethod))
    resamples = check_n_resamples(n_resamples, method=interval)
    generator = check_rng(rng)
    if isinstance(scores, (Tally, GroupedTally)):
        raise TypeError(
            f"scores is a {type(scores).__name__} (NPS categories), which cannot give the "
            f"{metric.name!r} metric: pass the answers, or a GroupedHistogram"
        )
    starts: list[Any]
    size = 0
    if isinstance(scores, GroupedHistogram):
        if periods is not None or weights is not None:
            raise TypeError(
                "periods and weights must be None when scores is a GroupedHistogram (already "
                "counted)"
            )
        if len(scores.names) != 1 or (period is not None and period != scores.names[0]):
            raise ValueError(
                f"a GroupedHistogram for trend must have one key column, the periods; its key "
                f"columns are {scores.names!r}"
            )
        if (scores.low, scores.high) != (metric.low, metric.high):
            raise ValueError(
                f"scores is a GroupedHistogram on {scores.low}..{scores.high} but the metric "
                f"{metric.name!r} is on {metric.low}..{metric.high}"
            )
        grouped = scores
        present = [i for i, (key,) in enumerate(grouped.keys) if key is not None]
        labels = [grouped.keys[i][0] for i in present]
        starts = [None] * len(labels)
        rows = np.asarray(present, dtype=np.intp)
    else:
        if periods is None:
            raise TypeError("periods is required: the period of each answer")
        if chosen_freq is None:
            grouped = histogram_by(
                scores, periods, metric=metric, weights=weights, nan_policy=nan_policy
            )
            warn_if_dates([key for (key,) in grouped.keys])
            present = [i for i, (key,) in enumerate(grouped.keys) if key is not None]
            labels = [grouped.keys[i][0] for i in present]
            starts = [None] * len(labels)
            rows = np.asarray(present, dtype=np.intp)
        else:
            codes, first, size = bucket(periods, chosen_freq)
            grouped = histogram_by(
                scores, codes, metric=metric, weights=weights, nan_policy=nan_policy
            )
            labels, starts = calendar(first, size, chosen_freq)
            starts = list(starts)
            position = {key: i for i, (key,) in enumerate(grouped.keys)}
            rows = np.array([position.get(code, -1) for code in range(size)], dtype=np.intp)
    missing_key = None if chosen_freq is None or isinstance(scores, GroupedHistogram) else size
    n_missing_period = sum(
        int(grouped.responses[i] + grouped.n_missing[i])
        for i, (key,) in enumerate(grouped.keys)
        if (key is None if missing_key is None else key == missing_key)
    )
    counts, squares, responses, n_missing = _period_arrays(grouped, rows)
    if not (counts.sum(axis=1) > 0).any():
        raise EmptyDataError(
            "no answer has both a value and a period, so there is no trend to compute"
        )
    estimate, low, high = metric_interval_arrays(
        counts,
        squares,
        responses,
        metric,
        confidence_level=level,
        interval_method=interval,
        n_resamples=resamples,
        rng=generator,
    )
    n = counts.sum(axis=1)
    filled = n > 0
    effective = np.zeros_like(counts)
    effective[filled] = metric_effective_counts(
        counts[filled], None if squares is None else squares[filled], responses[filled], metric
    )
    answered = np.flatnonzero(filled)
    before, after = answered[:-1], answered[1:]
    change = estimate[after] - estimate[before]
    c_low, c_high, pvalue = metric_difference_arrays(
        effective[before],
        effective[after],
        change,
        metric,
        compare_method=versus,
        confidence_level=level,
    )
    adjusted = adjust_pvalues(pvalue, p_adjust=adjust)
    step = {int(j): k for k, j in enumerate(after)}
    table = []
    for i, label in enumerate(labels):
        k = step.get(i)
        has = bool(filled[i])
        table.append(
            MetricTrendRow(
                period=label,
                start=starts[i],
                n=int(responses[i]),
                n_missing=int(n_missing[i]),
                estimate=float(estimate[i]) if has else None,
                low=float(low[i]) if has else None,
                high=float(high[i]) if has else None,
                previous=None if k is None else labels[int(before[k])],
                change=None if k is None else float(change[k]),
                change_low=None if k is None else float(c_low[k]),
                change_high=None if k is None else float(c_high[k]),
                pvalue=None if k is None else float(pvalue[k]),
                pvalue_adjusted=None if k is None else float(adjusted[k]),
                significant=None if k is None else bool(adjusted[k] < 1.0 - level),
            )
        )
    omnibus, linear = metric_series_tests(effective[answered], answered, metric, level)
    return MetricTrend(
        tuple(table),
        metric=metric,
        freq=chosen_freq,
        compare_method=versus if len(answered) > 1 else None,
        interval_method=interval,
        confidence_level=level,
        p_adjust=adjust,
        n_missing_period=n_missing_period,
        omnibus=omnibus,
        linear_trend=linear,
    )


def _period_arrays(
    grouped: GroupedHistogram, rows: npt.NDArray[np.intp]
) -> tuple[Floats, Floats | None, npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Counts, squared weights, answers and missing answers per period (zeros where absent)."""
    absent = rows < 0
    take = np.where(absent, 0, rows)
    counts = np.asarray(grouped.counts, dtype=np.float64)[take]
    counts[absent] = 0.0
    squares = None
    if grouped.squared_weights is not None:
        squares = grouped.squared_weights[take].copy()
        squares[absent] = 0.0
    responses = np.where(absent, 0, grouped.responses[take])
    n_missing = np.where(absent, 0, grouped.n_missing[take])
    return counts, squares, responses, n_missing


def metric_series_tests(
    effective: Floats, index: Any, metric: Metric, level: float
) -> tuple[OmnibusTest, LinearTrendTest]:
    """Cochran's Q and the linear trend under H0 of periods' effective counts (module docs)."""
    from scipy.special import chdtrc, ndtr, ndtri

    nan = math.nan
    k = len(effective)
    if k < 2:
        return (
            OmnibusTest(statistic=nan, df=0, pvalue=nan),
            LinearTrendTest(
                slope=nan, standard_error=nan, low=nan, high=nan, statistic=nan, pvalue=nan
            ),
        )
    x = metric.scores()
    n = effective.sum(axis=1)
    theta = (effective @ x) / n
    spread = (effective @ (x * x)) / n - theta**2
    size = float(n.sum())
    centre = float(n @ theta) / size
    sigma2 = max(float(effective.sum(axis=0) @ (x * x)) / size - centre**2, 0.0)
    tiny = 1e-12 * max(1.0, float(np.max(x * x)))
    spread = np.where(spread > tiny, spread, sigma2)
    if sigma2 <= tiny or not np.all(spread > tiny):
        zero = LinearTrendTest(
            slope=0.0, standard_error=0.0, low=0.0, high=0.0, statistic=0.0, pvalue=1.0
        )
        return OmnibusTest(statistic=0.0, df=k - 1, pvalue=1.0), zero
    w = n / spread
    pooled = float(np.sum(w * theta) / np.sum(w))
    q = float(np.sum(w * (theta - pooled) ** 2))
    omnibus = OmnibusTest(statistic=q, df=k - 1, pvalue=float(chdtrc(k - 1, q)))
    t = np.asarray(index, dtype=np.float64)
    t_bar = float(n @ t) / size
    stt = float(n @ (t - t_bar) ** 2)
    slope = float(n @ ((t - t_bar) * (theta - centre))) / stt
    se = math.sqrt(sigma2 / stt)
    z = slope / se
    half = float(ndtri(0.5 + level / 2)) * se
    factor = metric.factor
    linear = LinearTrendTest(
        slope=factor * slope,
        standard_error=factor * se,
        low=factor * (slope - half),
        high=factor * (slope + half),
        statistic=z,
        pvalue=float(min(1.0, 2.0 * ndtr(-abs(z)))),
    )
    return omnibus, linear
