"""The results of a paired comparison: ``PairedComparison`` and ``MarginalHomogeneityTest``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._core.interval import Interval
from npskit._core.results import json_dict
from npskit._core.tally import Tally

__all__ = ["MarginalHomogeneityTest", "PairedComparison"]

_NAMES = ("detractor", "passive", "promoter")


@dataclass(frozen=True, slots=True, kw_only=True)
class MarginalHomogeneityTest:
    """Stuart-Maxwell test that the category shares are the same both times.

    Attributes
    ----------
    statistic : float
        The chi-square statistic.
    df : int
        Its degrees of freedom: 2, or fewer when the covariance matrix is
        singular (see :func:`npskit.compare` with ``paired=True``).
    pvalue : float
        Upper tail of the chi-square distribution with ``df`` degrees of
        freedom; 1.0 when ``df`` is 0 (nobody changed category).
    method : str
        ``"stuart-maxwell"``.
    """

    statistic: float
    df: int
    pvalue: float
    method: str = "stuart-maxwell"

    def to_dict(self) -> dict[str, Any]:
        """The test as a JSON-serialisable dictionary."""
        return json_dict(
            {
                "statistic": self.statistic,
                "df": self.df,
                "pvalue": self.pvalue,
                "method": self.method,
            }
        )


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class PairedComparison:
    """Result of comparing two NPS of the same respondents (``paired=True``).

    All NPS values and differences are in points; nothing is rounded.

    Attributes
    ----------
    baseline, current : Tally
        Counts of each side over the complete pairs.
    baseline_nps, current_nps : float
        NPS of each side over the complete pairs.
    difference : float
        ``current_nps - baseline_nps``, the mean change score.
    low, high : float
        Confidence interval of the difference, within ``[-200, 200]``; a
        ``"greater"`` interval has ``high == 200``, a ``"less"`` one
        ``low == -200``.
    statistic : float
        The test statistic for H0: no change (z for ``"wald"``, ``"tango"``
        and ``"bootstrap-percentile"``, Student's t for ``"t"``).
    pvalue : float
        The p-value for ``alternative``.
    compare_method, alternative : str
        As used.
    confidence_level : float
        Level of the interval.
    n : int
        Pairs used: respondents with an answer on both sides.
    n_missing : int
        Pairs left out because an answer is missing on either side.
    transitions : tuple of tuple of int
        The 3 x 3 transition table: ``transitions[i][j]`` respondents were in
        category ``i`` at baseline and ``j`` now, in the order detractor,
        passive, promoter.
    change_counts : tuple of int
        Respondents whose change score is -200, -100, 0, +100, +200 points.
    marginal_homogeneity : MarginalHomogeneityTest
        Stuart-Maxwell test of the whole distribution.
    change_scores : numpy.ndarray of float64
        Each respondent's change score in points (current category code minus
        baseline code, times 100), aligned with the input; NaN for an omitted
        pair. Read-only; left out of :meth:`to_dict`.
    """

    baseline: Tally
    current: Tally
    baseline_nps: float
    current_nps: float
    difference: float
    low: float
    high: float
    statistic: float
    pvalue: float
    compare_method: str
    alternative: str
    confidence_level: float
    n: int
    n_missing: int
    transitions: tuple[tuple[int, int, int], tuple[int, int, int], tuple[int, int, int]]
    change_counts: tuple[int, int, int, int, int]
    marginal_homogeneity: MarginalHomogeneityTest
    change_scores: npt.NDArray[np.float64] = field(repr=False)

    @property
    def paired(self) -> bool:
        """Always true: the two sides are the same respondents."""
        return True

    @property
    def confidence_interval(self) -> Interval:
        """``[low, high]`` as an :class:`npskit.Interval`: ``low, high = r.confidence_interval``."""
        return Interval(self.low, self.high)

    def transition_table(self, *, shares: bool = False, digits: int = 1) -> str:
        """The transition table as aligned text, baseline in rows, current in columns.

        Parameters
        ----------
        shares : bool, default False
            Show percentages of all pairs (rounded to ``digits``) instead of
            counts.
        digits : int, default 1
            Decimals of the percentages.
        """
        total = max(self.n, 1)
        cells = [
            [f"{100 * c / total:.{digits}f}%" if shares else str(c) for c in row]
            for row in self.transitions
        ]
        sums = [str(sum(row)) for row in self.transitions]
        columns = [str(sum(col)) for col in zip(*self.transitions, strict=True)]
        width = max(
            len(s) for s in [*_NAMES, "total", *sums, *columns, *(c for r in cells for c in r)]
        )
        head = "baseline \\ current"
        first = max(len(head), len("total"))
        lines = [f"{head:<{first}}  " + "  ".join(f"{n:>{width}}" for n in [*_NAMES, "total"])]
        for name, row, row_sum in zip(_NAMES, cells, sums, strict=True):
            lines.append(f"{name:<{first}}  " + "  ".join(f"{c:>{width}}" for c in [*row, row_sum]))
        lines.append(
            f"{'total':<{first}}  " + "  ".join(f"{c:>{width}}" for c in [*columns, str(self.n)])
        )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The result as a JSON-serialisable dictionary (without ``change_scores``)."""
        return json_dict(
            {
                "paired": True,
                "baseline": self.baseline.to_dict(),
                "current": self.current.to_dict(),
                "baseline_nps": self.baseline_nps,
                "current_nps": self.current_nps,
                "difference": self.difference,
                "low": self.low,
                "high": self.high,
                "statistic": self.statistic,
                "pvalue": self.pvalue,
                "compare_method": self.compare_method,
                "alternative": self.alternative,
                "confidence_level": self.confidence_level,
                "n": self.n,
                "n_missing": self.n_missing,
                "transitions": [list(row) for row in self.transitions],
                "change_counts": dict(
                    zip(("-200", "-100", "0", "100", "200"), self.change_counts, strict=True)
                ),
                "marginal_homogeneity": self.marginal_homogeneity.to_dict(),
            }
        )

    def __str__(self) -> str:
        level = f"{100 * self.confidence_level:g}%"
        mh = self.marginal_homogeneity
        return "\n".join(
            [
                f"Paired NPS change (current - baseline): {self.difference:+.1f} points, "
                f"{level} CI [{self.low:+.1f}, {self.high:+.1f}]",
                f"  baseline NPS {self.baseline_nps:+.1f}, current NPS {self.current_nps:+.1f} "
                f"on {self.n} complete pairs ({self.n_missing} omitted)",
                f"  {self.compare_method} test, {self.alternative}: "
                f"statistic {self.statistic:.3g}, "
                f"p-value {self.pvalue:.3g}",
                f"  Stuart-Maxwell marginal homogeneity: chi2 {mh.statistic:.3g}, df {mh.df}, "
                f"p-value {mh.pvalue:.3g}",
                "Transitions (respondents):",
                *("  " + line for line in self.transition_table().splitlines()),
                "(points rounded to 1 decimal, statistics and p-values to 3 significant digits)",
            ]
        )
