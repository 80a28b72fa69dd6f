"""Reading a CSV file with the stdlib :mod:`csv` module, chunk by chunk.

:func:`csv_chunks` reads ``chunk_rows`` records at a time, so a file never has
to fit in memory; each chunk holds the requested columns as numpy string
arrays. Every error names the file and the line a person would look at in an
editor, and shows the offending text as it is in the file (:func:`csv_lines`
finds the line of a record).

Rules: the file is UTF-8 (a byte-order mark is allowed) unless the
:class:`DataFile` names another encoding; the first line names the columns,
and ``header_rows - 1`` more header lines (question texts in survey-tool
exports) are skipped; every record has as many fields as the header; blank
lines are skipped, except in a one-column file, where a blank line is a blank
answer. Cells equal to one of the file's ``missing_values`` markers become blank.
"""

from __future__ import annotations

import codecs
import csv
import io
import lzma
import os
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from operator import itemgetter
from typing import Any, TextIO

import numpy as np
import numpy.typing as npt

from .source import DataFile, DataFileError, open_binary

__all__ = ["Chunk", "csv_chunks", "csv_header", "csv_lines", "csv_records"]


@dataclass(frozen=True, slots=True)
class Chunk:
    """Some consecutive records of a CSV file, by column.

    ``start`` is the index (0-based, among data records) of the first record;
    ``columns`` maps each requested column name to its cells as text.
    """

    start: int
    columns: dict[str, npt.NDArray[np.str_]]

    def __len__(self) -> int:
        return len(next(iter(self.columns.values())))


def csv_chunks(file: DataFile, names: Sequence[str]) -> Iterator[Chunk]:
    """The columns ``names`` of every data record of ``file``, chunk by chunk.

    Raises
    ------
    DataFileError
        If the file cannot be opened or decoded, is empty, lacks a column,
        or has a record with the wrong number of fields.
    """
    with _open(file) as stream:
        reader = csv.reader(stream, delimiter=file.delimiter, strict=True)
        try:
            yield from _read(file, reader, names)
        except UnicodeDecodeError:
            raise DataFileError(_decoding_problem(file)) from None
        except csv.Error as error:
            raise DataFileError(f"{file.where(reader.line_num)}: malformed CSV: {error}") from None
        except DataFileError:
            raise
        except (OSError, EOFError, ValueError, lzma.LZMAError, zlib.error) as error:
            kind = file.compression
            if kind is None:
                raise
            raise DataFileError(
                f"{file.label} is {kind}-compressed but cannot be decompressed: {error}; "
                "check that the file is complete"
            ) from None


def csv_header(file: DataFile) -> list[str] | None:
    """The header line of ``file`` as column names (None for an empty file)."""
    with _open(file) as stream:
        return next(csv.reader(stream, delimiter=file.delimiter, strict=True), None)


def csv_records(file: DataFile, count: int) -> list[list[str]]:
    """The first ``count`` records of ``file``, header lines included (for messages)."""
    with _open(file) as stream:
        return list(islice(csv.reader(stream, delimiter=file.delimiter, strict=True), count))


def csv_lines(file: DataFile, records: Sequence[int]) -> list[int]:
    """File line (1-based) on which each data record (0-based index) starts.

    Reads the file again up to the last record asked for; meant for error
    messages, so the reading itself stays free of per-record bookkeeping.
    """
    wanted = sorted(set(records))
    found: dict[int, int] = {}
    with _open(file) as stream:
        reader = csv.reader(stream, delimiter=file.delimiter, strict=True)
        single = len(next(reader)) == 1
        for _ in range(file.header_rows - 1):
            next(reader)
        index = 0
        for record in wanted:
            while True:
                before = reader.line_num
                row = next(reader)
                if not row and not single:
                    continue
                index += 1
                if index - 1 == record:
                    found[record] = before + 1
                    break
    return [found[record] for record in records]


# The csv module refuses fields over 131,072 characters by default; a valid
# file may hold a long free-text comment, so the limit is raised (to the
# largest value every platform accepts) whenever npskit reads a file.
_FIELD_LIMIT = (1 << 31) - 1


