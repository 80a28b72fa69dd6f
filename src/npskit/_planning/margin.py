"""The margin of error of a planned sample: ``margin_of_error`` and ``MarginOfError``."""

from __future__ import annotations

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
    check_metric_planning_method,
    metric_conditions,
    metric_expected,
    metric_planned_margin,
)
from npskit._planning.shared import (
    check_planning_method,
    check_planning_population,
    conditions,
    expected_shares,
    planned_margin,
    warn_if_degenerate,
)
from npskit.typing import IntervalMethod, MeanIntervalMethod, MetricName, ShareIntervalMethod

__all__ = ["MarginOfError", "margin_of_error"]


@dataclass(frozen=True, slots=True, kw_only=True)
class MarginOfError:
    """The margin of error of a planned sample, in points.

    Attributes
    ----------
    margin : float
        Half the width of the two-sided interval, in points (unrounded).
    n : int
        The number of answers.
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

    margin: float
    n: int
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
            digits = 1 if self.metric.kind == "share" else 2
            return (
                f"{self.metric.label} margin of error ±{self.margin:.{digits}f} {unit} with "
                f"n = {self.n} ({metric_conditions(self, self.metric)}; rounded to {digits} "
                "decimal" + ("s)" if digits > 1 else ")")
            )
        return (
            f"margin of error ±{self.margin:.1f} points with n = {self.n} "
            f"({conditions(self)}; rounded to 1 decimal)"
        )


def margin_of_error(
    n: int,
    *,
    expected: Tally | Histogram | Sequence[float] | None = None,
    confidence_level: float = 0.95,
    interval_method: IntervalMethod | ShareIntervalMethod | MeanIntervalMethod | None = None,
    population: int | None = None,
    metric: Metric | MetricName = "nps",
) -> MarginOfError:
    """Margin of error of the NPS of ``n`` answers, in points.

    Parameters
    ----------
    n : int
        Number of answers, at least 1.
    expected : Tally or sequence of three floats, optional
        Expected shares of detractors, passives and promoters (non-negative,
        adding up to 1 within 1e-9), or a tally whose shares to use, e.g.
        last wave's. By default the worst case,
        :data:`npskit._planning.shared.WORST_CASE` (see Notes).
    confidence_level : float, default 0.95
        Level of the two-sided interval, strictly between 0 and 1.
    interval_method : str, default "adjusted-wald"
        Any method of :func:`npskit.confidence_interval` except the bootstrap
        ones, whose width is random.
    population : int, optional
        Size of the population the answers are drawn from without
        replacement, at least ``n``, for the finite-population correction.
    metric : Metric or {"nps", "csat", "ces", "ces-easy"}, default "nps"
        Another metric plans its own interval (percentage points for a share,
        the scale for a mean): ``expected`` is then a Histogram or one share
        per answer point, the worst case a share of one half or half the
        answers at each end of the scale, and ``interval_method`` one of the
        metric's (not ``"bootstrap-t"``). See "CSAT and CES" in the docs.

    Returns
    -------
    MarginOfError
        ``margin`` in points with ``n`` and the options used.

    Raises
    ------
    ValueError
        If ``n < 1``, ``population < n``, the shares are negative or do not
        add up to 1, ``confidence_level`` is not in (0, 1), or ``interval_method`` is
        unknown or a bootstrap method.
    TypeError
        If ``n``, ``population`` or ``expected`` has the wrong type.

    Warns
    -----
    DegenerateSampleWarning
        With ``interval_method="wald"`` and expected shares all in one category: the
        Wald interval then has zero width at every ``n``.

    Notes
    -----
    The margin of error is half the width of the two-sided interval at
    ``confidence_level`` that ``method`` gives for the counts
    :math:`n\\,(d, s, p)`, :math:`(\\text{high} - \\text{low})/2`. For the
    Wald interval it is

    .. math:: m = 100\\, z_{1 - \\alpha/2} \\sqrt{\\frac{p + d - (p - d)^2}{n}}

    points. Half the width, rather than the larger distance from the estimate
    to an end, is the ``±`` figure reports quote; for intervals that are not
    centred on the estimate (adjusted Wald, Tango, exact, Bayes near the ends
    of the scale) the estimate can sit closer to one end than ``m``. Intervals
    clipped at ±100 count with their clipped width.

    Counts are not rounded: :math:`n\\,(d, s, p)` may be fractional, which
    every method accepts (the exact and Bayesian ones through Beta laws with
    fractional parameters, as for weighted data). When :math:`n\\,(d, s, p)`
    are whole numbers the margin is that of the sample with those counts;
    rounding them would make the margin jump with the rounding rather than
    with ``n``.

    Worst case: the per-answer variance :math:`p + d - (p - d)^2` is largest,
    1, at :math:`p = d = 1/2` with no passives, which maximises the Wald
    margin. npskit uses the same shares for every method; a test checks on a
    grid of shares (step 0.05) that none gives a wider interval, for every
    planning method at several n.

    With ``population`` :math:`N`, the counts are multiplied by
    :math:`(N - 1)/(N - n)`, the finite-population correction of the
    variance (Cochran 1977, eq. 3.4) applied as in
    :func:`npskit.confidence_interval`; at :math:`n = N` the margin is 0.

    References
    ----------
    .. [1] Cochran, W. G. (1977). *Sampling Techniques* (3rd ed.). Wiley.
    .. [2] Rocks, B. (2016). Interval estimation for the "Net Promoter
       Score". *The American Statistician*, 70(4), 365-372.
       https://doi.org/10.1080/00031305.2016.1158124

    Examples
    --------
    Worst case, 400 answers, Wald: :math:`196 \\sqrt{1/400} = 9.8` points.

    >>> from npskit import margin_of_error
    >>> round(margin_of_error(400, interval_method="wald").margin, 3)
    9.8
    >>> print(margin_of_error(400, expected=(0.2, 0.3, 0.5)))
    margin of error ±7.6 points with n = 400 (95%, adjusted-wald, expected 20% detractors,
    30% passives, 50% promoters; rounded to 1 decimal)
    """
    size = check_positive_int("n", n)
    level = check_confidence_level(confidence_level)
    chosen_metric = as_metric(metric)
    if chosen_metric.kind != "net":
        method = check_metric_planning_method(chosen_metric, interval_method)
        distribution, worst_case = metric_expected(chosen_metric, expected)
        universe = check_planning_population(population, size)
        return MarginOfError(
            margin=metric_planned_margin(
                size, distribution, level, method, universe, chosen_metric
            ),
            n=size,
            expected=distribution,
            worst_case=worst_case,
            interval_method=method,
            confidence_level=level,
            population=universe,
            metric=chosen_metric,
        )
    chosen = check_planning_method(
        DEFAULT_INTERVAL_METHOD if interval_method is None else interval_method
    )
    shares, worst = expected_shares(expected)
    universe = check_planning_population(population, size)
    warn_if_degenerate(chosen, shares)
    return MarginOfError(
        margin=planned_margin(size, shares, level, chosen, universe),
        n=size,
        expected=shares,
        worst_case=worst,
        interval_method=chosen,
        confidence_level=level,
        population=universe,
    )
