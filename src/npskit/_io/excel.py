"""Reading an Excel workbook (``.xlsx``) with openpyxl, chunk by chunk.

openpyxl is an optional dependency (``pip install "npskit[xlsx]"``), imported
only when a workbook is read; without it the message names the extra. The
workbook is opened in read-only mode and values only (a formula cell gives
the value Excel last computed and saved), so rows stream and memory does not
grow with the sheet.

Rules: one worksheet is read, the first unless ``sheet`` names another; its
first non-empty row names the columns; rows whose cells are all empty are
skipped (Excel keeps formatting on empty rows); an empty cell is a missing
value. Key cells become text as the CSV reader gives it: numbers without a
trailing ``.0``, dates as ISO 8601 (``2026-05-31``). Messages name the file,
the sheet and the row number Excel shows.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
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
from npskit._counting.inputs import as_numeric
from npskit.typing import NanPolicy

from .chunks import count_chunk
from .csv_counts import weights_from_text
from .source import DataFile, DataFileError

__all__ = [
    "XLSX_HINT",
    "cell_text",
    "xlsx_answers",
    "xlsx_chunks",
    "xlsx_columns",
    "xlsx_counts",
    "xlsx_header",
]

XLSX_HINT = 'pip install "npskit[xlsx]" (or openpyxl)'
_SHOWN = 5


@dataclass(frozen=True, slots=True)
class SheetChunk:
    """Consecutive non-empty rows of a sheet: their Excel row numbers and cells by column."""

    label: str
    rows: npt.NDArray[np.int64]
    columns: dict[str, npt.NDArray[np.object_]]


def cell_text(value: object) -> str:
    """A cell as the text a CSV export would hold (``""`` for an empty cell).

    Examples
    --------
    >>> cell_text(None), cell_text(" web "), cell_text(3.0), cell_text(2.5)
    ('', 'web', '3', '2.5')
    >>> cell_text(datetime.datetime(2026, 5, 31)), cell_text(True)
    ('2026-05-31', 'TRUE')
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime.datetime):
        midnight = value.time() == datetime.time() and value.tzinfo is None
        return value.date().isoformat() if midnight else value.isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def xlsx_header(file: DataFile) -> list[str]:
    """The column names of the sheet (its first non-empty row)."""
    with _Sheet(file) as sheet:
        return sheet.header


def xlsx_chunks(file: DataFile, names: Sequence[str]) -> Iterator[SheetChunk]:
    """The columns ``names`` of every non-empty data row, ``file.chunk_rows`` rows at a time.

    Raises
    ------
    DataFileError
        If openpyxl is missing, the file is not a workbook, the sheet or a
        column is missing, or the sheet has no data rows.
    """
    with _Sheet(file) as sheet:
        wanted = list(dict.fromkeys(names))
        try:
            indices = [file.column_index(sheet.header, name) for name in wanted]
        except DataFileError as error:
            raise DataFileError(f"{error}{sheet.other_sheets}") from None
        seen = 0
        while block := list(islice(sheet.data, file.chunk_rows)):
            rows = np.array([number for number, _ in block], dtype=np.int64)
            columns = {}
            for name, i in zip(wanted, indices, strict=True):
                cells = np.empty(len(block), dtype=object)
                cells[:] = [row[i] if i < len(row) else None for _, row in block]
                columns[name] = cells
            seen += len(block)
            yield SheetChunk(sheet.label, rows, columns)
        if seen == 0:
            raise DataFileError(
                f"{sheet.label} has a header but no data: expected one row per answer "
                "after the header row"
            )


