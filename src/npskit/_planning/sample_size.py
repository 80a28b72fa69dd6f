"""The sample size for a margin of error: ``sample_size`` and ``SampleSize``."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from npskit._core.histogram import Histogram
from npskit._core.metric import NPS, Metric, as_metric
from npskit._core.results import json_dict
from npskit._core.tally import Shares, Tally
from npskit._core.validation import check_confidence_level, check_positive_int
from npskit._intervals.methods import DEFAULT_INTERVAL_METHOD
from npskit._planning.metric_plan import (
    check_metric_margin,
    check_metric_planning_method,
    metric_conditions,
    metric_expected,
    metric_planned_margin,
    metric_wald_guess,
)
from npskit._planning.shared import (
    MAX_SAMPLE_SIZE,
    check_margin,
    check_planning_method,
    conditions,
    expected_shares,
    planned_margin,
    smallest_size,
    wald_guess,
    warn_if_degenerate,
)
from npskit.typing import IntervalMethod, MeanIntervalMethod, MetricName, ShareIntervalMethod

__all__ = ["SampleSize", "sample_size"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SampleSize:
    """The smallest sample whose interval meets a margin of error.

    Attributes
    ----------
    n : int
        The number of answers to collect.
    margin : float
        The margin of error achieved at ``n``, in points (at most ``target``).
    target : float
        The margin of error asked for, in points.
    expected : Shares
        The expected shares of detractors, passives and promoters used.
    worst_case : bool
        True when no shares were given and :data:`npskit._planning.shared.WORST_CASE` was used.
    interval_method : str
        The interval method.
    confidence_level : float
        The level of the two-sided interval.
    population : int or None
        The population size of the finite-population correction, if any.
    """

    n: int
    margin: float
    target: float
    expected: Shares | tuple[float, ...]
    worst_case: bool
    interval_method: str
    confidence_level: float
    population: int | None = None
    metric: Metric = NPS

    def to_dict(self) -> dict[str, Any]:
        """The result as a JSON-serialisable dictionary."""
        values = {field.name: getattr(self, field.name) for field in fields(self)}
        return json_dict({**values, "metric": self.metric.name})

    def __str__(self) -> str:
        if self.metric.kind != "net":
            unit = "percentage points" if self.metric.kind == "share" else "on the scale"
            return (
                f"n = {self.n} answers give a {self.metric.label} margin of error of "
                f"±{self.margin:.2f} {unit} (target ±{self.target:g}; "
                f"{metric_conditions(self, self.metric)}; margin rounded to 2 decimals)"
            )
        return (
            f"n = {self.n} answers give a margin of error of ±{self.margin:.2f} points "
            f"(target ±{self.target:g}; {conditions(self)}; margin rounded to 2 decimals)"
        )


def sample_size(
    margin: float,
    *,
    expected: Tally | Histogram | Sequence[float] | None = None,
    confidence_level: float = 0.95,
    interval_method: IntervalMethod | ShareIntervalMethod | MeanIntervalMethod | None = None,
    population: int | None = None,
    metric: Metric | MetricName = "nps",
) -> SampleSize:
    """The smallest number of answers whose NPS interval has a given margin of error.

    Parameters
    ----------
    margin : float
        The margin of error to reach, in points: half the width of the
        two-sided interval, strictly between 0 and 100.
    expected : Tally or sequence of three floats, optional
        Expected shares of detractors, passives and promoters, as for
        :func:`margin_of_error`; by default the worst case.
    confidence_level : float, default 0.95
        Level of the two-sided interval, strictly between 0 and 1.
    interval_method : str, default "adjusted-wald"
        Any method of :func:`npskit.confidence_interval` except the bootstrap
        ones.
    metric : Metric or {"nps", "csat", "ces", "ces-easy"}, default "nps"
        Plan another metric: ``margin`` is then in percentage points (a
        share) or on the scale (a mean), and ``expected`` a Histogram or one
        share per answer point (worst case by default), as for
        :func:`npskit.margin_of_error`.
    population : int, optional
        Size of the population sampled without replacement; the answer is
        then at most ``population`` (a census has margin 0).

    Returns
    -------
    SampleSize
        ``n``, the margin achieved at ``n`` (at most ``margin``), and the
        options used.

    Raises
    ------
    ValueError
        If ``margin`` is not strictly between 0 and 100, the shares are bad,
        ``confidence_level`` is not in (0, 1), ``interval_method`` is unknown or a
        bootstrap method, ``population < 1``, or more than
        :data:`npskit._planning.shared.MAX_SAMPLE_SIZE` answers would be needed.
    TypeError
        If an argument has the wrong type.

    Warns
    -----
    DegenerateSampleWarning
        As for :func:`margin_of_error`.

    Notes
    -----
    ``n`` is the smallest integer with
    ``margin_of_error(n, ...).margin <= margin``, the margin defined as in
    :func:`margin_of_error`. For the Wald interval it has the closed form

    .. math::

        n_0 = \\left\\lceil \\frac{z_{1-\\alpha/2}^2 \\,(p + d - (p - d)^2)}{m^2}
        \\right\\rceil,

    with :math:`m` the margin as a share; with a population of :math:`N`,
    :math:`n = \\lceil N n_0' / (n_0' + N - 1) \\rceil` with :math:`n_0'`
    the unrounded :math:`n_0` (Cochran 1977, sec. 4.4). Every method is
    searched from that starting point: the margin is evaluated at the start,
    a bracket is widened by doubling (or halving) until it holds the
    crossing, and bisection finds ``n`` with ``margin(n) <= margin <
    margin(n - 1)``, which is checked on return for every method, the Wald
    one included (so rounding in the closed form cannot be off by one).

    Monotonicity: at fixed shares the margin of every planning method
    decreases in ``n`` wherever the tests looked (every ``n`` up to 200 on a
    grid of shares in steps of 0.05 at levels 0.8, 0.95 and 0.99 for the
    Wald-type and Tango intervals; a smaller set of shares and sizes for the
    exact and Bayesian ones), so the crossing is the smallest such ``n``.
    This is an observation, not a theorem: were the margin to rise again
    somewhere, the returned ``n`` would still meet the target with ``n - 1``
    falling short, but it would be the crossing the bisection found, not
    necessarily the smallest.

    References
    ----------
    .. [1] Cochran, W. G. (1977). *Sampling Techniques* (3rd ed.). Wiley.
    .. [2] Rocks, B. (2016). Interval estimation for the "Net Promoter
       Score". *The American Statistician*, 70(4), 365-372.
       https://doi.org/10.1080/00031305.2016.1158124

    Examples
    --------
    Worst case, ±5 points at 95% with the Wald interval:
    :math:`\\lceil 1.959964^2 / 0.05^2 \\rceil = \\lceil 1536.6 \\rceil = 1537`.

    >>> from npskit import sample_size
    >>> sample_size(5, interval_method="wald").n
    1537
    >>> plan = sample_size(5, expected=(0.2, 0.3, 0.5))
    >>> plan.n, round(plan.margin, 3)
    (935, 4.998)
    >>> print(sample_size(5, population=2000))
    n = 868 answers give a margin of error of ±5.00 points (target ±5; 95%, adjusted-wald,
    worst case, population 2000; margin rounded to 2 decimals)
    """
    level = check_confidence_level(confidence_level)
    chosen_metric = as_metric(metric)
    if chosen_metric.kind != "net":
        return _metric_sample_size(
            chosen_metric,
            check_metric_margin(chosen_metric, margin),
            level,
            interval_method,
            expected,
            population,
        )
    target = check_margin(margin)
    chosen = check_planning_method(
        DEFAULT_INTERVAL_METHOD if interval_method is None else interval_method
    )
    shares, worst = expected_shares(expected)
    universe = None if population is None else check_positive_int("population", population)
    warn_if_degenerate(chosen, shares)
    limit = MAX_SAMPLE_SIZE if universe is None else universe

    def margin_at(size: int) -> float:
        return planned_margin(size, shares, level, chosen, universe)

    n = smallest_size(margin_at, target, wald_guess(shares, level, target, universe), limit)
    return SampleSize(
        n=n,
        margin=margin_at(n),
        target=target,
        expected=shares,
        worst_case=worst,
        interval_method=chosen,
        confidence_level=level,
        population=universe,
    )


def _metric_sample_size(
    metric: Metric,
    target: float,
    level: float,
    interval_method: object,
    expected: object,
    population: object,
) -> SampleSize:
    method = check_metric_planning_method(metric, interval_method)
    distribution, worst_case = metric_expected(metric, expected)
    universe = None if population is None else check_positive_int("population", population)
    limit = MAX_SAMPLE_SIZE if universe is None else universe

    def margin_at(size: int) -> float:
        if size < 2:  # one answer has no interval of a mean or a share worth planning
            return math.inf
        return metric_planned_margin(size, distribution, level, method, universe, metric)

    guess = metric_wald_guess(metric, distribution, level, target, universe)
    n = smallest_size(margin_at, target, guess, limit)
    return SampleSize(
        n=n,
        margin=margin_at(n),
        target=target,
        expected=distribution,
        worst_case=worst_case,
        interval_method=method,
        confidence_level=level,
        population=universe,
        metric=metric,
    )
