"""A date column of a file, read with --date-format and --tz, as ISO days.

The file is counted per distinct text of the date column (see
:func:`npskit._io.files.count_file`); :func:`dated` reads each distinct text
once (:func:`npskit._io.dates.parse_date_text`) and adds up the counts of
texts on the same day. A text that is not a date stops with the line of the
file that holds it.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import numpy as np

from npskit._core.grouped import GroupedTally
from npskit._io.csv_file import csv_chunks, csv_lines
from npskit._io.dates import check_date_options, parse_date_text
from npskit._io.source import DataFile, DataFileError

__all__ = ["dated"]


def dated(
    grouped: GroupedTally,
    file: DataFile | Sequence[DataFile],
    column: str,
    args: argparse.Namespace,
) -> GroupedTally:
    """``grouped`` (keyed by the text of date column ``column``) keyed by ISO day instead."""
    try:
        zone = check_date_options(args.date_format, args.tz)
    except ValueError as error:
        message = str(error).replace("date_format", "--date-format", 1)
        raise DataFileError(message.replace("tz ", "--tz ", 1)) from None
    days: list[str | None] = []
    for (key,) in grouped.keys:
        if key is None:
            days.append(None)
            continue
        try:
            day = parse_date_text(key, date_format=args.date_format, zone=zone)
        except ValueError as error:
            where = _where(file, column, key)
            hint = "" if "--date-format" in str(error) else " (--date-format)"
            raise DataFileError(f"{where}: column {column!r}: {error}{hint}") from None
        days.append(day.isoformat())
    distinct = sorted({day for day in days if day is not None})
    order: dict[str | None, int] = {day: i for i, day in enumerate(distinct)}
    if None in days:
        order[None] = len(distinct)  # a missing date stays a group of its own, last
    index = np.array([order[day] for day in days], dtype=np.intp)
    size = len(order)
    counts = np.zeros((size, 3), dtype=grouped.counts.dtype)
    np.add.at(counts, index, grouped.counts)
    n_missing = np.zeros(size, dtype=np.int64)
    np.add.at(n_missing, index, grouped.n_missing)
    responses = np.zeros(size, dtype=np.int64)
    np.add.at(responses, index, grouped.responses)
    squared = None
    if grouped.squared_weights is not None:
        squared = np.zeros((size, 3), dtype=np.float64)
        np.add.at(squared, index, grouped.squared_weights)
    keys = [(day,) for day in order]
    return GroupedTally.from_arrays(grouped.names, keys, counts, n_missing, responses, squared)


def _where(files: DataFile | Sequence[DataFile], column: str, text: str) -> str:
    """``"data.csv, line 17"`` for the first record whose ``column`` holds ``text``."""
    parts = [files] if isinstance(files, DataFile) else list(files)
    for file in parts:
        if file.kind != "csv" or file.counts is not None:
            continue
        for chunk in csv_chunks(file, [column]):
            found = np.flatnonzero(np.char.strip(chunk.columns[column]) == text)
            if len(found):
                (line,) = csv_lines(file, [chunk.start + int(found[0])])
                return file.where(line)
    return parts[0].label if len(parts) == 1 else ", ".join(part.label for part in parts)
