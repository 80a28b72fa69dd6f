"""The result types of ``trend``: ``TrendRow``, ``OmnibusTest``, ``LinearTrendTest``, ``Trend``."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from npskit._core.interval import Interval
from npskit._core.results import Table, json_value, none_if_nan
from npskit._core.tally import Tally
from npskit._counting.inputs import plural

__all__ = ["LinearTrendTest", "OmnibusTest", "Trend", "TrendRow"]


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

    @property
    def confidence_interval(self) -> Interval | None:
        """``[low, high]`` as an :class:`npskit.Interval`; None for a period without answers."""
        if self.low is None or self.high is None:
            return None
        return Interval(self.low, self.high)

    @property
    def change_interval(self) -> Interval | None:
        """``[change_low, change_high]`` as an :class:`npskit.Interval`; None without a change."""
        if self.change_low is None or self.change_high is None:
            return None
        return Interval(self.change_low, self.change_high)

    def to_dict(self) -> dict[str, Any]:
        """The row as a flat JSON-serialisable dictionary (dates as ISO text)."""
        return {
            "period": json_value(self.period),
            "start": json_value(self.start),
            "n": self.n,
            "n_missing": self.n_missing,
            "detractors": self.detractors,
            "passives": self.passives,
            "promoters": self.promoters,
            "nps": none_if_nan(self.nps),
            "low": none_if_nan(self.low),
            "high": none_if_nan(self.high),
            "previous": json_value(self.previous),
            "change": none_if_nan(self.change),
            "change_low": none_if_nan(self.change_low),
            "change_high": none_if_nan(self.change_high),
            "pvalue": none_if_nan(self.pvalue),
            "pvalue_adjusted": none_if_nan(self.pvalue_adjusted),
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
            "statistic": none_if_nan(self.statistic),
            "df": self.df,
            "pvalue": none_if_nan(self.pvalue),
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
            "slope": none_if_nan(self.slope),
            "standard_error": none_if_nan(self.standard_error),
            "low": none_if_nan(self.low),
            "high": none_if_nan(self.high),
            "statistic": none_if_nan(self.statistic),
            "pvalue": none_if_nan(self.pvalue),
            "method": self.method,
        }


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Trend(Table[TrendRow]):
    """NPS per period, changes between consecutive periods, and tests over the series.

    Returned by :func:`trend`. A table: iterate over its :class:`TrendRow`
    rows, look one up by its period (``t["2026-05"]``; positions are
    ``t.rows[i]``), or convert with ``to_dicts()``, ``to_pandas()``,
    ``to_polars()``, ``to_markdown()`` and ``to_csv()``;
    ``to_dict()`` gives the whole result as JSON-ready data.

    Attributes
    ----------
    rows : tuple of TrendRow
        One row per period, in time (or key) order.
    freq : str or None
        How dates were bucketed, or None when the periods were keys.
    compare_method : str or None
        Method of the comparisons between consecutive periods; None when
        fewer than two periods have answers (nothing was compared).
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
    compare_method: str | None
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
            "compare_method": self.compare_method,
            "interval_method": self.interval_method,
            "confidence_level": self.confidence_level,
            "p_adjust": self.p_adjust,
            "n_missing_period": self.n_missing_period,
            "rows": self.to_dicts(),
            "omnibus": self.omnibus.to_dict(),
            "linear_trend": self.linear_trend.to_dict(),
        }

    def _row_key(self, row: TrendRow) -> tuple[Any, ...]:
        return (row.period,)

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
                str(json_value(row.period)),
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
        changes = (
            f"changes vs the previous period ({self.compare_method}), p-values adjusted "
            f"({self.p_adjust})"
            if self.compare_method is not None
            else "no two periods with answers to compare"
        )
        lines = [f"NPS {what}: {self.interval_method} intervals; {changes}"]
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
