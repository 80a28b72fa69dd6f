"""The one file dispatcher: given data files, pick the reader that counts each.

* Parquet files (``*.parquet``, ``*.parq``, or starting with ``PAR1``) are
  read by pyarrow (:func:`npskit._io.arrow.parquet_counts`).
* Excel workbooks (``*.xlsx``) are read by openpyxl
  (:func:`npskit._io.excel.xlsx_counts`), an optional dependency.
* Counts tables (a :class:`~npskit._io.source.DataFile` with a ``counts``
  layout) are read whole by :func:`npskit._io.counts_file.counts_table_counts`.
* CSV files of at least :data:`ARROW_MIN_BYTES` are read by pyarrow when it is
  installed (:func:`npskit._io.arrow.arrow_csv_counts`); if that reader meets
  anything it does not like, the stdlib reader reads the file again and names
  the problem. Results do not depend on which reader ran.
* Other CSV files are read by the stdlib :mod:`csv` module
  (:func:`npskit._io.csv_counts.csv_counts`), with no pyarrow import cost.

Every reader yields counts per chunk; they are merged here, once, by
:func:`npskit._io.chunks.merge_chunks`. Blank key cells become missing keys
(``None``), ordered last as in :func:`npskit.tally_by`.

Every function here takes one file or several (:data:`Files`): the parts of a
data set (a folder, a glob pattern, see :mod:`npskit._io.parts`) are counted
one after another and their counts added up, so memory holds one part's chunk
and the counts so far, never two parts. Before any part is counted, every
part's header is checked for the columns needed, so a part that lacks one is
named at once rather than after the others have been read.
"""

from __future__ import annotations

import csv
import os
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._core.errors import NpskitError
from npskit._core.grouped import GroupedTally
from npskit._core.scale import STANDARD_SCALE, Scale
from npskit._core.tally import Tally
from npskit._core.warnings import InputWarning
from npskit.typing import NanPolicy

from .arrow import arrow_csv_counts, parquet_answers, parquet_counts
from .chunks import merge_chunks
from .counts_file import counts_table_counts
from .csv_counts import csv_answers, csv_counts
from .csv_file import csv_header
from .excel import xlsx_answers, xlsx_counts, xlsx_header
from .source import DataFile, DataFileError

__all__ = ["ARROW_MIN_BYTES", "Files", "answer_histogram", "count_file", "parts", "tally_file"]

Files = DataFile | Sequence[DataFile]
"""One data file, or the parts of one data set."""

Reader = Callable[..., Iterator[GroupedTally]]
"""A reader: ``reader(file, score, keys, *, weight, nan_policy, scale)`` yields counts per chunk."""

ARROW_MIN_BYTES = 1 << 23
"""CSV files smaller than this (8 MiB) are read by the stdlib reader: no pyarrow import cost."""


def count_file(
    file: Files,
    score: str,
    keys: Sequence[str] = (),
    *,
    weight: str | None = None,
    nan_policy: NanPolicy = "omit",
    scale: Scale | None = None,
) -> GroupedTally:
    """Count column ``score`` of a CSV or Parquet file per combination of ``keys``.

    Parameters
    ----------
    file : DataFile or sequence of DataFile
        The file, its delimiter and how messages name it; or several files,
        the parts of one data set, whose counts are added up.
    score : str
        Column of answers; blank cells (null in Parquet) are missing answers.
    keys : sequence of str, default ()
        Key columns. Cells are text with surrounding spaces removed; a blank
        cell is a missing key (``None``), a group of its own. With no key
        column the result has one group, whose key is ``()``.
    weight : str, optional
        Column of survey weights.
    nan_policy : {"omit", "raise"}, default "omit"
        As for :func:`npskit.tally`.
    scale : Scale, optional
        Scale of the answers; by default the standard 0-10 scale, and then a
        column whose answers all lie in 1..7 (so that no answer is a promoter)
        raises an :class:`~npskit.InputWarning` naming the presets it suggests:
        a 1-5 question read as 0-10 would report NPS -100. Passing
        ``scale=Scale()`` reads 0-10 without the check.

    Returns
    -------
    GroupedTally
        Counts per key, sorted by key, missing keys last.

    Raises
    ------
    DataFileError
        For any problem with the file or its values, naming file and line
        (or row, for Parquet).

    Examples
    --------
    >>> from npskit import example_path
    >>> g = count_file(DataFile(example_path()), "answer", ["channel"])
    >>> g.names, [key for key, _ in g]
    (('channel',), [('chat',), ('email',), ('phone',)])
    >>> g.total == tally_file(DataFile(example_path()), "answer")
    True
    """

    used = STANDARD_SCALE if scale is None else scale
    files = parts(file)
    _check_columns(files, score, keys, weight)
    counted = (
        _count_one(part, score, keys, weight=weight, nan_policy=nan_policy, scale=used)
        for part in files
    )
    merged = merge_chunks(counted) if len(files) > 1 else next(counted)
    if merged is None:  # pragma: no cover - parts() refuses an empty list
        raise DataFileError("no file given")
    narrow_check = scale is None and all(part.counts is None for part in files)
    if narrow_check and merged.total.n and not merged.total.promoters:
        _warn_if_narrow(files, score, merged.total.n)
    return merged


