"""NPS by segment without fooling anyone: ``breakdown`` and its result types."""

from __future__ import annotations

import math
from typing import Any, get_args

import numpy as np
import numpy.typing as npt

from npskit._compare.arrays import compare_arrays
from npskit._compare.methods import DEFAULT_COMPARE_METHOD
from npskit._core.errors import EmptyDataError
from npskit._core.scale import STANDARD_SCALE, Scale
from npskit._core.validation import check_choice, check_confidence_level, check_positive_int
from npskit._counting.tally_by import GroupedTally, tally_by
from npskit._intervals.arrays import effective_arrays, interval_arrays
from npskit._intervals.methods import DEFAULT_INTERVAL_METHOD
from npskit._stats.multiplicity import adjust_pvalues
from npskit.typing import (
    CompareMethod,
    CompareTo,
    IntervalMethod,
    MissingKeys,
    NanPolicy,
    PAdjustMethod,
    SortBy,
)

from .results import (
    _VALUE_FIELDS,
    Breakdown,
    BreakdownRow,
    BreakdownTotal,
)
from .shrinkage import ShrinkageResult, shrink

__all__ = ["Breakdown", "BreakdownRow", "BreakdownTotal", "breakdown"]


def breakdown(
    scores: Any,
    by: Any = None,
    *,
    data: Any = None,
    weights: Any = None,
    confidence_level: float = 0.95,
    method: IntervalMethod = DEFAULT_INTERVAL_METHOD,
    compare_method: CompareMethod = DEFAULT_COMPARE_METHOD,
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
) -> Breakdown:
    """NPS per segment, each compared with the rest, with multiplicity control.

    Parameters
    ----------
    scores : array_like, str or GroupedTally
        Answers (as for :func:`npskit.tally_by`), a column name of ``data``,
        or a :class:`npskit.GroupedTally` already counted (then ``by``,
        ``data``, ``weights``, ``missing_keys``, ``scale`` and ``nan_policy``
        are not used, and ``by`` must be None).
    by : array_like, sequence of array_like, str or sequence of str
        The segment of each answer: one key array, several (a cross
        breakdown such as channel x month), or column names of ``data``; see
        :func:`npskit.tally_by`.
    data : pandas.DataFrame, polars.DataFrame or mapping, optional
        Table to take named columns from.
    weights : array_like or str, optional
        Survey weights, one per answer, or a column name.
    confidence_level : float, default 0.95
        Level of every interval. A segment is ``significant`` when its
        adjusted p-value is below ``1 - confidence_level``.
    method : str, default "adjusted-wald"
        Interval method of each segment's NPS (see
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
    rng : int or numpy.random.Generator, optional
        Seed or generator for the resampling methods (``"permutation"`` and
        ``"bootstrap-percentile"`` comparisons, bootstrap intervals).

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
        If an option has the wrong type, or ``by`` is given with a
        GroupedTally.

    Warns
    -----
    DegenerateSampleWarning
        With ``method="wald"`` or a bootstrap interval when a segment has all
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
    >>> row = result[2]
    >>> row.key, row.counts, round(row.nps, 2), round(row.difference, 2)
    (('phone',), (20, 0, 15), -14.29, -83.52)
    >>> round(row.impact, 2), round(result.total.nps, 2)
    (-29.23, 40.0)
    >>> [r.key[0] for r in breakdown(scores, channel, sort="impact")]
    ['chat', 'email', 'phone']
    """
    level = check_confidence_level(confidence_level)
    chosen: IntervalMethod = check_choice("method", method, get_args(IntervalMethod))
    versus: CompareMethod = check_choice("compare_method", compare_method, get_args(CompareMethod))
    against: CompareTo = check_choice("compare_to", compare_to, get_args(CompareTo))
    adjust: PAdjustMethod = check_choice("p_adjust", p_adjust, get_args(PAdjustMethod))
    threshold = check_positive_int("min_n", min_n, minimum=0)
    order: SortBy | None = None if sort is None else check_choice("sort", sort, get_args(SortBy))
    for name, flag in (("ascending", ascending), ("shrinkage", shrinkage)):
        if not isinstance(flag, bool):
            raise TypeError(f"{name} must be True or False, got {flag!r}")
    if isinstance(scores, GroupedTally):
        if by is not None:
            raise TypeError("by must be None when scores is a GroupedTally (already grouped)")
        grouped = scores
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
    columns = _stats(grouped, level, chosen, versus, against, adjust, rng)
    fit = shrink(grouped, confidence_level=level) if shrinkage or order == "shrunk" else None
    rows = _rows(grouped, columns, level, threshold, fit)
    if order is not None:
        rows = _sorted(rows, order, ascending)
    return Breakdown(
        rows=tuple(rows),
        names=grouped.names,
        total=_total(grouped, level, chosen, rng),
        weighted=grouped.is_weighted,
        method=chosen,
        compare_method=versus,
        compare_to=against,
        confidence_level=level,
        p_adjust=adjust,
        min_n=threshold,
        sort=order,
        ascending=ascending,
        shrinkage=fit,
    )


