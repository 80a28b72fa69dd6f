"""Counts per answer point inside the caller's dataframe engine: ``histogram_frame``.

The grouped histogram of :func:`npskit.histogram_by`, computed where the data
are, like :func:`npskit.tally_frame`: one narwhals group-by with plain sums
of per-point indicator columns (and their weights), validation in the same
pass; only the small table of counts per group and point is collected.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from npskit._core.errors import InvalidScoresError, InvalidWeightsError, MissingAnswersError
from npskit._core.grouped_histogram import GroupedHistogram
from npskit._core.metric import Metric, as_metric
from npskit._core.regroup import regroup
from npskit._core.validation import check_choice
from npskit.typing import MetricName, MissingKeys, NanPolicy

from .frames import _NO_POSITIONS, _PREFIX, _check_numeric, _collect, _total
from .inputs import plural
from .keys import column_names, is_missing

__all__ = ["histogram_frame"]


def histogram_frame(
    frame: Any,
    *,
    score: str,
    by: str | Sequence[str] = (),
    metric: Metric | MetricName = "nps",
    weights: str | None = None,
    nan_policy: NanPolicy = "omit",
    missing_keys: MissingKeys = "group",
) -> GroupedHistogram:
    """Count answers per point of the metric's scale per group, inside a dataframe engine.

    Parameters
    ----------
    frame : dataframe or lazy frame
        As for :func:`npskit.tally_frame` (polars, DuckDB, Dask, PySpark,
        pandas, pyarrow, ...).
    score : str
        Column with the answers on the metric's scale.
    by : str or sequence of str, default ()
        Key columns; with none, one group with key ``()``.
    metric : Metric or {"nps", "csat", "ces", "ces-easy"}, default "nps"
        The metric whose scale the answers are on.
    weights : str, optional
        Column with survey weights.
    nan_policy : {"omit", "raise"}, default "omit"
    missing_keys : {"group", "raise"}, default "group"

    Returns
    -------
    GroupedHistogram
        Groups in key order (missing keys last).

    Raises
    ------
    InvalidScoresError, MissingAnswersError, InvalidWeightsError, ScoreTypeError, ValueError
        As :func:`npskit.tally_frame` raises them.

    Examples
    --------
    >>> import polars as pl
    >>> from npskit import histogram_frame
    >>> lf = pl.LazyFrame({"team": ["a", "a", "b"], "csat": [5, 2, None]})
    >>> g = histogram_frame(lf, score="csat", by="team", metric="csat")
    >>> g["a"], g["b"].n_missing
    (Histogram(counts=(0, 1, 0, 0, 1), low=1, n_missing=0), 1)
    """
    chosen = as_metric(metric)
    check_choice("nan_policy", nan_policy, ("omit", "raise"))
    check_choice("missing_keys", missing_keys, ("group", "raise"))
    if not isinstance(score, str):
        raise TypeError(f"score must be a column name (str), got {score!r}")
    if weights is not None and not isinstance(weights, str):
        raise TypeError(f"weights must be a column name (str) or None, got {weights!r}")
    keys = column_names("by", by)
    try:
        import narwhals as nw
    except ImportError:
        raise ImportError(
            'histogram_frame needs narwhals: pip install "npskit[frames]" (or narwhals)'
        ) from None
    try:
        table = nw.from_native(frame)
    except TypeError:
        raise TypeError(
            "frame must be a dataframe narwhals supports (polars, DuckDB, Dask, PySpark, "
            f"pandas, pyarrow, ...), got {type(frame).__name__}"
        ) from None
    schema = table.collect_schema()
    columns = list(schema.names())
    for role, name in [("score", score), *(("by", k) for k in keys), ("weights", weights)]:
        if name is not None and name not in columns:
            raise ValueError(f"{role} names the column {name!r}, which is not in frame")
    _check_numeric("score", score, schema[score])
    if weights is not None:
        _check_numeric("weights", weights, schema[weights])
    low, high = chosen.low, chosen.high
    s = nw.col(score)
    as_float = s.cast(nw.Float64)
    missing = s.is_null() | as_float.is_nan()
    present = ~missing
    valid = present & s.is_between(low, high) & (as_float.round(0) == as_float)

    def flag(condition: Any) -> Any:
        return nw.when(condition).then(1).otherwise(0).cast(nw.Int64)

    points = range(low, high + 1)
    made = {f"{_PREFIX}p{i}": flag(valid & (s == v)) for i, v in enumerate(points)}
    made[f"{_PREFIX}missing"] = flag(missing)
    made[f"{_PREFIX}invalid"] = flag(present & ~valid)
    if weights is not None:
        w = nw.col(weights).cast(nw.Float64)
        bad = nw.col(weights).is_null() | ~((w >= 0) & (w < float("inf")))
        if schema[weights].is_float():
            bad = bad | nw.col(weights).is_nan()
        made[f"{_PREFIX}bad_weight"] = flag(present & bad)
        for i, v in enumerate(points):
            hit = valid & (s == v)
            made[f"{_PREFIX}w{i}"] = nw.when(hit).then(w).otherwise(0.0)
            made[f"{_PREFIX}q{i}"] = nw.when(hit).then(w * w).otherwise(0.0)
    sums = [nw.col(name).sum() for name in made]
    step = table.with_columns(**made)
    counted = step.group_by(*keys, drop_null_keys=False).agg(*sums) if keys else step.select(*sums)
    result = _collect(nw, counted).to_dict(as_series=False)
    invalid = _total(result[f"{_PREFIX}invalid"])
    if invalid:
        raise InvalidScoresError(
            f"column {score!r} contains {plural(invalid, 'invalid answer', 'invalid answers')} "
            f"(outside {low}..{high}, not whole numbers, or infinite); {_NO_POSITIONS}",
            count=invalid,
        )
    n_missing = _total(result[f"{_PREFIX}missing"])
    if n_missing and nan_policy == "raise":
        raise MissingAnswersError(
            f"column {score!r} contains {plural(n_missing, 'missing answer', 'missing answers')}"
            f" and nan_policy='raise'; {_NO_POSITIONS}",
            count=n_missing,
        )
    if weights is not None and _total(result[f"{_PREFIX}bad_weight"]):
        raise InvalidWeightsError(
            f"column {weights!r} contains weights that are null, negative, NaN or infinite "
            f"where the answer is present; weights must be finite and >= 0 ({_NO_POSITIONS})"
        )
    rows = len(result[f"{_PREFIX}missing"])
    group_keys = [
        tuple(None if is_missing(result[k][r]) else result[k][r] for k in keys) for r in range(rows)
    ]
    if missing_keys == "raise" and any(None in key for key in group_keys):
        raise ValueError(
            "by columns have rows with a missing key and missing_keys='raise'; pass "
            "missing_keys='group' to count them as their own group"
        )

    def block(prefix: str, kind: Any) -> Any:
        return np.array(
            [[result[f"{_PREFIX}{prefix}{i}"][r] or 0 for i in range(len(points))]
             for r in range(rows)], dtype=kind,
        ).reshape(rows, len(points))  # fmt: skip

    counts = block("p", np.int64)
    arrays = [counts, np.array([v or 0 for v in result[f"{_PREFIX}missing"]], dtype=np.int64)]
    if weights is not None:
        arrays += [block("w", np.float64), block("q", np.float64)]
    distinct, summed = regroup(group_keys, arrays)
    responses = summed[0].sum(axis=1)
    return GroupedHistogram(
        names=tuple(keys),
        keys=tuple(distinct),
        counts=summed[0] if weights is None else summed[2],
        n_missing=summed[1],
        responses=responses,
        squared_weights=None if weights is None else summed[3],
        low=low,
    )
