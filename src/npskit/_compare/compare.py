"""Comparing the NPS of two periods answered by different people: ``compare``."""

from __future__ import annotations

import warnings
from typing import Any, Literal, get_args, overload

from npskit._compare.comparison import Comparison
from npskit._compare.methods import (
    COMPARE_METHODS,
    DEFAULT_COMPARE_METHOD,
    CompareOptions,
    outcome_lean,
)
from npskit._compare.metric_compare import metric_compare
from npskit._compare.metric_paired import PairedMetricComparison, compare_paired_metric
from npskit._compare.paired import compare_paired
from npskit._compare.paired_results import PairedComparison
from npskit._core.histogram import Histogram
from npskit._core.metric import Metric, as_metric
from npskit._core.scale import STANDARD_SCALE, Scale
from npskit._core.tally import Tally
from npskit._core.validation import (
    check_choice,
    check_confidence_level,
    check_positive_int,
    check_rng,
)
from npskit._core.warnings import DegenerateSampleWarning
from npskit._counting.tally import tally as _tally
from npskit._intervals.methods import check_prior, effective_counts
from npskit._stats.consistency import consistent_pvalue, contain_estimate
from npskit._stats.normal import open_sides, tail_probability
from npskit.typing import (
    Alternative,
    CompareMethod,
    MeanCompareMethod,
    MetricName,
    NanPolicy,
    PairedMethod,
    ShareCompareMethod,
)

__all__ = ["compare"]


@overload
def compare(
    baseline: Any,
    current: Any,
    *,
    compare_method: CompareMethod | ShareCompareMethod | MeanCompareMethod | None = None,
    alternative: Alternative = "two-sided",
    confidence_level: float = 0.95,
    paired: Literal[False] = False,
    scale: Scale = STANDARD_SCALE,
    nan_policy: NanPolicy = "omit",
    rng: Any = None,
    n_resamples: int = 10_000,
    prior: float | None = None,
    metric: Metric | MetricName = "nps",
) -> Comparison: ...


@overload
def compare(
    baseline: Any,
    current: Any,
    *,
    compare_method: PairedMethod | None = None,
    alternative: Alternative = "two-sided",
    confidence_level: float = 0.95,
    paired: Literal[True],
    scale: Scale = STANDARD_SCALE,
    nan_policy: NanPolicy = "omit",
    rng: Any = None,
    n_resamples: int = 10_000,
    prior: float | None = None,
    metric: Literal["nps"] = "nps",
) -> PairedComparison: ...


@overload
def compare(
    baseline: Any,
    current: Any,
    *,
    compare_method: PairedMethod | None = None,
    alternative: Alternative = "two-sided",
    confidence_level: float = 0.95,
    paired: Literal[True],
    scale: Scale = STANDARD_SCALE,
    nan_policy: NanPolicy = "omit",
    rng: Any = None,
    n_resamples: int = 10_000,
    prior: float | None = None,
    metric: Metric | MetricName,
) -> PairedComparison | PairedMetricComparison: ...


