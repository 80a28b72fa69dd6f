"""The result of comparing two independent periods: ``Comparison``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from npskit._core.interval import Interval
from npskit._core.metric import NPS, Metric
from npskit._core.results import json_dict

__all__ = ["Comparison"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Comparison:
    """The difference between two independent NPS, in points, with its test.

    Attributes
    ----------
    baseline, current : float
        The NPS of each period, in points.
    difference : float
        ``current - baseline``, in points (-200 to 200), signed.
    low, high : float
        The interval of the difference, within ``[-200, 200]``. A
        ``"greater"`` comparison has ``high == 200``, a ``"less"`` one
        ``low == -200``.
    statistic : float
        The test statistic; its meaning depends on the method (see
        :func:`compare`).
    pvalue : float
        The p-value for ``alternative`` (for ``"bayes"``, a posterior tail
        probability; see :func:`compare`).
    compare_method : str
        The comparison method, as passed.
    interval_method : str
        The method that made the interval: the same as ``compare_method``
        except for ``"permutation"``, whose interval is the ``"mover"`` one.
    alternative : {"two-sided", "less", "greater"}
        ``"greater"`` means H1: current > baseline.
    confidence_level : float
        The level of the interval.
    n_baseline, n_current : int
        Number of answers in each period (unweighted), missing ones left out.
    effective_n_baseline, effective_n_current : float
        Kish's effective sample sizes; equal to the n's without weights.
    n_missing_baseline, n_missing_current : int
        Missing answers left out of each period.
    probability_greater : float or None
        Posterior probability that the current NPS is higher than the
        baseline's (``"bayes"`` only, else None).
    metric : Metric
        The metric compared (``npskit.NPS`` unless another was asked for). A
        share and its difference are in percent and percentage points
        (difference within ``[-100, 100]``), a mean on the answer scale
        (difference within ``[-(high - low), high - low]``).
    """

    baseline: float
    current: float
    difference: float
    low: float
    high: float
    statistic: float
    pvalue: float
    compare_method: str
    interval_method: str
    alternative: str
    confidence_level: float
    n_baseline: int
    n_current: int
    effective_n_baseline: float
    effective_n_current: float
    n_missing_baseline: int = 0
    n_missing_current: int = 0
    probability_greater: float | None = None
    metric: Metric = NPS

    @property
    def confidence_interval(self) -> Interval:
        """``[low, high]`` as an :class:`npskit.Interval`: ``low, high = r.confidence_interval``."""
        return Interval(self.low, self.high)

    def to_dict(self) -> dict[str, Any]:
        """The result as a strict-JSON dictionary (an infinite statistic becomes None)."""
        return json_dict(
            {
                "baseline": self.baseline,
                "current": self.current,
                "difference": self.difference,
                "low": self.low,
                "high": self.high,
                "statistic": self.statistic,
                "pvalue": self.pvalue,
                "compare_method": self.compare_method,
                "interval_method": self.interval_method,
                "alternative": self.alternative,
                "confidence_level": self.confidence_level,
                "n_baseline": self.n_baseline,
                "n_current": self.n_current,
                "effective_n_baseline": self.effective_n_baseline,
                "effective_n_current": self.effective_n_current,
                "n_missing_baseline": self.n_missing_baseline,
                "n_missing_current": self.n_missing_current,
                "probability_greater": self.probability_greater,
                "metric": self.metric.name,
            }
        )

    def __str__(self) -> str:
        level = f"{100 * self.confidence_level:g}%"
        relation = {"two-sided": "!=", "greater": ">", "less": "<"}[self.alternative]
        show, diff = self.metric.format, "+.2f" if self.metric.kind == "mean" else "+.1f"
        text = (
            f"{self.metric.label} {show(self.baseline)} -> {show(self.current)}: difference "
            f"{self.difference:{diff}}, {level} CI [{self.low:{diff}}, {self.high:{diff}}]; "
            f"H1 current {relation} baseline: p = {self.pvalue:.4g} "
            f"({self.compare_method}; n = {self.n_baseline} and {self.n_current}"
        )
        if self.probability_greater is not None:
            text += f"; P(current > baseline) = {self.probability_greater:.3f}"
        return text + "; rounded)"
