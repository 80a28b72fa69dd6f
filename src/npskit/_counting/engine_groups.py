"""Counting per text key with polars' own group-by, for :func:`npskit.tally_by`.

A polars String column is grouped fastest by polars itself: its group-by
hashes the text on all cores, where turning the text into codes first (a
cast to Categorical) costs about twice as much. So when the only key is a
polars String column and the answers are unweighted, npskit computes each
answer's category (0 detractor, 1 passive, 2 promoter, 3 missing) with one
table look-up, hands polars the key and that category, and reads back four
counts per key. Everything else (several keys, weights, other key types,
``missing_keys="raise"`` with missing keys) goes through integer codes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._core.scale import Scale

from .keys import library

__all__ = ["polars_text_counts"]

_TABLE_LIMIT = 4096  # widest scale whose categories are read from a table


def polars_text_counts(
    column: Any, values: npt.NDArray[Any], scale: Scale, *, raise_missing: bool
) -> tuple[list[tuple[Any, ...]], npt.NDArray[np.int64]] | None:
    """Keys (lexical, missing last) and ``(groups, 4)`` counts, or None when not applicable.

    ``values`` are answers already validated on ``scale``.
    """
    if library(column) != "polars" or not hasattr(column, "null_count"):
        return None
    import polars as pl  # the caller passed a polars object, so polars is installed

    if column.dtype != pl.String or len(column) != len(values) or scale.n_points > _TABLE_LIMIT:
        return None
    if raise_missing and column.null_count():
        return None  # the code path names the positions of the missing keys
    categories = _answer_categories(values, scale)
    c = pl.col("c")
    table = (
        pl.DataFrame({"k": column.rename("k"), "c": categories})
        .lazy()
        .group_by("k")
        .agg(
            n=pl.len().cast(pl.Int64),
            d=(c == 0).sum().cast(pl.Int64),
            p=(c == 2).sum().cast(pl.Int64),
            m=(c == 3).sum().cast(pl.Int64),
        )
        .with_columns(s=pl.col("n") - pl.col("d") - pl.col("p") - pl.col("m"))
        .sort("k", nulls_last=True)
        .collect()
    )
    keys = [(key,) for key in table["k"].to_list()]
    counts = np.column_stack([table[name].to_numpy() for name in ("d", "s", "p", "m")])
    return keys, counts.astype(np.int64, copy=False).reshape(len(keys), 4)


def _answer_categories(values: npt.NDArray[Any], scale: Scale) -> npt.NDArray[np.int8]:
    """Category of each validated answer: 0, 1, 2, or 3 for a missing one."""
    table = np.append(scale.categories() + 1, 3).astype(np.int8)
    if values.dtype.kind == "f":
        missing = np.isnan(values)
        position = np.where(missing, scale.n_points + scale.low, values).astype(np.intp)
    else:
        position = values.astype(np.intp, copy=False)
    if scale.low:
        position = position - scale.low
    result: npt.NDArray[np.int8] = table.take(position)
    return result
