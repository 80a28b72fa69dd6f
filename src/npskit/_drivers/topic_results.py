"""The result of ``topic_impact``: one row per topic (and period)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from npskit._core.interval import Interval
from npskit._core.results import Table, format_cell, json_value

__all__ = ["TopicImpact", "TopicRow"]


@dataclass(frozen=True, slots=True, kw_only=True)
class TopicRow:
    """One comment topic (in one period) of a :class:`TopicImpact`.

    Attributes
    ----------
    period : Any
        The period (None without ``period=``).
    topic : str
        The topic.
    n : int
        Answers in the period (unweighted), missing answers left out.
    n_mentions : int
        Answers whose comment has the topic.
    share : float
        Their share of the answers (of the weight when weighted), 0 to 1.
    nps_all, nps_with, nps_without : float
        NPS of all answers, of those mentioning the topic and of the others,
        in points.
    difference, difference_low, difference_high : float
        ``nps_with - nps_without`` and its interval from :func:`npskit.compare`
        (two independent groups, the default comparison method).
    impact, low, high : float
        ``nps_all - nps_without = share * difference`` and its delta-method
        interval, in points: what NPS would gain (if negative) without the
        topic's answers.
    pvalue : float
        Two-sided p-value of H0: impact = 0 (equivalently, the topic's
        answers have the NPS of the others), delta-method z-test.
    pvalue_adjusted : float
        Adjusted over the topics of the period (``p_adjust``).
    significant : bool
        ``pvalue_adjusted < 1 - confidence_level``.
    shapley_impact : float
        The topic's part of the impact of all topics together, with comments
        of several topics shared by the Shapley value (NaN with
        ``shared="marginal"``).
    impact_change, change_low, change_high, change_pvalue : float
        Impact minus the impact in the previous period, its interval and
        p-value (independent periods); NaN for the first period or without
        periods.
    """

    period: Any
    topic: str
    n: int
    n_mentions: int
    share: float
    nps_all: float
    nps_with: float
    nps_without: float
    difference: float
    difference_low: float
    difference_high: float
    impact: float
    low: float
    high: float
    pvalue: float
    pvalue_adjusted: float
    significant: bool
    shapley_impact: float
    impact_change: float
    change_low: float
    change_high: float
    change_pvalue: float

    @property
    def confidence_interval(self) -> Interval:
        """``[low, high]`` of the impact as an :class:`npskit.Interval`."""
        return Interval(self.low, self.high)

    def to_dict(self) -> dict[str, Any]:
        """A flat JSON-serialisable dictionary (NaN becomes ``None``)."""
        return {name: json_value(getattr(self, name)) for name in TopicRow.__dataclass_fields__}


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class TopicImpact(Table[TopicRow]):
    """How much each comment topic moves NPS, with intervals and tests.

    Returned by :func:`npskit.topic_impact`. Rows are looked up by topic
    (``result["long wait"]``) or, with periods, by ``(period, topic)``.

    Attributes
    ----------
    rows : tuple of TopicRow
        One row per topic (per period, periods in order), by impact within
        a period (most negative first).
    shared : str
        How comments with several topics are shared (``"shapley"`` or
        ``"marginal"``).
    total_impact : tuple of float
        Per period (one value without periods): NPS of all answers minus the
        NPS of the answers that mention no topic, in points; the
        ``shapley_impact`` of the period's topics add up to it.
    periods : tuple
        The periods, in order (``(None,)`` without periods).
    n_missing : int
        Missing answers left out.
    weighted : bool
        Whether survey weights were used.
    confidence_level : float
        Level of the intervals.
    p_adjust : str
        Multiplicity adjustment over each period's topics.
    """

    shared: str
    total_impact: tuple[float, ...]
    periods: tuple[Any, ...]
    n_missing: int
    weighted: bool
    confidence_level: float
    p_adjust: str

    def _row_key(self, row: TopicRow) -> tuple[Any, ...]:
        return (row.topic,) if self.periods == (None,) else (row.period, row.topic)

    def _empty_columns(self) -> tuple[str, ...]:
        return tuple(TopicRow.__dataclass_fields__)

    def _markdown_columns(self) -> list[str]:
        columns = [
            "topic", "n_mentions", "share", "nps_with", "nps_without", "impact", "low",
            "high", "pvalue_adjusted", "shapley_impact",
        ]  # fmt: skip
        if self.periods != (None,):
            columns = ["period", *columns, "impact_change", "change_pvalue"]
        return columns

    def to_dict(self) -> dict[str, Any]:
        """The whole result as strict JSON-ready data: options, totals, rows."""
        record = {
            name: json_value(getattr(self, name))
            for name in TopicImpact.__dataclass_fields__
            if name not in {"rows", "_index"}
        }
        record["rows"] = self.to_dicts()
        return record

    def __str__(self) -> str:
        level = f"{self.confidence_level:.0%}"
        lines = [
            f"Impact of comment topics on NPS (points; {level} delta-method intervals, "
            f"p-values adjusted by {self.p_adjust})",
        ]
        for period, total in zip(self.periods, self.total_impact, strict=True):
            if period is not None:
                lines.append(f"period {json_value(period)}")
            lines.append(
                f"  {'topic':<18} {'share':>6} {'NPS with':>9} {'without':>8} {'impact':>7} "
                f"{'interval':>16} {'p adj.':>7} {'shapley':>7}"
            )
            for row in self.rows:
                if row.period != period:
                    continue
                interval = f"[{format_cell(row.low)}, {format_cell(row.high)}]"
                lines.append(
                    f"  {row.topic[:18]:<18} {format_cell(100 * row.share) + '%':>6} "
                    f"{format_cell(row.nps_with):>9} {format_cell(row.nps_without):>8} "
                    f"{format_cell(row.impact):>7} {interval:>16} "
                    f"{row.pvalue_adjusted:>7.3g} {format_cell(row.shapley_impact):>7}"
                )
            lines.append(f"  all topics together: {format_cell(total)} points")
        lines.append("impact = NPS(all) - NPS(without the topic's answers) = share x difference")
        return "\n".join(lines)
