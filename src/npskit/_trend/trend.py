"""NPS over a series of periods: ``trend``.

Counting is one vectorised pass: dates are bucketed into integer period codes
(:mod:`npskit._trend.calendar`) and :func:`npskit.tally_by` counts every period
with one ``bincount``. Everything after that works on the period tallies, so
its cost depends on the number of periods only.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Literal, NamedTuple, get_args, overload

import numpy as np

from npskit._compare.methods import DEFAULT_COMPARE_METHOD
from npskit._core.errors import EmptyDataError
from npskit._core.grouped import GroupedTally
from npskit._core.grouped_histogram import GroupedHistogram
from npskit._core.metric import Metric, as_metric
from npskit._core.scale import STANDARD_SCALE, Scale
from npskit._core.tally import Tally
from npskit._core.validation import (
    check_choice,
    check_confidence_level,
    check_positive_int,
    check_rng,
)
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

from .build import build_trend
from .calendar import bucket, calendar, empty_tally, merge_periods, warn_if_dates
from .metric_results import MetricTrend
from .metric_trend import trend_metric
from .period_inputs import check_lengths as _check_lengths
from .period_inputs import period_column as _period_column
from .results import Trend

__all__ = ["trend", "trend_from_tallies"]


@overload
def trend(
    scores: Any,
    periods: Any = None,
    *,
    period: str | None = None,
    freq: Frequency | None = None,
    weights: Any = None,
    confidence_level: float = 0.95,
    interval_method: IntervalMethod | ShareIntervalMethod | MeanIntervalMethod | None = None,
    compare_method: CompareMethod | ShareCompareMethod | MeanCompareMethod | None = None,
    p_adjust: PAdjustMethod = "holm",
    scale: Scale = STANDARD_SCALE,
    nan_policy: NanPolicy = "omit",
    rng: Any = None,
    n_resamples: int = 10_000,
    metric: Literal["nps"] = "nps",
) -> Trend: ...


@overload
def trend(
    scores: Any,
    periods: Any = None,
    *,
    period: str | None = None,
    freq: Frequency | None = None,
    weights: Any = None,
    confidence_level: float = 0.95,
    interval_method: IntervalMethod | ShareIntervalMethod | MeanIntervalMethod | None = None,
    compare_method: CompareMethod | ShareCompareMethod | MeanCompareMethod | None = None,
    p_adjust: PAdjustMethod = "holm",
    scale: Scale = STANDARD_SCALE,
    nan_policy: NanPolicy = "omit",
    rng: Any = None,
    n_resamples: int = 10_000,
    metric: Literal["csat", "ces", "ces-easy"],
) -> MetricTrend: ...


@overload
def trend(
    scores: Any,
    periods: Any = None,
    *,
    period: str | None = None,
    freq: Frequency | None = None,
    weights: Any = None,
    confidence_level: float = 0.95,
    interval_method: IntervalMethod | ShareIntervalMethod | MeanIntervalMethod | None = None,
    compare_method: CompareMethod | ShareCompareMethod | MeanCompareMethod | None = None,
    p_adjust: PAdjustMethod = "holm",
    scale: Scale = STANDARD_SCALE,
    nan_policy: NanPolicy = "omit",
    rng: Any = None,
    n_resamples: int = 10_000,
    metric: Metric,
) -> Trend | MetricTrend: ...


def trend(
    scores: Any,
    periods: Any = None,
    *,
    period: str | None = None,
    freq: Frequency | None = None,
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
) -> Trend | MetricTrend:
    """NPS per period, with the change from each period to the next and tests over the series.

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
    weights : array_like, optional
        Survey weights, as for :func:`npskit.tally`.
    confidence_level : float, default 0.95
        Level of every interval, and ``1 - confidence_level`` is the level at
        which an adjusted p-value flags a change as significant.
    interval_method : str, default "adjusted-wald"
        Method of each period's interval (see
        :func:`npskit.confidence_interval`).
    compare_method : str, default "mover"
        Method of the comparison between consecutive periods (see
        :func:`npskit.compare`).
    p_adjust : {"holm", "benjamini-hochberg", "bonferroni", "none"}, default "holm"
        Multiplicity adjustment over the changes of the table (see
        :func:`npskit.adjust_pvalues`).
    scale, nan_policy
        As for :func:`npskit.tally`.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Seed or generator for the resampling methods (bootstrap intervals,
        permutation and bootstrap comparisons). Each period draws from its
        own independent stream spawned from it, so an integer seed gives the
        same table run after run.
    n_resamples : int, default 10000
        Resamples of every resampling method.

    Returns
    -------
    Trend
        One :class:`TrendRow` per period, plus ``Trend.omnibus`` and
        ``Trend.linear_trend``.

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
    """
    chosen_metric = as_metric(metric, scale)
    if chosen_metric.kind != "net":
        return trend_metric(
            scores, periods, chosen_metric, period=period, freq=freq, weights=weights,
            confidence_level=confidence_level, interval_method=interval_method,
            compare_method=compare_method, p_adjust=p_adjust, nan_policy=nan_policy,
            rng=rng, n_resamples=n_resamples,
        )  # fmt: skip
    scale = chosen_metric.counting_scale
    if isinstance(scores, GroupedHistogram):
        scores = scores.to_grouped_tally(scale)
    interval_method = DEFAULT_INTERVAL_METHOD if interval_method is None else interval_method
    compare_method = DEFAULT_COMPARE_METHOD if compare_method is None else compare_method
    options = _check_options(
        freq, compare_method, confidence_level, interval_method, p_adjust, rng, n_resamples
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
        return _from_tallies(*_period_column(scores, period), options)
    if period is not None:
        raise TypeError(
            "period names the period column of a GroupedTally; with answers, give the "
            "period of each answer as periods"
        )
    if periods is None:
        raise TypeError("periods is required: the period of each answer")
    _check_lengths(scores, periods)
    freq = options.freq
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
    return _build(labels, starts, tallies, n_missing_period, options)


def trend_from_tallies(
    keys: list[Any],
    tallies: list[Tally],
    *,
    freq: Frequency | None = None,
    compare_method: CompareMethod = DEFAULT_COMPARE_METHOD,
    confidence_level: float = 0.95,
    interval_method: IntervalMethod = DEFAULT_INTERVAL_METHOD,
    p_adjust: PAdjustMethod = "holm",
    rng: Any = None,
    n_resamples: int = 10_000,
) -> Trend:
    """:func:`trend` from tallies already counted per distinct period key.

    For the command line, which counts a CSV file chunk by chunk. ``None``
    or ``""`` is a missing period; tallies of equal keys add up. With
    ``freq`` the keys are dates (ISO 8601 text or date objects) and the
    tallies of keys in the same calendar period add up.

    Raises
    ------
    ValueError
        If ``freq`` is given and a key is not a date (the message quotes it).
    EmptyDataError
        If no answer has a period.
    """
    options = _check_options(
        freq, compare_method, confidence_level, interval_method, p_adjust, rng, n_resamples
    )
    return _from_tallies(keys, tallies, options)


class _Options(NamedTuple):
    """The validated options of a trend."""

    freq: Frequency | None
    compare_method: CompareMethod
    level: float
    interval: IntervalMethod
    adjust: PAdjustMethod
    generator: np.random.Generator
    n_resamples: int


def _check_options(
    freq: object,
    compare_method: object,
    confidence_level: object,
    interval_method: object,
    p_adjust: object,
    rng: object,
    n_resamples: object,
) -> _Options:
    """Every option of :func:`trend` and :func:`trend_from_tallies`, checked once."""
    return _Options(
        freq=None if freq is None else check_choice("freq", freq, get_args(Frequency)),
        compare_method=check_choice("compare_method", compare_method, get_args(CompareMethod)),
        level=check_confidence_level(confidence_level),
        interval=check_choice("interval_method", interval_method, get_args(IntervalMethod)),
        adjust=check_choice("p_adjust", p_adjust, get_args(PAdjustMethod)),
        generator=check_rng(rng),
        n_resamples=check_positive_int("n_resamples", n_resamples),
    )


def _from_tallies(keys: list[Any], tallies: list[Tally], options: _Options) -> Trend:
    labels, starts, merged, n_missing_period = merge_periods(keys, tallies, options.freq)
    return _build(labels, starts, merged, n_missing_period, options)


def _build(
    labels: list[Any],
    starts: list[_dt.date | None],
    tallies: list[Tally],
    n_missing_period: int,
    options: _Options,
) -> Trend:
    if not any(t.n for t in tallies):
        raise EmptyDataError(
            "no answer has both a value and a period, so there is no trend to compute"
        )
    return build_trend(
        labels,
        starts,
        tallies,
        freq=options.freq,
        compare_method=options.compare_method,
        level=options.level,
        interval=options.interval,
        adjust=options.adjust,
        n_missing_period=n_missing_period,
        generator=options.generator,
        n_resamples=options.n_resamples,
    )
