"""Adding up per-group arrays under new keys: the one kernel behind merging and summing out.

Merging chunks of grouped counts, summing a key column out of a counts cube and
collapsing repeated keys are the same operation: map every input key to an
output key, then add the arrays of the input rows that land on the same
output key. It runs on whole arrays (``numpy.add.at``); the only per-group
Python work is hashing each key tuple once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["key_order", "regroup"]


def key_order(keys: Sequence[tuple[Any, ...]]) -> list[int]:
    """Positions of ``keys`` sorted column by column, missing (``None``) values last.

    This is the order :func:`npskit.tally_by` gives its groups. Keys whose
    values cannot be compared with each other (text beside numbers in one
    column) keep their order of first appearance.
    """

    def sort_key(position: int) -> tuple[tuple[bool, Any], ...]:
        return tuple((value is None, 0 if value is None else value) for value in keys[position])

    positions = list(range(len(keys)))
    try:
        return sorted(positions, key=sort_key)
    except TypeError:
        return positions


def regroup(
    keys: Sequence[tuple[Any, ...]],
    arrays: Sequence[npt.NDArray[Any]],
    *,
    sort: bool = True,
) -> tuple[list[tuple[Any, ...]], list[npt.NDArray[Any]]]:
    """Add up the rows of ``arrays`` that share a key.

    Parameters
    ----------
    keys : sequence of tuple
        One key per row of every array (keys may repeat).
    arrays : sequence of numpy.ndarray
        Arrays with one row per key (1-D or 2-D). Integer arrays are added in
        int64, floats in float64.
    sort : bool, default True
        Order the output keys as :func:`key_order` does; otherwise keep the
        order of first appearance.

    Returns
    -------
    keys : list of tuple
        The distinct keys.
    arrays : list of numpy.ndarray
        The sums, one row per distinct key, in the order of ``keys``.
    """
    index: dict[tuple[Any, ...], int] = {}
    rows = np.fromiter(
        (index.setdefault(key, len(index)) for key in keys), dtype=np.intp, count=len(keys)
    )
    distinct = list(index)
    sums = []
    for array in arrays:
        values = np.asarray(array)
        dtype = np.float64 if values.dtype.kind == "f" else np.int64
        total = np.zeros((len(distinct), *values.shape[1:]), dtype=dtype)
        np.add.at(total, rows, values.astype(dtype, copy=False))
        sums.append(total)
    if not sort:
        return distinct, sums
    order = key_order(distinct)
    return [distinct[i] for i in order], [total[order] for total in sums]