def _count_one(
    file: DataFile,
    score: str,
    keys: Sequence[str],
    *,
    weight: str | None,
    nan_policy: NanPolicy,
    scale: Scale,
) -> GroupedTally:
    if file.counts is not None:
        return counts_table_counts(file, keys, nan_policy=nan_policy, scale=scale)

    def merged_by(reader: Reader) -> GroupedTally | None:
        chunks = reader(file, score, keys, weight=weight, nan_policy=nan_policy, scale=scale)
        return merge_chunks(chunks)

    if file.kind == "parquet":
        merged = merged_by(parquet_counts)
    elif file.kind == "xlsx":
        merged = merged_by(xlsx_counts)
    else:
        merged = _arrow_csv(file, merged_by)
        if merged is None:
            merged = merged_by(csv_counts)
    if merged is None:  # pragma: no cover - the readers raise for a file without data
        raise DataFileError(f"{file.label} has no data")
    return _with_missing_keys(merged, keys)


def tally_file(
    file: Files,
    score: str,
    *,
    weight: str | None = None,
    nan_policy: NanPolicy = "omit",
    scale: Scale | None = None,
) -> Tally:
    """The tally of every answer in column ``score`` (see :func:`count_file`).

    Examples
    --------
    >>> from npskit import example_path
    >>> tally_file(DataFile(example_path()), "answer")
    Tally(detractors=1427, passives=1517, promoters=2880, n_missing=176)
    """
    grouped = count_file(file, score, (), weight=weight, nan_policy=nan_policy, scale=scale)
    return grouped.total


def answer_histogram(
    file: Files, score: str, *, weight: str | None = None, scale: Scale = STANDARD_SCALE
) -> npt.NDArray[np.float64]:
    """Answers (or their weights) per point of the scale, for a chart of the answers.

    Run after :func:`count_file` has read the same columns: the values are
    known to be valid, so the only work left is counting.

    Examples
    --------
    >>> from npskit import example_path
    >>> answer_histogram(DataFile(example_path()), "answer").sum()
    np.float64(5824.0)
    """
    counts = np.zeros(scale.n_points, dtype=np.float64)
    for part in parts(file):
        if part.counts is not None:
            raise DataFileError(
                f"{part.label}: a chart of the answers needs one row per answer, not a "
                "counts table; leave out --plot"
            )
        chunks: Iterator[tuple[Any, Any]]
        if part.kind == "parquet":
            chunks = parquet_answers(part, score, weight)
        elif part.kind == "xlsx":
            chunks = xlsx_answers(part, score, weight)
        else:
            chunks = csv_answers(part, score, weight, scale)
        for scores, weights in chunks:
            present = ~np.isnan(scores) if scores.dtype.kind == "f" else np.ones(len(scores), bool)
            index = scores[present].astype(np.intp) - scale.low
            used = None if weights is None else weights[present]
            counts += np.bincount(index, weights=used, minlength=scale.n_points)
    return counts


def parts(file: Files) -> list[DataFile]:
    """``file`` as a list of parts (refusing an empty list)."""
    files = [file] if isinstance(file, DataFile) else list(file)
    if not files:
        raise DataFileError("no file given: name a file, a folder or a glob pattern")
    return files


def file_columns(file: DataFile) -> list[str] | None:
    """The column names of ``file`` (None when the reader should say what is wrong)."""
    try:
        if file.kind == "parquet":
            import pyarrow.parquet as pq

            read_schema: Any = pq.read_schema
            schema: Any = read_schema(file.path)
            return list(schema.names)
        if file.kind == "xlsx":
            return xlsx_header(file)
        return csv_header(file)
    except DataFileError:
        raise
    except Exception:  # unreadable: counting the part says why, naming it
        return None


