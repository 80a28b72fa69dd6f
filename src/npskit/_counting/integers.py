"""Integer answers on a scale: range checks and narrowing, block by block.

The fast counting path of :mod:`npskit._counting.kernel` and the polars
group-by of :mod:`npskit._counting.engine_groups` read integer answers
through :func:`integer_blocks`, which proves each block on the scale with a
max (and a min) and narrows it to the smallest integer dtype that holds the
scale (:func:`narrower_dtype`). No Python loop over answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._core.scale import Scale

__all__ = [
    "bounds_to_check",
    "exact_integer_dtype",
    "integer_blocks",
    "integers_on_scale",
    "narrower_dtype",
    "unsigned",
]


def integer_blocks(
    values: npt.NDArray[Any], scale: Scale, block_bytes: int, out: npt.NDArray[Any] | None = None
) -> Iterator[npt.NDArray[Any] | None]:
    """The answers block by block, each proven on the scale; ``None`` for one that is not.

    Integers are whole numbers, so validation is a range check: one max (and
    one min) per block, skipped where the dtype cannot leave the scale. With
    low == 0 a signed block viewed as unsigned turns negatives into numbers
    above the signed maximum, so a single max checks both ends. Blocks hold
    ``block_bytes`` of answers. A block of a dtype wider than the scale needs
    is checked, then cast to the narrowest integer dtype holding the scale,
    where comparisons are cheapest: into ``out`` (a narrow copy of all the
    answers) when given, else into a buffer that the next block overwrites.
    A block that needs no cast is yielded first and checked after the
    caller's use: the first pass over a block waits for memory, so the
    caller's comparison goes first and the max reads the block from cache.
    Whatever the caller made of a block followed by ``None`` is wrong.
    (Wide blocks keep the max first: measured faster with two threads.)
    """
    low, high = scale.low, scale.high
    check_low, check_high = bounds_to_check(values.dtype, scale)
    one_max = check_low and check_high and low == 0
    ranged = values.view(unsigned(values.dtype)) if one_max else values
    small = narrower_dtype(values.dtype, scale)
    size = max(1, min(block_bytes // values.dtype.itemsize, len(values)))
    buffer = np.empty(size if small is not None and out is None else 0, dtype=small)
    for start in range(0, len(values), size):
        block = values[start : start + size]
        if small is None:
            yield block
        if one_max:
            if ranged[start : start + size].max() > high:
                yield None
                return
        elif (check_low and block.min() < low) or (check_high and block.max() > high):
            yield None
            return
        if small is not None:
            narrow = buffer[: len(block)] if out is None else out[start : start + size]
            np.copyto(narrow, block, casting="unsafe")
            yield narrow


def integers_on_scale(values: npt.NDArray[Any], scale: Scale) -> bool:
    """Whether ``values`` are integers, all on the scale (one max, or a min and a max)."""
    if values.dtype.kind not in "iu":
        return False
    if not len(values):
        return True
    check_low, check_high = bounds_to_check(values.dtype, scale)
    if check_low and check_high and scale.low == 0:
        return bool(values.view(unsigned(values.dtype)).max() <= scale.high)
    return not (check_low and values.min() < scale.low) and not (
        check_high and values.max() > scale.high
    )


def narrower_dtype(dtype: np.dtype[Any], scale: Scale) -> np.dtype[Any] | None:
    """The smallest integer dtype holding the scale, if narrower than ``dtype``."""
    small = exact_integer_dtype(scale)
    return small if small is not None and small.itemsize < dtype.itemsize else None


def exact_integer_dtype(scale: Scale) -> np.dtype[Any] | None:
    """The smallest signed integer dtype that holds every answer of the scale."""
    for candidate in (np.int8, np.int16, np.int32):
        info = np.iinfo(candidate)
        if info.min <= scale.low and scale.high <= info.max:
            return np.dtype(candidate)
    return None


def unsigned(dtype: np.dtype[Any]) -> np.dtype[Any]:
    """The unsigned integer dtype of the same size and byte order."""
    result: np.dtype[Any] = np.dtype(dtype.str.replace("i", "u"))
    return result


def bounds_to_check(dtype: np.dtype[Any], scale: Scale) -> tuple[bool, bool]:
    """Whether answers of ``dtype`` can fall below the scale, and above it."""
    if dtype.kind not in "iu":
        return True, True
    info = np.iinfo(dtype)
    return bool(info.min < scale.low), bool(info.max > scale.high)
