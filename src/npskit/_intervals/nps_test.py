"""Testing one NPS against a target value: ``nps_test`` and its result type."""

from __future__ import annotations

import math
import numbers
import warnings
from dataclasses import dataclass, field
from typing import Any, get_args

from npskit._core.histogram import Histogram
from npskit._core.metric import NPS, Metric, as_metric
from npskit._core.results import json_dict
from npskit._core.scale import STANDARD_SCALE, Scale
from npskit._core.tally import Tally
from npskit._core.validation import check_choice
from npskit._core.warnings import DegenerateSampleWarning
from npskit._intervals.confidence_interval import (
    ConfidenceInterval,
    _as_tally,
    confidence_interval,
)
from npskit._intervals.methods import INTERVAL_METHODS, check_population, effective_counts
from npskit._intervals.metric_test import metric_test
from npskit._stats.normal import normal_pvalue
from npskit.typing import (
    Alternative,
    MeanIntervalMethod,
    MetricName,
    NanPolicy,
    NpsTestMethod,
    ShareIntervalMethod,
)

__all__ = ["DEFAULT_NPS_TEST_METHOD", "NpsTestResult", "nps_test"]

DEFAULT_NPS_TEST_METHOD: NpsTestMethod = "tango"
"""The test :func:`nps_test` uses unless told otherwise: Tango's score test."""


@dataclass(frozen=True, slots=True, kw_only=True)
class NpsTestResult:
    """Result of :func:`nps_test`.

    Attributes
    ----------
    statistic : float
        The z statistic (``"tango"``, ``"wald"``) or, for ``"exact"``, the
        number of promoters among the promoters and detractors.
    pvalue : float
        The p-value for ``alternative``.
    estimate : float
        The sample NPS, in points.
    value : float
        The NPS under the null hypothesis, in points.
    alternative : str
        As passed.
    interval_method : {"tango", "exact", "wald"}
        The test, named after the interval it is the dual of.
    n : int
        Number of answers (unweighted).
    effective_n : float
        Kish's effective sample size; equal to ``n`` without weights.
    n_missing : int
        Number of missing answers left out.
    population : int or None
        Population size used for the finite-population correction.
    tally : Tally or Histogram
        The counts the test was computed from (a Histogram for a share or
        mean metric).
    metric : Metric
        The metric tested (``npskit.NPS`` unless another was asked for).
    """

    statistic: float
    pvalue: float
    estimate: float
    value: float
    alternative: str
    interval_method: str
    n: int
    effective_n: float
    n_missing: int
    population: int | None = None
    tally: Tally | Histogram = field(repr=False)
    metric: Metric = NPS

    def confidence_interval(self, confidence_level: float = 0.95) -> ConfidenceInterval:
        """The interval that matches the test: same side(s), same (dual) method.

        A method, as scipy's ``BinomTestResult.proportion_ci``, because the
        level is the caller's choice; it returns the whole
        :class:`ConfidenceInterval` (whose ``.confidence_interval`` unpacks as
        ``low, high``). ``value`` lies outside the interval exactly when
        ``pvalue < 1 - confidence_level``.
        """
        return confidence_interval(
            self.tally,
            confidence_level=confidence_level,
            interval_method=self.interval_method,  # type: ignore[arg-type]
            alternative=self.alternative,  # type: ignore[arg-type]
            population=self.population,
            metric=self.metric,
        )

    def to_dict(self) -> dict[str, Any]:
        """The result as a JSON-serialisable dictionary."""
        return json_dict(
            {
                "statistic": self.statistic,
                "pvalue": self.pvalue,
                "estimate": self.estimate,
                "value": self.value,
                "alternative": self.alternative,
                "interval_method": self.interval_method,
                "n": self.n,
                "effective_n": self.effective_n,
                "n_missing": self.n_missing,
                "population": self.population,
                "metric": self.metric.name,
            }
        )

    def __str__(self) -> str:
        relation = {"two-sided": "!=", "greater": ">", "less": "<"}[self.alternative]
        label = self.metric.label
        shown = (
            f"{self.estimate:+.1f}"
            if self.metric.kind == "net"
            else self.metric.format(self.estimate)
        )
        return (
            f"{self.interval_method} test of {label} {relation} {self.value:g}: "
            f"{label} {shown}, "
            f"statistic {self.statistic:.3f}, p = {self.pvalue:.4g} (n = {self.n}; "
            "rounded)"
        )


