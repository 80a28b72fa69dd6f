"""Reading answers from CSV files chunk by chunk, for the command line.

The stdlib :mod:`csv` module reads a file ``chunk_rows`` records at a time, so a
file never has to fit in memory. Each chunk's columns become numpy string
arrays and are tallied with :func:`npskit.tally`; the tallies of the chunks add
up with ``+``. Every error names the file and the line a person would look at
in an editor, and shows the offending text as it is in the file.

Rules: the file is UTF-8 (a byte-order mark is allowed); the first line names
the columns; every record has as many fields as the header; blank lines are
skipped, except in a one-column file, where a blank line is a blank answer.
"""

from __future__ import annotations

import codecs
import csv
import math
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from operator import itemgetter
from typing import Any, TextIO

import numpy as np
import numpy.typing as npt

from npskit._core.errors import (
    InvalidScoresError,
    InvalidWeightsError,
    MissingAnswersError,
    NpskitError,
)
from npskit._core.scale import STANDARD_SCALE, Scale
from npskit._core.tally import Tally
from npskit._counting.inputs import as_numeric
from npskit._counting.tally import tally
from npskit.typing import NanPolicy

__all__ = ["Chunk", "CsvDataError", "CsvFile", "tally_csv", "tally_csv_by"]

CHUNK_ROWS = 65536
_DELIMITERS = (",", ";", "\t", "|")  # what a wrongly chosen delimiter usually is
_SHOWN = 5  # lines listed in one message
_COLUMNS_SHOWN = 30  # available columns listed when one is missing


class CsvDataError(NpskitError, ValueError):
    """A CSV file that cannot be read as survey answers; the message says where."""


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


class CsvFile:
    """A CSV file read by column name, a chunk of records at a time.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    delimiter : str, default ","
        The field separator, one character.
    label : str, optional
        How messages name the file; by default the path as given.
    chunk_rows : int, default 65536
        Records per chunk.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        delimiter: str = ",",
        label: str | None = None,
        chunk_rows: int = CHUNK_ROWS,
    ) -> None:
        self.path = path
        self.delimiter = delimiter
        self.label = os.fspath(path) if label is None else label
        self.chunk_rows = chunk_rows

    def where(self, line: int) -> str:
        """``"data.csv, line 17"``: the start of a message about one line."""
        return f"{self.label}, line {line}"

    def chunks(self, names: Sequence[str]) -> Iterator[Chunk]:
        """The columns ``names`` of every data record, chunk by chunk.

        Raises
        ------
        CsvDataError
            If the file cannot be opened or decoded, is empty, lacks a column,
            or has a record with the wrong number of fields.
        """
        with self._open() as stream:
            reader = csv.reader(stream, delimiter=self.delimiter, strict=True)
            try:
                yield from self._read(reader, names)
            except UnicodeDecodeError:
                raise CsvDataError(self._decoding_problem()) from None
            except csv.Error as error:
                raise CsvDataError(
                    f"{self.where(reader.line_num)}: malformed CSV: {error}"
                ) from None

    def lines(self, records: Sequence[int]) -> list[int]:
        """File line (1-based) on which each data record (0-based index) starts.

        Reads the file again up to the last record asked for; meant for error
        messages, so the reading itself stays free of per-record bookkeeping.
        """
        wanted = sorted(set(records))
        found: dict[int, int] = {}
        with self._open() as stream:
            reader = csv.reader(stream, delimiter=self.delimiter, strict=True)
            single = len(next(reader)) == 1
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

    # -- internals --------------------------------------------------------

    def _open(self) -> TextIO:
        try:
            return open(self.path, encoding="utf-8-sig", newline="")
        except OSError as error:
            reason = error.strerror or str(error)
            raise CsvDataError(f"cannot open {self.label!r}: {reason}") from None

    def _read(self, reader: Any, names: Sequence[str]) -> Iterator[Chunk]:
        header: list[str] | None = next(reader, None)
        if header is None:
            raise CsvDataError(
                f"{self.label} is empty: expected a header line naming the columns, "
                "then one line per answer"
            )
        if not header:
            raise CsvDataError(
                f"{self.where(1)} is blank: expected a header line naming the columns"
            )
        wanted = list(dict.fromkeys(names))
        indices = [self._column_index(header, name) for name in wanted]
        width = len(header)
        start = 0
        while True:
            rows: list[list[str]] = list(islice(reader, self.chunk_rows))
            if not rows:
                break
            if not all(rows):
                rows = [row or [""] for row in rows] if width == 1 else [r for r in rows if r]
                if not rows:
                    continue
            if set(map(len, rows)) != {width}:
                self._raise_ragged(rows, start, width)
            columns = {
                name: np.array(list(map(itemgetter(i), rows)), dtype=np.str_)
                for name, i in zip(wanted, indices, strict=True)
            }
            yield Chunk(start, columns)
            start += len(rows)
        if start == 0:
            raise CsvDataError(
                f"{self.label} has a header but no data: expected one line per answer "
                "after the header"
            )

    def _column_index(self, header: list[str], name: str) -> int:
        places = [i for i, column in enumerate(header) if column == name]
        if len(places) == 1:
            return places[0]
        if places:
            numbers = ", ".join(str(i + 1) for i in places)
            raise CsvDataError(
                f"{self.label}: the header names column {name!r} more than once "
                f"(columns {numbers}); rename the copies so that the column is unambiguous"
            )
        shown = ", ".join(repr(column) for column in header[:_COLUMNS_SHOWN])
        if len(header) > _COLUMNS_SHOWN:
            shown += f" and {len(header) - _COLUMNS_SHOWN} more"
        message = f"{self.label} has no column {name!r}; its columns are {shown}"
        spaced = [column for column in header if column.strip() == name]
        if spaced:
            message += (
                f". Column {spaced[0]!r} differs only by spaces: remove them from the "
                "header, or name the column with its spaces"
            )
        if len(header) == 1:
            others = [d for d in _DELIMITERS if d != self.delimiter and d in header[0]]
            if others:
                likely = max(others, key=header[0].count)
                message += (
                    f". The header is a single column containing {likely!r}, so the file "
                    f"seems to use {likely!r} as delimiter, not {self.delimiter!r}: pass "
                    f"--delimiter {_shell_word(likely)}"
                )
        raise CsvDataError(message)

    def _raise_ragged(self, rows: list[list[str]], start: int, width: int) -> None:
        bad = next(i for i, row in enumerate(rows) if len(row) != width)
        (line,) = self.lines([start + bad])
        raise CsvDataError(
            f"{self.where(line)}: {len(rows[bad])} fields where the header has {width}; "
            "check the delimiter and the quoting of fields that contain it"
        )

    def _decoding_problem(self) -> str:
        line, offset, byte = _first_invalid_utf8(self.path)
        return (
            f"{self.where(line)}: byte {offset} (0x{byte:02x}) is not valid UTF-8; the file "
            "must be UTF-8: re-save or convert it (e.g. iconv -f cp1252 -t utf-8)"
        )


def _shell_word(delimiter: str) -> str:
    return "tab" if delimiter == "\t" else f"'{delimiter}'"


def _first_invalid_utf8(path: str | os.PathLike[str]) -> tuple[int, int, int]:
    """Line (1-based), byte offset (0-based) and value of the first invalid byte."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0  # bytes of the file before ``block``
    newlines = 0  # line breaks before ``block``
    with open(path, "rb") as stream:
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


