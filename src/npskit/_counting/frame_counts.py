"""The counting query of :func:`npskit.tally_frame`, as narwhals expressions.

:func:`count_query` builds the group-by that the caller's engine runs, in the
cheapest form each engine accepts, and :func:`complete_counts` turns the
collected sums into the columns :func:`npskit.from_counts_table` reads
(detractors, passives, promoters, missing and invalid answers per group).

Invalid answers are never flagged row by row: a group's row count (``len``)
less its classified and missing answers is their number, so checking costs
one count per group, not a column. For unweighted counts on engines that take
expressions inside an aggregation (polars, Spark, ...), the three category
conditions (``is_between`` on an integer column, with a whole-number test on
a float one) and the missing answers are summed there, as a hand-written
query does. pandas and Dask take only plain sums in an aggregation, so there
the conditions become Int64 columns first (boolean casts, not ``when/then``).
On DuckDB they are written as ``count(*) FILTER (WHERE ...)`` through
DuckDB's relational API, the form DuckDB counts fastest; for an integer
column each category is a difference of one-sided counts (answers at most a
cut point), which DuckDB counts faster than ranges.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._core.scale import Scale

__all__ = ["PREFIX", "ROWS", "complete_counts", "count_query"]

PREFIX = "__npskit_"
ROWS = f"{PREFIX}rows"
_CATEGORIES = ("detractors", "passives", "promoters")


def count_query(
    nw: Any,
    table: Any,
    keys: list[str],
    *,
    score: str,
    weights: str | None,
    scale: Scale,
) -> Any:
    """The narwhals frame of sums per group (one row when ``keys`` is empty)."""
    schema = table.collect_schema()
    implementation = table.implementation
    plain_sums_only = implementation.is_pandas_like() or _is_dask(implementation)
    if weights is None and implementation.is_duckdb():
        return nw.from_native(_duckdb_counts(nw.to_native(table), keys, score, schema, scale))
    if weights is None and not plain_sums_only:
        aggregations = _aggregations(nw, score, schema[score], scale, implementation)
        step = table
    else:
        indicators = _indicators(
            nw, score, weights, schema, scale, trusted=not _is_dask(implementation)
        )
        aggregations = [nw.col(name).sum() for name in indicators]
        step = table.with_columns(**indicators)
    aggregations.append(nw.len().alias(ROWS))
    if keys:
        counted = step.group_by(*keys, drop_null_keys=False).agg(*aggregations)
    else:
        counted = step.select(*aggregations)
    if plain_sums_only:
        return counted
    # DuckDB sums integers to HUGEINT, which comes back as Python Decimals.
    names = [name for name in counted.collect_schema().names() if name.startswith(PREFIX)]
    integers = [n for n in names if "_w_" not in n and "_w2_" not in n]
    return counted.with_columns(*(nw.col(name).cast(nw.Int64) for name in integers))


def complete_counts(result: dict[str, Any]) -> None:
    """Add the category, missing and invalid counts per group to ``result``, in place.

    Count columns become int64 arrays, so that the work per group is numpy's.
    """
    for name in list(result):
        if name.startswith(PREFIX) and not name.startswith((f"{PREFIX}w_", f"{PREFIX}w2_")):
            result[name] = _int_array(result[name])
    classified = sum(result[f"{PREFIX}{name}"] for name in (*_CATEGORIES, "missing"))
    result[f"{PREFIX}invalid"] = result[ROWS] - classified


def _int_array(values: Any) -> npt.NDArray[np.int64]:
    try:
        return np.asarray(values, dtype=np.int64)
    except (TypeError, ValueError):  # a null sum (an engine that gives no 0 for none)
        return np.array([0 if v is None else int(v) for v in values], dtype=np.int64)


def _is_dask(implementation: Any) -> bool:
    check = getattr(implementation, "is_dask", None)
    return bool(check()) if callable(check) else False


def _aggregations(nw: Any, score: str, dtype: Any, scale: Scale, implementation: Any) -> list[Any]:
    """Sums of conditions inside the aggregation (engines that take expressions there)."""
    s = nw.col(score)

    def total(condition: Any, name: str) -> Any:
        # polars sums booleans natively; SQL engines (Spark) need a number.
        counted = condition if implementation.is_polars() else condition.cast(nw.Int64)
        return counted.sum().alias(f"{PREFIX}{name}")

    integer = dtype.is_integer()
    whole = None if integer else s.round(0) == s  # an integer column holds whole numbers

    def within(low: int, high: int) -> Any:
        condition = s.is_between(low, high)
        return condition if whole is None else condition & whole

    sums = [
        total(within(scale.low, scale.detractor_max), "detractors"),
        total(within(scale.detractor_max + 1, scale.promoter_min - 1), "passives"),
        total(within(scale.promoter_min, scale.high), "promoters"),
    ]
    if integer and implementation.is_polars():
        return [*sums, s.null_count().alias(f"{PREFIX}missing")]
    return [*sums, total(s.is_null() if integer else s.is_null() | s.is_nan(), "missing")]


def _duckdb_counts(relation: Any, keys: list[str], score: str, schema: Any, scale: Scale) -> Any:
    """DuckDB's own ``count(*) FILTER (WHERE ...)``, which it counts faster than sums."""

    def quoted(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    s = quoted(score)

    def count(condition: str) -> str:
        return f"count(*) FILTER (WHERE {condition})"

    if schema[score].is_integer():
        # Whole numbers: each category is a difference of counts of one-sided
        # comparisons (answers at most a cut point, less those below the
        # scale), which DuckDB counts faster than ranges: 1.0-1.1x a query
        # without validation against 1.2x with BETWEEN (10^8 rows, 48,000
        # groups). An answer above the scale is in no category: rows less
        # the categories and missing answers counts it (complete_counts).
        def at_most(value: int) -> str:
            return count(f"{s} <= {value}")

        below = count(f"{s} < {scale.low}")
        passive_max = scale.promoter_min - 1
        expressions = {
            "detractors": f"{at_most(scale.detractor_max)} - {below}",
            "passives": f"{at_most(passive_max)} - {at_most(scale.detractor_max)}",
            "promoters": f"{at_most(scale.high)} - {at_most(passive_max)}",
            "missing": count(f"{s} IS NULL"),
        }
    else:
        whole = f" AND round({s}) = {s}"
        expressions = {
            "detractors": count(f"{s} BETWEEN {scale.low} AND {scale.detractor_max}{whole}"),
            "passives": count(
                f"{s} BETWEEN {scale.detractor_max + 1} AND {scale.promoter_min - 1}{whole}"
            ),
            "promoters": count(f"{s} BETWEEN {scale.promoter_min} AND {scale.high}{whole}"),
            "missing": count(f"{s} IS NULL OR isnan({s})"),
        }
    counts = [
        f"{expression} AS {quoted(PREFIX + name)}" for name, expression in expressions.items()
    ]
    counts.append(f"count(*) AS {quoted(ROWS)}")
    group = ", ".join(quoted(key) for key in keys)
    return relation.aggregate(", ".join([*(quoted(key) for key in keys), *counts]), group)


def _indicators(
    nw: Any, score: str, weights: str | None, schema: Any, scale: Scale, *, trusted: bool
) -> dict[str, Any]:
    """Per-row indicator (and weight) columns whose plain sums per group are the counts."""
    s = nw.col(score)
    dtype = schema[score]
    if trusted and dtype.is_integer():
        # An integer column holds whole numbers: only the range is checked.
        missing = s.is_null()
        whole = None
    else:
        # Dask reads a set of Parquet files with the first file's schema, and a
        # later file may hold 7.5 in a column declared int64: there, as for
        # float columns, every answer is checked as a float.
        as_float = s if trusted else s.cast(nw.Float64)
        missing = s.is_null() | as_float.is_nan()
        whole = as_float.round(0) == as_float

    def within(low: int, high: int) -> Any:
        condition = s.is_between(low, high)
        return condition if whole is None else condition & whole

    conditions = {
        "detractors": within(scale.low, scale.detractor_max),
        "passives": within(scale.detractor_max + 1, scale.promoter_min - 1),
        "promoters": within(scale.promoter_min, scale.high),
    }

    def flag(condition: Any) -> Any:
        # Null answers make null conditions, which a sum skips; Dask's pandas
        # cannot cast a nullable boolean with NA to int64, so it fills them.
        return (condition if trusted else condition.fill_null(False)).cast(nw.Int64)

    columns = {f"{PREFIX}{name}": flag(c) for name, c in conditions.items()}
    columns[f"{PREFIX}missing"] = flag(missing)
    if weights is not None:
        present = ~missing
        w = nw.col(weights).cast(nw.Float64)
        bad = nw.col(weights).is_null()
        if schema[weights].is_float():
            bad = bad | nw.col(weights).is_nan()
        bad = bad | ~((w >= 0) & (w < float("inf")))
        columns[f"{PREFIX}bad_weight"] = flag(present & bad)
        for name, condition in conditions.items():
            columns[f"{PREFIX}w_{name}"] = nw.when(condition).then(w).otherwise(0.0)
            columns[f"{PREFIX}w2_{name}"] = nw.when(condition).then(w * w).otherwise(0.0)
    return columns