def _open(file: DataFile) -> TextIO:
    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(_FIELD_LIMIT)
    encoding = "utf-8-sig" if file.encoding == "utf-8" else file.encoding
    try:
        if file.compression is not None:
            return io.TextIOWrapper(open_binary(file.path), encoding=encoding, newline="")
        return open(file.path, encoding=encoding, newline="")
    except OSError as error:
        reason = error.strerror or str(error)
        raise DataFileError(f"cannot open {file.label!r}: {reason}") from None


def _read(file: DataFile, reader: Any, names: Sequence[str]) -> Iterator[Chunk]:
    header: list[str] | None = next(reader, None)
    if header is None:
        raise DataFileError(
            f"{file.label} is empty: expected a header line naming the columns, "
            "then one line per answer"
        )
    if not header:
        raise DataFileError(f"{file.where(1)} is blank: expected a header line naming the columns")
    wanted = list(dict.fromkeys(names))
    indices = [file.column_index(header, name) for name in wanted]
    width = len(header)
    _skip_header_rows(file, reader)
    start = 0
    while True:
        rows: list[list[str]] = list(islice(reader, file.chunk_rows))
        if not rows:
            break
        if not all(rows):
            rows = [row or [""] for row in rows] if width == 1 else [r for r in rows if r]
            if not rows:
                continue
        if set(map(len, rows)) != {width}:
            _raise_ragged(file, rows, start, width)
        columns = {
            name: _blank_missing(np.array(list(map(itemgetter(i), rows)), dtype=np.str_), file)
            for name, i in zip(wanted, indices, strict=True)
        }
        yield Chunk(start, columns)
        start += len(rows)
    if start == 0:
        raise DataFileError(
            f"{file.label} has a header but no data: expected one line per answer after the header"
        )


def _skip_header_rows(file: DataFile, reader: Any) -> None:
    """Skip the header lines after the first (question texts, import ids)."""
    for number in range(2, file.header_rows + 1):
        if next(reader, None) is None:
            raise DataFileError(
                f"{file.label} ends before its {file.header_rows} header lines "
                f"(header_rows={file.header_rows}): expected line {number} to be a header line"
            )


def _blank_missing(cells: npt.NDArray[np.str_], file: DataFile) -> npt.NDArray[np.str_]:
    """``cells`` with the file's missing markers (after stripping spaces) made blank."""
    if not file.missing_values:
        return cells
    marked = np.isin(np.char.strip(cells), file.missing_values)
    return np.where(marked, "", cells) if marked.any() else cells


def _raise_ragged(file: DataFile, rows: list[list[str]], start: int, width: int) -> None:
    bad = next(i for i, row in enumerate(rows) if len(row) != width)
    (line,) = csv_lines(file, [start + bad])
    raise DataFileError(
        f"{file.where(line)}: {len(rows[bad])} fields where the header has {width}; "
        "check the delimiter and the quoting of fields that contain it"
    )


def _decoding_problem(file: DataFile) -> str:
    if file.encoding != "utf-8":
        return (
            f"{file.label} cannot be decoded as {file.encoding} (encoding={file.encoding!r}, "
            "--encoding): name the encoding the file was saved in"
        )
    line, offset, byte = _first_invalid_utf8(file.path)
    return (
        f"{file.where(line)}: byte {offset} (0x{byte:02x}) is not valid UTF-8; name the "
        "file's encoding with --encoding (encoding= in Python), e.g. --encoding cp1252 for "
        "an Excel export from Windows, or convert it (iconv -f cp1252 -t utf-8)"
    )


def _first_invalid_utf8(path: str | os.PathLike[str]) -> tuple[int, int, int]:
    """Line (1-based), byte offset (0-based) and value of the first invalid byte."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0  # bytes of the file before ``block``
    newlines = 0  # line breaks before ``block``
    with open_binary(path) as stream:
        while block := stream.read(1 << 16):
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(block)
            except UnicodeDecodeError as error:
                at = offset - pending + error.start  # pending bytes never hold a newline
                inside = max(at - offset, 0)
                line = 1 + newlines + block.count(b"\n", 0, inside)
                value = error.object[error.start]
                return line, at, int(value)
            newlines += block.count(b"\n")
            offset += len(block)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as error:  # a truncated sequence at the very end
            at = offset - len(error.object) + error.start
            return 1 + newlines, at, int(error.object[error.start])
    return 1 + newlines, offset, 0  # pragma: no cover - the file changed meanwhile
