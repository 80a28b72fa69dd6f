"""A data file the command line reads: where it is, how to name it, its columns.

:class:`DataFile` is what the readers (the stdlib CSV reader in
:mod:`npskit._io.csv_file`, the pyarrow reader in :mod:`npskit._io.arrow`, the
Excel reader in :mod:`npskit._io.excel`) and the dispatcher
(:mod:`npskit._io.files`) are given; it knows nothing of how the file is
parsed. Its :attr:`~DataFile.kind` (CSV, Parquet or Excel) comes from the
suffix, and from the first bytes when the suffix does not say (standard
input, ``survey.txt``): a file's suffix may lie. :class:`DataFileError` is the
one error of the file readers: its message names the file and the line (or
row) to look at.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import lzma
import os
import zipfile
from collections.abc import Sequence
from typing import IO, Any, Literal

from npskit._core.errors import NpskitError

from .layout import DEFAULT_CATEGORIES, CountsLayout

__all__ = [
    "CHUNK_ROWS",
    "DataFile",
    "DataFileError",
    "FileKind",
    "compression",
    "file_kind",
    "is_parquet",
    "open_binary",
]

FileKind = Literal["csv", "parquet", "xlsx"]

CHUNK_ROWS = 65536
_DELIMITERS = (",", ";", "\t", "|")  # what a wrongly chosen delimiter usually is
_COLUMNS_SHOWN = 30  # available columns listed when one is missing
_PARQUET_SUFFIXES = (".parquet", ".parq")
_XLSX_SUFFIXES = (".xlsx", ".xlsm")
_ZSTD_HINT = 'pip install "npskit[parquet]" (pyarrow decompresses zstd)'


class DataFileError(NpskitError, ValueError):
    """A data file that cannot be read as survey answers; the message says where."""


# Compressions Python reads, by their magic bytes (the file's suffix may lie).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bz2"),
    (b"\xfd7zXZ\x00", "xz"),
)
# Compressions recognised only to say that they are not read.
_UNREADABLE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x04\x22\x4d\x18", "lz4"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"Rar!\x1a\x07", "rar"),
    (b"\x1f\x9d", "Unix compress (.Z)"),
)
_UNREADABLE_SUFFIXES = (".lz4", ".br", ".7z", ".rar", ".z", ".snappy", ".lzo", ".sz")
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and other Office 97 files)


_KNOWN_MAGIC = (*(magic for magic, _ in _MAGIC), _ZSTD_MAGIC)


def _head(path: str | os.PathLike[str]) -> bytes:
    try:
        with open(path, "rb") as stream:
            return stream.read(8)
    except OSError:
        return b""  # opening it again will say why


def compression(path: str | os.PathLike[str]) -> str | None:
    """``"gzip"``, ``"bz2"``, ``"xz"`` or ``"zstd"`` for a file compressed so, else None.

    Read from the first bytes, not the suffix. gzip, bz2 and xz are read by
    Python's standard library, zstd by pyarrow when it is installed.

    Raises
    ------
    DataFileError
        For a zip archive that is not an Excel workbook (unzip it first).
    """
    head = _head(path)
    for magic, name in _UNREADABLE_MAGIC:
        if head.startswith(magic):
            raise DataFileError(
                f"{os.fspath(path)} is {name}-compressed, which npskit does not read; "
                "decompress it first (gzip, bz2, xz and zstd files are read as they are)"
            )
    suffix = os.path.splitext(os.fspath(path))[1]
    if suffix.lower() in _UNREADABLE_SUFFIXES and not head.startswith(_KNOWN_MAGIC):
        raise DataFileError(
            f"{os.fspath(path)} ends in {suffix!r}, a compression npskit does not read; "
            "decompress it first (gzip, bz2, xz and zstd files are read as they are)"
        )
    if head.startswith(_ZIP_MAGIC):
        raise DataFileError(
            f"{os.fspath(path)} is a zip archive, which npskit does not read as it is; "
            "unzip it first and pass the CSV or Parquet file (or the folder) it holds "
            "(gzip, bz2, xz and zstd files are read as they are)"
        )
    if head.startswith(_ZSTD_MAGIC):
        return "zstd"
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    return None


def open_binary(path: str | os.PathLike[str]) -> IO[bytes]:
    """``path`` opened for reading bytes, decompressed when it is gzip, bz2, xz or zstd."""
    kind = compression(path)
    if kind == "zstd":
        try:
            import pyarrow as pa
        except ImportError:
            raise DataFileError(
                f"{os.fspath(path)} is zstd-compressed; reading it needs pyarrow: {_ZSTD_HINT}, "
                "or decompress it first (zstd -d)"
            ) from None
        zstd: IO[bytes] = pa.input_stream(os.fspath(path), compression="zstd")
        return zstd
    opener: Any = {"gzip": gzip.open, "bz2": bz2.open, "xz": lzma.open}.get(kind or "", open)
    stream: IO[bytes] = opener(path, "rb")
    return stream


def file_kind(path: str | os.PathLike[str]) -> FileKind:
    """How ``path`` is read: ``"parquet"``, ``"xlsx"`` or ``"csv"`` (compressed or not).

    The suffix decides (``.parquet``, ``.parq``; ``.xlsx``, ``.xlsm``); any
    other file is read by its first bytes (``PAR1`` is Parquet, a zip holding
    ``xl/workbook.xml`` is an Excel workbook), so standard input and a Parquet
    file named ``survey.dat`` are read as what they are.

    Raises
    ------
    DataFileError
        For a legacy Excel ``.xls`` file, which npskit does not read.

    Examples
    --------
    >>> file_kind("survey.PARQUET"), file_kind("book.xlsx"), file_kind("no-such-file.csv")
    ('parquet', 'xlsx', 'csv')
    """
    name = os.fspath(path).lower()
    if name.endswith(_PARQUET_SUFFIXES):
        return "parquet"
    if name.endswith(_XLSX_SUFFIXES):
        return "xlsx"
    head = _head(path)
    if name.endswith(".xls") or head.startswith(_OLE_MAGIC):
        raise DataFileError(
            f"{os.fspath(path)} is a legacy Excel (.xls) file, which npskit does not read; "
            "save it as .xlsx or CSV (UTF-8)"
        )
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(_ZIP_MAGIC) and _is_workbook(path):
        return "xlsx"
    return "csv"


def _is_workbook(path: str | os.PathLike[str]) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


def is_parquet(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is read as Parquet (by its suffix, ``.parquet`` or ``.parq``).

    Examples
    --------
    >>> is_parquet("survey.PARQUET"), is_parquet("survey.csv")
    (True, False)
    """
    return os.fspath(path).lower().endswith(_PARQUET_SUFFIXES)


