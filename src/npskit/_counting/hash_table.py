"""A vectorised open-addressing hash table: grouping rows with equal keys, no Python loop.

:func:`hash_factorize` gives each row a raw group code from 64-bit hashes of
its key (see :mod:`npskit._counting.factorize` for the keys it serves: text,
wide integers, floats). Matches are checked against a representative row, and
a 64-bit collision falls back to an exact grouping, so keys are never silently
merged.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["MIX", "hash_factorize"]

IntArray = npt.NDArray[np.intp]
MIX = np.uint64(0x9E3779B97F4A7C15)  # 2**64 / golden ratio, for multiplicative hashing
_BLOCK = 1 << 16
_MAX_TABLE_BITS = 23  # largest hash table: 2**23 slots (128 MiB)
_PROBES = 12


def hash_factorize(
    n: int,
    hash_of: Callable[[Any], npt.NDArray[np.uint64]],
    check: Callable[[Any, IntArray], npt.NDArray[np.bool_]] | None,
) -> tuple[IntArray, IntArray]:
    """Group rows with equal keys through a vectorised open-addressing hash table.

    ``hash_of(selection)`` gives 64-bit hashes of the selected rows (a slice or
    positions). The table size comes from the number of distinct hashes in a
    sample (eight slots per key, at most ``2**_MAX_TABLE_BITS``). Rows go in
    blocks; each block looks its hashes up along linear probe sequences, and
    rows meeting an empty slot claim it (one writer wins a contested slot, the
    others probe on). Rows that find no slot within ``_PROBES`` probes are
    grouped by sorting their hashes. Then ``check(block, representatives)``
    compares every row with its group's representative row, so two keys that
    share a 64-bit hash are caught; if any are, the column is grouped exactly
    by :func:`_exact_factorize` (never silently merged). With ``check=None``
    the hash is the key itself (8-byte keys), so no check is needed.

    Returns a raw code per row and, per raw code, a representative row (-1 for
    codes no row has).
    """
    if n == 0:
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp)
    sample = np.linspace(0, n - 1, num=min(n, 1 << 14), dtype=np.intp)
    distinct = len(np.unique(hash_of(sample)))
    estimate = distinct if distinct < len(sample) // 4 else n
    bits = min(max(10, math.ceil(math.log2(8 * estimate + 1))), _MAX_TABLE_BITS)
    size = 1 << bits
    mask = size - 1
    shift = np.uint64(64 - bits)
    table_row = np.full(size, -1, dtype=np.intp)
    table_hash = np.zeros(size, dtype=np.uint64)
    codes = np.empty(n, dtype=np.intp)
    overflow: list[IntArray] = []
    for start in range(0, n, _BLOCK):
        stop = min(start + _BLOCK, n)
        h = hash_of(slice(start, stop))
        slot = ((h * MIX) >> shift).astype(np.intp)
        # First probe for the whole block at once: most rows end here.
        empty = table_row[slot] < 0
        if empty.any():
            claim = slot[empty]
            table_row[claim] = start + np.flatnonzero(empty)
            table_hash[claim] = h[table_row[claim] - start]
        found = table_hash[slot] == h
        codes[start:stop] = slot
        if found.all():
            continue
        pending = np.flatnonzero(~found)
        for _ in range(_PROBES - 1):
            slots = (slot[pending] + 1) & mask
            slot[pending] = slots
            empty = table_row[slots] < 0
            if empty.any():
                claim = slots[empty]
                table_row[claim] = start + pending[empty]
                table_hash[claim] = h[table_row[claim] - start]
            found = table_hash[slots] == h[pending]
            codes[start + pending[found]] = slots[found]
            pending = pending[~found]
            if len(pending) == 0:
                break
        if len(pending):
            overflow.append(start + pending)
    reps = table_row
    if overflow:
        rows = np.concatenate(overflow)
        _, first, inverse = np.unique(hash_of(rows), return_index=True, return_inverse=True)
        codes[rows] = size + inverse
        reps = np.concatenate([table_row, rows[first]])
    if check is not None:
        for start in range(0, n, _BLOCK):
            stop = min(start + _BLOCK, n)
            if not check(slice(start, stop), reps[codes[start:stop]]).all():
                return _exact_factorize(n, hash_of, check)
    return codes, reps


def _exact_factorize(
    n: int,
    hash_of: Callable[[Any], npt.NDArray[np.uint64]],
    check: Callable[[Any, IntArray], npt.NDArray[np.bool_]],
) -> tuple[IntArray, IntArray]:
    """Fallback after a 64-bit hash collision: split each hash group until exact.

    Rows are grouped by hash; each row is compared with its group's first row,
    and the rows that differ form new groups in the next round, until every
    row is placed. Collisions of a 64-bit hash are so rare that the few rounds
    run over a handful of rows.
    """
    codes = np.full(n, -1, dtype=np.intp)
    rows = np.arange(n, dtype=np.intp)
    _, label = np.unique(hash_of(rows), return_inverse=True)
    reps_parts: list[IntArray] = []
    next_code = 0
    while len(rows):
        order = np.argsort(label, kind="stable")
        rows, label = rows[order], label[order]
        new_group = np.r_[True, label[1:] != label[:-1]]
        starts = np.flatnonzero(new_group)
        group_of = np.cumsum(new_group) - 1
        first = rows[starts][group_of]
        same = check(rows, first)
        codes[rows[same]] = next_code + group_of[same]
        reps_parts.append(rows[starts])
        next_code += len(starts)
        rows, label = rows[~same], label[~same]
    return codes, np.concatenate(reps_parts)
