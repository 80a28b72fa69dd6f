"""Reading whole columns of a data file, for analyses that need the rows (driver analysis).

Counting never needs the rows (see :mod:`npskit._io.files`); a regression does.
:func:`read_columns` returns the named columns of a CSV file as text arrays
(blank cells are empty strings, which the numeric converters read as missing)
and of a Parquet file as numpy arrays (nulls as NaN or None); an Excel sheet's
cells come as the text a CSV export would hold. Several files (the parts of
one data set) are read one after another and their columns joined.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._core.scale import Scale

from .csv_file import csv_chunks
from .excel import xlsx_columns
from .labels import answers_from_labels
from .source import DataFile, DataFileError

__all__ = ["read_answer_columns", "read_columns"]


def read_columns(
    file: DataFile | Sequence[DataFile], names: Sequence[str]
) -> dict[str, npt.NDArray[Any]]:
    """The columns ``names`` of ``file`` (or of several files, joined), whole, in file order.

    Raises
    ------
    DataFileError
        As the readers do: a missing column, a malformed or unreadable file,
        a counts table (whose rows are not answers).
    """
    if not isinstance(file, DataFile):
        pieces = [read_columns(part, names) for part in file]
        if not pieces:
            raise DataFileError("no file given: name a file, a folder or a glob pattern")
        if len(pieces) == 1:
            return pieces[0]
        return {name: _joined([p[name] for p in pieces]) for name in pieces[0]}
    if file.counts is not None:
        raise DataFileError(
            f"{file.label}: this analysis needs one row per answer, not a counts table; "
            "leave out --counts and pass the answers"
        )
    unique = list(dict.fromkeys(names))
    if file.kind == "parquet":
        return _parquet_columns(file, unique)
    if file.kind == "xlsx":
        return xlsx_columns(file, unique)[0]
    parts: dict[str, list[npt.NDArray[np.str_]]] = {name: [] for name in unique}
    for chunk in csv_chunks(file, unique):
        for name in unique:
            parts[name].append(chunk.columns[name])
    if not parts[unique[0]]:
        raise DataFileError(f"{file.label} has no rows")
    return {name: np.concatenate(arrays) for name, arrays in parts.items()}


def _joined(arrays: list[npt.NDArray[Any]]) -> npt.NDArray[Any]:
    """The parts of one column joined; text stays text, mixed kinds become objects."""
    if len({array.dtype.kind for array in arrays}) == 1:
        return np.concatenate(arrays)
    return np.concatenate([np.asarray(array, dtype=object) for array in arrays])


def _parquet_columns(file: DataFile, names: list[str]) -> dict[str, npt.NDArray[Any]]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(file.path, columns=names)
    except (OSError, KeyError, ValueError) as error:
        raise DataFileError(f"{file.label}: {error}") from None
    return {name: np.asarray(table.column(name).to_numpy(zero_copy_only=False)) for name in names}


def read_answer_columns(
    file: DataFile | Sequence[DataFile],
    names: Sequence[str],
    *,
    score: str,
    weight: str | None,
    scale: Scale,
) -> dict[str, npt.NDArray[Any]]:
    """:func:`read_columns`, with labelled answers in ``score`` read as numbers
    (:func:`npskit._io.labels.answers_from_labels`) and ``weight`` read with the
    file's decimal mark."""
    columns = read_columns(file, names)
    decimal = file.decimal if isinstance(file, DataFile) else file[0].decimal
    if columns[score].dtype.kind == "U":
        columns[score] = answers_from_labels(columns[score], scale)
    if weight is not None and decimal == "," and columns[weight].dtype.kind == "U":
        columns[weight] = np.char.replace(columns[weight], ",", ".")
    return columns