_Floats = npt.NDArray[np.float64]


def _stats(
    grouped: GroupedTally,
    level: float,
    method: IntervalMethod,
    versus: CompareMethod,
    against: CompareTo,
    adjust: PAdjustMethod,
    rng: Any,
) -> dict[str, _Floats]:
    """Every per-segment statistic as arrays in key order."""
    counts = np.asarray(grouped.counts, dtype=np.float64)
    squares = grouped.squared_weights
    effective = effective_arrays(counts, squares)
    n = counts.sum(axis=1)
    t = grouped.total
    total_counts = np.array([t.detractors, t.passives, t.promoters], dtype=np.float64)
    total_n = float(total_counts.sum())
    total_nps = 100.0 * float(total_counts[2] - total_counts[0]) / total_n
    rest = total_counts[None, :] - counts
    rest_squares = None
    if squares is not None:  # floating sums: clear the rounding residue of absent answers
        rest[rest < 1e-9 * total_n] = 0.0
        rest_squares = np.array(t._squares(), dtype=np.float64)[None, :] - squares
        rest_squares[rest == 0.0] = 0.0
    rest_n = rest.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        nps = np.where(n > 0, 100.0 * (counts[:, 2] - counts[:, 0]) / n, np.nan)
        rest_nps = np.where(rest_n > 0, 100.0 * (rest[:, 2] - rest[:, 0]) / rest_n, np.nan)
        shares = np.where(n[:, None] > 0, counts / n[:, None], np.nan)
    low, high = interval_arrays(effective, confidence_level=level, interval_method=method, rng=rng)
    d_low, d_high, _, pvalue = compare_arrays(
        effective_arrays(rest, rest_squares),
        effective,
        compare_method=versus,
        confidence_level=level,
        rng=rng,
    )
    difference = nps - rest_nps
    weight = n / total_n
    if against == "total":
        factor = 1.0 - weight
        difference, d_low, d_high = difference * factor, d_low * factor, d_high * factor
    difference = np.where(np.isnan(pvalue), np.nan, difference)
    return {
        "n": n,
        "effective_n": effective.sum(axis=1),
        "shares": shares,
        "share_of_total": weight,
        "nps": nps,
        "low": low,
        "high": high,
        "difference": difference,
        "difference_low": d_low,
        "difference_high": d_high,
        "pvalue": pvalue,
        "pvalue_adjusted": adjust_pvalues(pvalue, p_adjust=adjust),
        "impact": total_nps - rest_nps,
    }


