"""Counts tables in files: counts made in a warehouse, analysed by the command line.

A counts table holds, per group (segment, period, or both), the numbers of
answers rather than the answers: every NPS method needs only those (see
:func:`npskit.from_counts_table`). :func:`counts_table_counts` reads one from a
CSV, Parquet or Excel file laid out as a
:class:`~npskit._io.layout.CountsLayout` says, checks every count (a whole
number >= 0) and every sum of weights (finite, >= 0) and names the line (CSV),
the row (Parquet, from 1) or the Excel row of a bad one, then hands the
columns to :func:`npskit.from_counts_table`. The table is read whole, one
file at a time: it has one row per group, not per answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._core.errors import NpskitError
from npskit._core.grouped import GroupedTally
from npskit._core.scale import Scale
from npskit._core.tally import Tally
from npskit._counting.counts_table import from_counts_table
from npskit.typing import NanPolicy

from .csv_counts import weights_from_text
from .csv_file import csv_chunks, csv_lines
from .excel import xlsx_columns
from .layout import DEFAULT_CATEGORIES, CountsLayout
from .source import DataFile, DataFileError

__all__ = ["counts_table_counts"]

_SHOWN = 5
Where = Callable[[Sequence[int]], list[str]]
"""From record indices (0-based, among data rows) to ``"file, line 7"`` texts."""


def counts_table_counts(
    file: DataFile,
    keys: Sequence[str],
    *,
    nan_policy: NanPolicy,
    scale: Scale,
) -> GroupedTally:
    """The counts of a counts-table file, per combination of ``keys``.

    Raises
    ------
    DataFileError
        If a column is missing, a count is not a whole number >= 0, a sum of
        weights is negative or not finite (naming line or row and column),
        or the table is otherwise refused by :func:`npskit.from_counts_table`.
    """
    layout = file.counts if file.counts is not None else CountsLayout()
    counted = _count_columns(layout, scale)
    sums = [*layout.weight_sum, *layout.weight_sq_sum]
    answer = [] if layout.score is None else [layout.score]
    columns, where = _read(file, [*keys, *answer, *counted, *sums])
    table: dict[str, Any] = {}
    for name in counted:
        table[name] = _whole(name, columns[name], where)
    for name in sums:
        table[name] = _finite(name, columns[name], where)
    if layout.form == "long":
        table[str(layout.score)] = _answers(columns[str(layout.score)])
    for key in keys:
        table[key] = _keys(columns[key])
    options: dict[str, Any] = {}
    if layout.form == "points":
        table = _points_as_categories(table, scale, [*keys, *counted[scale.n_points :]])
        options["categories"] = DEFAULT_CATEGORIES
        options["n_missing"] = layout.n_missing
    elif layout.form == "long":
        options["score"] = layout.score
        options["count"] = layout.count
    else:
        options["categories"] = layout.categories
        options["n_missing"] = layout.n_missing
    if sums:
        single = layout.form == "long"
        options["weight_sum"] = layout.weight_sum[0] if single else layout.weight_sum
        options["weight_sq_sum"] = layout.weight_sq_sum[0] if single else layout.weight_sq_sum
    try:
        result = from_counts_table(table, by=list(keys), scale=scale, **options)
    except (NpskitError, ValueError, TypeError) as error:
        raise DataFileError(
            f"{file.label} (rows counted from 0 among its data rows): {error}"
        ) from None
    grouped = (
        GroupedTally.from_tallies([((), result)], names=()) if isinstance(result, Tally) else result
    )
    if nan_policy == "raise" and grouped.total.n_missing:
        raise DataFileError(
            f"{file.label}: the counts table holds {grouped.total.n_missing} missing answers, "
            "and --nan-policy is 'raise'; use --nan-policy omit to leave them out and count them"
        )
    return grouped


def _count_columns(layout: CountsLayout, scale: Scale) -> list[str]:
    if layout.form == "long":
        return [layout.count]
    if layout.form == "points":
        if layout.weight_sum:
            raise DataFileError(
                "a counts table with one column per answer point holds no sums of weights; "
                "for weighted counts use the category form (--weight-sum D,P,Q "
                "--weight-sq-sum D,P,Q) or the long form (--score, --count)"
            )
        missing = [] if layout.n_missing is None else [layout.n_missing]
        return [str(point) for point in scale.values()] + missing
    return list(layout.categories) + ([] if layout.n_missing is None else [layout.n_missing])


def _read(file: DataFile, names: Sequence[str]) -> tuple[dict[str, npt.NDArray[Any]], Where]:
    """The columns, whole, and how to name the place of a record."""
    unique = list(dict.fromkeys(names))
    if file.kind == "parquet":
        return _parquet(file, unique), lambda records: [
            f"{file.label}, row {r + 1}" for r in records
        ]
    if file.kind == "xlsx":
        columns, rows, sheet = xlsx_columns(file, unique)
        return columns, lambda records: [f"{sheet}, row {int(rows[r])}" for r in records]
    parts: dict[str, list[npt.NDArray[np.str_]]] = {name: [] for name in unique}
    for chunk in csv_chunks(file, unique):
        for name in unique:
            parts[name].append(chunk.columns[name])
    columns = {name: np.concatenate(arrays) for name, arrays in parts.items()}
    return columns, lambda records: [file.where(line) for line in csv_lines(file, records)]


def _parquet(file: DataFile, names: list[str]) -> dict[str, npt.NDArray[Any]]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise DataFileError(
            f'{file.label}: reading Parquet files needs pyarrow: pip install "npskit[parquet]"'
        ) from None
    try:
        schema = pq.read_schema(file.path)
    except OSError as error:
        raise DataFileError(f"cannot open {file.label!r}: {error}") from None
    except Exception as error:  # pyarrow.ArrowInvalid: not a Parquet file
        raise DataFileError(f"{file.label} is not a readable Parquet file: {error}") from None
    for name in names:
        if name not in schema.names:
            raise DataFileError(file.missing_column(list(schema.names), name))
    table = pq.read_table(file.path, columns=names)
    if table.num_rows == 0:
        raise DataFileError(f"{file.label} has no rows")
    return {name: np.asarray(table.column(name).to_numpy(zero_copy_only=False)) for name in names}


def _numbers(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Counts as numbers: text parsed (exact integers where the text is one), NaN for blanks."""
    if values.dtype.kind in "iuf":
        return values
    if values.dtype.kind == "U":
        stripped = np.char.strip(values)
        try:
            return stripped.astype(np.int64)
        except (ValueError, OverflowError):
            return weights_from_text(stripped)
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def _bad(name: str, raw: npt.NDArray[Any], bad: npt.NDArray[Any], where: Where, rule: str) -> None:
    if not len(bad):
        return
    places = where([int(i) for i in bad[:_SHOWN]])
    shown = repr(raw[bad[0]].item() if isinstance(raw[bad[0]], np.generic) else raw[bad[0]])
    also = f" (also at {', '.join(places[1:])}{', ...' if len(bad) > _SHOWN else ''})"
    raise DataFileError(
        f"{places[0]}: column {name!r} holds {shown}, {rule}; {len(bad)} bad value(s) in "
        f"this column{also if len(bad) > 1 else ''}"
    )


