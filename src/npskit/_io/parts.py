"""Several files read as one data set: lists of files, folders and glob patterns.

:func:`expand_paths` turns what a user names (a file, a folder, a glob
pattern, or a list of them) into the list of files to read, in a stable
order. A folder is read as the parts of one data set, as Spark, Dask, DuckDB
and Hive write them (``survey.parquet/part-00000-….snappy.parquet``): its files
and those of its subfolders, sorted by path, leaving out the markers and
checksums those tools add (``_SUCCESS``, ``_committed_…``, ``*.crc``, any name
starting with ``_`` or ``.``). A glob pattern (``exports/*.csv``,
``exports/**/*.parquet``) is expanded here, so it works when the shell did not
expand it (a quoted pattern, or Windows).

Nothing is skipped silently: a folder holding a file npskit cannot read (a
``README.txt``) is refused, naming it, and so is a folder or pattern whose
parts are of different kinds (CSV and Parquet side by side are most often
the same data twice). Files listed one by one may be of different kinds.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Sequence
from pathlib import Path

from .source import DataFileError, FileKind, file_kind

__all__ = ["expand_paths", "is_pattern", "part_kind"]

_COMPRESSED = (".gz", ".bz2", ".xz", ".zst")
_KINDS: dict[str, FileKind] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".parq": "parquet",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
}
_SHOWN = 5


def is_pattern(text: str) -> bool:
    """Whether ``text`` holds a glob wildcard (``*``, ``?`` or ``[``)."""
    return glob.has_magic(text)


def part_kind(path: str | os.PathLike[str]) -> FileKind | None:
    """The kind of a part by its suffix (after a compression suffix), or None.

    Examples
    --------
    >>> part_kind("part-0.snappy.parquet"), part_kind("a.csv.gz"), part_kind("notes.md")
    ('parquet', 'csv', None)
    """
    name = os.fspath(path).lower()
    for suffix in _COMPRESSED:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return _KINDS.get(os.path.splitext(name)[1])


def expand_paths(
    source: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
) -> list[Path]:
    """The files named by ``source``: a path, a folder, a glob pattern, or a list of them.

    A path that does not exist (and is not a pattern) is kept, so that opening
    it says why it cannot be read.

    Raises
    ------
    DataFileError
        If a folder or pattern holds no data file, a file npskit cannot read,
        or parts of more than one kind; or if ``source`` is an empty list.
    TypeError
        If ``source`` is not a path or a list of paths.

    Examples
    --------
    >>> expand_paths("survey.csv")
    [PosixPath('survey.csv')]
    """
    if isinstance(source, (str, os.PathLike)):
        items: list[str | os.PathLike[str]] = [source]
    elif isinstance(source, Sequence) and all(
        isinstance(item, (str, os.PathLike)) for item in source
    ):
        items = list(source)
    else:
        raise TypeError(
            "the data source must be a path (str or os.PathLike), a folder, a glob pattern "
            f"or a list of them, got {type(source).__name__}"
        )
    if not items:
        raise DataFileError("no file given: name a file, a folder or a glob pattern")
    paths: list[Path] = []
    for item in items:
        path = Path(item)
        if path.is_dir():
            paths += _folder(path)
        elif not path.exists() and is_pattern(os.fspath(item)):
            paths += _pattern(os.fspath(item))
        else:
            paths.append(path)
    return paths


def _skipped(name: str) -> bool:
    """Markers and checksums that Spark, Hadoop and Dask write beside the parts."""
    return name.startswith(("_", ".")) or name.lower().endswith(".crc")


def _folder(folder: Path) -> list[Path]:
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not _skipped(d))
        found += [Path(root, name) for name in files if not _skipped(name)]
    found.sort()
    unknown = [path for path in found if part_kind(path) is None]
    if unknown:
        shown = ", ".join(repr(str(path)) for path in unknown[:_SHOWN])
        raise DataFileError(
            f"folder {str(folder)!r} holds {len(unknown)} file(s) npskit does not read as "
            f"part of the data ({shown}); parts end in .csv, .tsv, .txt, .parquet, .parq or "
            ".xlsx (optionally .gz, .bz2, .xz or .zst): move the other files away, or name "
            f"the parts with a glob pattern such as '{folder}/*.csv'"
        )
    if not found:
        raise DataFileError(f"folder {str(folder)!r} holds no data file")
    _one_kind(str(folder), found, [part_kind(path) for path in found])
    return found


def _pattern(pattern: str) -> list[Path]:
    matches = sorted(glob.glob(pattern, recursive=True))
    found: list[Path] = []
    for match in matches:
        path = Path(match)
        if _skipped(path.name):
            continue
        found += _folder(path) if path.is_dir() else [path]
    if not found:
        raise DataFileError(f"the pattern {pattern!r} matches no file")
    _one_kind(pattern, found, [file_kind(path) for path in found])
    return found


def _one_kind(where: str, paths: list[Path], kinds: Sequence[FileKind | None]) -> None:
    first: dict[FileKind | None, Path] = {}
    for path, kind in zip(paths, kinds, strict=True):
        first.setdefault(kind, path)
    if len(first) > 1:
        shown = "; ".join(f"{kind}: {str(path)!r}" for kind, path in first.items())
        raise DataFileError(
            f"{where!r} holds files of more than one kind ({shown}); a folder or pattern "
            "must hold parts of one kind (the same data saved twice is the usual reason): "
            "name the files to read with a narrower pattern, or list them one by one"
        )
