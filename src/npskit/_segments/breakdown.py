"""NPS (or CSAT, CES) by segment without fooling anyone: ``breakdown``.

The NPS path is :mod:`npskit._segments.nps_breakdown`; shares and means,
:mod:`npskit._segments.metric_breakdown`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, overload

from npskit._core.grouped_histogram import GroupedHistogram
from npskit._core.metric import Metric, as_metric
from npskit._core.scale import STANDARD_SCALE, Scale
from npskit.typing import (
    CompareMethod,
    CompareTo,
    Frequency,
    IntervalMethod,
    MeanCompareMethod,
    MeanIntervalMethod,
    MetricName,
    MissingKeys,
    NanPolicy,
    PAdjustMethod,
    ShareCompareMethod,
    ShareIntervalMethod,
    SortBy,
)

from .metric_breakdown import breakdown_metric
from .metric_results import MetricBreakdown
from .nps_breakdown import breakdown_nps
from .results import Breakdown

__all__ = ["breakdown"]


@overload
def breakdown(
    scores: Any,
    by: Any = ...,
    *,
    data: Any = ...,
    weights: Any = ...,
    freq: Frequency | Mapping[str, Frequency] | None = ...,
    confidence_level: float = ...,
    interval_method: IntervalMethod | ShareIntervalMethod | MeanIntervalMethod | None = ...,
    compare_method: CompareMethod | ShareCompareMethod | MeanCompareMethod | None = ...,
    compare_to: CompareTo = ...,
    p_adjust: PAdjustMethod = ...,
    min_n: int = ...,
    shrinkage: bool = ...,
    sort: SortBy | None = ...,
    ascending: bool = ...,
    missing_keys: MissingKeys = ...,
    scale: Scale = ...,
    nan_policy: NanPolicy = ...,
    rng: Any = ...,
    n_resamples: int = ...,
    metric: Literal["nps"] = "nps",
) -> Breakdown: ...


@overload
def breakdown(
    scores: Any,
    by: Any = ...,
    *,
    data: Any = ...,
    weights: Any = ...,
    freq: None = None,
    confidence_level: float = ...,
    interval_method: IntervalMethod | ShareIntervalMethod | MeanIntervalMethod | None = ...,
    compare_method: CompareMethod | ShareCompareMethod | MeanCompareMethod | None = ...,
    compare_to: CompareTo = ...,
    p_adjust: PAdjustMethod = ...,
    min_n: int = ...,
    shrinkage: bool = ...,
    sort: SortBy | None = ...,
    ascending: bool = ...,
    missing_keys: MissingKeys = ...,
    scale: Scale = ...,
    nan_policy: NanPolicy = ...,
    rng: Any = ...,
    n_resamples: int = ...,
    metric: Literal["csat", "ces", "ces-easy"],
) -> MetricBreakdown: ...


@overload
def breakdown(
    scores: Any,
    by: Any = ...,
    *,
    data: Any = ...,
    weights: Any = ...,
    freq: Frequency | Mapping[str, Frequency] | None = ...,
    confidence_level: float = ...,
    interval_method: IntervalMethod | ShareIntervalMethod | MeanIntervalMethod | None = ...,
    compare_method: CompareMethod | ShareCompareMethod | MeanCompareMethod | None = ...,
    compare_to: CompareTo = ...,
    p_adjust: PAdjustMethod = ...,
    min_n: int = ...,
    shrinkage: bool = ...,
    sort: SortBy | None = ...,
    ascending: bool = ...,
    missing_keys: MissingKeys = ...,
    scale: Scale = ...,
    nan_policy: NanPolicy = ...,
    rng: Any = ...,
    n_resamples: int = ...,
    metric: Metric | MetricName = ...,
) -> Breakdown | MetricBreakdown: ...


def breakdown(
    scores: Any,
    by: Any = None,
    *,
    data: Any = None,
    weights: Any = None,
    freq: Frequency | Mapping[str, Frequency] | None = None,
    confidence_level: float = 0.95,
    interval_method: IntervalMethod | ShareIntervalMethod | MeanIntervalMethod | None = None,
    compare_method: CompareMethod | ShareCompareMethod | MeanCompareMethod | None = None,
    compare_to: CompareTo = "rest",
    p_adjust: PAdjustMethod = "holm",
    min_n: int = 30,
    shrinkage: bool = False,
    sort: SortBy | None = None,
    ascending: bool = False,
    missing_keys: MissingKeys = "group",
    scale: Scale = STANDARD_SCALE,
    nan_policy: NanPolicy = "omit",
    rng: Any = None,
    n_resamples: int = 10_000,
    metric: Metric | MetricName = "nps",
) -> Breakdown | MetricBreakdown:
    """NPS (or CSAT, CES) per segment, each compared with the rest, with multiplicity control.

    Parameters
    ----------
    scores : array_like, str or GroupedTally
        Answers (as for :func:`npskit.tally_by`), a column name of ``data``,
        or a :class:`npskit.GroupedTally` already counted (then ``data``,
        ``weights``, ``missing_keys``, ``scale`` and ``nan_policy`` are not
        used).
    by : array_like, sequence of array_like, str or sequence of str
        The segment of each answer: one key array, several (a cross
        breakdown such as channel x month), or column names of ``data``; see
        :func:`npskit.tally_by`. With a GroupedTally: the name (or names) of
        its key columns to break down by, summing over the others (the
        columns keep their order in the GroupedTally); None (default) for all.
    data : pandas.DataFrame, polars.DataFrame or mapping, optional
        Table to take named columns from.
    weights : array_like or str, optional
        Survey weights, one per answer, or a column name.
    freq : {"day", "week", "month", "quarter", "year"} or mapping, optional
        Bucket a date key into calendar periods: ``by=["agent", "date"]``
        with ``freq="month"`` gives one segment per agent and month, the
        month as a key column named ``"month"`` with labels such as
        ``"2026-01"`` (see :func:`npskit.tally_by`). One frequency buckets
        every key column of dates; a mapping such as ``{"date": "month"}``
        names the columns (which may then hold ISO 8601 text, as the keys of
        a GroupedTally counted from a CSV file do). With a GroupedTally it
        applies to the key columns kept by ``by``.
    confidence_level : float, default 0.95
        Level of every interval. A segment is ``significant`` when its
        adjusted p-value is below ``1 - confidence_level``.
    interval_method : str, optional
        Interval method of each segment's estimate and of the total (see
        :func:`npskit.confidence_interval`); by default the metric's:
        ``"adjusted-wald"`` for NPS, ``"agresti-coull"`` for a share,
        ``"scaled-wilson"`` for a mean.
    compare_method : str, optional
        Method of the comparison of each segment with the rest (see
        :func:`npskit.compare`); by default ``"mover"`` for NPS,
        ``"newcombe"`` for a share, ``"welch"`` for a mean.
    compare_to : {"rest", "total"}, default "rest"
        ``"rest"``: ``difference`` is the segment's NPS minus the NPS of all
        other segments together. ``"total"``: minus the total NPS (see Notes;
        the p-value is the same).
    p_adjust : {"holm", "benjamini-hochberg", "bonferroni", "none"}, default "holm"
        Multiplicity adjustment over the segments' p-values (see
        :func:`npskit.adjust_pvalues`).
    min_n : int, default 30
        Segments whose effective number of answers is below it are flagged
        ``small``; 0 flags none.
    shrinkage : bool, default False
        Add each segment's shrunk NPS and its confidence interval of
        constant coverage (:func:`npskit.shrink`); needs two segments with
        answers.
        ``sort="shrunk"`` turns it on. For CSAT and CES the same normal
        hierarchical model gives ``shrunk_estimate``, ``shrunk_low`` and
        ``shrunk_high`` in the metric's units (see Notes).
    sort : {"nps", "n", "impact", "lower", "shrunk"} or None, default None
        Sort the rows by NPS, number of answers, impact, the lower end of
        the NPS interval, or the shrunk NPS; None keeps the key order of
        :func:`npskit.tally_by`. Ties keep key order; NaN goes last.
    ascending : bool, default False
        Sort from the smallest value instead of the largest.
    missing_keys : {"group", "raise"}, default "group"
        Rows with a missing key form their own segment (key ``None``) or
        raise.
    scale, nan_policy
        As for :func:`npskit.tally`.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Seed or generator for the resampling methods (``"permutation"`` and
        bootstrap comparisons, bootstrap intervals). Each segment (and the
        total) draws from its own independent stream spawned from it, so an
        integer seed gives the same table run after run and no two segments
        share draws.
    n_resamples : int, default 10000
        Resamples of every resampling method.
    metric : Metric or {"nps", "csat", "ces", "ces-easy"}, default "nps"
        What to break down (see :class:`npskit.Metric`). For CSAT and CES the
        result is a :class:`MetricBreakdown`: each segment's estimate and
        interval, its difference from the rest (Newcombe for a share, Welch
        for a mean, all segments at once), adjusted p-values, impact and
        flags, and with ``shrinkage`` the shrunk values; ``freq`` is for NPS
        only.

    Returns
    -------
    Breakdown or MetricBreakdown
        One :class:`BreakdownRow` per segment, the total, and the options
        used (a :class:`MetricBreakdown` for CSAT and CES).

    Raises
    ------
    EmptyDataError
        If there are no answers at all.
    ValueError
        If an option is not one of those allowed, ``confidence_level`` is not
        strictly between 0 and 1, ``min_n`` is negative, shrinkage is asked
        for with fewer than two segments with answers, or as for
        :func:`npskit.tally_by`.
    TypeError
        If an option has the wrong type, or ``data`` or ``weights`` is given
        with a GroupedTally.

    Warns
    -----
    DegenerateSampleWarning
        With ``interval_method="wald"`` or a bootstrap interval when a segment has all
        its answers in one category.

    Notes
    -----
    **Vs the rest.** Segment :math:`s` with NPS :math:`e_s` is compared with
    the answers of every other segment together, with NPS :math:`e_r`:
    H0 :math:`e_s = e_r`, H1 :math:`e_s \\ne e_r` (two-sided), by
    :func:`npskit.compare` with ``compare_method`` (``baseline`` the rest,
    ``current`` the segment, so ``difference`` :math:`= e_s - e_r`). The
    two groups share no answer, so the two-sample methods apply as they
    are. Comparing a segment with the total that contains it would not be:
    the two estimates are correlated, and a two-sample test that ignores it
    is too cautious, the more so the larger the segment. But with
    :math:`w` the segment's share of the answers,
    :math:`e_{\\text{total}} = w e_s + (1 - w) e_r`, so

    .. math::

        e_s - e_{\\text{total}} = (1 - w)(e_s - e_r):

    ``compare_to="total"`` reports that difference and the vs-rest interval
    times :math:`1 - w`, with the same p-value.

    **Multiplicity.** With :math:`m` segments there are :math:`m` tests;
    even when no segment differs, the chance that at least one p-value falls
    below 0.05 approaches :math:`1 - 0.95^m`. ``p_adjust="holm"`` (Holm
    1979) keeps that family-wise error rate at ``1 - confidence_level``
    whatever the dependence between the tests (vs-rest tests share answers,
    so they are dependent); ``"benjamini-hochberg"`` controls the false
    discovery rate instead (Benjamini and Hochberg 1995). A segment without
    a rest (the whole population) or without answers has NaN p-values and
    is left out of the family.

    **Impact.** :math:`e_{\\text{total}} - e_{r}`, the NPS points the total
    would lose (or gain, if negative) without the segment; it equals
    :math:`w (e_s - e_r)`: a segment matters to the total when it is both
    large and different.

    **Small segments.** ``small`` flags segments below ``min_n`` effective
    answers (Kish's :math:`n_\\mathrm{eff} = (\\sum w)^2 / \\sum w^2` when
    weighted); their NPS is noisy and their raw rank unreliable. Use
    ``shrinkage=True`` and ``sort="shrunk"`` to rank them fairly (a normal
    hierarchical model, see :func:`npskit.shrink`).

    **Shrinkage of CSAT and CES.** The model and kernel of
    :func:`npskit.shrink` (Gelman et al. 2013, *Bayesian Data Analysis*,
    sec. 5.4; Rubin 1981, doi:10.3102/10769986006004377) with each
    segment's estimate and a sampling variance that is never 0: for a share
    :math:`p(1-p)/n_s` at the pooled share with two hits and two misses
    added (Agresti and Coull 1998, doi:10.2307/2685469); for a mean
    :math:`s^2/n_s` with :math:`s^2` the pooled within-segment variance
    plus one pseudo-answer of the largest variance the scale allows,
    :math:`(\text{high} - \text{low})^2/4`. The half-Cauchy prior on the
    spread :math:`\tau` has scale one eighth of the metric's range, as the
    NPS's 25 points of 200: 12.5 percentage points for a share, 0.75 for
    CES on 1-7. Credible intervals are clipped to the metric's range.

    **Key column names.** Rows put each key value under its column's name
    (``names``): a ``data=`` column name, a pandas or polars series name, or
    ``"key"`` (one unnamed key) and ``"key0"``, ``"key1"``, ... (several),
    as :func:`npskit.tally_by` names them. A key named like a row value
    (``n``, ``nps``, ...) becomes ``key_<name>`` in :meth:`BreakdownRow.to_dict`.

    **Cost.** Counting is one vectorised pass (:func:`npskit.tally_by`).
    The Wald-family and ``"tango"`` intervals, the ``"wald"``,
    ``"adjusted-wald"`` and ``"mover"`` comparisons, the multiplicity
    adjustment, impact, flags and the shrinkage fit are computed for all
    segments at once on their counts (Tango's bounds and the MOVER test
    solve one equation per segment, all together, by vectorised Newton and
    Illinois root searches, and unweighted segments sharing their counts, so
    their rest, are computed once). Rows
    are built when first read, so 10^5 segments cost about what their
    counting costs. Methods that cannot be vectorised run once per segment:
    the resampling methods (``"bootstrap-percentile"`` and
    ``"bootstrap-bca"`` intervals, ``"permutation"`` and
    ``"bootstrap-percentile"`` comparisons: ``n_resamples`` draws per
    segment, tens of milliseconds each at the default 10^4), and the
    ``"exact"`` and ``"bayes"`` intervals and the ``"bayes"`` comparison (a
    root search over tail sums or a numerical integration per segment, about
    0.1 to 0.3 s each for segments of 100 answers); see benchmarks/README.md.

    References
    ----------
    .. [1] Holm, S. (1979). A simple sequentially rejective multiple test
       procedure. *Scandinavian Journal of Statistics*, 6(2), 65-70.
       https://www.jstor.org/stable/4615733
    .. [2] Benjamini, Y., & Hochberg, Y. (1995). Controlling the false
       discovery rate: a practical and powerful approach to multiple testing.
       *Journal of the Royal Statistical Society B*, 57(1), 289-300.
       https://doi.org/10.1111/j.2517-6161.1995.tb02031.x
    .. [3] Zou, G. Y., & Donner, A. (2008). Construction of confidence limits
       about effect measures: a general approach. *Statistics in Medicine*,
       27(10), 1693-1702. https://doi.org/10.1002/sim.2907
    .. [4] Gelman, A., et al. (2013). *Bayesian Data Analysis*, 3rd ed.,
       section 5.4. CRC Press. http://www.stat.columbia.edu/~gelman/book/

    Examples
    --------
    >>> from npskit import breakdown
    >>> scores = [10] * 45 + [9] * 15 + [3] * 20 + [8] * 20
    >>> channel = ["chat"] * 45 + ["phone"] * 35 + ["email"] * 20
    >>> result = breakdown(scores, channel)
    >>> print(result)
    NPS by key: 3 segments; adjusted-wald intervals
    each segment vs the rest (mover), p-values adjusted (holm)
    key      n     NPS           95% CI  vs rest     p adj  impact
    chat    45  +100.0  [+85.3, +100.0]   +109.1  2.28e-09   +49.1  *
    email   20    +0.0   [-10.4, +10.4]    -50.0   0.00113   -10.0  * small
    phone   35   -14.3   [-44.0, +17.7]    -83.5  1.56e-06   -29.2  *
    total  100   +40.0   [+23.4, +54.3]
    (points rounded to 1 decimal, p-values to 3 significant digits;
     * adjusted p-value below 0.05; small: effective n below 30)
    >>> row = result["phone"]
    >>> row.key, row.counts, round(row.nps, 2), round(row.difference, 2)
    (('phone',), (20, 0, 15), -14.29, -83.52)
    >>> round(row.impact, 2), round(result.total.nps, 2)
    (-29.23, 40.0)
    >>> [r.key[0] for r in breakdown(scores, channel, sort="impact")]
    ['chat', 'email', 'phone']

    NPS per agent and month, from a column of dates:

    >>> import npskit
    >>> data = npskit.load_example()
    >>> monthly = breakdown("answer", ["agent", "date"], data=data, freq="month")
    >>> monthly.names, monthly.rows[0].key, monthly.rows[0].n
    (('agent', 'month'), ('A01', '2026-01'), 7)
    """
    chosen_metric = as_metric(metric, scale)
    if chosen_metric.kind != "net":
        if freq is not None:
            raise TypeError(
                f"freq= buckets dates for the NPS breakdown; for {chosen_metric.label}, "
                "give the period of each answer as a key column (e.g. '2026-01' text)"
            )
        return breakdown_metric(
            scores, by, chosen_metric, data=data, weights=weights,
            confidence_level=confidence_level, interval_method=interval_method,
            compare_method=compare_method, compare_to=compare_to, p_adjust=p_adjust,
            min_n=min_n, shrinkage=shrinkage, sort=sort, ascending=ascending,
            missing_keys=missing_keys, nan_policy=nan_policy, rng=rng, n_resamples=n_resamples,
        )  # fmt: skip
    if isinstance(scores, GroupedHistogram):
        scores = scores.to_grouped_tally(chosen_metric.counting_scale)
    return breakdown_nps(
        scores, by, data=data, weights=weights, freq=freq,
        confidence_level=confidence_level, interval_method=interval_method,
        compare_method=compare_method, compare_to=compare_to, p_adjust=p_adjust,
        min_n=min_n, shrinkage=shrinkage, sort=sort, ascending=ascending,
        missing_keys=missing_keys, scale=chosen_metric.counting_scale, nan_policy=nan_policy,
        rng=rng, n_resamples=n_resamples,
    )  # fmt: skip
