"""A data file the command line reads: where it is, how to name it, its columns.

:class:`DataFile` is what both readers (the stdlib CSV reader in
:mod:`npskit._io.csv_file` and the pyarrow reader in :mod:`npskit._io.arrow`)
and the dispatcher (:mod:`npskit._io.files`) are given; it knows nothing of
how the file is parsed. :class:`DataFileError` is the one error of the file
readers: its message names the file and the line (or row) to look at.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import lzma
import os
from collections.abc import Sequence
from typing import IO, Any

from npskit._core.errors import NpskitError

__all__ = [
    "CHUNK_ROWS",
    "DataFile",
    "DataFileError",
    "compression",
    "is_parquet",
    "open_binary",
]

CHUNK_ROWS = 65536
_DELIMITERS = (",", ";", "\t", "|")  # what a wrongly chosen delimiter usually is
_COLUMNS_SHOWN = 30  # available columns listed when one is missing
_PARQUET_SUFFIXES = (".parquet", ".parq")


class DataFileError(NpskitError, ValueError):
    """A data file that cannot be read as survey answers; the message says where."""


# Compressions Python reads, by their magic bytes (the file's suffix may lie).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bz2"),
    (b"\xfd7zXZ\x00", "xz"),
)
_UNREADABLE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"PK\x03\x04", "zip"),
)


def compression(path: str | os.PathLike[str]) -> str | None:
    """``"gzip"``, ``"bz2"`` or ``"xz"`` for a file compressed so, else None (read by magic bytes).

    Raises
    ------
    DataFileError
        For a zstd or zip file, which Python's standard library does not read.
    """
    try:
        with open(path, "rb") as stream:
            head = stream.read(8)
    except OSError:
        return None  # opening it again will say why
    for magic, name in _UNREADABLE_MAGIC:
        if head.startswith(magic):
            raise DataFileError(
                f"{os.fspath(path)} is {name}-compressed, which npskit does not read; "
                "decompress it first (gzip, bz2 and xz files are read as they are)"
            )
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    return None


def open_binary(path: str | os.PathLike[str]) -> IO[bytes]:
    """``path`` opened for reading bytes, decompressed when it is gzip, bz2 or xz."""
    kind = compression(path)
    opener: Any = {"gzip": gzip.open, "bz2": bz2.open, "xz": lzma.open}.get(kind or "", open)
    stream: IO[bytes] = opener(path, "rb")
    return stream


def is_parquet(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is read as Parquet (by its suffix, ``.parquet`` or ``.parq``).

    Examples
    --------
    >>> is_parquet("survey.PARQUET"), is_parquet("survey.csv")
    (True, False)
    """
    return os.fspath(path).lower().endswith(_PARQUET_SUFFIXES)


class DataFile:
    """A CSV or Parquet file of survey answers, read by column name.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    delimiter : str, default ","
        The field separator of a CSV file, one character.
    label : str, optional
        How messages name the file; by default the path as given.
    chunk_rows : int, default 65536
        Records per chunk of the stdlib CSV reader.
    encoding : str, default "utf-8"
        Text encoding of a CSV file, any name Python's :mod:`codecs` knows
        (``"cp1252"`` for Excel's "CSV" on Western-European Windows). A UTF-8
        byte-order mark is skipped.
    header_rows : int, default 1
        Lines before the data. The first names the columns; the others are
        skipped (3 for a Qualtrics export: ids, question texts, ImportIds;
        2 for a SurveyMonkey export: questions, answer options).
    decimal : {".", ","}, default "."
        Decimal mark of the weights (``","`` for ``1,25``).
    missing_values : sequence of str, default ()
        Cell texts that mean a missing value (``"NA"``, ``"-99"``), besides a
        blank cell; compared after surrounding spaces are removed.

    Examples
    --------
    >>> file = DataFile("survey.csv", label="the survey")
    >>> file.where(17), file.is_parquet
    ('the survey, line 17', False)
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        delimiter: str = ",",
        label: str | None = None,
        chunk_rows: int = CHUNK_ROWS,
        encoding: str = "utf-8",
        header_rows: int = 1,
        decimal: str = ".",
        missing_values: Sequence[str] = (),
    ) -> None:
        self.path = path
        self.delimiter = delimiter
        self.label = os.fspath(path) if label is None else label
        self.chunk_rows = chunk_rows
        self.encoding = _encoding(encoding)
        self.header_rows = _header_rows(header_rows)
        if decimal not in (".", ","):
            raise ValueError(f"decimal must be '.' or ',', got {decimal!r}")
        self.decimal = decimal
        markers = missing_values
        if isinstance(markers, str) or not all(isinstance(m, str) for m in markers):
            raise TypeError(
                "missing_values must be a sequence of strings such as ('NA', '-99'), "
                f"got {markers!r}"
            )
        self.missing_values = tuple(dict.fromkeys(m.strip() for m in markers))

    @property
    def plain(self) -> bool:
        """Whether every reading option has its default (pyarrow may then read the file)."""
        return (
            self.encoding == "utf-8"
            and self.header_rows == 1
            and self.decimal == "."
            and not self.missing_values
        )

    @property
    def compression(self) -> str | None:
        """``"gzip"``, ``"bz2"``, ``"xz"`` or None (see :func:`compression`)."""
        return None if self.is_parquet else compression(self.path)

    @property
    def is_parquet(self) -> bool:
        """Whether the file is read as Parquet (see :func:`is_parquet`)."""
        return is_parquet(self.path)

    def where(self, line: int) -> str:
        """``"data.csv, line 17"``: the start of a message about one line."""
        return f"{self.label}, line {line}"

    def column_index(self, header: Sequence[str], name: str) -> int:
        """Position of column ``name`` in ``header``.

        Raises
        ------
        DataFileError
            If the column is missing (listing the columns, and hinting at stray
            spaces or a wrong delimiter) or named more than once.
        """
        places = [i for i, column in enumerate(header) if column == name]
        if len(places) == 1:
            return places[0]
        if places:
            numbers = ", ".join(str(i + 1) for i in places)
            raise DataFileError(
                f"{self.label}: the header names column {name!r} more than once "
                f"(columns {numbers}); rename the copies so that the column is unambiguous"
            )
        raise DataFileError(self.missing_column(header, name))

    def missing_column(self, header: Sequence[str], name: str) -> str:
        """The message for a column ``name`` that ``header`` lacks."""
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
        return message


def _encoding(name: object) -> str:
    if not isinstance(name, str):
        raise TypeError(f"encoding must be a string such as 'cp1252', got {name!r}")
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        raise ValueError(
            f"encoding {name!r} is not an encoding Python knows; common ones are "
            "'utf-8', 'cp1252' (Excel on Western-European Windows), 'latin-1', 'utf-16'"
        ) from None
    return "utf-8" if canonical in ("utf-8", "utf-8-sig") else canonical


def _header_rows(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"header_rows must be an integer, got {value!r}")
    if value < 1:
        raise ValueError(
            f"header_rows must be at least 1 (the line naming the columns), got {value!r}"
        )
    return value


def _shell_word(delimiter: str) -> str:
    return "tab" if delimiter == "\t" else f"'{delimiter}'"