class DataFile:
    """A CSV, Parquet or Excel file of survey answers (or of counts), read by column name.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    delimiter : str, default ","
        The field separator of a CSV file, one character.
    label : str, optional
        How messages name the file; by default the path as given.
    chunk_rows : int, default 65536
        Records per chunk of the stdlib CSV reader (and of the Excel reader).
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
    sheet : str, optional
        The worksheet of an Excel file; by default the first.
    counts : CountsLayout, optional
        The file is a counts table laid out so (see :mod:`npskit._io.counts_file`),
        not one row per answer.

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
        sheet: str | None = None,
        counts: CountsLayout | None = None,
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
        self.sheet = sheet
        self.counts = counts
        self._kind: FileKind | None = None

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
    def kind(self) -> FileKind:
        """``"csv"``, ``"parquet"`` or ``"xlsx"`` (see :func:`file_kind`; read once)."""
        if self._kind is None:
            self._kind = file_kind(self.path)
        return self._kind

    @property
    def compression(self) -> str | None:
        """``"gzip"``, ``"bz2"``, ``"xz"``, ``"zstd"`` or None (see :func:`compression`)."""
        return compression(self.path) if self.kind == "csv" else None

    @property
    def is_parquet(self) -> bool:
        """Whether the file is read as Parquet (see :func:`file_kind`)."""
        return self.kind == "parquet"

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
        if self.counts is None and all(column in header for column in DEFAULT_CATEGORIES):
            message += (
                f". Its columns {', '.join(DEFAULT_CATEGORIES)} look like a counts table: "
                "pass --counts to read it as one"
            )
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