# -- tallying ------------------------------------------------------------------


def tally_csv(
    file: CsvFile,
    score: str,
    *,
    weight: str | None = None,
    nan_policy: NanPolicy = "omit",
    scale: Scale = STANDARD_SCALE,
) -> Tally:
    """Tally the answers in column ``score`` of a CSV file, chunk by chunk.

    Blank cells are missing answers. With ``weight``, that column holds one
    survey weight per answer (ignored, and may be blank, where the answer is
    missing).

    Raises
    ------
    CsvDataError
        For any problem with the file or its values, naming file and line.
    """
    from .arrow import stream_counts

    fast = stream_counts(file, score, (), weight=weight, nan_policy=nan_policy, scale=scale)
    if fast is not None:  # a Parquet file, or a large CSV file read by pyarrow
        return fast.total()
    names = [score] if weight is None else [score, weight]
    total: Tally | None = None
    for chunk in file.chunks(names):
        scores = chunk.columns[score]
        weights = None if weight is None else _weights(chunk.columns[weight])
        try:
            part = tally(scores, weights=weights, scale=scale, nan_policy=nan_policy)
        except InvalidScoresError as error:
            raise CsvDataError(_score_problem(file, chunk, score, scale, error)) from None
        except InvalidWeightsError as error:
            if weight is None or weights is None:  # pragma: no cover - no weights, no error
                raise
            message = _weight_problem(file, chunk, score, weight, weights) or str(error)
            raise CsvDataError(message) from None
        total = part if total is None else total + part
    if total is None:  # pragma: no cover - chunks() raises for a file without data
        raise CsvDataError(f"{file.label} has no data")
    return total


def _score_problem(
    file: CsvFile, chunk: Chunk, score: str, scale: Scale, error: InvalidScoresError
) -> str:
    positions = [p for p in error.positions if 0 <= p < len(chunk)]
    if not positions:  # pragma: no cover - tally always reports positions
        return f"{file.label}: column {score!r}: {error}"
    lines = file.lines([chunk.start + p for p in positions])
    texts = chunk.columns[score]
    first = str(texts[positions[0]])
    also = _also(lines[1:], error.count - 1)
    if isinstance(error, MissingAnswersError):
        return (
            f"{file.where(lines[0])}: {score} {first!r} is a missing answer{also}, and "
            "--nan-policy is 'raise'; use --nan-policy omit to leave missing answers out "
            "and count them"
        )
    return (
        f"{file.where(lines[0])}: {score} {first!r} {_why_invalid(first, scale)}{also}; "
        f"answers must be whole numbers {scale.low}..{scale.high}, and blank cells "
        "count as missing"
    )


