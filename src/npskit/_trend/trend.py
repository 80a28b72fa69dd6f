"""NPS over a series of periods: ``trend``, its ``Trend`` table and tests.

Counting is one vectorised pass: dates are bucketed into integer period codes
(through a lookup table over the range of days, so the calendar arithmetic runs
once per distinct day, not once per answer) and :func:`npskit.tally_by` counts
every period with one ``bincount``. Everything after that works on the period
tallies, so its cost depends on the number of periods only.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import math
from dataclasses import dataclass, field
from typing import Any, get_args

import numpy as np
import numpy.typing as npt

from npskit._compare.methods import DEFAULT_COMPARE_METHOD
from npskit._core.errors import EmptyDataError
from npskit._core.grouped import GroupedTally, _json_value
from npskit._core.results import Table
from npskit._core.scale import STANDARD_SCALE, Scale
from npskit._core.tally import Tally
from npskit._core.validation import check_choice, check_confidence_level
from npskit._counting.inputs import plural
from npskit._counting.keys import library
from npskit._counting.tally_by import tally_by
from npskit._intervals.methods import DEFAULT_INTERVAL_METHOD
from npskit._stats.multiplicity import adjust_pvalues
from npskit.typing import Frequency, IntervalMethod, NanPolicy, PAdjustMethod

__all__ = ["LinearTrendTest", "OmnibusTest", "Trend", "TrendRow", "trend"]

_LOOKUP_DAYS = 1 << 22  # widest range of days bucketed through a lookup table


# -- results ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class TrendRow:
    """One period of a :class:`Trend`.

    Attributes
    ----------
    period : object
        The period's label: with ``freq``, text such as ``"2026-03"``
        (month), ``"2026-Q1"``, ``"2026-W09"`` (ISO week), ``"2026-03-02"``
        (day) or ``"2026"``; without it, the key as given.
    start : datetime.date or None
        First day of the period (with ``freq`` only).
    n : int
        Answers in the period (unweighted), missing ones left out.
    n_missing : int
        Missing answers in the period, left out.
    detractors, passives, promoters : int or float
        Counts (sums of weights when weighted).
    nps, low, high : float or None
        NPS and its confidence interval, in points; None for a period
        without answers.
    previous : object or None
        Label of the period this one is compared with: the closest earlier
        period with answers; None for the first period with answers and for
        periods without answers.
    change, change_low, change_high : float or None
        ``nps - nps(previous)`` in points and its confidence interval.
    pvalue : float or None
        p-value of the change (two-sided, H0: same NPS as ``previous``).
    pvalue_adjusted : float or None
        The p-value adjusted for multiplicity over all changes of the table.
    significant : bool or None
        Whether ``pvalue_adjusted < 1 - confidence_level``.
    tally : Tally
        The period's counts (not part of ``to_dict()``).
    """

    period: Any
    start: _dt.date | None = None
    n: int
    n_missing: int
    detractors: int | float
    passives: int | float
    promoters: int | float
    nps: float | None
    low: float | None
    high: float | None
    previous: Any = None
    change: float | None = None
    change_low: float | None = None
    change_high: float | None = None
    pvalue: float | None = None
    pvalue_adjusted: float | None = None
    significant: bool | None = None
    tally: Tally = field(repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The row as a flat JSON-serialisable dictionary (dates as ISO text)."""
        return {
            "period": _json_value(self.period),
            "start": None if self.start is None else self.start.isoformat(),
            "n": self.n,
            "n_missing": self.n_missing,
            "detractors": self.detractors,
            "passives": self.passives,
            "promoters": self.promoters,
            "nps": self.nps,
            "low": self.low,
            "high": self.high,
            "previous": _json_value(self.previous),
            "change": self.change,
            "change_low": self.change_low,
            "change_high": self.change_high,
            "pvalue": self.pvalue,
            "pvalue_adjusted": self.pvalue_adjusted,
            "significant": self.significant,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class OmnibusTest:
    """Test of H0: every period with answers has the same NPS.

    Attributes
    ----------
    statistic : float
        Cochran's heterogeneity chi-square (NaN with fewer than 2 periods).
    df : int
        Periods with answers minus 1.
    pvalue : float
        Upper chi-square tail (NaN with fewer than 2 periods).
    method : str
        ``"wald-heterogeneity"``.
    """

    statistic: float
    df: int
    pvalue: float
    method: str = "wald-heterogeneity"

    def to_dict(self) -> dict[str, Any]:
        """The test as a JSON-serialisable dictionary (NaN as None)."""
        return {
            "statistic": _number(self.statistic),
            "df": self.df,
            "pvalue": _number(self.pvalue),
            "method": self.method,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class LinearTrendTest:
    """Weighted least-squares slope of NPS on the period index, with a z test.

    Attributes
    ----------
    slope : float
        Change of NPS per period, in points (NaN with fewer than 2 periods).
    standard_error : float
        Its standard error, in points.
    low, high : float
        Confidence interval of the slope at the table's confidence level.
    statistic : float
        ``slope / standard_error``.
    pvalue : float
        Two-sided p-value of H0: slope 0.
    method : str
        ``"weighted-least-squares"``.
    """

    slope: float
    standard_error: float
    low: float
    high: float
    statistic: float
    pvalue: float
    method: str = "weighted-least-squares"

    def to_dict(self) -> dict[str, Any]:
        """The test as a JSON-serialisable dictionary (NaN as None)."""
        return {
            "slope": _number(self.slope),
            "standard_error": _number(self.standard_error),
            "low": _number(self.low),
            "high": _number(self.high),
            "statistic": _number(self.statistic),
            "pvalue": _number(self.pvalue),
            "method": self.method,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Trend(Table[TrendRow]):
    """NPS per period, changes between consecutive periods, and tests over the series.

    Returned by :func:`trend`. A table: iterate over its :class:`TrendRow`
    rows, index them, or convert with ``to_dicts()``, ``to_pandas()``,
    ``to_polars()``, ``to_markdown()`` and ``to_csv()``;
    ``to_dict()`` gives the whole result as JSON-ready data.

    Attributes
    ----------
    rows : tuple of TrendRow
        One row per period, in time (or key) order.
    freq : str or None
        How dates were bucketed, or None when the periods were keys.
    method : str
        Method of the comparisons between consecutive periods.
    interval_method : str
        Method of each period's interval.
    confidence_level : float
        Level of all intervals; changes are flagged when their adjusted
        p-value is below ``1 - confidence_level``.
    p_adjust : str
        Multiplicity adjustment of the changes' p-values.
    n_missing_period : int
        Answers left out because their period (date) is missing.
    omnibus : OmnibusTest
        Test that all periods share one NPS.
    linear_trend : LinearTrendTest
        Test for a linear trend of NPS over the period index.
    """

    freq: str | None
    method: str
    interval_method: str
    confidence_level: float
    p_adjust: str
    n_missing_period: int
    omnibus: OmnibusTest
    linear_trend: LinearTrendTest

    def to_dict(self) -> dict[str, Any]:
        """The whole result as a JSON-serialisable dictionary."""
        return {
            "freq": self.freq,
            "method": self.method,
            "interval_method": self.interval_method,
            "confidence_level": self.confidence_level,
            "p_adjust": self.p_adjust,
            "n_missing_period": self.n_missing_period,
            "rows": self.to_dicts(),
            "omnibus": self.omnibus.to_dict(),
            "linear_trend": self.linear_trend.to_dict(),
        }

    def _empty_columns(self) -> tuple[str, ...]:
        return tuple(TrendRow.__dataclass_fields__)[:-1]

    def _markdown_columns(self) -> list[str]:
        return [
            "period",
            "n",
            "nps",
            "low",
            "high",
            "change",
            "pvalue",
            "pvalue_adjusted",
            "significant",
        ]

    def __str__(self) -> str:
        level = f"{100 * self.confidence_level:g}%"
        what = f"by {self.freq}" if self.freq else "by period"
        header = ["period", "n", "NPS", f"{level} CI", "change", f"{level} CI", "p adj", ""]
        table = [header]
        table += [
            [
                str(_json_value(row.period)),
                str(row.n),
                _signed(row.nps),
                _range(row.low, row.high),
                _signed(row.change),
                _range(row.change_low, row.change_high),
                "" if row.pvalue_adjusted is None else f"{row.pvalue_adjusted:.3g}",
                "*" if row.significant else "",
            ]
            for row in self.rows
        ]
        widths = [max(len(r[i]) for r in table) for i in range(len(header))]
        lines = [
            f"NPS {what}: {self.interval_method} intervals; changes vs the previous period "
            f"({self.method}), p-values adjusted ({self.p_adjust})"
        ]
        for r in table:
            cells = [r[0].ljust(widths[0])]
            cells += [c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True)]
            lines.append("  ".join(cells).rstrip())
        o, t = self.omnibus, self.linear_trend
        if o.df > 0:
            lines.append(
                f"Same NPS in every period: chi2 {o.statistic:.3g}, df {o.df}, "
                f"p-value {o.pvalue:.3g} ({o.method})"
            )
            lines.append(
                f"Linear trend: {t.slope:+.2f} points per period, {level} CI "
                f"[{t.low:+.2f}, {t.high:+.2f}], z {t.statistic:.3g}, p-value {t.pvalue:.3g}"
            )
        if self.n_missing_period:
            lines.append(
                f"{plural(self.n_missing_period, 'answer', 'answers')} without a period left out"
            )
        alpha = f"{1 - self.confidence_level:.3g}"
        lines.append(
            f"(points rounded to 1 decimal, p-values to 3 significant digits; "
            f"* adjusted p-value below {alpha})"
        )
        return "\n".join(lines)


def _signed(value: float | None) -> str:
    return "" if value is None else f"{value:+.1f}"


def _range(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return ""
    return f"[{low:+.1f}, {high:+.1f}]"


def _number(value: float) -> float | None:
    return None if math.isnan(value) else value


# -- trend --------------------------------------------------------------------------------


def trend(
    scores: Any,
    periods: Any = None,
    *,
    freq: Frequency | None = None,
    weights: Any = None,
    method: str | None = None,
    confidence_level: float = 0.95,
    interval_method: IntervalMethod = DEFAULT_INTERVAL_METHOD,
    p_adjust: PAdjustMethod = "holm",
    scale: Scale = STANDARD_SCALE,
    nan_policy: NanPolicy = "omit",
) -> Trend:
    """NPS per period, with the change from each period to the next and tests over the series.

    Parameters
    ----------
    scores : array_like or GroupedTally
        Answers on the scale, as for :func:`npskit.tally` (one array), or a
        :class:`npskit.GroupedTally` already counted per period (one key
        column, e.g. from :func:`npskit.from_counts_table`); then
        ``periods`` is left out and ``weights``, ``scale`` and
        ``nan_policy`` do not apply.
    periods : array_like
        The period of each answer. Without ``freq``: any sortable keys
        (integers, text such as ``"2026-03"``, dates), one period per
        distinct key. With ``freq``: dates or datetimes (numpy
        ``datetime64``, Python ``datetime``/``date`` objects, ISO 8601 text,
        pandas or polars date/datetime series; time-zone aware pandas and
        polars datetimes are bucketed by their local wall-clock date).
    freq : {"day", "week", "month", "quarter", "year"}, optional
        Bucket dates into calendar periods. Weeks are ISO 8601 weeks, from
        Monday to Sunday, labelled ``"2026-W09"`` by ISO year and week;
        quarters start in January, April, July and October.
    weights : array_like, optional
        Survey weights, as for :func:`npskit.tally`.
    method : str, optional
        Method of the comparison between consecutive periods, passed to
        :func:`npskit.compare`; by default its default.
    confidence_level : float, default 0.95
        Level of every interval, and ``1 - confidence_level`` is the level at
        which an adjusted p-value flags a change as significant.
    interval_method : str, default "adjusted-wald"
        Method of each period's interval (see
        :func:`npskit.confidence_interval`).
    p_adjust : {"holm", "benjamini-hochberg", "bonferroni", "none"}, default "holm"
        Multiplicity adjustment over the changes of the table (see
        :func:`npskit.adjust_pvalues`).
    scale, nan_policy
        As for :func:`npskit.tally`.

    Returns
    -------
    Trend
        One :class:`TrendRow` per period, plus ``Trend.omnibus`` and
        ``Trend.linear_trend``.

    Raises
    ------
    ValueError
        If ``periods`` and ``scores`` differ in length, or an option is invalid.
    TypeError
        If ``freq`` is given and ``periods`` are not dates.
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
    trinomial variance (:math:`n_i` Kish's effective n when weighted),
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
    :math:`t_i` with the weights :math:`w_i` above,
    :math:`b = S_{t\\theta}/S_{tt}` with
    :math:`S_{t\\theta} = \\sum w_i (t_i - \\bar t_w)(\\hat\\theta_i - \\bar\\theta_w)`
    and :math:`S_{tt} = \\sum w_i (t_i - \\bar t_w)^2`,
    with standard error :math:`1/\\sqrt{S_{tt}}` (the
    variances taken as known, as in meta-regression) and
    :math:`z = b/\\mathrm{se}` referred to the standard normal. Slope and
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
    >>> may = t[4]
    >>> may.n, round(may.nps, 1), may.previous, round(may.change, 1)
    (983, 18.2, '2026-04', -8.8)
    >>> t.omnibus.df, round(t.omnibus.statistic, 2), round(t.linear_trend.slope, 2)
    (5, 17.75, -1.92)
    """
    level = check_confidence_level(confidence_level)
    adjust: PAdjustMethod = check_choice("p_adjust", p_adjust, get_args(PAdjustMethod))
    interval: IntervalMethod = check_choice(
        "interval_method", interval_method, get_args(IntervalMethod)
    )
    if freq is not None:
        freq = check_choice("freq", freq, get_args(Frequency))
    if method is not None and not isinstance(method, str):
        raise TypeError(f"method must be a method name (str) or None, got {method!r}")
    if isinstance(scores, GroupedTally):
        if periods is not None or weights is not None:
            raise TypeError(
                "periods and weights must be None when scores is a GroupedTally (already "
                "counted per period)"
            )
        if len(scores.names) != 1:
            raise ValueError(
                f"a GroupedTally of periods has one key column, got {len(scores.names)}: "
                f"{scores.names!r}"
            )
        return trend_from_tallies(
            [key for (key,) in scores.keys],
            list(scores.tallies),
            freq=freq,
            method=method,
            confidence_level=level,
            interval_method=interval,
            p_adjust=adjust,
        )
    if periods is None:
        raise TypeError("periods is required: the period of each answer")
    _check_lengths(scores, periods)
    if freq is None:
        grouped = tally_by(scores, periods, weights=weights, scale=scale, nan_policy=nan_policy)
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
        codes, first, size = _bucket(periods, freq)
        grouped = tally_by(scores, codes, weights=weights, scale=scale, nan_policy=nan_policy)
        labels, starts = _calendar(first, size, freq)
        empty = _empty_tally(grouped.is_weighted)
        tallies = [empty] * size
        n_missing_period = 0
        for (key,), part in grouped:
            if key == size:
                n_missing_period = part.n + part.n_missing
            else:
                tallies[key] = part
    if not any(t.n for t in tallies):
        raise EmptyDataError(
            "no answer has both a value and a period, so there is no trend to compute"
        )
    return _build(
        labels,
        starts,
        tallies,
        freq=freq,
        method=method,
        level=level,
        interval=interval,
        adjust=adjust,
        n_missing_period=n_missing_period,
    )


def trend_from_tallies(
    keys: list[Any],
    tallies: list[Tally],
    *,
    freq: Frequency | None = None,
    method: str | None = None,
    confidence_level: float = 0.95,
    interval_method: IntervalMethod = DEFAULT_INTERVAL_METHOD,
    p_adjust: PAdjustMethod = "holm",
) -> Trend:
    """:func:`trend` from tallies already counted per distinct period key.

    For the command line, which counts a CSV file chunk by chunk. ``keys``
    are distinct; ``None`` or ``""`` is a missing period. With ``freq`` the
    keys are dates (ISO 8601 text or date objects) and the tallies of keys
    in the same calendar period add up.

    Raises
    ------
    ValueError
        If ``freq`` is given and a key is not a date (the message quotes it).
    EmptyDataError
        If no answer has a period.
    """
    level = check_confidence_level(confidence_level)
    adjust: PAdjustMethod = check_choice("p_adjust", p_adjust, get_args(PAdjustMethod))
    interval: IntervalMethod = check_choice(
        "interval_method", interval_method, get_args(IntervalMethod)
    )
    if freq is not None:
        freq = check_choice("freq", freq, get_args(Frequency))
    labels, starts, merged, n_missing_period = merge_periods(keys, tallies, freq)
    if not any(t.n for t in merged):
        raise EmptyDataError(
            "no answer has both a value and a period, so there is no trend to compute"
        )
    return _build(
        labels,
        starts,
        merged,
        freq=freq,
        method=method,
        level=level,
        interval=interval,
        adjust=adjust,
        n_missing_period=n_missing_period,
    )


def merge_periods(
    keys: list[Any], tallies: list[Tally], freq: Frequency | None
) -> tuple[list[Any], list[_dt.date | None], list[Tally], int]:
    """Labels, first days and tallies of the periods of distinct keys, and answers without one.

    See :func:`trend_from_tallies`.
    """
    absent = [k is None or k == "" for k in keys]
    n_missing_period = sum(
        t.n + t.n_missing for t, gone in zip(tallies, absent, strict=True) if gone
    )
    kept = [(k, t) for k, t, gone in zip(keys, tallies, absent, strict=True) if not gone]
    labels: list[Any]
    starts: list[_dt.date | None]
    if freq is None:
        with contextlib.suppress(TypeError):  # keys that cannot be compared keep their order
            kept.sort(key=lambda pair: pair[0])
        labels = [k for k, _ in kept]
        starts = [None] * len(kept)
        merged = [t for _, t in kept]
    else:
        dates = [_date(k) for k, _ in kept]
        codes, first, size = _bucket(np.array(dates, dtype="datetime64[D]"), freq)
        labels, starts = _calendar(first, size, freq)
        weighted = any(t.is_weighted for _, t in kept)
        merged = [_empty_tally(weighted)] * size
        for code, (_, part) in zip(codes.tolist(), kept, strict=True):
            merged[code] = merged[code] + part
    return labels, starts, merged, n_missing_period


def _date(key: Any) -> np.datetime64:
    try:
        return np.datetime64(key, "D") if isinstance(key, str) else np.datetime64(key)
    except (TypeError, ValueError):
        raise ValueError(
            f"period {key!r} is not a date; dates must be ISO 8601 (e.g. 2026-03-31)"
        ) from None


def _check_lengths(scores: Any, periods: Any) -> None:
    try:
        n_scores, n_periods = len(scores), len(periods)
    except TypeError:
        return  # tally_by and the bucketing raise their own errors for these
    if n_scores != n_periods:
        raise ValueError(
            f"periods must give one period per answer: got {n_scores} answers and "
            f"{n_periods} periods"
        )


def _empty_tally(weighted: bool) -> Tally:
    if weighted:
        return Tally(
            detractors=0.0,
            passives=0.0,
            promoters=0.0,
            squared_weights=(0.0, 0.0, 0.0),
            responses=0,
        )
    return Tally(detractors=0, passives=0, promoters=0)


def _build(
    labels: list[Any],
    starts: list[_dt.date | None],
    tallies: list[Tally],
    *,
    freq: Frequency | None,
    method: str | None,
    level: float,
    interval: IntervalMethod,
    adjust: PAdjustMethod,
    n_missing_period: int,
) -> Trend:
    from npskit._compare.compare import compare  # type: ignore[import-not-found,unused-ignore]
    from npskit._intervals.confidence_interval import confidence_interval

    k = len(tallies)
    nps: list[float | None] = [None] * k
    bounds: list[tuple[float | None, float | None]] = [(None, None)] * k
    previous: list[int | None] = [None] * k
    changes: list[Any] = [None] * k
    used_method = method
    last: int | None = None
    for i, part in enumerate(tallies):
        if part.weight_sum <= 0:
            continue
        ci = confidence_interval(part, interval_method=interval, confidence_level=level)
        nps[i] = ci.estimate
        bounds[i] = (ci.low, ci.high)
        if last is not None:
            options: dict[str, Any] = {"confidence_level": level}
            if method is not None:
                options["compare_method"] = method
            result = compare(tallies[last], part, **options)
            changes[i] = result
            previous[i] = last
            used_method = str(result.compare_method)
        last = i
    raw = np.array([np.nan if c is None else float(c.pvalue) for c in changes])
    adjusted = adjust_pvalues(raw, p_adjust=adjust)
    rows = []
    for i, part in enumerate(tallies):
        result = changes[i]
        row_previous = previous[i]
        rows.append(
            TrendRow(
                period=labels[i],
                start=starts[i],
                n=part.n,
                n_missing=part.n_missing,
                detractors=part.detractors,
                passives=part.passives,
                promoters=part.promoters,
                nps=nps[i],
                low=bounds[i][0],
                high=bounds[i][1],
                previous=None if row_previous is None else labels[row_previous],
                change=None if result is None else float(result.difference),
                change_low=None if result is None else float(result.low),
                change_high=None if result is None else float(result.high),
                pvalue=None if result is None else float(result.pvalue),
                pvalue_adjusted=None if result is None else float(adjusted[i]),
                significant=None if result is None else bool(adjusted[i] < 1.0 - level),
                tally=part,
            )
        )
    if used_method is None:  # fewer than two periods with answers: compare's default
        used_method = DEFAULT_COMPARE_METHOD
    omnibus, linear = _series_tests(tallies, level)
    return Trend(
        tuple(rows),
        freq=freq,
        method=used_method,
        interval_method=interval,
        confidence_level=level,
        p_adjust=adjust,
        n_missing_period=n_missing_period,
        omnibus=omnibus,
        linear_trend=linear,
    )


# -- the tests over the series --------------------------------------------------------------


def _series_tests(tallies: list[Tally], level: float) -> tuple[OmnibusTest, LinearTrendTest]:
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


# -- bucketing dates ----------------------------------------------------------------------


def _datetimes(periods: Any) -> npt.NDArray[np.datetime64]:
    """``periods`` as a numpy datetime64 array (NaT for missing), or TypeError."""
    kind = library(periods)
    array: Any = None
    if kind == "pandas":
        dtype = getattr(periods, "dtype", None)
        if getattr(dtype, "tz", None) is not None:
            periods = (
                periods.dt.tz_localize(None)
                if hasattr(periods, "dt")
                else periods.tz_localize(None)
            )
        if getattr(getattr(periods, "dtype", None), "kind", "O") == "M":
            array = np.asarray(periods.to_numpy())
        else:
            array = np.asarray(periods.to_numpy(dtype=object))
    elif kind == "polars":
        dtype = periods.dtype
        if getattr(dtype, "time_zone", None) is not None:
            periods = periods.dt.replace_time_zone(None)
        array = np.asarray(periods.to_numpy()) if dtype.is_temporal() else None
        if array is None:
            array = np.asarray(periods.to_list(), dtype=object)
    elif isinstance(periods, np.ndarray):
        array = periods
    elif isinstance(periods, (list, tuple)):
        array = np.array(periods, dtype=object)
    elif hasattr(periods, "__array__"):
        array = np.asarray(periods)
    if array is None or getattr(array, "ndim", 0) != 1:
        raise TypeError(
            "periods must be a one-dimensional array of dates when freq is given, got "
            f"{type(periods).__name__}"
        )
    if array.dtype.kind == "M":
        dates: npt.NDArray[np.datetime64] = array
        return dates
    if array.dtype.kind in "USO":
        try:
            converted = np.array(
                [None if _missing(v) else v for v in array.tolist()], dtype="datetime64"
            )
        except (TypeError, ValueError):
            converted = None
        if converted is not None and converted.dtype.kind == "M":
            return converted
    raise TypeError(
        "periods must be dates when freq is given (numpy datetime64, datetime or date "
        "objects, ISO 8601 text, pandas or polars dates), got values of dtype "
        f"{array.dtype}; leave freq=None to use the periods as they are"
    )


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return type(value).__name__ in {"NaTType", "NAType"}


def _bucket(periods: Any, freq: Frequency) -> tuple[npt.NDArray[np.intp], int, int]:
    """Period code of each answer (``size`` for a missing date), first bucket, count."""
    days_array = _datetimes(periods).astype("datetime64[D]", copy=False)
    missing = np.isnat(days_array)
    has_missing = bool(missing.any())
    days = days_array.view(np.int64)
    present = days[~missing] if has_missing else days
    if len(present) == 0:
        return np.zeros(len(days), dtype=np.intp), 0, 0
    low, high = int(present.min()), int(present.max())
    step = 7 if freq == "week" else 1
    if high - low >= _LOOKUP_DAYS:  # a very long range: bucket every answer directly
        buckets = _bucket_days(np.where(missing, low, days), freq)
        first = int(_bucket_days(np.array([low]), freq)[0])
        size = (int(_bucket_days(np.array([high]), freq)[0]) - first) // step + 1
        codes = ((buckets - first) // step).astype(np.intp)
        codes[missing] = size
        return codes, first, size
    # Buckets grow with the day, so the first and last come from the ends of
    # the lookup table, and one take() per answer does the rest.
    table = _bucket_days(np.arange(low, high + 1, dtype=np.int64), freq)
    first = int(table[0])
    size = (int(table[-1]) - first) // step + 1
    code_table = ((table - first) // step).astype(np.intp)
    if has_missing:
        code_table = np.append(code_table, size)
        index = np.where(missing, high + 1, days)
    else:
        index = days.copy()
    index -= low
    return code_table.take(index), first, size


def _bucket_days(days: npt.NDArray[np.int64], freq: Frequency) -> npt.NDArray[np.int64]:
    """Bucket number of days since 1970-01-01: a day, Monday, month, quarter or year number."""
    if freq == "day":
        return days
    if freq == "week":
        return days - (days + 3) % 7  # 1970-01-01 was a Thursday; weeks start on Monday
    months = days.astype("datetime64[D]").astype("datetime64[M]").view(np.int64)
    if freq == "month":
        return months
    if freq == "quarter":
        return months // 3
    return days.astype("datetime64[D]").astype("datetime64[Y]").view(np.int64)


def _calendar(first: int, size: int, freq: Frequency) -> tuple[list[Any], list[_dt.date | None]]:
    """Labels and first days of ``size`` consecutive buckets from bucket ``first``."""
    labels: list[Any] = []
    starts: list[_dt.date | None] = []
    epoch = _dt.date(1970, 1, 1)
    for i in range(size):
        if freq in ("day", "week"):
            start = epoch + _dt.timedelta(days=first + (7 * i if freq == "week" else i))
            if freq == "day":
                label = start.isoformat()
            else:
                year, week, _ = start.isocalendar()
                label = f"{year}-W{week:02d}"
        elif freq in ("month", "quarter"):
            month = first + i if freq == "month" else 3 * (first + i)
            start = _dt.date(1970 + month // 12, month % 12 + 1, 1)
            if freq == "month":
                label = f"{start.year}-{start.month:02d}"
            else:
                label = f"{start.year}-Q{(start.month - 1) // 3 + 1}"
        else:
            start = _dt.date(1970 + first + i, 1, 1)
            label = str(start.year)
        labels.append(label)
        starts.append(start)
    return labels, starts
