"""Reading large CSV files and Parquet files with pyarrow.

The stdlib reader (:mod:`npskit._io.csv_file`) is exact about every error but
parses about 0.6 million records a second. :func:`arrow_csv_counts` reads a
CSV file with ``pyarrow.csv.open_csv`` instead: blocks of about 1 MiB are
parsed in C++ (answers and weights straight to float64, key columns to text),
and each block is added to one :class:`npskit._io.key_counter.KeyCounter`
(keys dictionary-encoded, counted by integer code in numpy, no Python loop
over groups), so memory stays bounded whatever the file size. It raises as
soon as anything about the file or its values is not right; the dispatcher
(:mod:`npskit._io.files`) then has the stdlib reader read the file again,
and that reader stops at the offending line and names it.

:func:`parquet_counts` reads Parquet files in batches of 2**20 rows with
``pyarrow.parquet`` (only the needed columns, text keys as dictionaries, the
next batch read by a worker thread while one is counted); its errors name
rows (counted from 1), since a Parquet file has no lines. pyarrow is
imported only when a function here runs.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._core.errors import (
    InvalidScoresError,
    InvalidWeightsError,
    MissingAnswersError,
    NpskitError,
)
from npskit._core.grouped import GroupedTally
from npskit._core.scale import Scale
from npskit._counting.inputs import as_numeric, as_weights
from npskit.typing import NanPolicy

from .key_counter import KeyCounter
from .source import DataFile, DataFileError

__all__ = ["arrow_csv_counts", "parquet_answers", "parquet_counts"]

_BLOCK_BYTES = 1 << 20
_PARQUET_BATCH = 1 << 20
_TABLE_POINTS = 4096  # widest scale counted by table look-up (npskit._counting.grouping)
_INSTALL_HINT = 'pip install "npskit[parquet]" (or pyarrow)'


def arrow_csv_counts(
    file: DataFile,
    score: str,
    keys: Sequence[str],
    *,
    weight: str | None,
    nan_policy: NanPolicy,
    scale: Scale,
) -> Iterator[GroupedTally]:
    """Counts of column ``score`` per key of a CSV file (one grouped tally, all blocks added).

    Keys are text with surrounding spaces removed (a blank key is ``""``).

    Raises
    ------
    ImportError
        If pyarrow is not installed.
    Exception
        Anything else (a pyarrow error, an invalid value, a ragged record,
        invalid UTF-8): the caller reads the file again with the stdlib reader,
        which names the problem.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    header = _csv_header(file)
    names = [score, *keys] + ([] if weight is None else [weight])
    for name in names:
        file.column_index(header, name)  # the stdlib reader's own header checks
    types = {score: pa.float64(), **{key: pa.string() for key in keys}}
    if weight is not None:
        types[weight] = pa.float64()
    reader = pacsv.open_csv(
        file.path,
        read_options=pacsv.ReadOptions(block_size=_BLOCK_BYTES),
        parse_options=pacsv.ParseOptions(
            delimiter=file.delimiter, newlines_in_values=True, ignore_empty_lines=len(header) > 1
        ),
        convert_options=pacsv.ConvertOptions(
            include_columns=list(dict.fromkeys(names)),
            column_types=types,
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
    )
    counter = KeyCounter(keys, weighted=weight is not None, scale=scale, nan_policy=nan_policy)
    for batch in reader:
        scores = _floats(batch.column(score))
        weights = None if weight is None else as_weights(_floats(batch.column(weight)))
        counter.add(_columns(batch, keys), scores, weights)
    counts = counter.result()
    if counts is not None:
        yield counts


def parquet_counts(
    file: DataFile,
    score: str,
    keys: Sequence[str],
    *,
    weight: str | None,
    nan_policy: NanPolicy,
    scale: Scale,
) -> Iterator[GroupedTally]:
    """Counts of column ``score`` per key of a Parquet file (one grouped tally, all batches added).

    Raises
    ------
    DataFileError
        If pyarrow is missing, the file is not a readable Parquet file, lacks a
        column, has no rows, or holds invalid values (naming the row).
    """
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise DataFileError(
            f"{file.label}: reading Parquet files needs pyarrow: {_INSTALL_HINT}"
        ) from None
    try:
        parquet = pq.ParquetFile(file.path, read_dictionary=_text_columns(file.path, keys))
    except OSError as error:
        raise DataFileError(f"cannot open {file.label!r}: {error}") from None
    except Exception as error:  # pyarrow.ArrowInvalid: not a Parquet file
        raise DataFileError(f"{file.label} is not a readable Parquet file: {error}") from None
    columns = list(parquet.schema_arrow.names)
    names = list(dict.fromkeys([score, *keys] + ([] if weight is None else [weight])))
    for name in names:
        if name not in columns:
            raise DataFileError(file.missing_column(columns, name))
    counter = KeyCounter(keys, weighted=weight is not None, scale=scale, nan_policy=nan_policy)
    start = 0
    for batch in _read_ahead(parquet.iter_batches(batch_size=_PARQUET_BATCH, columns=names)):
        try:
            answers, counted = _answers(batch.column(score), scale, nan_policy, weight)
            scores = as_numeric(answers, name=f"column {score!r}")
            weights = (
                None
                if weight is None
                else as_weights(
                    as_numeric(_numbers(batch.column(weight)), name=f"column {weight!r}")
                )
            )
        except NpskitError as error:
            raise DataFileError(f"{file.label}: {error}") from None
        try:
            counter.add(_columns(batch, keys), scores, weights, counted=counted)
        except (InvalidScoresError, InvalidWeightsError) as error:
            raise DataFileError(_parquet_problem(file, score, start, error)) from None
        start += batch.num_rows
    counts = counter.result()
    if start == 0 or counts is None:
        raise DataFileError(f"{file.label} has no rows")
    yield counts


def parquet_answers(
    file: DataFile, score: str, weight: str | None
) -> Iterator[tuple[npt.NDArray[Any], npt.NDArray[Any] | None]]:
    """Answers (NaN where missing) and weights as numbers, batch by batch.

    For columns :func:`parquet_counts` has already read: the file is known to
    be readable and the values valid.
    """
    import pyarrow.parquet as pq

    names = [score] if weight is None else [score, weight]
    for batch in pq.ParquetFile(file.path).iter_batches(batch_size=_PARQUET_BATCH, columns=names):
        weights = None if weight is None else as_numeric(batch.column(weight))
        yield as_numeric(batch.column(score)), weights


def _csv_header(file: DataFile) -> list[str]:
    with open(file.path, encoding="utf-8-sig", newline="") as stream:
        header = next(csv.reader(stream, delimiter=file.delimiter, strict=True), None)
    if not header:
        raise ValueError("no header: left to the stdlib reader, which says so")
    return header


def _read_ahead(batches: Iterator[Any]) -> Iterator[Any]:
    """The batches, each next one read by a worker thread while this one is counted.

    pyarrow decodes without holding the GIL, so reading and counting overlap;
    at most two batches are in memory. An error of the reader comes out here.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        coming = pool.submit(next, batches, None)
        while (batch := coming.result()) is not None:
            coming = pool.submit(next, batches, None)
            yield batch


def _columns(batch: Any, keys: Sequence[str]) -> dict[str, Any]:
    return {key: batch.column(key) for key in keys}


def _text_columns(path: Any, keys: Sequence[str]) -> list[str]:
    """The key columns of a Parquet file that hold text: read as dictionaries."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pq.read_schema(path)
    names = set(schema.names)
    return [
        key
        for key in dict.fromkeys(keys)
        if key in names
        and (
            pa.types.is_string(schema.field(key).type)
            or pa.types.is_large_string(schema.field(key).type)
        )
    ]


def _answers(
    column: Any, scale: Scale, nan_policy: NanPolicy, weight: str | None
) -> tuple[Any, npt.NDArray[Any] | None]:
    """Answers to check, and (when it saves work) the same answers to count.

    Unweighted integer answers with nulls, missing answers left out: the
    answers are checked with nulls read as the scale's lowest point, and
    counted with nulls as the point after the highest, which the counting
    kernel's look-up table sends to the "missing" column. No float copy.
    """
    import pyarrow as pa

    if (
        weight is not None
        or nan_policy != "omit"
        or scale.n_points > _TABLE_POINTS
        or not pa.types.is_integer(column.type)
        or not column.null_count
    ):
        return _numbers(column), None
    try:
        checked = column.fill_null(scale.low).to_numpy()
        counted = column.fill_null(scale.low + scale.n_points).to_numpy()
    except (pa.ArrowInvalid, OverflowError):  # the filler does not fit the column's type
        return _numbers(column), None
    return checked, counted


def _numbers(column: Any) -> Any:
    """An integer column with nulls as float64 with NaN, by pyarrow's cast.

    pyarrow's own conversion of such a column to numpy is about seven times
    slower. Any other column, and integers that float64 cannot hold exactly
    (the cast refuses them), are left to :func:`npskit._counting.inputs.as_numeric`.
    """
    import pyarrow as pa

    if pa.types.is_integer(column.type) and column.null_count:
        try:
            return np.asarray(column.cast(pa.float64()).to_numpy(zero_copy_only=False))
        except pa.ArrowInvalid:
            return column
    return column


def _floats(column: Any) -> npt.NDArray[np.float64]:
    return np.asarray(column.to_numpy(zero_copy_only=False), dtype=np.float64)


def _parquet_problem(file: DataFile, score: str, start: int, error: NpskitError) -> str:
    if isinstance(error, MissingAnswersError) and error.positions:
        row = start + error.positions[0] + 1
        return (
            f"{file.label}, row {row}: {score} is missing, and --nan-policy is 'raise'; use "
            "--nan-policy omit to leave missing answers out and count them"
        )
    if isinstance(error, InvalidScoresError) and error.positions:
        rows = ", ".join(str(start + p + 1) for p in error.positions)
        return (
            f"{file.label}, row {start + error.positions[0] + 1}: {score} {error.values[0]!r} "
            f"is not a valid answer (rows counted from 1; invalid answers at rows {rows}"
            f"{', ...' if error.count > len(error.positions) else ''}); answers must be "
            "whole numbers on the scale, and null is a missing answer"
        )
    return f"{file.label}, rows {start + 1} and after: {error}"