def xlsx_counts(
    file: DataFile,
    score: str,
    keys: Sequence[str],
    *,
    weight: str | None,
    nan_policy: NanPolicy,
    scale: Scale,
) -> Iterator[GroupedTally]:
    """Counts of column ``score`` per key, one grouped tally per chunk of the sheet.

    Raises
    ------
    DataFileError
        For any problem with the workbook or its values, naming sheet and row.
    """
    names = [score, *keys] + ([] if weight is None else [weight])
    for chunk in xlsx_chunks(file, names):
        scores = chunk.columns[score]
        columns = [_texts(chunk.columns[key]) for key in keys]
        weights = None if weight is None else _weights(chunk.columns[weight])
        try:
            yield count_chunk(scores, columns, weights=weights, scale=scale, nan_policy=nan_policy)
        except InvalidWeightsError:
            if weight is None or weights is None:  # pragma: no cover - no weights, no error
                raise
            raise DataFileError(_weight_problem(file, chunk, score, weight, weights)) from None
        except (NpskitError, TypeError) as error:
            raise DataFileError(_score_problem(file, chunk, score, scale, error)) from None


def xlsx_answers(
    file: DataFile, score: str, weight: str | None
) -> Iterator[tuple[npt.NDArray[Any], npt.NDArray[np.float64] | None]]:
    """Answers (NaN where missing) and weights, for columns :func:`xlsx_counts` has checked."""
    names = [score] if weight is None else [score, weight]
    for chunk in xlsx_chunks(file, names):
        weights = None if weight is None else _weights(chunk.columns[weight])
        yield as_numeric(chunk.columns[score]), weights


def xlsx_columns(
    file: DataFile, names: Sequence[str]
) -> tuple[dict[str, npt.NDArray[np.str_]], npt.NDArray[np.int64], str]:
    """The columns ``names`` whole, as text (``""`` for empty cells), each row's number,
    and the sheet's name for messages (``"book.xlsx, sheet 'Data'"``)."""
    unique = list(dict.fromkeys(names))
    parts: dict[str, list[npt.NDArray[np.str_]]] = {name: [] for name in unique}
    rows: list[npt.NDArray[np.int64]] = []
    label = file.label
    for chunk in xlsx_chunks(file, unique):
        label = chunk.label
        rows.append(chunk.rows)
        for name in unique:
            parts[name].append(_texts(chunk.columns[name]))
    columns = {name: np.concatenate(arrays) for name, arrays in parts.items()}
    return columns, np.concatenate(rows), label


# -- the workbook ----------------------------------------------------------------------


class _Sheet:
    """The chosen worksheet, open: its header and an iterator of its non-empty data rows."""

    def __init__(self, file: DataFile) -> None:
        try:
            import openpyxl
        except ImportError:
            raise DataFileError(
                f"{file.label} is an Excel workbook; reading it needs openpyxl, which is not "
                f"installed: {XLSX_HINT}; or save the sheet as CSV (UTF-8)"
            ) from None
        try:
            self._stream = open(file.path, "rb")  # noqa: SIM115 - closed by __exit__
        except OSError as error:
            raise DataFileError(f"cannot open {file.label!r}: {error.strerror or error}") from None
        try:  # a stream, so that any name is read (standard input, export.dat)
            self._book = openpyxl.load_workbook(self._stream, read_only=True, data_only=True)
        except Exception as error:  # zipfile.BadZipFile, KeyError, InvalidFileException
            self._stream.close()
            raise DataFileError(f"{file.label} is not a readable Excel workbook: {error}") from None
        names = list(self._book.sheetnames)
        if file.sheet is None:
            worksheet = self._book.worksheets[0]
        elif file.sheet in names:
            worksheet = self._book[file.sheet]
        else:
            self.close()
            shown = ", ".join(repr(name) for name in names)
            raise DataFileError(f"{file.label} has no sheet {file.sheet!r}; its sheets are {shown}")
        self.label = f"{file.label}, sheet {worksheet.title!r}"
        others = [repr(name) for name in names if name != worksheet.title]
        self.other_sheets = (
            f". This is sheet {worksheet.title!r}; the workbook's other sheets are "
            f"{', '.join(others)}: pick one with --sheet NAME"
            if others
            else ""
        )
        rows = enumerate(worksheet.iter_rows(values_only=True), start=1)
        first = next(((n, row) for n, row in rows if any(map(_filled, row))), None)
        if first is None:
            self.close()
            raise DataFileError(
                f"{self.label} is empty: expected a header row naming the columns, "
                "then one row per answer"
            )
        self.header = [cell_text(cell) for cell in first[1]]
        while self.header and self.header[-1] == "":
            self.header.pop()
        self.data = _data_rows(rows, single=len(self.header) == 1)

    def __enter__(self) -> _Sheet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._book.close()
        self._stream.close()