def _rows(
    grouped: GroupedTally,
    columns: dict[str, _Floats],
    level: float,
    threshold: int,
    fit: ShrinkageResult | None,
) -> list[BreakdownRow]:
    names = _unique_key_names(grouped.names)
    counts = grouped.counts
    size = len(grouped.keys)
    n = columns["n"].tolist() if grouped.is_weighted else counts.sum(axis=1).tolist()
    shares = columns["shares"]
    adjusted = columns["pvalue_adjusted"]
    segments: list[Any] = list(fit.segments) if fit is not None else [None] * size
    return [
        BreakdownRow(
            key=key,
            key_names=names,
            weight_sum=n_i,
            n=responses,
            effective_n=effective_n,
            n_missing=missing,
            detractors=d,
            passives=s,
            promoters=p,
            share_detractors=share_d,
            share_passives=share_s,
            share_promoters=share_p,
            share_of_total=share,
            nps=nps,
            low=low,
            high=high,
            difference=difference,
            difference_low=difference_low,
            difference_high=difference_high,
            pvalue=pvalue,
            pvalue_adjusted=pvalue_adjusted,
            significant=significant,
            small=small,
            impact=impact,
            shrunk_nps=None if segment is None else segment.shrunk_nps,
            shrunk_low=None if segment is None else segment.interval.low,
            shrunk_high=None if segment is None else segment.interval.high,
        )
        for (
            key,
            n_i,
            responses,
            effective_n,
            missing,
            d,
            s,
            p,
            share_d,
            share_s,
            share_p,
            share,
            nps,
            low,
            high,
            difference,
            difference_low,
            difference_high,
            pvalue,
            pvalue_adjusted,
            significant,
            small,
            impact,
            segment,
        ) in zip(
            grouped.keys,
            n,
            grouped.responses.tolist(),
            columns["effective_n"].tolist(),
            grouped.n_missing.tolist(),
            counts[:, 0].tolist(),
            counts[:, 1].tolist(),
            counts[:, 2].tolist(),
            shares[:, 0].tolist(),
            shares[:, 1].tolist(),
            shares[:, 2].tolist(),
            columns["share_of_total"].tolist(),
            columns["nps"].tolist(),
            columns["low"].tolist(),
            columns["high"].tolist(),
            columns["difference"].tolist(),
            columns["difference_low"].tolist(),
            columns["difference_high"].tolist(),
            columns["pvalue"].tolist(),
            adjusted.tolist(),
            (adjusted < 1.0 - level).tolist(),  # False for NaN
            (columns["effective_n"] < threshold).tolist(),
            columns["impact"].tolist(),
            segments,
            strict=True,
        )
    ]


def _unique_key_names(names: tuple[str, ...]) -> tuple[str, ...]:
    """Key column names for the rows' dictionaries; ``key_<name>`` for a clash."""
    taken = set(_VALUE_FIELDS)
    result = []
    for name in names:
        label = name
        while label in taken:
            label = f"key_{label}"
        taken.add(label)
        result.append(label)
    return tuple(result)


def _sorted(rows: list[BreakdownRow], by: SortBy, ascending: bool) -> list[BreakdownRow]:
    """Rows sorted by one value (stable; NaN and missing values last)."""

    def value(row: BreakdownRow) -> float:
        found = {
            "nps": row.nps,
            "n": float(row.n),
            "impact": row.impact,
            "lower": row.low,
            "shrunk": row.shrunk_nps,
        }[by]
        return math.nan if found is None else float(found)

    values = np.array([value(row) for row in rows], dtype=np.float64)
    absent = np.isnan(values)
    primary = np.where(absent, 0.0, values if ascending else -values)
    order = np.lexsort((primary, absent))
    return [rows[i] for i in order.tolist()]


def _total(grouped: GroupedTally, level: float, method: IntervalMethod, rng: Any) -> BreakdownTotal:
    t = grouped.total
    counts = np.array([[t.detractors, t.passives, t.promoters]], dtype=np.float64)
    squares = None if not t.is_weighted else np.array([t._squares()], dtype=np.float64)
    low, high = interval_arrays(
        effective_arrays(counts, squares), confidence_level=level, interval_method=method, rng=rng
    )
    shares = t.shares
    return BreakdownTotal(
        weight_sum=t.weight_sum,
        n=t.n,
        effective_n=t.effective_n,
        n_missing=t.n_missing,
        detractors=t.detractors,
        passives=t.passives,
        promoters=t.promoters,
        share_detractors=shares[0],
        share_passives=shares[1],
        share_promoters=shares[2],
        nps=t.nps,
        low=float(low[0]),
        high=float(high[0]),
    )
