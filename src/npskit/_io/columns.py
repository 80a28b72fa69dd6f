"""Reading whole columns of a data file, for analyses that need the rows (driver analysis).

Counting never needs the rows (see :mod:`npskit._io.files`); a regression does.
:func:`read_columns` returns the named columns of a CSV file as text arrays
(blank cells are empty strings, which the numeric converters read as missing)
and of a Parquet file as numpy arrays (nulls as NaN or None).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._core.scale import Scale

from .csv_file import csv_chunks
from .labels import answers_from_labels
from .source import DataFile, DataFileError

__all__ = ["read_answer_columns", "read_columns"]


def read_columns(file: DataFile, names: Sequence[str]) -> dict[str, npt.NDArray[Any]]:
    """The columns ``names`` of ``file``, whole, in file order.

    Raises
    ------
    DataFileError
        As the readers do: a missing column, a malformed or unreadable file.
    """
    unique = list(dict.fromkeys(names))
    if file.is_parquet:
        return _parquet_columns(file, unique)
    parts: dict[str, list[npt.NDArray[np.str_]]] = {name: [] for name in unique}
    for chunk in csv_chunks(file, unique):
        for name in unique:
            parts[name].append(chunk.columns[name])
    if not parts[unique[0]]:
        raise DataFileError(f"{file.label} has no rows")
    return {name: np.concatenate(arrays) for name, arrays in parts.items()}


def _parquet_columns(file: DataFile, names: list[str]) -> dict[str, npt.NDArray[Any]]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(file.path, columns=names)
    except (OSError, KeyError, ValueError) as error:
        raise DataFileError(f"{file.label}: {error}") from None
    return {name: np.asarray(table.column(name).to_numpy(zero_copy_only=False)) for name in names}


def read_answer_columns(
    file: DataFile,
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
    if columns[score].dtype.kind == "U":
        columns[score] = answers_from_labels(columns[score], scale)
    if weight is not None and file.decimal == "," and columns[weight].dtype.kind == "U":
        columns[weight] = np.char.replace(columns[weight], ",", ".")
    return columns
