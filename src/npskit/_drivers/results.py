"""The result of ``drivers``: one row per driver, the full model, dominance when asked."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from npskit._core.interval import Interval
from npskit._core.results import Table, format_cell, json_value

__all__ = ["Dominance", "DriverAnalysis", "DriverRow"]


@dataclass(frozen=True, slots=True, kw_only=True)
class DriverRow:
    """One driver (attribute) of a :class:`DriverAnalysis`.

    Attributes
    ----------
    driver : str
        The attribute's name.
    importance : float
        Its share of the model's fit, in the units of ``DriverAnalysis.r2``
        (R^2 for the score; R^2_O or McFadden's pseudo-R^2 for a binary
        outcome). The importances of all drivers add up to ``r2``.
    importance_share : float
        ``importance / r2``: the rescaled importance, 0 to 1 (shares add up to 1).
    low, high : float
        Bootstrap percentile interval of ``importance`` (NaN without
        resampling).
    rank : int
        1 for the most important driver.
    rank_low, rank_high : int or None
        Bootstrap percentile interval of the rank (None without resampling).
    correlation : float
        Weighted correlation of the rating with the outcome (point-biserial
        for a binary outcome).
    beta : float
        Standardised coefficient in the full model (linear regression on
        standardised ratings for the score, logistic for a binary outcome).
    sign : int
        +1 or -1: the sign of ``correlation``, the direction in which the
        rating moves the outcome on its own.
    suppressor : bool
        ``beta`` and ``correlation`` have opposite signs: with the other
        drivers held fixed the effect reverses (a sign of collinearity).
    mean : float
        Current performance: the weighted mean rating over the rows used.
    top_box : float
        Current performance: the weighted share of rows rating ``top_box_value``.
    top_box_value : float
        The highest rating seen for this driver.
    n_missing : int
        Rows with an answer whose rating of this driver was missing.
    """

    driver: str
    importance: float
    importance_share: float
    low: float
    high: float
    rank: int
    rank_low: int | None
    rank_high: int | None
    correlation: float
    beta: float
    sign: int
    suppressor: bool
    mean: float
    top_box: float
    top_box_value: float
    n_missing: int

    @property
    def confidence_interval(self) -> Interval:
        """``[low, high]`` of the importance as an :class:`npskit.Interval`."""
        return Interval(self.low, self.high)

    def to_dict(self) -> dict[str, Any]:
        """A flat JSON-serialisable dictionary (NaN becomes ``None``)."""
        return {name: json_value(getattr(self, name)) for name in DriverRow.__dataclass_fields__}


@dataclass(frozen=True, slots=True, kw_only=True)
class Dominance:
    """Dominance analysis of the drivers (Azen & Budescu 2003).

    Attributes
    ----------
    drivers : tuple of str
        Order of the rows and columns below (the input order).
    complete : tuple of tuple of float
        ``complete[i][j]`` is 1 when driver ``i`` adds more to the fit than
        ``j`` in every subset of the other drivers, 0 when it adds less in
        every one, 0.5 when neither; the diagonal is None.
    conditional : tuple of tuple of float
        The same coding for conditional dominance: ``i`` adds more than ``j``
        on average within every subset size.
    statistics : tuple of tuple of float
        ``statistics[i][k]``: the average gain of adding driver ``i`` to the
        subsets of ``k`` other drivers (``k = 0 .. p-1``); their mean over
        ``k`` is the general dominance weight (= Shapley = LMG).
    general : tuple of float
        The general dominance weights.
    """

    drivers: tuple[str, ...]
    complete: tuple[tuple[float | None, ...], ...]
    conditional: tuple[tuple[float | None, ...], ...]
    statistics: tuple[tuple[float, ...], ...]
    general: tuple[float, ...]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dictionary."""
        return {name: json_value(getattr(self, name)) for name in Dominance.__dataclass_fields__}


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class DriverAnalysis(Table[DriverRow]):
    """Relative importance of the drivers of NPS, with bootstrap intervals.

    Returned by :func:`npskit.drivers` and :func:`npskit.drivers_from_correlation`.
    A table: one :class:`DriverRow` per driver, most important first; look
    one up by name (``result["wait_rating"]``) and convert with
    ``to_pandas()``, ``to_markdown()``, ... :meth:`to_dict` gives the whole
    result, options included.

    Attributes
    ----------
    rows : tuple of DriverRow
        One row per driver, by decreasing importance.
    outcome : str
        ``"score"``, ``"promoter"`` or ``"detractor"``.
    importance_method : str
        ``"relative-weights"`` or ``"shapley"``.
    r2, r2_low, r2_high : float
        Fit of the full model and its bootstrap interval (NaN without
        resampling).
    r2_kind : str
        What ``r2`` is: ``"r2"`` (linear), ``"r2-o"`` (squared correlation
        of the 0/1 outcome with the fitted probabilities) or ``"mcfadden"``.
    n : int
        Rows used: answer and every rating present (complete cases).
    n_missing : int
        Rows left out because the answer or a rating was missing.
    weight_sum, effective_n : float
        Sum of the weights of the rows used and Kish's effective size
        (``n`` for both when unweighted).
    weighted : bool
        Whether survey weights were used.
    confidence_level : float
        Level of the intervals.
    n_resamples : int
        Bootstrap resamples (0: no intervals).
    missing : str
        The missing-ratings policy.
    dominance : Dominance or None
        Dominance matrices and statistics, with ``dominance=True``.
    """

    outcome: str
    importance_method: str
    r2: float
    r2_low: float
    r2_high: float
    r2_kind: str
    n: int
    n_missing: int
    weight_sum: float
    effective_n: float
    weighted: bool
    confidence_level: float
    n_resamples: int
    missing: str
    dominance: Dominance | None = None

    def _row_key(self, row: DriverRow) -> tuple[Any, ...]:
        return (row.driver,)

    def _empty_columns(self) -> tuple[str, ...]:
        return tuple(DriverRow.__dataclass_fields__)

    def _markdown_columns(self) -> list[str]:
        return [
            "driver", "importance", "importance_share", "low", "high", "rank", "rank_low",
            "rank_high", "sign", "mean", "top_box", "n_missing",
        ]  # fmt: skip

    def _head(self, rows: int) -> list[dict[str, Any]]:
        # importances are small numbers: displays show 3 decimals, not 1
        return [
            {k: f"{v:.3f}" if isinstance(v, float) else v for k, v in row.to_dict().items()}
            for row in self.rows[:rows]
        ]

    def _title(self) -> str:
        return (
            f"DriverAnalysis: {len(self.rows)} drivers of {self.outcome} by "
            f"{self.importance_method}, {self.r2_kind} {self.r2:.3f}, n={self.n}"
        )

    @property
    def r2_interval(self) -> Interval:
        """``[r2_low, r2_high]`` as an :class:`npskit.Interval`."""
        return Interval(self.r2_low, self.r2_high)

    def to_markdown(self, *, digits: int = 3) -> str:
        """The rows as a Markdown table, importances to ``digits`` decimals (3 by default)."""
        return super(DriverAnalysis, self).to_markdown(digits=digits)

    def to_dict(self) -> dict[str, Any]:
        """The whole result as strict JSON-ready data: options, fit, rows, dominance."""
        record = {
            name: json_value(getattr(self, name))
            for name in DriverAnalysis.__dataclass_fields__
            if name not in {"rows", "_index", "dominance"}
        }
        record["dominance"] = None if self.dominance is None else self.dominance.to_dict()
        record["rows"] = self.to_dicts()
        return record

    def __str__(self) -> str:
        level = f"{self.confidence_level:.0%}"
        lines = [
            f"Drivers of {self.outcome} by {self.importance_method}: "
            f"{self.r2_kind} {format_cell(self.r2, 3)} "
            + (
                f"from {self.n} complete rows ({self.n_missing} left out)"
                if self.n
                else "from a correlation matrix"
            ),
            f"{'driver':<20} {'importance':>10} {'share':>6} {level + ' interval':>18} "
            f"{'rank':>4} {'rank range':>10} {'sign':>4} {'mean':>6} {'top box':>7}",
        ]
        for row in self.rows:
            interval = (
                f"[{format_cell(row.low, 3)}, {format_cell(row.high, 3)}]"
                if math.isfinite(row.low)
                else ""
            )
            ranks = "" if row.rank_low is None else f"{row.rank_low}-{row.rank_high}"
            mean = format_cell(row.mean, 2) if math.isfinite(row.mean) else "-"
            top = f"{format_cell(100 * row.top_box, 0)}%" if math.isfinite(row.top_box) else "-"
            lines.append(
                f"{row.driver[:20]:<20} {format_cell(row.importance, 3):>10} "
                f"{format_cell(100 * row.importance_share, 0) + '%':>6} {interval:>18} "
                f"{row.rank:>4} {ranks:>10} {'+' if row.sign > 0 else '-':>4} "
                f"{mean:>6} {top:>7}"
            )
        note = (
            f"Intervals: bootstrap percentile, {self.n_resamples} resamples of rows."
            if self.n_resamples
            else "No resampling: no intervals."
        )
        lines.append(note + " Importance is association, not causation.")
        return "\n".join(lines)
