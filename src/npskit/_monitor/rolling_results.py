"""The result of :func:`npskit.rolling`: NPS per window end and the change from before."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any

from npskit._core.interval import Interval
from npskit._core.results import Table, json_value, none_if_nan

__all__ = ["Rolling", "RollingWindow"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RollingWindow:
    """One window of a :class:`Rolling` table.

    Attributes
    ----------
    end : datetime.date
        Last day of the window (the row's key).
    start : datetime.date
        First day of the window.
    n : int
        Answers in the window.
    effective_n : float
        Kish's effective number of answers (``n`` when unweighted).
    nps, low, high : float or None
        NPS and its confidence interval in points; None without answers.
    previous_end : datetime.date or None
        Last day of the window compared with (``compare_lag`` days earlier);
        None when it would start before the data.
    n_shared : float or None
        Answers the two windows share (0 when they do not overlap).
    change, change_low, change_high : float or None
        ``nps`` minus the earlier window's NPS, and its confidence interval,
        with the overlap accounted for.
    pvalue : float or None
        Two-sided p-value of the change (H0: both windows have the same NPS).
    pvalue_adjusted : float or None
        The p-value adjusted with ``p_adjust`` over the table's changes.
    """

    end: _dt.date
    start: _dt.date
    n: int
    effective_n: float
    nps: float | None
    low: float | None
    high: float | None
    previous_end: _dt.date | None = None
    n_shared: float | None = None
    change: float | None = None
    change_low: float | None = None
    change_high: float | None = None
    pvalue: float | None = None
    pvalue_adjusted: float | None = None

    @property
    def confidence_interval(self) -> Interval:
        """The window's confidence interval (NaN ends without answers)."""
        return Interval(_nan(self.low), _nan(self.high))

    def to_dict(self) -> dict[str, Any]:
        """A flat, JSON-serialisable dictionary."""
        return {
            "end": json_value(self.end),
            "start": json_value(self.start),
            "n": self.n,
            "effective_n": self.effective_n,
            "nps": none_if_nan(self.nps),
            "low": none_if_nan(self.low),
            "high": none_if_nan(self.high),
            "previous_end": json_value(self.previous_end),
            "n_shared": none_if_nan(self.n_shared),
            "change": none_if_nan(self.change),
            "change_low": none_if_nan(self.change_low),
            "change_high": none_if_nan(self.change_high),
            "pvalue": none_if_nan(self.pvalue),
            "pvalue_adjusted": none_if_nan(self.pvalue_adjusted),
        }


def _nan(value: float | None) -> float:
    return float("nan") if value is None else value


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Rolling(Table[RollingWindow]):
    """NPS over rolling windows (see :func:`npskit.rolling`), one row per window end.

    Attributes
    ----------
    window : int
        Days per window.
    compare_lag : int
        Days between a window's end and the end of the window it is compared with.
    confidence_level : float
        Level of the intervals.
    interval_method : str
        Interval method of each window's NPS.
    p_adjust : str
        Multiplicity adjustment of the changes' p-values.
    """

    window: int
    compare_lag: int
    confidence_level: float
    interval_method: str
    p_adjust: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dictionary: the options and the rows."""
        return {
            "window": self.window,
            "compare_lag": self.compare_lag,
            "confidence_level": self.confidence_level,
            "interval_method": self.interval_method,
            "p_adjust": self.p_adjust,
            "rows": self.to_dicts(),
        }

    def _row_key(self, row: RollingWindow) -> tuple[Any, ...]:
        return (row.end,)

    def _empty_columns(self) -> tuple[str, ...]:
        return tuple(RollingWindow.__dataclass_fields__)

    def _markdown_columns(self) -> list[str]:
        return ["end", "n", "nps", "low", "high", "change", "pvalue_adjusted"]

    def __str__(self) -> str:
        level = f"{100 * self.confidence_level:g}%"
        head = (
            f"NPS over {len(self.rows)} rolling windows of {self.window} days with {level} "
            f"intervals ({self.interval_method}); change from the window ending "
            f"{self.compare_lag} days earlier (overlap accounted for), p-values "
            f"adjusted by {self.p_adjust}; rounded to 1 decimal"
        )
        return head + "\n" + self.to_markdown()