def nps_test(
    data: Any,
    *,
    value: float = 0.0,
    alternative: Alternative = "two-sided",
    interval_method: NpsTestMethod | ShareIntervalMethod | MeanIntervalMethod | None = None,
    weights: Any = None,
    scale: Scale = STANDARD_SCALE,
    nan_policy: NanPolicy = "omit",
    population: int | None = None,
    metric: Metric | MetricName = "nps",
) -> NpsTestResult:
    """Test whether the NPS of one sample equals a target value.

    ====================  ==================  ==================
    ``alternative``       H0                  H1
    ====================  ==================  ==================
    ``"two-sided"``       NPS = ``value``     NPS != ``value``
    ``"greater"``         NPS <= ``value``    NPS > ``value``
    ``"less"``            NPS >= ``value``    NPS < ``value``
    ====================  ==================  ==================

    Parameters
    ----------
    data : array_like, iterable of array_like, or Tally
        Answers (anything :func:`npskit.tally` accepts) or a tally.
    value : float, default 0
        The NPS under H0, in points, strictly between -100 and 100.
    alternative : {"two-sided", "greater", "less"}, default "two-sided"
        See the table above.
    interval_method : {"tango", "exact", "wald"}, optional
        The test (default ``"tango"`` for the NPS), named after the interval
        it inverts: ``"tango"``: Tango's
        score statistic at ``value``; ``"exact"``: the exact sign test (only
        for ``value=0``); ``"wald"``: the Wald z test.
    weights, scale, nan_policy
        As for :func:`npskit.tally`; ``weights`` only with answers.
    population : int, optional
        Population size for the finite-population correction.
    metric : Metric or {"nps", "csat", "ces", "ces-easy"}, default "nps"
        The metric to test (see :class:`npskit.Metric`); ``value`` is then
        in its units (percent for a share, the scale for a mean). A share is
        tested with ``interval_method="wilson"`` (the score test, default)
        or ``"clopper-pearson"`` (the exact binomial test), a mean with
        ``"t"`` (the one-sample t test); "CSAT and CES" in the docs.

    Returns
    -------
    NpsTestResult
        ``statistic``, ``pvalue``, ``estimate`` and the matching
        :meth:`~NpsTestResult.confidence_interval`.

    Raises
    ------
    EmptyDataError
        If there are no answers.
    ValueError
        If ``value`` is outside (-100, 100), ``interval_method="exact"`` with
        ``value != 0``, an option is unknown, or ``population`` is smaller
        than the number of answers.
    TypeError
        If ``value`` is not a number or ``weights`` is given with a tally.

    Warns
    -----
    DegenerateSampleWarning
        With ``interval_method="wald"`` when every answer is in one category (the
        standard error is zero).

    Notes
    -----
    With :math:`P`, :math:`D` the promoters and detractors among :math:`n`
    answers and :math:`\\delta_0` = ``value / 100``:

    - tango: :math:`Z = (P - D - n\\delta_0)/\\sqrt{n(2\\tilde q + \\delta_0(1 - \\delta_0))}`
      with :math:`\\tilde q` the maximum likelihood estimate of the detractor
      share under H0 (Tango 1998 [1]_). At :math:`\\delta_0 = 0` it is
      McNemar's :math:`(P - D)/\\sqrt{P + D}`. Normal p-values.
    - exact: conditional on :math:`m = P + D`, :math:`P \\sim
      \\mathrm{Binomial}(m, 1/2)` under NPS = 0; the p-value for
      ``"greater"`` is :math:`P(X \\ge P)`, for ``"less"``
      :math:`P(X \\le P)` and two-sided twice the smaller, capped at 1
      (the sign test; compatible with the interval of Fay and Lumbard [2]_).
      The statistic is :math:`P`.
    - wald: :math:`Z = (\\hat\\delta - \\delta_0)/\\sqrt{(p + d - (p - d)^2)/n}`.

    Weighted data use the effective counts of the linearization variance
    (as :func:`npskit.confidence_interval`) and a finite population divides
    the counts by :math:`(N - n)/(N - 1)`, as for
    :func:`npskit.confidence_interval`; the exact test then is no longer
    exact. A census (``population`` equal to ``n``) has no sampling error:
    the p-value is 0 if the NPS differs from ``value`` in the direction of H1,
    else 1.

    References
    ----------
    .. [1] Tango, T. (1998). Equivalence test and confidence interval for the
       difference in proportions for the paired-sample design. *Statistics
       in Medicine*, 17(8), 891-908.
       https://doi.org/10.1002/(SICI)1097-0258(19980430)17:8<891::AID-SIM780>3.0.CO;2-B
    .. [2] Fay, M. P., & Lumbard, K. (2021). Confidence intervals for
       difference in proportions for matched pairs compatible with exact
       McNemar's or sign tests. *Statistics in Medicine*, 40(5), 1147-1159.
       https://doi.org/10.1002/sim.8829

    Examples
    --------
    Is the NPS above a target of 10 points?

    >>> from npskit import Tally, nps_test
    >>> t = Tally(detractors=20, passives=30, promoters=50)
    >>> result = nps_test(t, value=10, alternative="greater")
    >>> round(result.statistic, 4), round(result.pvalue, 4)
    (2.4237, 0.0077)
    >>> print(result.confidence_interval())
    NPS +30.0, 95% CI [+16.6, +100.0] (tango, greater; n = 100; rounded to 1 decimal)
    """
    chosen_metric = as_metric(metric, scale)
    if chosen_metric.kind != "net":
        parts = metric_test(
            data,
            chosen_metric,
            value=value,
            alternative=alternative,
            interval_method=interval_method,
            weights=weights,
            nan_policy=nan_policy,
            population=population,
        )
        return NpsTestResult(**parts._asdict(), metric=chosen_metric)
    if chosen_metric.scale is not None:
        scale = chosen_metric.scale
    if isinstance(data, Histogram):
        data.check_scale(chosen_metric)
        data = data.to_tally(scale)
    side: Alternative = check_choice("alternative", alternative, get_args(Alternative))
    chosen: NpsTestMethod = check_choice(
        "interval_method",
        DEFAULT_NPS_TEST_METHOD if interval_method is None else interval_method,
        get_args(NpsTestMethod),
    )
    entry = INTERVAL_METHODS[chosen]
    null = _check_value(value)
    if entry.tests_zero_only and null != 0.0:
        raise ValueError(
            f"interval_method={chosen!r} tests NPS = 0 only, got value={value!r}; "
            "use interval_method='tango' for another value"
        )
    counts = _as_tally(data, weights, scale, nan_policy)
    estimate = counts.nps
    population = check_population(population, counts.n)
    effective = effective_counts(counts, population)
    d, s, p = effective.detractors, effective.passives, effective.promoters
    if effective.census:
        statistic = math.copysign(math.inf, estimate - null) if estimate != null else 0.0
        pvalue = float(normal_pvalue(statistic, side))
    else:
        if entry.collapses_when_degenerate and max(d, s, p) == d + s + p:
            warnings.warn(
                f"every answer is in one category, so the {chosen!r} standard error is zero; "
                "use interval_method='tango' or 'exact'",
                DegenerateSampleWarning,
                stacklevel=2,
            )
        test = entry.test
        if test is None:  # pragma: no cover - NpsTestMethod names methods with a test
            raise ValueError(f"interval_method={chosen!r} has no test")
        statistic, pvalue = test(d, s, p, null / 100.0, side)
    return NpsTestResult(
        statistic=statistic,
        pvalue=pvalue,
        estimate=estimate,
        value=null,
        alternative=side,
        interval_method=chosen,
        n=counts.n,
        effective_n=counts.effective_n,
        n_missing=counts.n_missing,
        population=population,
        tally=counts,
        metric=chosen_metric,
    )


def _check_value(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"value must be a number of NPS points, got {value!r}")
    number = float(value)
    if not (math.isfinite(number) and -100.0 < number < 100.0):
        raise ValueError(f"value must be strictly between -100 and 100 points, got {value!r}")
    return number
