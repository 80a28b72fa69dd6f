"""NPS by segment without fooling anyone: ``breakdown`` and its result types."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, get_args, overload

from npskit._compare.methods import DEFAULT_COMPARE_METHOD
from npskit._core.errors import EmptyDataError
from npskit._core.grouped import GroupedTally
from npskit._core.grouped_histogram import GroupedHistogram
from npskit._core.metric import Metric, as_metric
from npskit._core.scale import STANDARD_SCALE, Scale
from npskit._core.tally import Tally
from npskit._core.validation import (
    check_choice,
    check_confidence_level,
    check_n_resamples,
    check_positive_int,
    check_rng,
)
from npskit._counting.tally_by import tally_by
from npskit._intervals.methods import DEFAULT_INTERVAL_METHOD
from npskit.typing import (
    CompareMethod,
    CompareTo,
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
from .results import Breakdown
from .shrinkage import shrink
from .statistics import (
    RESAMPLING_COMPARE,
    RESAMPLING_INTERVAL,
    segment_rows,
    segment_statistics,
    sort_rows,
    total_row,
)

__all__ = ["breakdown"]


@overload
def breakdown(
    scores: Any,
    by: Any = None,
    *,
    data: Any = None,
    weights: Any = None,
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
    metric: Literal["nps"] = "nps",
) -> Breakdown: ...


@overload
def breakdown(
    scores: Any,
    by: Any = None,
    *,
    data: Any = None,
    weights: Any = None,
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
    metric: Literal["csat", "ces", "ces-easy"],
) -> MetricBreakdown: ...


@overload
def breakdown(
    scores: Any,
    by: Any = None,
    *,
    data: Any = None,
    weights: Any = None,
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
    metric: Metric,
) -> Breakdown | MetricBreakdown: ...


def breakdown(
    scores: Any,
    by: Any = None,
    *,
    data: Any = None,
    weights: Any = None,
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
    """NPS per segment, each compared with the rest, with multiplicity control.

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
    confidence_level : float, default 0.95
        Level of every interval. A segment is ``significant`` when its
        adjusted p-value is below ``1 - confidence_level``.
    interval_method : str, default "adjusted-wald"
        Interval method of each segment's NPS and of the total (see
        :func:`npskit.confidence_interval`).
    compare_method : str, default "mover"
        Method of the comparison of each segment with the rest (see
        :func:`npskit.compare`).
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
        Add each segment's empirical-Bayes shrunk NPS and credible interval
        (:func:`npskit.shrink`); needs two segments with answers.
        ``sort="shrunk"`` turns it on.
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

    Returns
    -------
    Breakdown
        One :class:`BreakdownRow` per segment, the total, and the options
        used.

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
    ``shrinkage=True`` and ``sort="shrunk"`` to rank them fairly (Minka's
    Dirichlet-multinomial fit, see :func:`npskit.shrink`).

    **Key column names.** Rows put each key value under its column's name
    (``names``): a ``data=`` column name, a pandas or polars series name, or
    ``"key"`` (one unnamed key) and ``"key0"``, ``"key1"``, ... (several),
    as :func:`npskit.tally_by` names them. A key named like a row value
    (``n``, ``nps``, ...) becomes ``key_<name>`` in :meth:`BreakdownRow.to_dict`.

    **Cost.** Counting is one vectorised pass (:func:`npskit.tally_by`); the
    Wald-family intervals and the ``"wald"``, ``"adjusted-wald"`` and
    ``"mover"`` comparisons are computed for all segments at once on their
    counts, so 10^5 segments take about a second. Other methods run once per
    segment.

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
    .. [4] Minka, T. P. (2000). Estimating a Dirichlet distribution.
       https://tminka.github.io/papers/dirichlet/minka-dirichlet.pdf

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
    """
    chosen_metric = as_metric(metric, scale)
    if chosen_metric.kind != "net":
        return breakdown_metric(
            scores, by, chosen_metric, data=data, weights=weights,
            confidence_level=confidence_level, interval_method=interval_method,
            compare_method=compare_method, compare_to=compare_to, p_adjust=p_adjust,
            min_n=min_n, shrinkage=shrinkage, sort=sort, ascending=ascending,
            missing_keys=missing_keys, nan_policy=nan_policy, rng=rng, n_resamples=n_resamples,
        )  # fmt: skip
    scale = chosen_metric.counting_scale
    if isinstance(scores, GroupedHistogram):
        scores = scores.to_grouped_tally(scale)
    interval_method = DEFAULT_INTERVAL_METHOD if interval_method is None else interval_method
    compare_method = DEFAULT_COMPARE_METHOD if compare_method is None else compare_method
    level = check_confidence_level(confidence_level)
    chosen: IntervalMethod = check_choice(
        "interval_method", interval_method, get_args(IntervalMethod)
    )
    versus: CompareMethod = check_choice("compare_method", compare_method, get_args(CompareMethod))
    against: CompareTo = check_choice("compare_to", compare_to, get_args(CompareTo))
    adjust: PAdjustMethod = check_choice("p_adjust", p_adjust, get_args(PAdjustMethod))
    threshold = check_positive_int("min_n", min_n, minimum=0)
    order: SortBy | None = None if sort is None else check_choice("sort", sort, get_args(SortBy))
    resamples = check_n_resamples(n_resamples, method=chosen)
    generator = check_rng(rng)
    for name, flag in (("ascending", ascending), ("shrinkage", shrinkage)):
        if not isinstance(flag, bool):
            raise TypeError(f"{name} must be True or False, got {flag!r}")
    if isinstance(scores, Tally):
        raise TypeError(
            "scores must be answers (with by=) or a GroupedTally counted per segment, got one "
            "Tally: a breakdown needs the counts of each segment"
        )
    if isinstance(scores, GroupedTally):
        if data is not None or weights is not None:
            raise TypeError(
                "data and weights must be None when scores is a GroupedTally (already counted)"
            )
        grouped = _keep_columns(scores, by)
    else:
        if by is None:
            raise TypeError("by is required: the segment of each answer, or column names")
        grouped = tally_by(
            scores,
            by,
            weights=weights,
            data=data,
            scale=scale,
            nan_policy=nan_policy,
            missing_keys=missing_keys,
        )
    total = grouped.total
    if total.weight_sum <= 0:
        raise EmptyDataError(
            f"breakdown needs answers, got none ({total.n_missing} missing left out"
            + (", or weights summing to 0)" if grouped.is_weighted else ")")
        )
    # One stream per segment, the last for the total; spawned only when a method
    # resamples (spawning 10^5 generators would cost seconds for nothing).
    resampling = chosen in RESAMPLING_INTERVAL or versus in RESAMPLING_COMPARE
    streams = generator.spawn(len(grouped.keys) + 1) if resampling else [generator]
    columns = segment_statistics(
        grouped,
        level=level,
        interval_method=chosen,
        compare_method=versus,
        against=against,
        adjust=adjust,
        streams=streams[:-1],
        n_resamples=resamples,
    )
    fit = shrink(grouped, confidence_level=level) if shrinkage or order == "shrunk" else None
    rows = segment_rows(grouped, columns, level=level, threshold=threshold, fit=fit)
    if order is not None:
        rows = sort_rows(rows, order, ascending)
    return Breakdown(
        rows=tuple(rows),
        names=grouped.names,
        total=total_row(
            grouped,
            level=level,
            interval_method=chosen,
            stream=streams[-1],
            n_resamples=resamples,
        ),
        weighted=grouped.is_weighted,
        interval_method=chosen,
        compare_method=versus,
        compare_to=against,
        confidence_level=level,
        p_adjust=adjust,
        min_n=threshold,
        sort=order,
        ascending=ascending,
        shrinkage=fit,
    )


def _keep_columns(grouped: GroupedTally, by: object) -> GroupedTally:
    """``grouped`` summed over every key column not named in ``by`` (None keeps all)."""
    if by is None:
        return grouped
    wanted = (by,) if isinstance(by, str) else by
    if not (isinstance(wanted, Sequence) and wanted and all(isinstance(n, str) for n in wanted)):
        raise TypeError(
            "by must name key columns of the GroupedTally (a str or a sequence of str) or be "
            f"None for all of them, got {by!r}"
        )
    unknown = [name for name in wanted if name not in grouped.names]
    if unknown or len(set(wanted)) != len(wanted):
        raise ValueError(
            f"by must name distinct key columns of the GroupedTally, got {tuple(wanted)!r}; "
            f"its key columns are {grouped.names!r}"
        )
    others = [name for name in grouped.names if name not in wanted]
    return grouped.sum_over(*others) if others else grouped
