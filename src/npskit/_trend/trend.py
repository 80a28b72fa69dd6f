"""NPS over a series of periods: ``trend``.

Counting is one vectorised pass: dates are bucketed into integer period codes
(:mod:`npskit._trend.calendar`) and :func:`npskit.tally_by` counts every period
with one ``bincount``. Everything after that works on the period tallies, so
its cost depends on the number of periods only.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Literal, overload

from npskit._compare.methods import DEFAULT_COMPARE_METHOD
from npskit._core.grouped import GroupedTally
from npskit._core.grouped_histogram import GroupedHistogram
from npskit._core.metric import Metric, as_metric
from npskit._core.scale import STANDARD_SCALE, Scale
from npskit._core.tally import Tally
from npskit._counting.tally_by import tally_by
from npskit._intervals.methods import DEFAULT_INTERVAL_METHOD
from npskit.typing import (
    CompareMethod,
    Frequency,
    IntervalMethod,
    MeanCompareMethod,
    MeanIntervalMethod,
    MetricName,
    NanPolicy,
    PAdjustMethod,
    ShareCompareMethod,
    ShareIntervalMethod,
)

from .assemble import build_from, build_trend_of, builder, trend_from_tallies
from .calendar import (
    bucket,
    calendar,
    check_lengths,
    empty_tally,
    period_column,
    warn_if_dates,
)
from .metric_results import MetricTrend
from .metric_trend import trend_metric
from .options import check_options
from .results import Trend
from .segment_results import SegmentTrends
from .segmented import answer_segments, grouped_segments

__all__ = ["trend", "trend_from_tallies"]


@overload
def trend(
    scores: Any,
    periods: Any = ...,
    *,
    period: str | None = ...,
    freq: Frequency | None = ...,
    by: None = None,
    weights: Any = ...,
    confidence_level: float = ...,
    interval_method: IntervalMethod | ShareIntervalMethod | MeanIntervalMethod | None = ...,
    compare_method: CompareMethod | ShareCompareMethod | MeanCompareMethod | None = ...,
    p_adjust: PAdjustMethod = ...,
    scale: Scale = ...,
    nan_policy: NanPolicy = ...,
    rng: Any = ...,
    n_resamples: int = ...,
    metric: Literal["nps"] = "nps",
) -> Trend: ...


@overload
def trend(
    scores: Any,
    periods: Any = ...,
    *,
    period: str | None = ...,
    freq: Frequency | None = ...,
    by: Any,
    weights: Any = ...,
    confidence_level: float = ...,
    interval_method: IntervalMethod | ShareIntervalMethod | MeanIntervalMethod | None = ...,
    compare_method: CompareMethod | ShareCompareMethod | MeanCompareMethod | None = ...,
    p_adjust: PAdjustMethod = ...,
    scale: Scale = ...,
    nan_policy: NanPolicy = ...,
    rng: Any = ...,
    n_resamples: int = ...,
    metric: Literal["nps"] = "nps",
) -> SegmentTrends: ...


@overload
def trend(
    scores: Any,
    periods: Any = ...,
    *,
    period: str | None = ...,
    freq: Frequency | None = ...,
    by: None = None,
    weights: Any = ...,
    confidence_level: float = ...,
    interval_method: IntervalMethod | ShareIntervalMethod | MeanIntervalMethod | None = ...,
    compare_method: CompareMethod | ShareCompareMethod | MeanCompareMethod | None = ...,
    p_adjust: PAdjustMethod = ...,
    scale: Scale = ...,
    nan_policy: NanPolicy = ...,
    rng: Any = ...,
    n_resamples: int = ...,
    metric: Literal["csat", "ces", "ces-easy"],
) -> MetricTrend: ...


@overload
def trend(
    scores: Any,
    periods: Any = ...,
    *,
    period: str | None = ...,
    freq: Frequency | None = ...,
    by: Any = ...,
    weights: Any = ...,
    confidence_level: float = ...,
    interval_method: IntervalMethod | ShareIntervalMethod | MeanIntervalMethod | None = ...,
    compare_method: CompareMethod | ShareCompareMethod | MeanCompareMethod | None = ...,
    p_adjust: PAdjustMethod = ...,
    scale: Scale = ...,
    nan_policy: NanPolicy = ...,
    rng: Any = ...,
    n_resamples: int = ...,
    metric: Metric | MetricName = ...,
) -> Trend | SegmentTrends | MetricTrend: ...


def trend(
    scores: Any,
    periods: Any = None,
    *,
    period: str | None = None,
    freq: Frequency | None = None,
    by: Any = None,
    weights: Any = None,
    confidence_level: float = 0.95,
    interval_method: IntervalMethod | ShareIntervalMethod | MeanIntervalMethod | None = None,
    compare_method: CompareMethod | ShareCompareMethod | MeanCompareMethod | None = None,
    p_adjust: PAdjustMethod = "holm",
    scale: Scale = STANDARD_SCALE,
    nan_policy: NanPolicy = "omit",
    rng: Any = None,
    n_resamples: int = 10_000,
    metric: Metric | MetricName = "nps",
) -> Trend | SegmentTrends | MetricTrend:
    """NPS (or CSAT, CES) per period, with each change from the previous period and series tests.

    Parameters
    ----------
    scores : array_like or GroupedTally
        Answers on the scale, as for :func:`npskit.tally` (one array), or a
        :class:`npskit.GroupedTally` already counted (e.g. from
        :func:`npskit.tally_by` or :func:`npskit.from_counts_table`); then
        ``period`` names its period column, ``periods`` is left out and
        ``weights``, ``scale`` and ``nan_policy`` do not apply.
    periods : array_like
        The period of each answer. Without ``freq``: any sortable keys
        (integers, text such as ``"2026-03"``, dates), one period per
        distinct key. With ``freq``: dates or datetimes (numpy
        ``datetime64``, Python ``datetime``/``date`` objects, ISO 8601 text,
        pandas or polars date/datetime series; time-zone aware pandas and
        polars datetimes are bucketed by their local wall-clock date).
    period : str, optional
        With a GroupedTally: the name of its key column holding the periods;
        the counts are summed over its other key columns (agent x month
        counts give the trend of all agents together). May be left out when
        the GroupedTally has one key column.
    freq : {"day", "week", "month", "quarter", "year"}, optional
        Bucket dates into calendar periods. Weeks are ISO 8601 weeks, from
        Monday to Sunday, labelled ``"2026-W09"`` by ISO year and week;
        quarters start in January, April, July and October.
    by : array_like, sequence of array_like, str or sequence of str, optional
        One trend per segment: the segment of each answer (one key array, or
        several for a cross of segments, as for :func:`npskit.tally_by`), or
        with a GroupedTally the name(s) of its segment key columns. The
        result is then a :class:`SegmentTrends`, whose trend of each segment
        is the :class:`Trend` this function gives for that segment's answers
        alone (its own first to last period). For the segments of each
        period instead, use :func:`npskit.breakdown` with ``freq``.
    weights : array_like, optional
        Survey weights, as for :func:`npskit.tally`.
    confidence_level : float, default 0.95
        Level of every interval, and ``1 - confidence_level`` is the level at
        which an adjusted p-value flags a change as significant.
    interval_method : str, optional
        Method of each period's interval (see
        :func:`npskit.confidence_interval`); by default the metric's:
        ``"adjusted-wald"`` for NPS, ``"agresti-coull"`` for a share,
        ``"scaled-wilson"`` for a mean.
    compare_method : str, optional
        Method of the comparison between consecutive periods (see
        :func:`npskit.compare`); by default ``"mover"`` for NPS,
        ``"newcombe"`` for a share, ``"welch"`` for a mean.
    p_adjust : {"holm", "benjamini-hochberg", "bonferroni", "none"}, default "holm"
        Multiplicity adjustment over the changes of the table (see
        :func:`npskit.adjust_pvalues`).
    scale, nan_policy
        As for :func:`npskit.tally`.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Seed or generator for the resampling methods (bootstrap intervals,
        permutation and bootstrap comparisons). Each period draws from its
        own independent stream spawned from it (with ``by``, each segment
        from its own stream, spawned in segment order), so an integer seed
        gives the same table run after run.
    n_resamples : int, default 10000
        Resamples of every resampling method.
    metric : Metric or {"nps", "csat", "ces", "ces-easy"}, default "nps"
        What to follow (see :class:`npskit.Metric`). For CSAT and CES the
        result is a :class:`MetricTrend`: each period's estimate and interval,
        the changes (Newcombe for a share, Welch for a mean), Cochran's Q and a
        linear trend on the metric's scores; ``by`` is for NPS only.

    Returns
    -------
    Trend, SegmentTrends or MetricTrend
        One :class:`TrendRow` per period, plus ``Trend.omnibus`` and
        ``Trend.linear_trend``; with ``by``, one such Trend per segment; for
        CSAT and CES, a :class:`MetricTrend`.

    Raises
    ------
    ValueError
        If ``periods`` and ``scores`` differ in length, ``period`` is not a
        key column of the GroupedTally, or an option is invalid.
    TypeError
        If ``freq`` is given and ``periods`` are not dates, or a GroupedTally
        with several key columns comes without ``period``.
    EmptyDataError
        If no answer has both a value and a period.
    InvalidScoresError, MissingAnswersError, ScoreTypeError, InvalidWeightsError
        As for :func:`npskit.tally`.

    Notes
    -----
    **Periods.** With ``freq`` the table has one row per calendar period from
    the first to the last date, including periods without any answer (their
    NPS, interval and change are None), so that the period index of the
    linear trend is calendar time. Without ``freq``, one row per distinct key
    in sorted order (the order of :func:`npskit.tally_by`). Answers whose
    period is missing (None, NaT, NaN) are left out and counted in
    ``Trend.n_missing_period``. Each period with answers is compared
    with the closest earlier period with answers (named in ``previous``).

    **Changes.** ``change`` is :func:`npskit.compare` of the previous period
    (baseline) and this one (current): an independent-samples comparison,
    two-sided. The p-values of all changes are adjusted together with
    ``p_adjust`` (Holm by default: the chance of flagging any change of a
    stable series stays below ``1 - confidence_level``).

    **Omnibus test.** H0: all periods with answers have the same NPS (their
    category shares may differ); H1: at least two differ. With
    :math:`\\hat\\theta_i` the NPS (as a share) of period :math:`i`,
    :math:`v_i = (\\hat p_i + \\hat d_i - \\hat\\theta_i^2)/n_i` its
    trinomial variance (:math:`n_i` the linearization's effective n when
    weighted, see :func:`npskit.confidence_interval`),
    :math:`w_i = 1/v_i` and :math:`\\bar\\theta_w = \\sum w_i\\hat\\theta_i/\\sum w_i`,
    Cochran's heterogeneity statistic [1]_
    :math:`Q = \\sum w_i(\\hat\\theta_i - \\bar\\theta_w)^2` is referred to
    :math:`\\chi^2_{k-1}` for :math:`k` periods: the Wald test of
    :math:`k - 1` independent contrasts. A period whose answers all fall in
    one category has :math:`v_i = 0`; it gets the variance of the pooled
    shares of all periods, :math:`v_i = (\\bar p + \\bar d - \\bar\\theta^2)/n_i`,
    its variance under the stronger hypothesis that every period has the
    same shares. It is a large-sample test; with few answers per period it
    tends to reject too often, like the Wald interval.

    **Linear trend.** H0: no linear trend of NPS in the period index
    :math:`t` (0, 1, 2, ... over the rows); H1: a non-zero slope. The slope
    is the weighted least-squares fit of :math:`\\hat\\theta_i` on
    :math:`t_i` with weights from the variance *under H0*, every period
    with the pooled shares: :math:`\\sigma_0^2/n_i`,
    :math:`\\sigma_0^2 = \\bar p + \\bar d - (\\bar p - \\bar d)^2`
    (the Cochran-Armitage construction). So
    :math:`b = S_{t\\theta}/S_{tt}` with
    :math:`S_{t\\theta} = \\sum n_i (t_i - \\bar t)(\\hat\\theta_i - \\bar\\theta)`
    and :math:`S_{tt} = \\sum n_i (t_i - \\bar t)^2` (means weighted by
    :math:`n_i`), standard error :math:`\\sqrt{\\sigma_0^2/S_{tt}}` and
    :math:`z = b/\\mathrm{se}` referred to the standard normal. Each period's
    own variance, taken as known, made the test reject a stable series up to
    13% of the time at 5% with 20 answers per period; this one holds 0.05
    (size and power tables in "Comparing periods" in the docs). Slope and
    interval are in points per period. When every answer of every period is
    in one category the variances are all zero: both tests then report
    statistic 0 and p-value 1 (and slope 0 with standard error 0).

    **Cost.** One pass over the answers (bucketing and counting, see
    :func:`npskit.tally_by`), then work per period only.

    References
    ----------
    .. [1] Cochran, W. G. (1954). The combination of estimates from different
       experiments. *Biometrics*, 10(1), 101-129.
       https://doi.org/10.2307/3001666

    Examples
    --------
    >>> import npskit
    >>> data = npskit.load_example()
    >>> t = npskit.trend(data["answer"], data["date"], freq="month")
    >>> [row.period for row in t]
    ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06']
    >>> may = t["2026-05"]
    >>> may.n, round(may.nps, 1), may.previous, round(may.change, 1)
    (983, 18.2, '2026-04', -8.8)
    >>> t.omnibus.df, round(t.omnibus.statistic, 2), round(t.linear_trend.slope, 2)
    (5, 17.75, -1.92)

    One trend per channel:

    >>> per_channel = npskit.trend(data["answer"], data["date"], freq="month",
    ...                            by=data["channel"])
    >>> [key for key, _ in per_channel]
    [('chat',), ('email',), ('phone',)]
    >>> round(per_channel["phone"]["2026-05"].nps, 1)
    39.0
    """
    chosen_metric = as_metric(metric, scale)
    if chosen_metric.kind != "net":
        if by is not None:
            raise TypeError(
                f"by= gives one NPS trend per segment; for {chosen_metric.label}, call trend "
                "on each segment's answers, or use breakdown(metric=..., freq=...)"
            )
        return trend_metric(
            scores, periods, chosen_metric, period=period, freq=freq, weights=weights,
            confidence_level=confidence_level, interval_method=interval_method,
            compare_method=compare_method, p_adjust=p_adjust, nan_policy=nan_policy,
            rng=rng, n_resamples=n_resamples,
        )  # fmt: skip
    scale = chosen_metric.counting_scale
    if isinstance(scores, GroupedHistogram):
        scores = scores.to_grouped_tally(scale)
    options = check_options(
        freq,
        DEFAULT_COMPARE_METHOD if compare_method is None else compare_method,
        confidence_level,
        DEFAULT_INTERVAL_METHOD if interval_method is None else interval_method,
        p_adjust,
        rng,
        n_resamples,
    )
    if isinstance(scores, Tally):
        raise TypeError(
            "scores must be answers (with periods) or a GroupedTally counted per period, got "
            "one Tally: a trend needs the counts of each period"
        )
    if isinstance(scores, GroupedTally):
        if periods is not None or weights is not None:
            raise TypeError(
                "periods and weights must be None when scores is a GroupedTally (already "
                "counted); name its period column with period="
            )
        if by is not None:
            return grouped_segments(
                scores,
                period,
                by,
                freq=options.freq,
                generator=options.generator,
                build=builder(options),
            )
        return build_from(*period_column(scores, period), options)
    if period is not None:
        raise TypeError(
            "period names the period column of a GroupedTally; with answers, give the "
            "period of each answer as periods"
        )
    if periods is None:
        raise TypeError("periods is required: the period of each answer")
    check_lengths(scores, periods)
    freq = options.freq
    if by is not None:
        return answer_segments(
            scores,
            periods,
            by,
            weights=weights,
            scale=scale,
            nan_policy=nan_policy,
            freq=freq,
            generator=options.generator,
            build=builder(options),
        )
    if freq is None:
        grouped = tally_by(scores, periods, weights=weights, scale=scale, nan_policy=nan_policy)
        warn_if_dates([key for (key,) in grouped.keys])
        labels: list[Any] = []
        starts: list[_dt.date | None] = []
        tallies: list[Tally] = []
        n_missing_period = 0
        for (key,), part in grouped:
            if key is None:
                n_missing_period = part.n + part.n_missing
                continue
            labels.append(key)
            starts.append(None)
            tallies.append(part)
    else:
        codes, first, size = bucket(periods, freq)
        grouped = tally_by(scores, codes, weights=weights, scale=scale, nan_policy=nan_policy)
        labels, starts = calendar(first, size, freq)
        empty = empty_tally(grouped.is_weighted)
        tallies = [empty] * size
        n_missing_period = 0
        for (key,), part in grouped:
            if key == size:
                n_missing_period = part.n + part.n_missing
            else:
                tallies[key] = part
    return build_trend_of(labels, starts, tallies, n_missing_period, options)
