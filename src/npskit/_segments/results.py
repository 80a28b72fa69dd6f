"""The result types of ``breakdown``: one row per segment, a total, the table."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from npskit._core.grouped import _label
from npskit._core.interval import Interval
from npskit._core.results import Table, format_cell, json_value, keyed_dict

from .shrinkage import ShrinkageResult

__all__ = ["Breakdown", "BreakdownRow", "BreakdownTotal"]


_SHOWN = 50  # rows printed by str()


@dataclass(frozen=True, slots=True, kw_only=True)
class BreakdownRow:
    """One segment of a :class:`Breakdown`.

    Attributes
    ----------
    key : tuple
        The segment's key, one value per key column (``None`` for a missing
        key value).
    key_names : tuple of str
        The names under which :meth:`to_dict` puts the key values (the key
        column names, see :func:`breakdown`).
    n : int
        Answers in the segment, missing ones left out (unweighted).
    weight_sum : int or float
        Sum of the weights of those answers; ``n`` when unweighted.
    effective_n : float
        Kish's effective number of answers; ``n`` when unweighted.
    n_missing : int
        Missing answers left out.
    detractors, passives, promoters : int or float
        Counts (weight sums when weighted).
    share_detractors, share_passives, share_promoters : float
        Shares of the segment's answers, 0 to 1.
    share_of_total : float
        The segment's share of all answers (of the weight when weighted).
    nps, low, high : float
        NPS and its confidence interval, in points.
    difference, difference_low, difference_high : float
        ``nps`` minus the NPS of what the segment is compared with (the rest
        of the population by default), in points, and its interval.
    pvalue : float
        Two-sided p-value of that difference (H0: the segment has the NPS of
        the rest).
    pvalue_adjusted : float
        The p-value adjusted for multiplicity over all segments.
    significant : bool
        ``pvalue_adjusted < 1 - confidence_level``.
    small : bool
        ``effective_n < min_n``: too few answers to read much into.
    impact : float
        Total NPS minus the NPS of the total without this segment, in points.
    shrunk_nps, shrunk_low, shrunk_high : float or None
        Shrunk NPS (:func:`npskit.shrink`) and its constant-coverage (FAB)
        confidence interval (with ``shrinkage=True``), else None; the
        credible interval is on :func:`npskit.shrink`'s rows.

    Values that do not exist are NaN: every statistic of a segment whose
    answers are all missing, and the comparison, p-values and impact of a
    segment that is the whole population (it has no rest).
    """

    key: tuple[Any, ...]
    key_names: tuple[str, ...] = field(repr=False, compare=False)
    n: int
    weight_sum: int | float
    effective_n: float
    n_missing: int
    detractors: int | float
    passives: int | float
    promoters: int | float
    share_detractors: float
    share_passives: float
    share_promoters: float
    share_of_total: float
    nps: float
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
    shrunk_nps: float | None = None
    shrunk_low: float | None = None
    shrunk_high: float | None = None

    @property
    def counts(self) -> tuple[int | float, int | float, int | float]:
        """Detractors, passives and promoters."""
        return (self.detractors, self.passives, self.promoters)

    @property
    def shares(self) -> tuple[float, float, float]:
        """Shares of detractors, passives and promoters."""
        return (self.share_detractors, self.share_passives, self.share_promoters)

    @property
    def confidence_interval(self) -> Interval:
        """``[low, high]`` as an :class:`npskit.Interval` (it unpacks: ``low, high = ...``)."""
        return Interval(self.low, self.high)

    @property
    def difference_interval(self) -> Interval:
        """``[difference_low, difference_high]`` as an :class:`npskit.Interval`."""
        return Interval(self.difference_low, self.difference_high)

    def to_dict(self) -> dict[str, Any]:
        """A flat JSON-serialisable dictionary: key columns first; NaN becomes ``None``."""
        return keyed_dict(self, _VALUE_FIELDS)


_VALUE_FIELDS = tuple(BreakdownRow.__dataclass_fields__)[2:]


@dataclass(frozen=True, slots=True, kw_only=True)
class BreakdownTotal:
    """All segments together: the total row of a :class:`Breakdown`.

    Attributes are those of :class:`BreakdownRow` that a total has: sizes,
    counts, shares, and the NPS with its interval (in points).
    """

    n: int
    weight_sum: int | float
    effective_n: float
    n_missing: int
    detractors: int | float
    passives: int | float
    promoters: int | float
    share_detractors: float
    share_passives: float
    share_promoters: float
    nps: float
    low: float
    high: float

    @property
    def confidence_interval(self) -> Interval:
        """``[low, high]`` as an :class:`npskit.Interval` (it unpacks: ``low, high = ...``)."""
        return Interval(self.low, self.high)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dictionary (NaN becomes ``None``)."""
        return {
            name: json_value(getattr(self, name)) for name in BreakdownTotal.__dataclass_fields__
        }


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Breakdown(Table[BreakdownRow]):
    """NPS per segment with intervals, vs-rest tests, multiplicity control and impact.

    Returned by :func:`breakdown`. A table: iterate over its
    :class:`BreakdownRow` rows, look one up by its key (``result["email"]``,
    or a tuple for several key columns; positions are ``result.rows[i]``),
    or convert with ``to_dicts()``,
    ``to_pandas()``, ``to_polars()``, :meth:`to_markdown` and ``to_csv()``
    (one column per key column, then the row's values); :meth:`to_dict`
    gives the whole result, options included, as JSON-ready data.

    Attributes
    ----------
    rows : sequence of BreakdownRow
        One row per segment, in key order or as sorted. An immutable
        sequence that builds each row when it is first read (all of them
        when iterated), so a breakdown of many segments costs its statistics,
        not its row objects; it compares equal to the tuple of its rows.
    names : tuple of str
        Names of the key columns.
    total : BreakdownTotal
        All answers together (not one of the rows).
    weighted : bool
        Whether counts are sums of survey weights.
    interval_method : str
        Interval method of each segment's NPS and of the total.
    compare_method : str
        Method of the comparison of each segment with the rest.
    compare_to : {"rest", "total"}
        What each segment's ``difference`` is taken against.
    confidence_level : float
        Level of every interval; ``1 - confidence_level`` is the threshold of
        the adjusted p-values for ``significant``.
    p_adjust : str
        Multiplicity adjustment over the segments' p-values.
    min_n : int
        Segments with a smaller effective n are flagged ``small``.
    sort : str or None
        What the rows are sorted by (None: key order).
    ascending : bool
        Sort direction.
    shrinkage : ShrinkageResult or None
        The hierarchical fit behind ``shrunk_nps`` (``shrinkage=True``).
    """

    names: tuple[str, ...]
    total: BreakdownTotal
    weighted: bool
    interval_method: str
    compare_method: str
    compare_to: str
    confidence_level: float
    p_adjust: str
    min_n: int
    sort: str | None
    ascending: bool
    shrinkage: ShrinkageResult | None = None

    def options(self) -> dict[str, Any]:
        """The options the breakdown was made with."""
        return {
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
        fit = self.shrinkage
        return {
            "names": list(self.names),
            "options": self.options(),
            "total": self.total.to_dict(),
            "rows": self.to_dicts(),
            "shrinkage": None
            if fit is None
            else {
                "method": fit.method,
                "prior_nps": fit.prior_nps,
                "tau": fit.tau,
                "tau_low": fit.tau_interval.low,
                "tau_high": fit.tau_interval.high,
            },
        }

    def to_markdown(self, *, digits: int = 1) -> str:
        """The rows as a Markdown table, then a total line.

        Points and shares are rounded to ``digits`` decimals, p-values to 3
        significant digits; empty cells are values that do not exist.
        """
        columns = self._markdown_columns()
        lines = [Table.to_markdown(self, digits=digits)]
        t = self.total
        total = {"n": t.n, "nps": t.nps, "low": t.low, "high": t.high, "share_of_total": 1.0}
        first = self._key_columns()[0]
        cells = ["**total**" if c == first else format_cell(total.get(c), digits) for c in columns]
        lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def _row_key(self, row: BreakdownRow) -> tuple[Any, ...]:
        return row.key

    def _key_columns(self) -> list[str]:
        return list(self.rows[0].key_names) if self.rows else list(self.names)

    def _empty_columns(self) -> tuple[str, ...]:
        return (*self.names, *_VALUE_FIELDS)

    def _markdown_columns(self) -> list[str]:
        columns = [*self._key_columns(), "n", "nps", "low", "high", "difference"]
        columns += ["pvalue_adjusted", "significant", "small", "impact"]
        if self.shrinkage is not None:
            columns.append("shrunk_nps")
        return columns

    def __str__(self) -> str:
        level = f"{100 * self.confidence_level:g}%"
        against = "rest" if self.compare_to == "rest" else "total"
        header = [
            " x ".join(self.names),
            "n",
            "NPS",
            f"{level} CI",
            f"vs {against}",
            "p adj",
            "impact",
        ]
        if self.shrinkage is not None:
            header.append("shrunk")
        header.append("")
        table = [header]
        for row in self.rows[:_SHOWN]:
            cells = [
                _label(row.key),
                f"{row.n:.6g}",
                _signed(row.nps),
                _range(row.low, row.high),
                _signed(row.difference),
                "" if math.isnan(row.pvalue_adjusted) else f"{row.pvalue_adjusted:.3g}",
                _signed(row.impact),
            ]
            if self.shrinkage is not None:
                cells.append(_signed(row.shrunk_nps))
            flags = ("*" if row.significant else "") + (" small" if row.small else "")
            cells.append(flags.strip())
            table.append(cells)
        t = self.total
        total = ["total", f"{t.n:.6g}", _signed(t.nps), _range(t.low, t.high), "", "", ""]
        table.append(total + ([""] if self.shrinkage is not None else []) + [""])
        widths = [max(len(r[i]) for r in table) for i in range(len(header))]
        order = f", sorted by {self.sort}" if self.sort else ""
        lines = [
            f"NPS by {' x '.join(self.names)}: {len(self.rows)} segments{order}; "
            f"{self.interval_method} intervals",
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
        alpha = f"{1 - self.confidence_level:.3g}"
        lines.append("(points rounded to 1 decimal, p-values to 3 significant digits;")
        lines.append(f" * adjusted p-value below {alpha}; small: effective n below {self.min_n})")
        return "\n".join(lines)


def _signed(value: float | None) -> str:
    return "" if value is None or math.isnan(value) else f"{value:+.1f}"


def _range(low: float, high: float) -> str:
    if math.isnan(low) or math.isnan(high):
        return ""
    return f"[{low:+.1f}, {high:+.1f}]"
