"""Key columns (segments) of :func:`npskit.tally_by`: finding them, and missing keys.

``by`` may be arrays, series or column names of a table; :func:`key_columns`
turns it into the columns and their names, :func:`column_of` fetches one named
column, and :func:`is_missing` is the one rule for a missing key value. pandas
and polars are recognised by their module name (:func:`library`), never
imported here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["column_names", "column_of", "is_missing", "key_columns", "library"]


def library(obj: object) -> str:
    """Top-level module of ``obj``'s type: how pandas and polars are recognised."""
    return type(obj).__module__.split(".", 1)[0]


def _is_column(obj: object) -> bool:
    if isinstance(obj, (str, bytes)):
        return False
    return (
        isinstance(obj, (list, tuple, np.ndarray))
        or hasattr(obj, "__array__")
        or library(obj) in {"pandas", "polars", "pyarrow"}
    )


def column_of(data: Any, value: Any, role: str) -> Any:
    """``value`` itself, or the column of ``data`` it names when it is a string."""
    if not isinstance(value, str):
        return value
    if data is None:
        raise TypeError(
            f"{role} is the column name {value!r}, but no data= table was given to take it from"
        )
    kind = library(data)
    if (kind == "polars" and hasattr(data, "get_column")) or (
        kind == "pandas" and hasattr(data, "columns")
    ):
        columns = list(data.columns)
    elif isinstance(data, Mapping):
        columns = list(data)
    else:
        raise TypeError(
            "data must be a pandas DataFrame, a polars DataFrame or a mapping of column "
            f"name to array, got {type(data).__name__}"
        )
    if value not in columns:
        shown = ", ".join(repr(c) for c in columns[:10]) + (", ..." if len(columns) > 10 else "")
        raise ValueError(
            f"{role} names the column {value!r}, which is not in data (columns: {shown})"
        )
    return data.get_column(value) if kind == "polars" else data[value]


def key_columns(by: Any, data: Any) -> tuple[list[Any], list[str]]:
    """The key columns ``by`` stands for, and their names."""
    if isinstance(by, str):
        return [column_of(data, by, "by")], [by]
    if isinstance(by, (list, tuple)) and not by:  # no rows: one empty key column
        return [by], ["key"]
    names_given = (
        data is not None and isinstance(by, (list, tuple)) and all(isinstance(b, str) for b in by)
    )
    if names_given:
        return [column_of(data, b, "by") for b in by], [str(b) for b in by]
    if isinstance(by, (list, tuple)) and _is_column(by[0]):
        columns = [column_of(data, b, "by") for b in by]
        names = [_series_name(c, f"key{i}") for i, c in enumerate(columns)]
        return columns, names if len(set(names)) == len(names) else [
            f"key{i}" for i in range(len(names))
        ]
    if _is_column(by):
        return [by], [_series_name(by, "key")]
    raise TypeError(
        "by must be an array of keys, a list of such arrays, or column names of data, "
        f"got {type(by).__name__}"
    )


def _series_name(column: Any, default: str) -> str:
    if library(column) in {"pandas", "polars"}:
        name = getattr(column, "name", None)
        if isinstance(name, str) and name:
            return name
    return default


def column_names(role: str, value: object) -> tuple[str, ...]:
    """Parameter ``role`` as a tuple of distinct column names (one name or a list of them)."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        if len(set(value)) != len(value):
            raise ValueError(f"{role} names a column twice: {value!r}")
        return tuple(value)
    raise TypeError(f"{role} must be a column name or a list of column names, got {value!r}")


def is_missing(value: object) -> bool:
    """Whether a key value is missing: None, NaN, NaT, pandas NA."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, (np.floating, np.datetime64, np.timedelta64)):
        return bool(np.isnan(value))
    return type(value).__name__ in {"NAType", "NaTType"} and library(value) == "pandas"