def _check_columns(
    files: Sequence[DataFile], score: str, keys: Sequence[str], weight: str | None
) -> None:
    """Every part has the columns needed, checked before any part is counted."""
    if len(files) < 2:
        return
    for number, file in enumerate(files, start=1):
        header = file_columns(file)
        if header is None:
            continue
        for name in _needed(file, score, keys, weight):
            if name not in header:
                message = file.missing_column(header, name)
                hive = f"{name}="
                if any(piece.startswith(hive) for piece in os.fspath(file.path).split(os.sep)):
                    message += (
                        f". The folder name {hive}... holds it (Hive partitioning), which "
                        "npskit does not read as a column: write the column into the files"
                    )
                raise DataFileError(f"part {number} of {len(files)}: {message}")


def _needed(file: DataFile, score: str, keys: Sequence[str], weight: str | None) -> list[str]:
    layout = file.counts
    if layout is None:
        return [score, *keys] + ([] if weight is None else [weight])
    if layout.form == "long":
        counted = [str(layout.score), layout.count]
    elif layout.form == "points":
        counted = [] if layout.n_missing is None else [layout.n_missing]  # points: the reader
    else:
        counted = [*layout.categories] + ([layout.n_missing] if layout.n_missing else [])
    return [*keys, *counted, *layout.weight_sum, *layout.weight_sq_sum]


_NARROW_PRESETS = ((3, "1-3"), (5, "1-5"), (7, "1-7"))
"""Largest answer of each preset a column of 1..7 answers may have been asked on."""


def _label(file: Files) -> str:
    files = parts(file)
    return files[0].label if len(files) == 1 else f"{files[0].label} and {len(files) - 1} more"


def _warn_if_narrow(file: Files, score: str, n: int) -> None:
    """Warn when every answer lies in 1..7 on the 0-10 scale: another scale is likely."""
    counts = answer_histogram(file, score, weight=None)
    given = np.flatnonzero(counts)
    low, high = int(given[0]), int(given[-1])
    if low < 1 or high > 7:
        return
    presets = [name for top, name in _NARROW_PRESETS if top >= high]
    options = " or ".join(f"--scale {name} (scale=Scale.preset({name!r}))" for name in presets)
    group_codes = " (1/2/3 are NPS group codes)" if "1-3" in presets else ""
    warnings.warn(
        f"{_label(file)}: every one of the {n} answers in column {score!r} lies in "
        f"{low}..{high}, so on the 0-10 scale none is a promoter"
        + (" and NPS is -100" if high <= 6 else "")
        + f". If the question used another scale{group_codes}, say so: {options}; "
        "--scale 0-10 (scale=Scale()) keeps the 0-10 reading and silences this warning",
        InputWarning,
        stacklevel=3,
    )


def _arrow_csv(
    file: DataFile, merged_by: Callable[[Reader], GroupedTally | None]
) -> GroupedTally | None:
    """Counts by pyarrow, or None when the stdlib reader should do the work."""
    try:
        if (
            os.path.getsize(file.path) < ARROW_MIN_BYTES
            or file.compression is not None
            or not file.plain
        ):
            return None
        import pyarrow  # noqa: F401 - only to learn whether it is installed
    except (OSError, ImportError):
        return None
    try:
        return merged_by(arrow_csv_counts)
    except (NpskitError, ValueError, TypeError, OSError, UnicodeDecodeError, csv.Error):
        return None
    except Exception as error:  # pyarrow.ArrowInvalid and friends
        if type(error).__module__.startswith("pyarrow"):
            return None
        raise


def _with_missing_keys(grouped: GroupedTally, keys: Sequence[str]) -> GroupedTally:
    """Name the key columns, and make blank keys missing (``None``, ordered last)."""
    renamed = [tuple(None if value == "" else value for value in key) for key in grouped.keys]
    relabelled = GroupedTally.from_arrays(
        tuple(keys),
        renamed,
        grouped.counts,
        grouped.n_missing,
        grouped.responses,
        grouped.squared_weights,
    )
    if renamed == list(grouped.keys):
        return relabelled
    return GroupedTally.concat([relabelled])  # sorts: missing keys last
