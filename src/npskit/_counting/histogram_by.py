"""Counting answers per answer point and segment: ``histogram_by``.

The grouped form of :func:`npskit.histogram`, with the key handling of
:func:`npskit.tally_by` (same factorisation, missing keys, order of groups):
the answers are validated by the tally kernel, the key columns become one
combined code, and a single ``np.bincount`` over
``code * (points + 1) + (answer - low)`` (slot ``points`` is "missing answer")
counts every group and point at once. There is no Python loop over rows or
groups.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._core.errors import InvalidWeightsError
from npskit._core.grouped_histogram import GroupedHistogram
from npskit._core.metric import Metric, as_metric
from npskit._core.regroup import check_count_rows
from npskit._core.scale import STANDARD_SCALE, Scale
from npskit._core.validation import check_choice
from npskit.typing import MetricName, MissingKeys, NanPolicy

from .alignment import check_same_index
from .factorize import factorize
from .grouping import combine_codes, missing_level
from .inputs import as_numeric, as_weights
from .kernel import check_options, tally_values
from .keys import column_of, key_columns

__all__ = ["histogram_by"]


def histogram_by(
    scores: Any,
    by: Any,
    *,
    metric: Metric | MetricName = "nps",
    weights: Any = None,
    data: Any = None,
    scale: Scale = STANDARD_SCALE,
    nan_policy: NanPolicy = "omit",
    missing_keys: MissingKeys = "group",
) -> GroupedHistogram:
    """Count the answers at each point of the metric's scale, per group of keys.

    Parameters
    ----------
    scores : array_like or str
        Answers, as for :func:`tally_by`, or a column name of ``data``.
    by : array_like, sequence of array_like, str or sequence of str
        The key of each answer, as for :func:`tally_by`.
    metric : Metric or {"nps", "csat", "ces", "ces-easy"}, default "nps"
        The metric whose scale the answers are on.
    weights : array_like or str, optional
        Survey weights, one per answer, or a column name.
    data : pandas.DataFrame, polars.DataFrame or mapping, optional
        A table to take named columns from.
    scale : Scale, default the standard 0-10 scale
        The NPS scale, with ``metric="nps"`` only.
    nan_policy : {"omit", "raise"}, default "omit"
        Missing answers are left out and counted per group, or raise.
    missing_keys : {"group", "raise"}, default "group"
        Rows with a missing key form their own group, or raise.

    Returns
    -------
    GroupedHistogram
        Counts per answer point of each group; groups in the order of
        :func:`tally_by`.

    Raises
    ------
    ValueError, TypeError, InvalidScoresError, MissingAnswersError, InvalidWeightsError
        As :func:`tally_by` raises them.

    Examples
    --------
    >>> from npskit import histogram_by
    >>> g = histogram_by([7, 6, 2, 7], ["a", "b", "a", "b"], metric="ces")
    >>> g.keys, g.counts.tolist()
    ((('a',), ('b',)), [[0, 1, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 1, 1]])
    """
    chosen = as_metric(metric, scale)
    counting = chosen.counting_scale
    check_options(counting, nan_policy)
    check_choice("missing_keys", missing_keys, ("group", "raise"))
    columns, names = key_columns(by, data)
    score_column = column_of(data, scores, "scores")
    weight_column = None if weights is None else column_of(data, weights, "weights")
    check_same_index(
        [
            ("scores", score_column),
            *((f"by column {name!r}", column) for name, column in zip(names, columns, strict=True)),
            ("weights", weight_column),
        ]
    )
    values = as_numeric(score_column)
    weight_values = None
    if weight_column is not None:
        weight_values = as_weights(weight_column)
        if len(weight_values) != len(values):
            raise InvalidWeightsError(
                f"weights must have one weight per answer: got {len(values)} "
                f"answers and {len(weight_values)} weights"
            )
    n = len(values)
    tally_values(values, weight_values, counting, nan_policy, offset=0, chunk=None)
    factors = []
    for name, column in zip(names, columns, strict=True):
        factor = factorize(column, name)
        if len(factor.codes) != n:
            raise ValueError(
                f"by column {name!r} has {len(factor.codes)} keys but scores has {n} "
                "answers; they must have the same length"
            )
        factors.append(missing_level(factor, name, missing_keys))
    codes, levels = combine_codes(factors, n)
    counts, sums, squares = _count(codes, len(levels), values, weight_values, counting)
    observed = np.flatnonzero(counts.sum(axis=1) > 0)
    counts, levels = counts[observed], levels[observed]
    key_values = [factor.values(levels[:, j]) for j, factor in enumerate(factors)]
    keys = tuple(zip(*key_values, strict=True)) if key_values else ()
    present, missing = counts[:, :-1], counts[:, -1]
    check_count_rows(present, "a group's number of answers")
    responses = present.sum(axis=1)
    if sums is None or squares is None:
        return GroupedHistogram(
            names=tuple(names), keys=keys, counts=present, n_missing=missing,
            responses=responses, low=counting.low,
        )  # fmt: skip
    return GroupedHistogram(
        names=tuple(names),
        keys=keys,
        counts=sums[observed],
        n_missing=missing,
        responses=responses,
        squared_weights=squares[observed],
        low=counting.low,
    )


def _count(
    codes: npt.NDArray[np.intp],
    n_codes: int,
    values: npt.NDArray[Any],
    weights: npt.NDArray[np.float64] | None,
    scale: Scale,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64] | None, npt.NDArray[np.float64] | None]:
    """Counts ``(codes, points + 1)`` (last column: missing) and weight sums ``(codes, points)``."""
    width = scale.n_points + 1
    if values.dtype.kind == "f":
        missing = np.isnan(values)
        point = np.where(missing, scale.n_points, values - scale.low).astype(np.intp)
    else:
        missing = None
        point = (values - scale.low).astype(np.intp)
    index = codes.astype(np.intp) * width + point
    size = n_codes * width
    counts: npt.NDArray[np.int64] = (
        np.bincount(index, minlength=size).astype(np.int64).reshape(n_codes, width)
    )
    if weights is None:
        return counts, None, None
    w = weights if missing is None else np.where(missing, 0.0, weights)
    sums = np.asarray(np.bincount(index, weights=w, minlength=size), dtype=np.float64)
    squares = np.asarray(np.bincount(index, weights=w * w, minlength=size), dtype=np.float64)
    shape = (n_codes, width)
    return counts, sums.reshape(shape)[:, :-1], squares.reshape(shape)[:, :-1]
