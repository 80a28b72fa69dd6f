"""The result types of ``breakdown`` for a share or mean metric (CSAT, CES, ...)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from npskit._core.grouped import _label
from npskit._core.interval import Interval
from npskit._core.metric import Metric
from npskit._core.results import Table, format_cell, json_value, keyed_dict

from .metric_shrinkage import MetricShrinkage

__all__ = ["MetricBreakdown", "MetricBreakdownRow", "MetricBreakdownTotal"]

_SHOWN = 50  # rows printed by str()


@dataclass(frozen=True, slots=True, kw_only=True)
class MetricBreakdownRow:
    """One segment of a :class:`MetricBreakdown`.

    Attributes
    ----------
    key : tuple
        The segment's key, one value per key column (``None`` for a missing
        key value).
    key_names : tuple of str
        The names under which :meth:`to_dict` puts the key values.
    n, weight_sum, effective_n, n_missing, share_of_total
        Sizes, as in :class:`npskit.BreakdownRow`.
    estimate, low, high : float
        The metric's value and its confidence interval, in its reported
        units (percent for a share such as CSAT, scale units for a mean such
        as CES).
    difference, difference_low, difference_high : float
        ``estimate`` minus the estimate of the rest (or of the total, see
        :func:`npskit.breakdown`), same units, and its interval.
    pvalue, pvalue_adjusted : float
        Two-sided p-value of that difference and the p-value adjusted for
        multiplicity over the segments.
    significant : bool
        ``pvalue_adjusted < 1 - confidence_level``.
    small : bool
        ``effective_n < min_n``.
    impact : float
        Total estimate minus the estimate of the total without this segment.
    shrunk_estimate, shrunk_low, shrunk_high : float or None
        With ``shrinkage=True``: the posterior mean of the segment's value
        under the normal hierarchical model of :func:`npskit.breakdown` (see
        ``MetricBreakdown.shrinkage``) and its constant-coverage (FAB)
        confidence interval, as in :func:`npskit.shrink`, same units; else None.

    Values that do not exist are NaN, as in :class:`npskit.BreakdownRow`.
    """

    key: tuple[Any, ...]
    key_names: tuple[str, ...] = field(repr=False, compare=False)
    n: int
    weight_sum: int | float
    effective_n: float
    n_missing: int
    share_of_total: float
    estimate: float
    low: float
    high: float
    difference: float
    difference_low: float
    difference_high: float
    pvalue: float
    pvalue_adjusted: float
    significant: bool
    small: bool
    impact: float
    shrunk_estimate: float | None = None
    shrunk_low: float | None = None
    shrunk_high: float | None = None

    @property
    def confidence_interval(self) -> Interval:
        """``[low, high]`` as an :class:`npskit.Interval`."""
        return Interval(self.low, self.high)

    @property
    def difference_interval(self) -> Interval:
        """``[difference_low, difference_high]`` as an :class:`npskit.Interval`."""
        return Interval(self.difference_low, self.difference_high)

    def to_dict(self) -> dict[str, Any]:
        """A flat JSON-serialisable dictionary: key columns first; NaN becomes ``None``."""
        return keyed_dict(self, _VALUE_FIELDS)


_VALUE_FIELDS = tuple(MetricBreakdownRow.__dataclass_fields__)[2:]


@dataclass(frozen=True, slots=True, kw_only=True)
class MetricBreakdownTotal:
    """All segments together: the total row of a :class:`MetricBreakdown`."""

    n: int
    weight_sum: int | float
    effective_n: float
    n_missing: int
    estimate: float
    low: float
    high: float

    @property
    def confidence_interval(self) -> Interval:
        """``[low, high]`` as an :class:`npskit.Interval`."""
        return Interval(self.low, self.high)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dictionary (NaN becomes ``None``)."""
        return {
            name: json_value(getattr(self, name))
            for name in MetricBreakdownTotal.__dataclass_fields__
        }


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class MetricBreakdown(Table[MetricBreakdownRow]):
    """A share or mean metric per segment: intervals, vs-rest tests, multiplicity, impact.

    Returned by :func:`npskit.breakdown` with ``metric="csat"``, ``"ces"``,
    ``"ces-easy"`` or a share or mean :class:`npskit.Metric`; the NPS keeps
    its :class:`npskit.Breakdown`. A table like :class:`npskit.Breakdown`:
    iterate over its :class:`MetricBreakdownRow` rows, look one up by key,
    convert with ``to_dicts()``, ``to_pandas()``, ``to_polars()``,
    ``to_markdown()``, ``to_csv()``; :meth:`to_dict` gives the whole result.

    Attributes
    ----------
    rows : tuple of MetricBreakdownRow
    names : tuple of str
    total : MetricBreakdownTotal
    metric : Metric
        The metric broken down (its name, range and, for a share, its box).
    weighted : bool
    interval_method, compare_method, compare_to : str
    confidence_level : float
    p_adjust : str
    min_n : int
    sort : str or None
    ascending : bool
    shrinkage : MetricShrinkage or None
        The hierarchical fit behind the rows' ``shrunk_estimate``
        (``shrinkage=True`` or ``sort="shrunk"``), else None: its ``prior``
        (the common level the segments are pulled towards), ``tau`` (the
        standard deviation of the true values between segments) with its
        credible ``tau_interval``, and ``tau_prior_scale``, all in the
        metric's units, and ``to_dict()``.
    """

    names: tuple[str, ...]
    total: MetricBreakdownTotal
    metric: Metric
    weighted: bool
    interval_method: str
    compare_method: str
    compare_to: str
    confidence_level: float
    p_adjust: str
    min_n: int
    sort: str | None
    ascending: bool
    shrinkage: MetricShrinkage | None = None

    def options(self) -> dict[str, Any]:
        """The options the breakdown was made with."""
        return {
            "metric": self.metric.name,
            "interval_method": self.interval_method,
            "compare_method": self.compare_method,
            "compare_to": self.compare_to,
            "confidence_level": self.confidence_level,
            "p_adjust": self.p_adjust,
            "min_n": self.min_n,
            "sort": self.sort,
            "ascending": self.ascending,
            "shrinkage": self.shrinkage is not None,
            "weighted": self.weighted,
        }

    def to_dict(self) -> dict[str, Any]:
        """The whole result as a JSON-serialisable dictionary (NaN as ``None``)."""
        return {
            "metric": self.metric.name,
            "metric_definition": self.metric.to_dict(),
            "names": list(self.names),
            "options": self.options(),
            "total": self.total.to_dict(),
            "rows": self.to_dicts(),
            "shrinkage": None if self.shrinkage is None else self.shrinkage.to_dict(),
        }

    def to_markdown(self, *, digits: int = 1) -> str:
        """The rows as a Markdown table, then a total line."""
        columns = self._markdown_columns()
        lines = [Table.to_markdown(self, digits=digits)]
        t = self.total
        total = {"n": t.n, "estimate": t.estimate, "low": t.low, "high": t.high}
        first = self._key_columns()[0]
        cells = ["**total**" if c == first else format_cell(total.get(c), digits) for c in columns]
        lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def _row_key(self, row: MetricBreakdownRow) -> tuple[Any, ...]:
        return row.key

    def _key_columns(self) -> list[str]:
        return list(self.rows[0].key_names) if self.rows else list(self.names)

    def _empty_columns(self) -> tuple[str, ...]:
        return (*self.names, *_VALUE_FIELDS)

    def _markdown_columns(self) -> list[str]:
        columns = [*self._key_columns(), "n", "estimate", "low", "high", "difference"]
        columns += ["pvalue_adjusted", "significant", "small", "impact"]
        return [*columns, "shrunk_estimate"] if self.shrinkage is not None else columns

    def __str__(self) -> str:
        metric = self.metric
        level = f"{100 * self.confidence_level:g}%"
        against = "rest" if self.compare_to == "rest" else "total"
        header = [" x ".join(self.names), "n", metric.label, f"{level} CI", f"vs {against}"]
        header += ["p adj", "impact"]
        fit = self.shrinkage
        header += ["shrunk", f"{level} CI (FAB)", ""] if fit is not None else [""]
        table = [header]
        for row in self.rows[:_SHOWN]:
            flags = ("*" if row.significant else "") + (" small" if row.small else "")
            cells = [
                _label(row.key),
                f"{row.n:.6g}",
                _value(metric, row.estimate),
                _range(metric, row.low, row.high),
                _change(metric, row.difference),
                "" if math.isnan(row.pvalue_adjusted) else f"{row.pvalue_adjusted:.3g}",
                _change(metric, row.impact),
            ]
            if fit is not None and row.shrunk_estimate is not None:
                low = math.nan if row.shrunk_low is None else row.shrunk_low
                high = math.nan if row.shrunk_high is None else row.shrunk_high
                cells += [_value(metric, row.shrunk_estimate), _range(metric, low, high)]
            table.append([*cells, flags.strip()])
        t = self.total
        table.append(
            ["total", f"{t.n:.6g}", _value(metric, t.estimate), _range(metric, t.low, t.high)]
            + [""] * (len(header) - 4)
        )
        widths = [max(len(r[i]) for r in table) for i in range(len(header))]
        order = f", sorted by {self.sort}" if self.sort else ""
        lines = [
            metric.describe(),
            f"{metric.label} by {' x '.join(self.names)}: "
            f"{len(self.rows)} segments{order}; {self.interval_method} intervals",
            f"each segment vs the {against} ({self.compare_method}), "
            f"p-values adjusted ({self.p_adjust})",
        ]
        for r in table:
            cells = [r[0].ljust(widths[0])]
            cells += [c.rjust(w) for c, w in zip(r[1:-1], widths[1:-1], strict=True)]
            cells.append(r[-1])
            lines.append("  ".join(cells).rstrip())
        if len(self.rows) > _SHOWN:
            lines.insert(len(lines) - 1, f"... {len(self.rows) - _SHOWN} more segments")
        if fit is not None:
            low, high = fit.tau_interval
            lines.append(
                f"shrunk towards {_value(metric, fit.prior)} by a normal hierarchical model; "
                f"true values differ between segments by a standard deviation of "
                f"{_unit(metric, fit.tau)}{' points' if metric.factor == 100.0 else ''} "
                f"({level} credible {_unit(metric, low)} to {_unit(metric, high)})"
            )
        alpha = f"{1 - self.confidence_level:.3g}"
        unit = (
            "percent, differences in percentage points" if metric.factor == 100.0 else "scale units"
        )
        lines.append(f"(values in {unit}, rounded; p-values to 3 significant digits;")
        lines.append(f" * adjusted p-value below {alpha}; small: effective n below {self.min_n})")
        return "\n".join(lines)


def _value(metric: Metric, value: float) -> str:
    return "" if math.isnan(value) else metric.format(value)


def _unit(metric: Metric, value: float) -> str:
    return f"{value:.1f}" if metric.factor == 100.0 else f"{value:.2f}"


def _change(metric: Metric, value: float) -> str:
    if math.isnan(value):
        return ""
    return f"{value:+.1f}" if metric.factor == 100.0 else f"{value:+.2f}"


def _range(metric: Metric, low: float, high: float) -> str:
    if math.isnan(low) or math.isnan(high):
        return ""
    return f"[{_value(metric, low)}, {_value(metric, high)}]"
