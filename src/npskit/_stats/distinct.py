"""The distinct rows of an array of whole counts, to compute a statistic once per distinct row.

Small segments share their counts often: 10^5 segments of about 100 answers
have about 16,000 distinct (detractors, passives, promoters) rows, and every
row-wise statistic of a segment (its interval, its comparison with the rest,
whose counts are the total minus the segment's) is the same for equal rows.
Whole counts are packed into one 64-bit integer per row by mixed radix (each
column's radix one more than its largest count); the codes are looked up in a
table when their range is small, else sorted.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["DISTINCT_MIN_ROWS", "distinct_rows"]

Floats = npt.NDArray[np.float64]
Positions = npt.NDArray[np.intp]

DISTINCT_MIN_ROWS = 1 << 13
"""Fewest rows looked at for repeats: below it, the look-up costs more than it saves."""

_PACKED_LIMIT = 1 << 62  # largest packed code (a product of radices below it fits an int64)


def distinct_rows(
    rows: npt.NDArray[Any], *, min_rows: int = DISTINCT_MIN_ROWS
) -> tuple[Positions, Positions] | None:
    """``(first, inverse)`` such that ``rows[first][inverse] == rows``, when rows repeat a lot.

    ``rows`` holds counts, integers or floats. ``first`` holds the position
    of one row of each distinct row (in the order of the packed codes),
    ``inverse`` the place of each row among them. Returns None when there are
    fewer than ``min_rows`` rows, when they are not all whole non-negative
    numbers small enough to pack into one integer, or when more than half of
    them are distinct (then a statistic is cheaper on all rows).
    """
    if len(rows) < min_rows or rows.ndim != 2:
        return None
    if not (rows.min() >= 0 and rows.max() < _PACKED_LIMIT):  # False for NaN
        return None
    if rows.dtype.kind == "f" and not np.array_equal(rows, np.floor(rows)):
        return None
    columns = [rows[:, k] for k in range(rows.shape[1])]  # max(axis=0) is slow on 3 columns
    radices = [int(column.max()) + 1 for column in columns]
    size = 1
    for radix in radices:
        size *= radix
    if size >= _PACKED_LIMIT:
        return None
    codes = columns[0].astype(np.int64)
    for column, radix in zip(columns[1:], radices[1:], strict=True):
        codes *= radix
        codes += column.astype(np.int64, copy=False)  # exact: whole numbers below 2^62
    if size <= 8 * len(rows):  # a table of every code: no sort
        seen = np.zeros(size, dtype=np.bool_)
        seen[codes] = True
        found = np.flatnonzero(seen)
        if 2 * len(found) > len(rows):
            return None
        place = np.empty(size, dtype=np.intp)
        place[found] = np.arange(len(found), dtype=np.intp)
        inverse = place[codes]
        first = np.empty(len(found), dtype=np.intp)
        first[inverse] = np.arange(len(rows), dtype=np.intp)  # any one row of each
        return first, inverse
    unique, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    if 2 * len(unique) > len(rows):
        return None
    return first.astype(np.intp, copy=False), inverse.ravel().astype(np.intp, copy=False)
