"""Several metrics of the same answers side by side: ``scorecard`` and ``Scorecard``."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from npskit._core.interval import Interval
from npskit._core.metric import Metric, as_metric
from npskit._core.results import Table, json_value
from npskit._core.validation import check_confidence_level
from npskit._counting.histogram import histogram
from npskit._counting.keys import column_of
from npskit.typing import MetricName, NanPolicy

from .confidence_interval import confidence_interval

__all__ = ["Scorecard", "ScorecardRow", "scorecard"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ScorecardRow:
    """One metric of a :class:`Scorecard`.

    Attributes
    ----------
    metric : str
        The metric's name (``"nps"``, ``"csat"``, ``"ces"``, ...).
    label : str
        Its display label (``"NPS"``, ``"CSAT"``, ...).
    column : str
        The column of answers it was computed from (``""`` for an array).
    n, n_missing : int
        Answers counted, and missing answers left out.
    effective_n : float
        Kish's effective number of answers (``n`` when unweighted).
    estimate, low, high : float
        The metric's value and confidence interval in its reported units
        (points for NPS, percent for a share, scale units for a mean).
    range_low, range_high : float
        The metric's range (-100..100, 0..100, or the answer scale).
    interval_method : str
        The interval method used (the metric kind's default).
    """

    metric: str
    label: str
    column: str
    n: int
    n_missing: int
    effective_n: float
    estimate: float
    low: float
    high: float
    range_low: float
    range_high: float
    interval_method: str

    @property
    def confidence_interval(self) -> Interval:
        """``[low, high]`` as an :class:`npskit.Interval`."""
        return Interval(self.low, self.high)

    def to_dict(self) -> dict[str, Any]:
        """A flat JSON-serialisable dictionary."""
        return {name: json_value(getattr(self, name)) for name in _FIELDS}


_FIELDS = tuple(ScorecardRow.__dataclass_fields__)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Scorecard(Table[ScorecardRow]):
    """NPS, CSAT, CES (or any metrics) of one survey, one row per metric.

    Returned by :func:`scorecard`. A table: iterate over its rows, look one
    up by metric name (``card["csat"]``), convert with ``to_dicts()``,
    ``to_pandas()``, ``to_markdown()``, ``to_csv()``; :meth:`to_dict` adds
    the options.
    """

    confidence_level: float
    weighted: bool

    def to_dict(self) -> dict[str, Any]:
        """The whole result as a JSON-serialisable dictionary."""
        return {
            "confidence_level": self.confidence_level,
            "weighted": self.weighted,
            "rows": self.to_dicts(),
        }

    def _row_key(self, row: ScorecardRow) -> tuple[Any, ...]:
        return (row.metric,)

    def _empty_columns(self) -> tuple[str, ...]:
        return _FIELDS

    def _markdown_columns(self) -> list[str]:
        return ["label", "column", "n", "estimate", "low", "high", "interval_method"]

    def __str__(self) -> str:
        level = f"{100 * self.confidence_level:g}%"
        header = ["metric", "column", "n", "value", f"{level} CI", "range", "method"]
        table = [header]
        for row in self.rows:
            metric = _display_metric(row)
            table.append(
                [
                    row.label,
                    row.column,
                    str(row.n),
                    _show(metric, row.estimate),
                    f"[{_show(metric, row.low)}, {_show(metric, row.high)}]",
                    f"{row.range_low:g}..{row.range_high:g}",
                    row.interval_method,
                ]
            )
        widths = [max(len(r[i]) for r in table) for i in range(len(header))]
        lines = [
            f"{len(self.rows)} metrics of the same answers"
            + (", weighted" if self.weighted else "")
        ]
        for r in table:
            cells = [r[0].ljust(widths[0]), r[1].ljust(widths[1])]
            cells += [c.rjust(w) for c, w in zip(r[2:-1], widths[2:-1], strict=True)]
            cells.append(r[-1])
            lines.append("  ".join(cells).rstrip())
        lines.append("(NPS in points, shares in percent, means in scale units; rounded)")
        return "\n".join(lines)


def _display_metric(row: ScorecardRow) -> str:
    if row.range_low == -100.0:
        return "net"
    return "share" if (row.range_low, row.range_high) == (0.0, 100.0) else "mean"


def _show(kind: str, value: float) -> str:
    if math.isnan(value):
        return ""
    if kind == "net":
        return f"{value:+.1f}"
    return f"{value:.1f}%" if kind == "share" else f"{value:.2f}"


def scorecard(
    data: Any = None,
    *,
    metrics: Sequence[Metric | MetricName] = ("nps", "csat", "ces"),
    columns: Mapping[str, Any] | Sequence[Any] | None = None,
    weights: Any = None,
    confidence_level: float = 0.95,
    nan_policy: NanPolicy = "omit",
) -> Scorecard:
    """Several metrics of one survey side by side: NPS, CSAT and CES with intervals.

    Each metric is :func:`npskit.confidence_interval` of its own column of
    answers with ``metric=`` that metric (so its default interval method:
    adjusted Wald for NPS, Agresti-Coull for shares, scaled Wilson for means), over the same
    rows and the same weights.

    Parameters
    ----------
    data : pandas.DataFrame, polars.DataFrame or mapping, optional
        The table the columns come from.
    metrics : sequence of Metric or str, default ("nps", "csat", "ces")
        The metrics, one row each, in this order.
    columns : mapping or sequence, optional
        The answers of each metric: a mapping from metric name to a column
        name of ``data`` (or an array), or a sequence in the order of
        ``metrics``. Default: the column named like the metric.
    weights : array_like or str, optional
        Survey weights shared by every metric, or a column name.
    confidence_level : float, default 0.95
    nan_policy : {"omit", "raise"}, default "omit"
        Missing answers of each column are left out (and counted), or raise.

    Returns
    -------
    Scorecard
        One :class:`ScorecardRow` per metric.

    Raises
    ------
    ValueError
        If ``metrics`` is empty or repeats a name, ``columns`` does not give
        one column per metric, or answers lie outside a metric's scale.
    TypeError
        If a metric is not a Metric or a name.

    Examples
    --------
    >>> import npskit
    >>> data = npskit.load_example()
    >>> card = npskit.scorecard(data, columns={"nps": "answer", "csat": "csat", "ces": "ces"})
    >>> print(card)
    3 metrics of the same answers
    metric  column     n  value          95% CI      range  method
    NPS     answer  5824  +24.9  [+22.8, +27.0]  -100..100  adjusted-wald
    CSAT    csat    5765  80.9%  [79.8%, 81.9%]     0..100  agresti-coull
    CES     ces     5748   5.21    [5.17, 5.24]       1..7  scaled-wilson
    (NPS in points, shares in percent, means in scale units; rounded)
    >>> round(card["csat"].estimate, 2)
    80.87
    """
    level = check_confidence_level(confidence_level)
    chosen = [as_metric(metric) for metric in metrics]
    if not chosen:
        raise ValueError("metrics must name at least one metric, got none")
    names = [metric.name for metric in chosen]
    if len(set(names)) != len(names):
        raise ValueError(f"metrics must be distinct, got {names!r}")
    sources = _sources(chosen, columns)
    weight_column = None if weights is None else column_of(data, weights, "weights")
    rows = []
    for metric, source in zip(chosen, sources, strict=True):
        answers = column_of(data, source, f"the {metric.name!r} column")
        counts = histogram(answers, metric=metric, weights=weight_column, nan_policy=nan_policy)
        ci = confidence_interval(counts, metric=metric, confidence_level=level)
        low, high = metric.bounds
        rows.append(
            ScorecardRow(
                metric=metric.name,
                label=metric.label,
                column=source if isinstance(source, str) else "",
                n=counts.n,
                n_missing=counts.n_missing,
                effective_n=counts.effective_n,
                estimate=ci.estimate,
                low=ci.low,
                high=ci.high,
                range_low=float(low),
                range_high=float(high),
                interval_method=ci.interval_method,
            )
        )
    return Scorecard(tuple(rows), confidence_level=level, weighted=weights is not None)


def _sources(metrics: list[Metric], columns: Any) -> list[Any]:
    if columns is None:
        return [metric.name for metric in metrics]
    if isinstance(columns, Mapping):
        missing = [metric.name for metric in metrics if metric.name not in columns]
        if missing:
            raise ValueError(
                f"columns must give the answers of every metric; missing {missing!r} "
                f"(got keys {list(columns)!r})"
            )
        return [columns[metric.name] for metric in metrics]
    if isinstance(columns, (str, bytes)) or not isinstance(columns, Sequence):
        raise TypeError(
            f"columns must be a mapping from metric name to column, or a sequence, got "
            f"{type(columns).__name__}"
        )
    if len(columns) != len(metrics):
        raise ValueError(
            f"columns must give one column per metric: {len(metrics)} metrics, "
            f"{len(columns)} columns"
        )
    return list(columns)