def compare(
    baseline: Any,
    current: Any,
    *,
    compare_method: CompareMethod
    | ShareCompareMethod
    | MeanCompareMethod
    | PairedMethod
    | None = None,
    alternative: Alternative = "two-sided",
    confidence_level: float = 0.95,
    paired: bool = False,
    scale: Scale = STANDARD_SCALE,
    nan_policy: NanPolicy = "omit",
    rng: Any = None,
    n_resamples: int = 10_000,
    prior: float | None = None,
    metric: Metric | MetricName = "nps",
) -> Comparison | PairedComparison | PairedMetricComparison:
    """Compare the NPS of two periods: the difference, its interval and a test.

    Parameters
    ----------
    baseline, current : array_like, iterable of array_like, or Tally
        The answers of each period (anything :func:`npskit.tally` accepts)
        or their tallies. The difference is ``current - baseline``.
    compare_method : str, optional
        ``"mover"`` (the default), ``"wald"``, ``"adjusted-wald"``,
        ``"permutation"``, ``"bootstrap-percentile"`` or ``"bayes"`` (see
        Notes). With ``paired=True``, one of the paired methods of
        :func:`npskit._compare.paired.compare_paired` (``"t"`` when omitted).
    alternative : {"two-sided", "greater", "less"}, default "two-sided"
        ``"greater"``: H1 current > baseline, and the interval is
        ``[low, 200]``; ``"less"``: H1 current < baseline, interval
        ``[-200, high]``.
    confidence_level : float, default 0.95
        Level of the interval, strictly between 0 and 1.
    paired : bool, default False
        True when the same people answered both times: the answers are then
        compared respondent by respondent by :func:`npskit._compare.paired.compare_paired`
        (its own methods and result type); it needs two aligned answer
        arrays, not tallies.
    scale, nan_policy
        As for :func:`npskit.tally`, for answers.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Seed or generator for ``"permutation"`` and ``"bootstrap-percentile"``;
        an int gives the same result run after run.
    n_resamples : int, default 10000
        Resamples for ``"permutation"`` (when not enumerated exactly) and
        ``"bootstrap-percentile"``.
    prior : float, optional
        Dirichlet concentration per category for ``"bayes"`` (None means
        0.5, Jeffreys'; 1 is uniform). Giving it with any other method,
        paired ones included, raises ValueError instead of being ignored.
    metric : Metric or {"nps", "csat", "ces", "ces-easy"}, default "nps"
        The metric to compare (:class:`npskit.Metric`); samples are answers
        on its scale or :class:`npskit.Histogram` objects. A share is
        compared by ``"newcombe"`` (default, Newcombe's hybrid score
        interval and its inversion) or ``"agresti-caffo"``, a mean by
        ``"welch"``; paired, a share by ``"tango"`` (McNemar's test at no
        change) and a mean by ``"t"`` (paired t), returning a
        :class:`npskit.PairedMetricComparison`. See "CSAT and CES" in the docs.

    Returns
    -------
    Comparison or PairedComparison
        Both estimates, the difference, ``low``/``high``, ``statistic``,
        ``pvalue``, the options used and the sizes of both periods. With
        ``paired=True``, the paired comparison's result.

    Raises
    ------
    EmptyDataError
        If a period has no answers.
    ValueError
        If ``compare_method``, ``alternative``, ``confidence_level``,
        ``prior``, ``rng`` or ``n_resamples`` is not allowed, or ``prior``
        is given with a method that does not use it.
    TypeError
        If ``paired=True`` is given a Tally, or an option has the wrong type.

    Warns
    -----
    DegenerateSampleWarning
        With ``"wald"`` or ``"bootstrap-percentile"`` when each period has all its
        answers in one category: the interval then has zero width.

    Notes
    -----
    H0: both periods have the same NPS (``"permutation"``: the same
    distribution of detractors, passives and promoters). H1: they differ
    (``"two-sided"``), the current one is higher (``"greater"``) or lower
    (``"less"``). With :math:`\\hat\\delta_j = (P_j - D_j)/n_j` and
    :math:`v_j = (P_j + D_j)/n_j - \\hat\\delta_j^2` for the baseline
    (:math:`j = 0`) and the current period (:math:`j = 1`):

    - ``"wald"``: with :math:`\\hat\\Delta = \\hat\\delta_1 - \\hat\\delta_0` and
      :math:`\\mathrm{se} = \\sqrt{v_0/n_0 + v_1/n_1}` (unpooled),
      :math:`z = \\hat\\Delta/\\mathrm{se}` and the interval
      :math:`\\hat\\Delta \\pm z_{1-\\alpha} \\mathrm{se}`.
    - ``"adjusted-wald"``: the same after adding 3/4 detractor, 3/2 passive
      and 3/4 promoter to each period (:math:`n + 3`), as Sauro and Lewis
      publish for comparing two NPS [1]_; the interval is centred on the
      adjusted difference. These are the pseudo-counts of the one-sample
      ``"adjusted-wald"`` interval.
    - ``"mover"`` (default): with :math:`(l_j, u_j)` Tango's score interval
      [2]_ of each period, the difference interval of Newcombe's method 10
      [3]_, the "MOVER" of Zou and Donner [4]_:
      :math:`L = \\hat\\Delta - \\sqrt{(\\hat\\delta_1 - l_1)^2 + (u_0 - \\hat\\delta_0)^2}`,
      :math:`U = \\hat\\Delta + \\sqrt{(u_1 - \\hat\\delta_1)^2 + (\\hat\\delta_0 - l_0)^2}`.
      The test inverts the interval: ``statistic`` is the signed :math:`z`
      (normal quantile of the per-period bounds) at which the bound nearer to
      0 reaches 0, and ``pvalue`` its normal tail, so ``pvalue < 1 -
      confidence_level`` exactly when the interval excludes 0.
    - ``"permutation"``: the statistic is the observed difference (points);
      under H0 every split of the pooled answers into groups of sizes
      :math:`n_0, n_1` is equally likely, so the current group's counts are
      multivariate hypergeometric. All splits are enumerated (exact p-value)
      when there are at most 20000 distinct tables, else ``n_resamples``
      splits are drawn with ``rng`` and :math:`p = (1 + \\#\\text{extreme})/(1 + B)` [5]_
      (at 10^9 pooled answers or more, by independent binomial thinning).
      The interval is the ``"mover"`` one (``interval_method``): the test
      itself gives none.
    - ``"bootstrap-percentile"``: each period's counts are resampled from their
      multinomial with ``rng``; percentile interval of the resampled
      differences :math:`r`. ``pvalue`` is the interval's own:
      :math:`(1 + \\#\\{r \\le 0\\})/(1 + B)` for ``"greater"``,
      :math:`(1 + \\#\\{r \\ge 0\\})/(1 + B)` for ``"less"``, twice the
      smaller for ``"two-sided"``; ``statistic`` is the difference over the
      resamples' standard deviation.
    - ``"bayes"``: independent posteriors
      :math:`\\mathrm{Dirichlet}(D_j + a, S_j + a, P_j + a)`; the
      equal-tailed credible interval of :math:`\\delta_1 - \\delta_0` and
      ``probability_greater`` :math:`= P(\\delta_1 > \\delta_0)`, computed
      by numerical integration (no sampling; about 0.002 points). A period
      all of whose posterior parameters reach :math:`10^6` is described
      instead by the closed-form mean, variance and third central moment of
      its :math:`\\delta`: when both are, the moments of the difference
      (means and third moments subtract, variances add) give the interval by
      the first-order Cornish-Fisher expansion [6]_ and the probability by
      inverting it (Edgeworth to the same order), within 1e-6 points and
      1e-6, at a cost independent of n; when only one is, its distribution
      function comes from that expansion and the other is integrated. The
      ``statistic`` is that probability; ``pvalue`` is the posterior
      probability of H0's side (:math:`P(\\delta_1 \\le \\delta_0)` for
      ``"greater"``, twice the smaller tail for ``"two-sided"``): a Bayesian
      tail area, not a frequentist p-value, below ``1 - confidence_level``
      exactly when the credible interval excludes 0.

    The default is ``"mover"``: in the exact size and power enumeration of
    "Comparing periods" (docs; 10, 20, 50 and 200 answers per period, four
    null and four alternative configurations) its type I error never exceeds
    0.051 (mean 0.032, 0.040, 0.048, 0.049 by n), it rejects more often than
    adjusted Wald under every alternative, and its test and interval agree by
    construction. Wald's size is 0.079 at 10 answers per period and 0.064 at
    20; every method is conservative when a category is nearly empty.

    Weighted tallies enter every method through the effective counts of
    :func:`npskit.confidence_interval` (the weighted shares times the
    effective sample size of the linearization variance of the weighted NPS,
    which holds when the weights depend on the answers); the permutation test
    and the bootstrap round them to whole answers. ``effective_n_baseline``
    and ``effective_n_current`` report Kish's effective sizes.
    Differences are in points in :math:`[-200, 200]`.

    References
    ----------
    .. [1] Sauro, J., & Lewis, J. R. How to statistically compare two Net
       Promoter Scores. MeasuringU. https://measuringu.com/nps-significance-test/
    .. [2] Tango, T. (1998). Equivalence test and confidence interval for the
       difference in proportions for the paired-sample design. *Statistics
       in Medicine*, 17(8), 891-908.
       https://doi.org/10.1002/(SICI)1097-0258(19980430)17:8<891::AID-SIM780>3.0.CO;2-B
    .. [3] Newcombe, R. G. (1998). Interval estimation for the difference
       between independent proportions: comparison of eleven methods.
       *Statistics in Medicine*, 17(8), 873-890.
       https://doi.org/10.1002/(SICI)1097-0258(19980430)17:8<873::AID-SIM779>3.0.CO;2-I
    .. [4] Zou, G. Y., & Donner, A. (2008). Construction of confidence limits
       about effect measures: a general approach. *Statistics in Medicine*,
       27(10), 1693-1702. https://doi.org/10.1002/sim.2907
    .. [5] Phipson, B., & Smyth, G. K. (2010). Permutation p-values should
       never be zero. *Statistical Applications in Genetics and Molecular
       Biology*, 9(1), 39. https://doi.org/10.2202/1544-6115.1585
    .. [6] Cornish, E. A., & Fisher, R. A. (1938). Moments and cumulants in
       the specification of distributions. *Revue de l'Institut International
       de Statistique*, 5(4), 307-320. https://doi.org/10.2307/1400905

    Examples
    --------
    NPS 46 in a month with 87 answers, 39 in the next with 94: is the drop
    real?

    >>> from npskit import Tally, compare
    >>> before = Tally(detractors=10, passives=27, promoters=50)
    >>> after = Tally(detractors=15, passives=27, promoters=52)
    >>> result = compare(before, after)
    >>> round(result.difference, 2), round(result.low, 2), round(result.high, 2)
    (-6.62, -27.47, 14.44)
    >>> round(result.pvalue, 3)
    0.537
    >>> print(result)  # doctest: +ELLIPSIS
    NPS +46.0 -> +39.4: difference -6.6, 95% CI [-27.5, +14.4]; H1 current != baseline: ...
    >>> round(compare(before, after, compare_method="bayes").probability_greater, 3)
    0.271
    """
    if not isinstance(paired, bool):
        raise TypeError(f"paired must be True or False, got {paired!r}")
    chosen_metric = as_metric(metric, scale)
    if chosen_metric.scale is not None:
        scale = chosen_metric.scale
    if chosen_metric.kind != "net":
        if prior is not None:
            raise ValueError(
                f"prior={prior!r} applies to the NPS 'bayes' method only; the methods of the "
                f"{chosen_metric.name!r} metric use no prior: leave prior out"
            )
        level = check_confidence_level(confidence_level)
        if paired:
            return compare_paired_metric(
                baseline,
                current,
                chosen_metric,
                compare_method=compare_method,
                alternative=alternative,
                confidence_level=level,
                nan_policy=nan_policy,
            )
        parts = metric_compare(
            baseline,
            current,
            chosen_metric,
            compare_method=compare_method,
            alternative=alternative,
            confidence_level=level,
            nan_policy=nan_policy,
        )
        return Comparison(**parts._asdict(), confidence_level=level, metric=chosen_metric)
    if paired:
        if prior is not None:
            raise ValueError(
                f"prior={prior!r} does not apply to a paired comparison: none of the paired "
                "methods uses a prior; leave prior out"
            )
        for name, data in (("baseline", baseline), ("current", current)):
            if isinstance(data, Tally):
                raise TypeError(
                    f"paired=True needs respondent-level answers for {name}, got a Tally: a "
                    "paired design compares each respondent's two answers, which counts "
                    "cannot hold"
                )
        return compare_paired(
            baseline,
            current,
            compare_method=compare_method,  # type: ignore[arg-type]
            alternative=alternative,
            confidence_level=confidence_level,
            scale=scale,
            nan_policy=nan_policy,
            rng=rng,
            n_resamples=n_resamples,
        )
    chosen: CompareMethod = check_choice(
        "compare_method",
        DEFAULT_COMPARE_METHOD if compare_method is None else compare_method,
        get_args(CompareMethod),
    )
    entry = COMPARE_METHODS[chosen]
    side: Alternative = check_choice("alternative", alternative, get_args(Alternative))
    level = check_confidence_level(confidence_level)
    concentration = check_prior(
        prior, used=entry.uses_prior, method_name="compare_method", method=chosen
    )
    resamples = check_positive_int("n_resamples", n_resamples)
    generator = check_rng(rng)
    tallies = [_as_tally(data, chosen_metric, nan_policy) for data in (baseline, current)]
    estimates = [t.nps for t in tallies]  # raises EmptyDataError for an empty period
    counts = [effective_counts(t) for t in tallies]
    c0 = (counts[0].detractors, counts[0].passives, counts[0].promoters)
    c1 = (counts[1].detractors, counts[1].passives, counts[1].promoters)
    if entry.collapses_when_degenerate and max(c0) == sum(c0) and max(c1) == sum(c1):
        warnings.warn(
            f"every answer of each period is in one category, so the {chosen!r} interval "
            "has zero width; use compare_method='mover' or 'bayes' for an interval that "
            "reflects the sampling error",
            DegenerateSampleWarning,
            stacklevel=2,
        )
    outcome = entry.kernel(
        c0,
        c1,
        tail_probability(level, side),
        side,
        CompareOptions(n_resamples=resamples, rng=generator, prior=concentration),
    )
    difference = estimates[1] - estimates[0]
    low, high = contain_estimate(outcome.low, outcome.high, difference / 100.0)
    low, high = open_sides(low, high, side, limit=2.0)
    # In points, exactly: (difference / 100) * 100 can round past the difference.
    low, high = contain_estimate(100.0 * float(low), 100.0 * float(high), difference)
    pvalue = consistent_pvalue(outcome.pvalue, difference, outcome_lean(outcome), side)
    scale_statistic = 100.0 if entry.statistic_in_points else 1.0
    return Comparison(
        baseline=estimates[0],
        current=estimates[1],
        difference=difference,
        low=low,
        high=high,
        statistic=outcome.statistic * scale_statistic,
        pvalue=float(pvalue),
        compare_method=chosen,
        interval_method=entry.interval_method,
        alternative=side,
        confidence_level=level,
        n_baseline=tallies[0].n,
        n_current=tallies[1].n,
        effective_n_baseline=tallies[0].effective_n,
        effective_n_current=tallies[1].effective_n,
        n_missing_baseline=tallies[0].n_missing,
        n_missing_current=tallies[1].n_missing,
        probability_greater=outcome.probability_greater,
        metric=chosen_metric,
    )


def _as_tally(data: Any, metric: Metric, nan_policy: NanPolicy) -> Tally:
    scale = metric.counting_scale
    if isinstance(data, Tally):
        return data
    if isinstance(data, Histogram):
        data.check_scale(metric)
        return data.to_tally(scale)
    return _tally(data, scale=scale, nan_policy=nan_policy)