def _why_invalid(text: str, scale: Scale) -> str:
    try:
        value = float(text)
    except ValueError:
        return "is not a number"
    if math.isinf(value):
        return "is infinite"
    if not value.is_integer():
        return "is not a whole number"
    return f"is outside {scale.low}..{scale.high}"


def _also(lines: Sequence[int], more: int) -> str:
    if more <= 0:
        return ""
    shown = ", ".join(str(line) for line in lines[:_SHOWN])
    etc = ", ..." if more > len(lines) else ""
    label = "line" if more == 1 else "lines"
    return f" (also on {label} {shown}{etc})"


def _weights(texts: npt.NDArray[np.str_]) -> npt.NDArray[np.float64]:
    """Weights as floats; blank or non-number text becomes NaN.

    ``tally`` then rejects NaN weights where the answer is present and drops
    them where it is missing, so text weights follow the library's rules;
    :func:`_weight_problem` words the message from the original text.
    """
    stripped = np.char.strip(texts)
    filled = np.where(stripped == "", "nan", stripped)
    try:
        return filled.astype(np.float64)
    except ValueError:
        return np.array([_as_float(str(text)) for text in filled], dtype=np.float64)


def _as_float(text: str) -> float:
    try:
        return float(np.array(text).astype(np.float64))
    except ValueError:
        return math.nan


def _weight_problem(
    file: CsvFile, chunk: Chunk, score: str, weight: str, weights: npt.NDArray[np.float64]
) -> str | None:
    present = ~np.isnan(as_numeric(chunk.columns[score]))
    with np.errstate(invalid="ignore"):
        bad = np.flatnonzero(present & ~(np.isfinite(weights) & (weights >= 0)))
    if len(bad) == 0:  # pragma: no cover - tally raised for another reason
        return None
    lines = file.lines([chunk.start + int(i) for i in bad[:_SHOWN]])
    first = str(chunk.columns[weight][bad[0]])
    why = _why_bad_weight(first, float(weights[bad[0]]))
    return (
        f"{file.where(lines[0])}: {weight} {first!r} {why}{_also(lines[1:], len(bad) - 1)}; "
        "weights must be finite numbers >= 0 wherever the answer is present"
    )


def _why_bad_weight(text: str, value: float) -> str:
    if text.strip() == "":
        return "is blank"
    if math.isnan(value):
        return "is not a number"
    if math.isinf(value):
        return "is infinite"
    return "is negative"


def tally_csv_by(
    file: CsvFile,
    score: str,
    key: str,
    *,
    weight: str | None = None,
    nan_policy: NanPolicy = "omit",
    scale: Scale = STANDARD_SCALE,
) -> dict[str, Tally]:
    """Tally column ``score`` per distinct text of column ``key``, chunk by chunk.

    Keys are the cells' text with surrounding spaces removed; a blank key is
    ``""``. Each chunk is counted in one pass by :func:`npskit.tally_by`, and
    the tallies of equal keys add up across chunks. Errors are worded as in
    :func:`tally_csv`.

    Raises
    ------
    CsvDataError
        For any problem with the file or its values, naming file and line.
    """
    from npskit._counting.tally_by import tally_by

    from .arrow import stream_counts

    fast = stream_counts(file, score, [key], weight=weight, nan_policy=nan_policy, scale=scale)
    if fast is not None:  # a Parquet file, or a large CSV file read by pyarrow
        return {text: part for (text,), part in zip(fast.keys, fast.tallies(), strict=True)}
    names = [score, key] if weight is None else [score, key, weight]
    totals: dict[str, Tally] = {}
    for chunk in file.chunks(names):
        scores = chunk.columns[score]
        keys = np.char.strip(chunk.columns[key])
        weights = None if weight is None else _weights(chunk.columns[weight])
        try:
            grouped = tally_by(scores, keys, weights=weights, scale=scale, nan_policy=nan_policy)
        except InvalidScoresError as error:
            raise CsvDataError(_score_problem(file, chunk, score, scale, error)) from None
        except InvalidWeightsError as error:
            if weight is None or weights is None:  # pragma: no cover - no weights, no error
                raise
            message = _weight_problem(file, chunk, score, weight, weights) or str(error)
            raise CsvDataError(message) from None
        for (value,), part in grouped:
            text = str(value)
            totals[text] = part if text not in totals else totals[text] + part
    return totals
