"""The result types of ``trend`` for a share or mean metric: ``MetricTrendRow``, ``MetricTrend``."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any

from npskit._core.interval import Interval
from npskit._core.metric import Metric
from npskit._core.results import Table, json_value
from npskit._counting.inputs import plural

from .results import LinearTrendTest, OmnibusTest

__all__ = ["MetricTrend", "MetricTrendRow"]


@dataclass(frozen=True, slots=True, kw_only=True)
class MetricTrendRow:
    """One period of a :class:`MetricTrend`.

    Attributes are those of :class:`npskit.TrendRow` with ``estimate`` in
    place of ``nps`` (the metric's value in its reported units: percent for
    a share such as CSAT, scale units for a mean such as CES) and no
    category counts.
    """

    period: Any
    start: _dt.date | None
    n: int
    n_missing: int
    estimate: float | None
    low: float | None
    high: float | None
    previous: Any = None
    change: float | None = None
    change_low: float | None = None
    change_high: float | None = None
    pvalue: float | None = None
    pvalue_adjusted: float | None = None
    significant: bool | None = None

    @property
    def confidence_interval(self) -> Interval | None:
        """``[low, high]`` as an :class:`npskit.Interval`; None without answers."""
        return None if self.low is None or self.high is None else Interval(self.low, self.high)

    @property
    def change_interval(self) -> Interval | None:
        """``[change_low, change_high]``; None without a previous period."""
        if self.change_low is None or self.change_high is None:
            return None
        return Interval(self.change_low, self.change_high)

    def to_dict(self) -> dict[str, Any]:
        """A flat JSON-serialisable dictionary."""
        return {name: json_value(getattr(self, name)) for name in _FIELDS}


_FIELDS = tuple(MetricTrendRow.__dataclass_fields__)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class MetricTrend(Table[MetricTrendRow]):
    """A share or mean metric per period, changes, and tests over the series.

    Returned by :func:`npskit.trend` with ``metric="csat"``, ``"ces"``,
    ``"ces-easy"`` or a share or mean :class:`npskit.Metric`; the NPS keeps
    its :class:`npskit.Trend`. Same table interface and attributes as
    :class:`npskit.Trend`, plus ``metric``; the slope of ``linear_trend`` is
    in the metric's units per period.
    """

    metric: Metric
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
            "metric": self.metric.name,
            "metric_definition": self.metric.to_dict(),
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

    def _row_key(self, row: MetricTrendRow) -> tuple[Any, ...]:
        return (row.period,)

    def _empty_columns(self) -> tuple[str, ...]:
        return _FIELDS

    def _markdown_columns(self) -> list[str]:
        return ["period", "n", "estimate", "low", "high", "change", "pvalue", "pvalue_adjusted"]

    def __str__(self) -> str:
        metric = self.metric
        level = f"{100 * self.confidence_level:g}%"
        what = f"by {self.freq}" if self.freq else "by period"
        header = ["period", "n", metric.label, f"{level} CI", "change", f"{level} CI", "p adj", ""]
        table = [header]
        table += [
            [
                str(json_value(row.period)),
                str(row.n),
                _value(metric, row.estimate),
                _range(metric, row.low, row.high, _value),
                _change(metric, row.change),
                _range(metric, row.change_low, row.change_high, _change),
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
        lines = [metric.describe(), f"{metric.label} {what}: {self.interval_method} intervals"]
        lines.append(changes)
        for r in table:
            cells = [r[0].ljust(widths[0])]
            cells += [c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True)]
            lines.append("  ".join(cells).rstrip())
        o, t = self.omnibus, self.linear_trend
        unit = "points" if metric.factor == 100.0 else "scale units"
        if o.df > 0:
            lines.append(
                f"Same {metric.label} in every period: chi2 {o.statistic:.3g}, df {o.df}, "
                f"p-value {o.pvalue:.3g} ({o.method})"
            )
            lines.append(
                f"Linear trend: {t.slope:+.3g} {unit} per period, {level} CI "
                f"[{t.low:+.3g}, {t.high:+.3g}], z {t.statistic:.3g}, p-value {t.pvalue:.3g}"
            )
        if self.n_missing_period:
            lines.append(
                f"{plural(self.n_missing_period, 'answer', 'answers')} without a period left out"
            )
        alpha = f"{1 - self.confidence_level:.3g}"
        lines.append(
            f"(values rounded, p-values to 3 significant digits; * adjusted p-value below {alpha})"
        )
        return "\n".join(lines)


def _value(metric: Metric, value: float | None) -> str:
    return "" if value is None else metric.format(value)


def _change(metric: Metric, value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:+.1f}" if metric.factor == 100.0 else f"{value:+.2f}"


def _range(metric: Metric, low: float | None, high: float | None, show: Any) -> str:
    if low is None or high is None:
        return ""
    return f"[{show(metric, low)}, {show(metric, high)}]"
