"""Comparing a share or mean metric between two answers of the same respondents.

The body of ``compare(..., paired=True)`` when ``metric`` is not the NPS.
Each respondent's change score is the metric's score now minus before:

- a share (``"tango"``): the change is -1, 0 or +1, so the difference of the
  two shares is the difference of paired proportions, whose discordant
  cells are the respondents who left and entered the box. Tango's (1998)
  score interval (doi:10.1002/(SICI)1097-0258(19980430)17:8<891::AID-SIM780>3.0.CO;2-B)
  and its score test, McNemar's test at no change (McNemar 1947,
  doi:10.1007/BF02295996).
- a mean (``"t"``): the paired t interval and test, the one-sample t of the
  differences (Student 1908), as ``scipy.stats.ttest_rel``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, get_args

import numpy as np

from npskit._core.errors import EmptyDataError
from npskit._core.interval import Interval
from npskit._core.metric import Metric
from npskit._core.results import json_dict
from npskit._core.tally import Tally
from npskit._core.validation import check_choice
from npskit._counting.alignment import check_same_index
from npskit._counting.inputs import as_numeric
from npskit._counting.kernel import tally_values
from npskit._stats.consistency import consistent_pvalue, contain_estimate
from npskit._stats.mean_interval import t_bounds, t_pvalue
from npskit._stats.normal import open_sides, tail_probability
from npskit._stats.tango import tango_bounds, tango_test
from npskit.typing import Alternative, MeanPairedMethod, NanPolicy, SharePairedMethod

__all__ = ["PairedMetricComparison", "compare_paired_metric"]

_METHODS = {"share": get_args(SharePairedMethod), "mean": get_args(MeanPairedMethod)}


@dataclass(frozen=True, slots=True, kw_only=True)
class PairedMetricComparison:
    """Result of comparing a share or mean metric of the same respondents twice.

    Attributes
    ----------
    baseline, current : float
        The metric on each side over the complete pairs (a share in percent,
        a mean on the scale).
    difference : float
        ``current - baseline``: the mean change score.
    low, high : float
        Interval of the difference; one-sided ones open to the largest
        possible change.
    statistic : float
        Tango's score z (a share) or the paired t (a mean).
    pvalue : float
        The p-value for ``alternative`` (H0: no change).
    compare_method, alternative : str
        As used.
    confidence_level : float
    n, n_missing : int
        Complete pairs, and pairs left out for a missing answer.
    metric : Metric
        The metric compared.
    """

    baseline: float
    current: float
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
    metric: Metric

    @property
    def paired(self) -> bool:
        """Always true: the two sides are the same respondents."""
        return True

    @property
    def confidence_interval(self) -> Interval:
        """``[low, high]`` as an :class:`npskit.Interval`."""
        return Interval(self.low, self.high)

    def to_dict(self) -> dict[str, Any]:
        """The result as a strict-JSON dictionary."""
        return json_dict(
            {
                "paired": True,
                "metric": self.metric.name,
                "baseline": self.baseline,
                "current": self.current,
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
            }
        )

    def __str__(self) -> str:
        show, diff = self.metric.format, "+.2f" if self.metric.kind == "mean" else "+.1f"
        level = f"{100 * self.confidence_level:g}%"
        return (
            f"Paired {self.metric.label} {show(self.baseline)} -> {show(self.current)}: "
            f"difference {self.difference:{diff}}, {level} CI [{self.low:{diff}}, "
            f"{self.high:{diff}}]; {self.compare_method} test, {self.alternative}: p = "
            f"{self.pvalue:.4g} ({self.n} pairs, {self.n_missing} left out; rounded)"
        )


def compare_paired_metric(
    baseline: Any,
    current: Any,
    metric: Metric,
    *,
    compare_method: object,
    alternative: object,
    confidence_level: float,
    nan_policy: NanPolicy,
) -> PairedMetricComparison:
    """Paired comparison of ``metric`` (``confidence_level`` already validated)."""
    methods = _METHODS[metric.kind]
    chosen = check_choice(
        "compare_method", methods[0] if compare_method is None else compare_method, methods
    )
    side = check_choice("alternative", alternative, get_args(Alternative))
    for name, value in (("baseline", baseline), ("current", current)):
        if isinstance(value, Tally) or not hasattr(value, "__len__"):
            raise TypeError(
                f"{name} must be the answers of each respondent: a paired comparison needs "
                "to know who answered what both times"
            )
    check_same_index([("baseline", baseline), ("current", current)])
    before = as_numeric(baseline, name="baseline")
    after = as_numeric(current, name="current")
    if len(before) != len(after):
        raise ValueError(
            "baseline and current must be aligned answers of the same respondents: got "
            f"{len(before)} baseline answers and {len(after)} current answers"
        )
    scale = metric.counting_scale
    tally_values(before, None, scale, nan_policy, offset=0, chunk=None)
    tally_values(after, None, scale, nan_policy, offset=0, chunk=None)
    with np.errstate(invalid="ignore"):
        complete = ~(np.isnan(before.astype(np.float64)) | np.isnan(after.astype(np.float64)))
    scores = metric.scores()
    s0 = scores[(before[complete].astype(np.float64) - metric.low).astype(np.intp)]
    s1 = scores[(after[complete].astype(np.float64) - metric.low).astype(np.intp)]
    n = int(complete.sum())
    if n == 0:
        raise EmptyDataError("no complete pairs to compare: every pair has a missing answer")
    alpha = tail_probability(confidence_level, side)
    change = s1 - s0
    span = float(scores.max() - scores.min())
    if metric.kind == "share":
        d, p = float(np.sum(change < 0)), float(np.sum(change > 0))
        low, high = tango_bounds(d, n - d - p, p, alpha)
        statistic, pvalue = tango_test(d, n - d - p, p, 0.0, side)
    else:
        points = np.arange(-span, span + 1.0)
        counts = np.bincount((change + span).astype(np.intp), minlength=len(points))[None, :]
        lows, highs = t_bounds(counts, points, alpha)
        low, high = float(lows[0]), float(highs[0])
        stats, ps = t_pvalue(counts, points, 0.0, side)
        statistic, pvalue = float(stats[0]), float(ps[0])
    factor = metric.factor
    estimate = float(change.mean())
    low, high = contain_estimate(max(low, -span), min(high, span), estimate)
    low, high = open_sides(low, high, side, limit=span)
    return PairedMetricComparison(
        baseline=factor * float(s0.mean()),
        current=factor * float(s1.mean()),
        difference=factor * estimate,
        low=factor * float(low),
        high=factor * float(high),
        statistic=float(statistic),
        pvalue=float(consistent_pvalue(pvalue, estimate, statistic, side)),
        compare_method=chosen,
        alternative=side,
        confidence_level=confidence_level,
        n=n,
        n_missing=len(before) - n,
        metric=metric,
    )
