"""How much each comment topic moves NPS: ``topic_impact``."""

from __future__ import annotations

import math
from typing import Any, get_args

import numpy as np
import numpy.typing as npt

from npskit._compare.compare import compare
from npskit._core.errors import EmptyDataError
from npskit._core.scale import STANDARD_SCALE, Scale
from npskit._core.tally import Tally
from npskit._core.validation import check_choice, check_confidence_level
from npskit._stats.exclusion_impact import exclusion_impact
from npskit._stats.multiplicity import adjust_pvalues
from npskit._stats.normal import normal_pvalue, tail_probability, z_quantile
from npskit._stats.relative_importance import shapley_from_subsets
from npskit.typing import PAdjustMethod, TopicRule

from .inputs import answer_codes, attribute_table, one_column, weight_array
from .topic_results import TopicImpact, TopicRow

__all__ = ["MAX_SHAPLEY_TOPICS", "topic_impact"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

MAX_SHAPLEY_TOPICS = 16
"""Most topics for the exact Shapley split (``2**16`` subsets of topics)."""


def topic_impact(
    scores: Any,
    topics: Any,
    *,
    data: Any = None,
    weights: Any = None,
    period: Any = None,
    separator: str = ";",
    shared: TopicRule = "shapley",
    confidence_level: float = 0.95,
    p_adjust: PAdjustMethod = "holm",
    scale: Scale = STANDARD_SCALE,
) -> TopicImpact:
    """Impact of comment topics on NPS, with intervals, tests and a Shapley split.

    Parameters
    ----------
    scores : array_like or str
        The 0-10 answers (missing left out and counted), or a column name.
    topics : array_like, str, DataFrame, mapping, 2-D array or list of str
        Either one column of tags per answer (text such as
        ``"wait;billing error"``, blank or missing for none; or its column
        name), or 0/1 indicators, one column per topic (a DataFrame, a
        mapping, an ``n x K`` array, or column names of ``data``; missing
        counts as 0).
    data : pandas.DataFrame, polars.DataFrame or mapping, optional
        Table to take named columns from.
    weights : array_like or str, optional
        Survey weights.
    period : array_like or str, optional
        Period of each answer (e.g. a month label): one set of rows per
        period, in sorted order, with each topic's change of impact from the
        previous period.
    separator : str, default ";"
        Separator of the tags in a column of text; tags are stripped of
        surrounding spaces.
    shared : {"shapley", "marginal"}, default "shapley"
        How comments with several topics are shared: see Notes. The
        ``impact`` column is always marginal; ``"shapley"`` adds
        ``shapley_impact`` (at most 16 topics).
    confidence_level : float, default 0.95
        Level of the intervals; a topic is ``significant`` when its adjusted
        p-value is below ``1 - confidence_level``.
    p_adjust : {"holm", "bonferroni", "benjamini-hochberg", "none"}, default "holm"
        Multiplicity adjustment over the topics (within each period).
    scale : Scale, default the standard 0-10 scale
        Scale of the answers.

    Returns
    -------
    TopicImpact
        One row per topic (and period), most negative impact first.

    Notes
    -----
    The impact of topic ``k`` is what vendors report, the NPS of all answers
    minus the NPS of the answers whose comment does not mention ``k``. With
    ``s`` the topic's share, ``A`` the NPS of its answers and ``B`` that of
    the others, ``NPS(all) = s A + (1 - s) B``, so

    .. math:: \\text{impact} = \\text{NPS}_\\text{all} - B = s\\,(A - B),

    the share times the difference. Its interval and test come from the
    delta method on the 2 x 3 table (topic x category) of weight sums, whose
    influence function accounts for the dependence between ``s`` and
    ``A - B`` (see :mod:`npskit._stats.exclusion_impact`); with weights it is
    the linearisation variance (Deville 1999). H0: impact = 0, which for
    ``0 < s < 1`` is H0: ``A = B``. The ``difference`` column has its own
    interval from :func:`npskit.compare`.

    A comment with several topics counts fully in each topic's marginal
    impact, so those do not add up. ``shared="shapley"`` also reports the
    exact Shapley value of the game ``v(S) = NPS(all) - NPS(answers
    mentioning no topic of S)``: each topic's average marginal contribution
    over all orders of removal. The Shapley impacts add up to
    ``v(all topics)`` (``total_impact``); a comment mentioning only one topic
    counts for that topic only.

    To see which topic explains a change between two periods, compare
    ``impact_change``; to split the change of NPS into the topic's mix
    (share) and rate (NPS within) parts, pass the topic indicator as the
    segment to :func:`npskit.decompose` (see the how-to).

    Examples
    --------
    >>> import npskit
    >>> data = npskit.load_example()
    >>> result = npskit.topic_impact("answer", "topics", data=data)
    >>> row = result["not resolved"]
    >>> round(row.impact, 1), round(row.share * row.difference, 1)
    (-3.7, -3.7)
    """
    rule = check_choice("shared", shared, get_args(TopicRule))
    adjust: PAdjustMethod = check_choice("p_adjust", p_adjust, get_args(PAdjustMethod))
    level = check_confidence_level(confidence_level)
    w_all = weight_array(weights, data)
    answers, codes = answer_codes(scores, data, scale, w_all)
    names, mentions = _topic_matrix(topics, data, len(answers), separator)
    if rule == "shapley" and len(names) > MAX_SHAPLEY_TOPICS:
        raise ValueError(
            f"{len(names)} topics is more than the {MAX_SHAPLEY_TOPICS} of the exact "
            "Shapley split; pass shared='marginal'"
        )
    present = ~np.isnan(answers)
    if not present.any():
        raise EmptyDataError("no answers: every answer is missing")
    labels = None if period is None else one_column(data, period, "period")
    if labels is not None and len(labels) != len(answers):
        raise ValueError(f"period has {len(labels)} values for {len(answers)} answers")
    periods: list[Any] = [None] if labels is None else sorted(set(labels[present].tolist()))
    w = np.ones(len(answers)) if w_all is None else w_all
    rows: list[TopicRow] = []
    totals = []
    previous: dict[str, tuple[float, float]] = {}
    for value in periods:
        mask = present if labels is None else present & (labels == value)
        block, total = _period_rows(
            value, names, codes[mask], mentions[mask], w[mask], w_all is not None, rule, level,
            adjust, previous,
        )  # fmt: skip
        rows.extend(block)
        totals.append(total)
        previous = {row.topic: (row.impact, (row.high - row.low) / 2) for row in block}
    return TopicImpact(
        rows=tuple(rows),
        shared=rule,
        total_impact=tuple(totals),
        periods=tuple(periods),
        n_missing=int(np.count_nonzero(~present)),
        weighted=w_all is not None,
        confidence_level=level,
        p_adjust=adjust,
    )


def _topic_matrix(
    topics: Any, data: Any, n: int, separator: str
) -> tuple[tuple[str, ...], BoolArray]:
    """Topic names and an ``n x K`` boolean matrix of mentions."""
    column = None
    if isinstance(topics, str):
        column = one_column(data, topics, "topics")
    elif _is_tag_column(topics, data):
        column = np.asarray(topics, dtype=object)
    if column is not None:
        if len(column) != n:
            raise ValueError(f"topics has {len(column)} values for {n} answers")
        tags = [_split(cell, separator) for cell in column.tolist()]
        names = tuple(sorted({tag for cell in tags for tag in cell}))
        if not names:
            raise ValueError("topics has no tags at all")
        position = {name: k for k, name in enumerate(names)}
        matrix = np.zeros((n, len(names)), dtype=bool)
        for i, cell in enumerate(tags):
            matrix[i, [position[tag] for tag in cell]] = True
        return names, matrix
    names, values = attribute_table(topics, data, n)
    values = np.nan_to_num(values, nan=0.0)
    if not np.all((values == 0) | (values == 1)):
        raise ValueError("topic indicators must be 0 or 1 (or missing, counted as 0)")
    return names, values == 1


def _is_tag_column(topics: Any, data: Any) -> bool:
    """One column of tags, not a table of indicators nor a list of column names of ``data``."""
    if isinstance(topics, dict) or hasattr(topics, "columns"):
        return False
    if isinstance(topics, (list, tuple)) and data is not None:
        return False  # column names
    array = np.asarray(topics, dtype=object)
    return array.ndim == 1 and any(isinstance(v, str) for v in array.tolist())


def _split(cell: Any, separator: str) -> set[str]:
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return set()
    return {tag.strip() for tag in str(cell).split(separator) if tag.strip()}


def _tally(counts: FloatArray, squares: FloatArray, n: int, weighted: bool) -> Tally:
    if not weighted:
        d, s, p = (round(float(v)) for v in counts)
        return Tally(detractors=d, passives=s, promoters=p)
    return Tally(
        detractors=float(counts[0]),
        passives=float(counts[1]),
        promoters=float(counts[2]),
        squared_weights=(float(squares[0]), float(squares[1]), float(squares[2])),
        responses=n,
    )


def _period_rows(
    value: Any,
    names: tuple[str, ...],
    codes: FloatArray,
    mentions: BoolArray,
    w: FloatArray,
    weighted: bool,
    rule: str,
    level: float,
    adjust: PAdjustMethod,
    previous: dict[str, tuple[float, float]],
) -> tuple[list[TopicRow], float]:

    n = len(codes)
    if n < 2:
        raise EmptyDataError(f"period {value!r} has {n} answers; need at least 2")
    onehot = codes.astype(np.intp)[:, None] + 1 == np.arange(3)
    with_w = mentions.T.astype(float) @ (onehot * w[:, None])  # (K, 3)
    with_q = mentions.T.astype(float) @ (onehot * (w * w)[:, None])
    with_n = mentions.T.astype(float) @ onehot
    all_w, all_q = (
        (onehot * w[:, None]).sum(0),
        (onehot * (w * w)[:, None]).sum(0),
    )
    table_w = np.stack([all_w - with_w, with_w], axis=1)
    table_q = np.stack([all_q - with_q, with_q], axis=1)
    share, within, without, impact, variance = exclusion_impact(
        table_w, table_q, np.full(len(names), float(n))
    )
    overall = float(all_w @ np.array([-1.0, 0.0, 1.0]) / all_w.sum())
    se = np.sqrt(variance)
    z = z_quantile(tail_probability(level, "two-sided"))
    with np.errstate(invalid="ignore", divide="ignore"):
        pvalues = np.where(se > 0, normal_pvalue(impact / se, "two-sided"), np.nan)
    adjusted = adjust_pvalues(pvalues, p_adjust=adjust)
    shapley, total = (
        _shapley(codes, mentions, w, len(names))
        if rule == "shapley"
        else (
            np.full(len(names), np.nan),
            float(overall - _nps(codes[~mentions.any(1)], w[~mentions.any(1)])),
        )
    )
    rows = []
    for k, name in enumerate(names):
        count_with = int(with_n[k].sum())
        diff = (np.nan, np.nan, np.nan)
        if 0 < count_with < n:
            result = compare(
                _tally(table_w[k, 0], table_q[k, 0], n - count_with, weighted),
                _tally(table_w[k, 1], table_q[k, 1], count_with, weighted),
                confidence_level=level,
            )
            diff = (result.difference, result.low, result.high)
        change = change_low = change_high = change_p = np.nan
        if name in previous:
            before, half = previous[name]
            change = 100 * impact[k] - before
            change_se = math.hypot(100 * se[k], half / z)
            change_low, change_high = change - z * change_se, change + z * change_se
            change_p = (
                float(normal_pvalue(change / change_se, "two-sided")) if change_se > 0 else np.nan
            )
        rows.append(
            TopicRow(
                period=value,
                topic=name,
                n=n,
                n_mentions=count_with,
                share=float(share[k]),
                nps_all=100 * overall,
                nps_with=float(100 * within[k]),
                nps_without=float(100 * without[k]),
                difference=float(diff[0]),
                difference_low=float(diff[1]),
                difference_high=float(diff[2]),
                impact=float(100 * impact[k]),
                low=float(100 * (impact[k] - z * se[k])),
                high=float(100 * (impact[k] + z * se[k])),
                pvalue=float(pvalues[k]),
                pvalue_adjusted=float(adjusted[k]),
                significant=bool(adjusted[k] < 1 - level),
                shapley_impact=float(100 * shapley[k]),
                impact_change=float(change),
                change_low=float(change_low),
                change_high=float(change_high),
                change_pvalue=float(change_p),
            )
        )
    rows.sort(key=lambda row: (math.isnan(row.impact), row.impact))
    return rows, 100 * total


def _nps(codes: FloatArray, w: FloatArray) -> float:
    return float(w @ codes / w.sum()) if w.sum() > 0 else np.nan


def _shapley(
    codes: FloatArray, mentions: BoolArray, w: FloatArray, k: int
) -> tuple[FloatArray, float]:
    """Exact Shapley split of ``v(S) = NPS(all) - NPS(no topic of S)`` over the topics."""
    bits = mentions.astype(np.int64) @ (np.int64(1) << np.arange(k, dtype=np.int64))
    patterns, inverse = np.unique(bits, return_inverse=True)
    weight = np.bincount(inverse, weights=w, minlength=len(patterns))
    net = np.bincount(inverse, weights=w * codes, minlength=len(patterns))
    subsets = np.arange(1 << k, dtype=np.int64)
    kept = (subsets[:, None] & patterns[None, :]) == 0
    kept_weight = kept @ weight
    with np.errstate(invalid="ignore", divide="ignore"):
        values = net.sum() / weight.sum() - (kept @ net) / kept_weight
    values[0] = 0.0
    return shapley_from_subsets(values, k), float(values[-1])