def _whole(name: str, raw: npt.NDArray[Any], where: Where) -> npt.NDArray[Any]:
    values = _numbers(raw)
    if values.dtype.kind == "f":
        with np.errstate(invalid="ignore"):
            good = np.isfinite(values) & (values >= 0) & (np.floor(values) == values)
    else:
        good = values >= 0
    rule = "but counts of answers must be whole numbers >= 0 (blank is not a count)"
    _bad(name, raw, np.flatnonzero(~good), where, rule)
    return values


def _finite(name: str, raw: npt.NDArray[Any], where: Where) -> npt.NDArray[Any]:
    values = np.asarray(_numbers(raw), dtype=np.float64)
    with np.errstate(invalid="ignore"):
        good = np.isfinite(values) & (values >= 0)
    rule = "but sums of weights and of squared weights must be finite numbers >= 0"
    _bad(name, raw, np.flatnonzero(~good), where, rule)
    return values


def _answers(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """The long form's answer column; blank text is a null answer (the missing answers)."""
    if values.dtype.kind != "U":
        return values
    stripped = np.char.strip(values)
    out = stripped.astype(object)
    out[stripped == ""] = None
    return out


def _keys(values: npt.NDArray[Any]) -> list[str | None]:
    """Key cells as stripped text; blank or null keys are missing (None)."""
    texts = ["" if v is None else str(v).strip() for v in values.tolist()]
    return [text if text else None for text in texts]


def _points_as_categories(
    table: dict[str, Any], scale: Scale, kept: Sequence[str]
) -> dict[str, Any]:
    """One column per answer point, added up into detractors, passives, promoters.

    The columns ``kept`` (keys, missing answers) are passed on as they are.
    """
    points = scale.values()
    codes = scale.categories()
    out: dict[str, Any] = {name: table[name] for name in kept}
    pairs = list(zip(points.tolist(), codes.tolist(), strict=True))
    for code, name in zip((-1, 0, 1), DEFAULT_CATEGORIES, strict=True):
        chosen = [np.asarray(table[str(p)]) for p, c in pairs if c == code]
        out[name] = np.sum(chosen, axis=0) if chosen else np.zeros(len(next(iter(table.values()))))
    return out
