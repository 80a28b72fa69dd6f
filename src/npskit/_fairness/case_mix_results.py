"""The result of :func:`npskit.case_mix`: observed and expected NPS per unit."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from npskit._core.interval import Interval
from npskit._core.results import Table, json_value, none_if_nan

__all__ = ["CaseMix", "CaseMixRow"]


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseMixRow:
    """One unit (agent, team, ...) of a :class:`CaseMix` table.

    Attributes
    ----------
    key : object
        The unit.
    n : int
        Its answers.
    observed : float
        Its NPS in points.
    expected : float
        The NPS it would have with the centre's NPS in each stratum, given
        its own mix of strata, in points.
    difference : float
        ``observed - expected`` (O - E) in points.
    low, high : float
        Confidence interval of O - E.
    standard_error : float
        Standard error of O - E under H0 (the unit answers like the centre
        in each stratum), in points.
    statistic, pvalue : float
        ``z = (O - E) / standard_error`` and its two-sided p-value.
    pvalue_adjusted : float
        The p-value adjusted over the units with ``p_adjust``.
    significant : bool
        ``pvalue_adjusted < 1 - confidence_level``.
    adjusted_nps : float
        Indirectly standardised NPS: the centre's NPS plus O - E.
    promoters_ratio, detractors_ratio : float or None
        Observed over expected promoters (detractors): O/E of each count;
        None when none is expected.
    """

    key: Any
    unit_name: str = field(repr=False, compare=False)
    n: int
    observed: float
    expected: float
    difference: float
    low: float
    high: float
    standard_error: float
    statistic: float
    pvalue: float
    pvalue_adjusted: float
    significant: bool
    adjusted_nps: float
    promoters_ratio: float | None
    detractors_ratio: float | None

    @property
    def confidence_interval(self) -> Interval:
        """The confidence interval of O - E."""
        return Interval(self.low, self.high)

    def to_dict(self) -> dict[str, Any]:
        """A flat, JSON-serialisable dictionary."""
        return {
            self.unit_name: json_value(self.key),
            "n": self.n,
            "observed": none_if_nan(self.observed),
            "expected": none_if_nan(self.expected),
            "difference": none_if_nan(self.difference),
            "low": none_if_nan(self.low),
            "high": none_if_nan(self.high),
            "standard_error": none_if_nan(self.standard_error),
            "statistic": none_if_nan(self.statistic),
            "pvalue": none_if_nan(self.pvalue),
            "pvalue_adjusted": none_if_nan(self.pvalue_adjusted),
            "significant": self.significant,
            "adjusted_nps": none_if_nan(self.adjusted_nps),
            "promoters_ratio": none_if_nan(self.promoters_ratio),
            "detractors_ratio": none_if_nan(self.detractors_ratio),
        }


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class CaseMix(Table[CaseMixRow]):
    """Case-mix adjusted comparison of units (see :func:`npskit.case_mix`).

    Attributes
    ----------
    unit_name : str
        Name of the unit column.
    strata_names : tuple of str
        The columns whose combinations are the strata.
    n_strata : int
        Strata with answers.
    centre : float
        The NPS of all answers, in points.
    confidence_level : float
        Level of the intervals; the tests reject below ``1 - confidence_level``.
    p_adjust : str
        The multiplicity adjustment.
    """

    unit_name: str
    strata_names: tuple[str, ...]
    n_strata: int
    centre: float
    confidence_level: float
    p_adjust: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dictionary: the options and the rows."""
        return {
            "unit_name": self.unit_name,
            "strata_names": list(self.strata_names),
            "n_strata": self.n_strata,
            "centre": self.centre,
            "confidence_level": self.confidence_level,
            "p_adjust": self.p_adjust,
            "rows": self.to_dicts(),
        }

    def _row_key(self, row: CaseMixRow) -> tuple[Any, ...]:
        return (row.key,)

    def _empty_columns(self) -> tuple[str, ...]:
        return (self.unit_name, "n", "observed", "expected", "difference")

    def _markdown_columns(self) -> list[str]:
        return [
            self.unit_name,
            "n",
            "observed",
            "expected",
            "difference",
            "low",
            "high",
            "pvalue_adjusted",
            "significant",
        ]

    def __str__(self) -> str:
        flagged = sum(row.significant for row in self.rows)
        level = f"{100 * self.confidence_level:g}%"
        head = (
            f"Case-mix adjusted NPS of {len(self.rows)} {self.unit_name} values over "
            f"{self.n_strata} strata of {' x '.join(self.strata_names)} (centre "
            f"{self.centre:+.1f}); observed minus expected with {level} intervals, "
            f"p-values adjusted by {self.p_adjust}: {flagged} significant. Rounded to 1 decimal."
        )
        return head + "\n" + self.to_markdown()
