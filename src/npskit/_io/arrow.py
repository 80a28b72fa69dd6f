"""Fast streaming of large CSV and Parquet files for the command line, via pyarrow.

The stdlib reader in :mod:`npskit._io.csv_file` is exact about every error but parses
about 0.6 million records a second. When pyarrow is installed, large CSV
files are read by ``pyarrow.csv.open_csv`` instead: blocks of about 1 MiB are
parsed in C++ (answers and weights straight to float64, key columns to text
that is dictionary-encoded per block), and each block is counted by the same
kernels as :func:`npskit.tally` / :func:`npskit.tally_by`, so memory stays
bounded whatever the file size. Whenever anything about the file or its
values is not right (a value that is not a number, a ragged record, invalid
UTF-8, an answer off the scale, ...), the fast path gives up and the stdlib
reader reads the file again, and it is that reader which stops at the
offending line and names it. Results do not depend on which path ran.

Parquet files (``*.parquet``) are read by row-group batches with
``pyarrow.parquet``; their errors name rows (counted from 1), since a Parquet
file has no lines.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from dataclasses import dataclass
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
from npskit._core.scale import STANDARD_SCALE, Scale
from npskit._core.tally import Tally
from npskit._counting.inputs import as_numeric
from npskit._counting.tally import tally
from npskit._counting.tally_by import _grouped, tally_by
from npskit.typing import NanPolicy

from .csv_file import CsvDataError, CsvFile

__all__ = ["StreamCounts", "is_parquet", "stream_counts"]

ARROW_MIN_BYTES = 1 << 23  # smaller CSV files: the stdlib reader (no pyarrow import cost)
_BLOCK_BYTES = 1 << 20
_PARQUET_BATCH = 1 << 16


@dataclass(frozen=True, slots=True)
class StreamCounts:
    """Counts per distinct key: a key is a tuple of stripped texts (``""`` is blank).

    ``counts[i]`` holds detractors, passives, promoters and missing answers of
    key ``i``. When weighted, ``weights[i]`` holds the three sums of weights and
    the three sums of squared weights, and of ``counts[i, :3]`` only the sum
    matters (the number of answers; a weighted tally keeps no unweighted count
    per category).
    """

    keys: list[tuple[str, ...]]
    counts: npt.NDArray[np.int64]
    weights: npt.NDArray[np.float64] | None

    def tallies(self) -> list[Tally]:
        """One tally per key, in the order of :attr:`keys`."""
        return [self._tally(row) for row in range(len(self.keys))]

    def total(self) -> Tally:
        """The tally of every answer."""
        counts = self.counts.sum(axis=0, keepdims=True)
        weights = None if self.weights is None else self.weights.sum(axis=0, keepdims=True)
        return StreamCounts([()], counts, weights)._tally(0)

    def _tally(self, row: int) -> Tally:
        counts = [int(v) for v in self.counts[row]]
        if self.weights is None:
            return Tally(
                detractors=counts[0], passives=counts[1], promoters=counts[2], n_missing=counts[3]
            )
        sums = [float(v) for v in self.weights[row]]
        return Tally(
            detractors=sums[0],
            passives=sums[1],
            promoters=sums[2],
            n_missing=counts[3],
            squared_weights=(sums[3], sums[4], sums[5]),
            responses=sum(counts[:3]),
        )

    def grouped(self, names: Sequence[str]) -> GroupedTally:
        """A GroupedTally with blank keys as missing (None), sorted, missing last."""
        found = [tuple(None if v == "" else v for v in key) for key in self.keys]
        order = sorted(range(len(found)), key=lambda i: [(v is None, v or "") for v in found[i]])
        weights = self.weights if self.weights is not None else np.zeros((len(found), 6))
        return _grouped(
            list(names),
            tuple(found[i] for i in order),
            self.counts[order],
            weights[order],
            weighted=self.weights is not None,
        )


def is_parquet(path: str | os.PathLike[str]) -> bool:
    """Whether the CLI reads ``path`` as Parquet (by its suffix)."""
    return os.fspath(path).lower().endswith((".parquet", ".parq"))


def stream_counts(
    file: CsvFile,
    score: str,
    keys: Sequence[str],
    *,
    weight: str | None = None,
    nan_policy: NanPolicy = "omit",
    scale: Scale = STANDARD_SCALE,
) -> StreamCounts | None:
    """Counts per key of a Parquet file, or of a large CSV file through pyarrow.

    Returns None when the stdlib CSV reader should do the work: pyarrow is
    missing, the file is small, or anything went wrong on the fast path (the
    stdlib reader then finds and names the problem).

    Raises
    ------
    CsvDataError
        For a Parquet file that cannot be read or holds invalid values.
    """
    if is_parquet(file.path):
        return _parquet_counts(file, score, keys, weight, nan_policy, scale)
    try:
        if os.path.getsize(file.path) < ARROW_MIN_BYTES:
            return None
        import pyarrow  # noqa: F401 - only to learn whether it is installed
    except (OSError, ImportError):
        return None
    try:
        return _arrow_csv_counts(file, score, keys, weight, nan_policy, scale)
    except (NpskitError, ValueError, TypeError, OSError, UnicodeDecodeError, csv.Error):
        return None
    except Exception as error:  # pyarrow.ArrowInvalid and friends
        if type(error).__module__.startswith("pyarrow"):
            return None
        raise


# -- counting blocks -------------------------------------------------------------


class _Counter:
    """Adds up the counts of blocks per distinct key."""

    def __init__(self, n_keys: int, weighted: bool) -> None:
        self.n_keys = n_keys
        self.weighted = weighted
        self.index: dict[tuple[str, ...], int] = {}
        self.counts = np.zeros((0, 4), dtype=np.int64)
        self.weights = np.zeros((0, 6))
        self.rows = 0

    def add(
        self,
        scores: npt.NDArray[Any],
        key_codes: list[npt.NDArray[np.intp]],
        key_texts: list[list[str]],
        weights: npt.NDArray[Any] | None,
        nan_policy: NanPolicy,
        scale: Scale,
    ) -> None:
        self.rows += len(scores)
        if not key_codes:
            part = tally(scores, weights=weights, scale=scale, nan_policy=nan_policy)
            self._accumulate([()], [part])
            return
        grouped = tally_by(scores, key_codes, weights=weights, scale=scale, nan_policy=nan_policy)
        keys = [
            tuple(texts[code] for texts, code in zip(key_texts, key, strict=True))
            for key in grouped.keys
        ]
        rows = self._rows(keys)
        counts = np.column_stack(
            [grouped.counts if not self.weighted else _responses(grouped), grouped.n_missing]
        ).astype(np.int64)
        np.add.at(self.counts, rows, counts)
        if self.weighted and grouped.squared_weights is not None:
            np.add.at(self.weights, rows, np.hstack([grouped.counts, grouped.squared_weights]))

    def _accumulate(self, keys: list[tuple[str, ...]], parts: list[Tally]) -> None:
        rows = self._rows(keys)
        for row, part in zip(rows.tolist(), parts, strict=True):
            if part.squared_weights is None:
                self.counts[row] += [part.detractors, part.passives, part.promoters, part.n_missing]
            else:
                self.counts[row, 3] += part.n_missing
                self.counts[row, 0] += part.n  # see StreamCounts
                self.weights[row] += [
                    part.detractors,
                    part.passives,
                    part.promoters,
                    *part.squared_weights,
                ]

    def _rows(self, keys: list[tuple[str, ...]]) -> npt.NDArray[np.intp]:
        rows = np.array([self.index.setdefault(k, len(self.index)) for k in keys], dtype=np.intp)
        grow = len(self.index) - len(self.counts)
        if grow > 0:
            self.counts = np.vstack([self.counts, np.zeros((grow, 4), dtype=np.int64)])
            self.weights = np.vstack([self.weights, np.zeros((grow, 6))])
        return rows

    def result(self) -> StreamCounts:
        return StreamCounts(list(self.index), self.counts, self.weights if self.weighted else None)


def _responses(grouped: GroupedTally) -> npt.NDArray[np.int64]:
    """The number of answers of each group of a weighted tally, in the first of
    three columns (see :class:`StreamCounts`: only their sum is read back)."""
    counts = np.zeros((len(grouped.keys), 3), dtype=np.int64)
    counts[:, 0] = grouped.responses
    return counts


# -- CSV through pyarrow ---------------------------------------------------------------


def _header(file: CsvFile) -> list[str] | None:
    with open(file.path, encoding="utf-8-sig", newline="") as stream:
        return next(csv.reader(stream, delimiter=file.delimiter, strict=True), None)


def _arrow_csv_counts(
    file: CsvFile,
    score: str,
    keys: Sequence[str],
    weight: str | None,
    nan_policy: NanPolicy,
    scale: Scale,
) -> StreamCounts | None:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    header = _header(file)
    if not header:
        return None
    names = [score, *keys] + ([] if weight is None else [weight])
    for name in names:
        file._column_index(header, name)  # the stdlib reader's own header checks
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
    counter = _Counter(len(keys), weight is not None)
    for batch in reader:
        scores = _floats(batch.column(score))
        weights = None if weight is None else _floats(batch.column(weight))
        codes, texts = [], []
        for key in keys:
            encoded = pc.dictionary_encode(batch.column(key))
            index = encoded.indices.to_numpy(zero_copy_only=False)
            values = [("" if v is None else v.strip()) for v in encoded.dictionary.to_pylist()]
            blank = len(values)
            values.append("")
            if index.dtype.kind == "f":  # null keys: NaN indices
                index = np.where(np.isnan(index), blank, index)
            codes.append(index.astype(np.intp))
            texts.append(values)
        counter.add(scores, codes, texts, weights, nan_policy, scale)
    if counter.rows == 0:
        return None
    return counter.result()


def _floats(column: Any) -> npt.NDArray[np.float64]:
    values = column.to_numpy(zero_copy_only=False)
    return np.asarray(values, dtype=np.float64)


# -- Parquet -------------------------------------------------------------------------


def _parquet_counts(
    file: CsvFile,
    score: str,
    keys: Sequence[str],
    weight: str | None,
    nan_policy: NanPolicy,
    scale: Scale,
) -> StreamCounts:
    try:
        import pyarrow.compute as pc
        import pyarrow.parquet as pq
    except ImportError:
        raise CsvDataError(
            f"{file.label}: reading Parquet files needs pyarrow: pip install "
            '"npskit[parquet]" (or pyarrow)'
        ) from None
    try:
        parquet = pq.ParquetFile(file.path)
    except OSError as error:
        raise CsvDataError(f"cannot open {file.label!r}: {error}") from None
    except Exception as error:  # pyarrow.ArrowInvalid: not a Parquet file
        raise CsvDataError(f"{file.label} is not a readable Parquet file: {error}") from None
    columns = list(parquet.schema_arrow.names)
    names = list(dict.fromkeys([score, *keys] + ([] if weight is None else [weight])))
    for name in names:
        if name not in columns:
            shown = ", ".join(repr(c) for c in columns[:30])
            raise CsvDataError(f"{file.label} has no column {name!r}; its columns are {shown}")
    counter = _Counter(len(keys), weight is not None)
    start = 0
    for batch in parquet.iter_batches(batch_size=_PARQUET_BATCH, columns=names):
        try:
            scores = as_numeric(batch.column(score), name=f"column {score!r}")
            weights = (
                None
                if weight is None
                else as_numeric(batch.column(weight), name=f"column {weight!r}")
            )
        except NpskitError as error:
            raise CsvDataError(f"{file.label}: {error}") from None
        codes, texts = [], []
        for key in keys:
            encoded = pc.dictionary_encode(batch.column(key))
            index = encoded.indices.to_numpy(zero_copy_only=False)
            values = ["" if v is None else str(v).strip() for v in encoded.dictionary.to_pylist()]
            blank = len(values)
            values.append("")
            if index.dtype.kind == "f":
                index = np.where(np.isnan(index), blank, index)
            codes.append(index.astype(np.intp))
            texts.append(values)
        try:
            counter.add(scores, codes, texts, weights, nan_policy, scale)
        except (InvalidScoresError, InvalidWeightsError) as error:
            raise CsvDataError(_parquet_problem(file, score, weight, start, error)) from None
        start += batch.num_rows
    if start == 0:
        raise CsvDataError(f"{file.label} has no rows")
    return counter.result()


def _parquet_problem(
    file: CsvFile, score: str, weight: str | None, start: int, error: NpskitError
) -> str:
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