def _number_or_text(cell: object) -> bool:
    return cell is None or (isinstance(cell, (int, float, str)) and not isinstance(cell, bool))


def _data_rows(
    rows: Iterator[tuple[int, tuple[Any, ...]]], *, single: bool
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """Non-empty rows; in a one-column sheet also the empty rows between them.

    An empty row in a one-column sheet is a blank answer (as a blank line is
    in a one-column CSV file), except after the last answer, where Excel keeps
    formatted empty rows.
    """
    pending: list[tuple[int, tuple[Any, ...]]] = []
    for number, row in rows:
        if any(map(_filled, row)):
            yield from pending
            pending.clear()
            yield number, row
        elif single:
            pending.append((number, row))


def _filled(cell: object) -> bool:
    return cell is not None and not (isinstance(cell, str) and cell.strip() == "")


def _texts(cells: npt.NDArray[np.object_]) -> npt.NDArray[np.str_]:
    return np.array([cell_text(cell) for cell in cells], dtype=np.str_).reshape(-1)


def _weights(cells: npt.NDArray[np.object_]) -> npt.NDArray[np.float64]:
    out = np.full(len(cells), math.nan)
    for i, cell in enumerate(cells):
        if isinstance(cell, (int, float)) and not isinstance(cell, bool):
            out[i] = float(cell)
        elif isinstance(cell, str):
            out[i] = weights_from_text(np.array([cell], dtype=np.str_))[0]
    return out


# -- messages --------------------------------------------------------------------------


def _where(chunk: SheetChunk, positions: Sequence[int]) -> tuple[str, str]:
    """``"book.xlsx, sheet 'S', row 7"`` and ``" (also on rows 9, 12)"``."""
    rows = [int(chunk.rows[p]) for p in positions]
    also = ""
    if len(rows) > 1:
        also = " (also on rows " + ", ".join(str(r) for r in rows[1:_SHOWN]) + ")"
    return f"{chunk.label}, row {rows[0]}", also


def _score_problem(
    file: DataFile, chunk: SheetChunk, score: str, scale: Scale, error: Exception
) -> str:
    positions = [p for p in getattr(error, "positions", ()) if 0 <= p < len(chunk.rows)]
    if not positions:  # a cell of the wrong type (a date, TRUE): find it
        cells = chunk.columns[score]
        positions = [i for i, cell in enumerate(cells) if not _number_or_text(cell)][:_SHOWN]
    if not positions:
        return f"{file.label}: column {score!r}: {error}"
    where, also = _where(chunk, positions)
    value = chunk.columns[score][positions[0]]
    if isinstance(error, MissingAnswersError):
        return (
            f"{where}: {score} is empty{also}, and --nan-policy is 'raise'; use --nan-policy "
            "omit to leave missing answers out and count them"
        )
    kind = "" if isinstance(error, InvalidScoresError) else f" ({type(value).__name__})"
    return (
        f"{where}: {score} {value!r}{kind} is not a valid answer{also}; answers must be "
        f"whole numbers {scale.low}..{scale.high}, and empty cells count as missing"
    )


def _weight_problem(
    file: DataFile,
    chunk: SheetChunk,
    score: str,
    weight: str,
    weights: npt.NDArray[np.float64],
) -> str:
    present = ~np.isnan(as_numeric(chunk.columns[score]))
    with np.errstate(invalid="ignore"):
        bad = np.flatnonzero(present & ~(np.isfinite(weights) & (weights >= 0)))
    if len(bad) == 0:  # pragma: no cover - tally raised for another reason
        return f"{file.label}: column {weight!r} holds invalid weights"
    where, also = _where(chunk, [int(i) for i in bad[:_SHOWN]])
    value = chunk.columns[weight][bad[0]]
    return (
        f"{where}: {weight} {value!r} is not a valid weight{also}; weights must be finite "
        "numbers >= 0 wherever the answer is present"
    )
