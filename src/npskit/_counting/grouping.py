"""Counting rows per group of integer key codes: the grouping step of ``tally_by``.

Key columns arrive as :class:`npskit._counting.factorize.Factor` codes.
:func:`missing_level` gives missing keys a group of their own,
:func:`combine_codes` combines several key columns into one code by mixed
radix, :func:`count_groups` counts every group in one ``np.bincount`` over
``code * 4 + category`` (category 3 is "missing answer"), and
:func:`grouped_from_counts` wraps the counts as a :class:`npskit.GroupedTally`.
:func:`npskit.from_counts_table` reuses the same steps.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._core.grouped import GroupedTally
from npskit._core.regroup import check_count_rows, integer_row_sums
from npskit._core.scale import Scale
from npskit.typing import MissingKeys

from .factorize import Factor, factorize
from .inputs import plural

__all__ = ["combine_codes", "count_groups", "grouped_from_counts", "missing_level"]

_IntArray = npt.NDArray[np.intp]
_GRID_LIMIT = 1 << 22  # most combined codes counted without compressing them first
_BLOCK = 1 << 19  # answers per counting step, unless there are more groups
_WEIGHTED_BLOCK = 1 << 16  # weighted answers per counting step (fixes the order of the sums)


def grouped_from_counts(
    names: Sequence[str],
    keys: tuple[tuple[Any, ...], ...],
    counts: npt.NDArray[Any],
    squares: npt.NDArray[np.float64],
    *,
    weighted: bool,
) -> GroupedTally:
    present = counts[:, :3]
    missing = counts[:, 3]
    check_count_rows(present, "a group's number of answers")
    responses = integer_row_sums(present)
    if not weighted:
        return GroupedTally.from_arrays(names, keys, present, missing, responses)
    return GroupedTally.from_arrays(
        names, keys, squares[:, :3], missing, responses, squared_weights=squares[:, 3:]
    )


def missing_level(factor: Factor, name: str, policy: MissingKeys) -> Factor:
    """Give missing keys the code ``factor.size`` (a last group), or raise."""
    if factor.complete:
        return factor
    absent = factor.codes < 0
    if not absent.any():
        return factor
    if policy == "raise":
        bad = np.flatnonzero(absent)
        places = ", ".join(str(int(p)) for p in bad[:5])
        raise ValueError(
            f"by column {name!r} has {plural(len(bad), 'missing key', 'missing keys')} "
            f"(first at {'position' if len(bad) == 1 else 'positions'} {places}) and "
            "missing_keys='raise'; pass missing_keys='group' to count them as their own group"
        )
    codes = factor.codes.copy()
    codes[absent] = factor.size
    return Factor(codes, factor.size + 1, _with_missing(factor))


def _with_missing(factor: Factor) -> Callable[[_IntArray], list[Any]]:
    def values(levels: _IntArray) -> list[Any]:
        absent = levels == factor.size
        found = iter(factor.values(levels[~absent]))
        return [None if gone else next(found) for gone in absent.tolist()]

    return values


def combine_codes(factors: list[Factor], n: int) -> tuple[_IntArray, _IntArray]:
    """One code per row from several key columns, and each code's level per column.

    Codes combine by mixed radix, ``code * size_next + code_next``, which keeps
    the lexicographic order of the columns. While the grid of all level
    combinations stays small it is kept whole (unobserved cells are dropped
    after counting); past ``limit`` cells the combined code is compressed to
    the combinations that occur, still in order.
    """
    limit = min(_GRID_LIMIT, max(1 << 16, n))
    first = factors[0]
    combined = first.codes
    table = np.arange(first.size, dtype=np.intp).reshape(-1, 1)
    if first.size > limit:
        combined, used = _compress(combined)
        table = used.reshape(-1, 1)
    for factor in factors[1:]:
        radix = factor.size
        if len(table) * radix <= limit:
            combined = combined * radix + factor.codes
            table = np.column_stack(
                [
                    np.repeat(table, radix, axis=0),
                    np.tile(np.arange(radix, dtype=np.intp), len(table)),
                ]
            )
            continue
        combined, used = _compress(combined.astype(np.int64) * radix + factor.codes)
        table = np.column_stack([table[used // radix], used % radix])
    return combined, table


def _compress(values: npt.NDArray[Any]) -> tuple[_IntArray, _IntArray]:
    """Dense codes of integers, in increasing order of value, and the values that occur."""
    if len(values) == 0:
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp)
    low, high = int(values.min()), int(values.max())
    if high - low < max(_GRID_LIMIT, 2 * len(values)):
        offsets = (values - low).astype(np.intp, copy=False)
        used = np.flatnonzero(np.bincount(offsets))
        mapping = np.empty(high - low + 1, dtype=np.intp)
        mapping[used] = np.arange(len(used), dtype=np.intp)
        return mapping[offsets], used + low
    factor = factorize(np.asarray(values, dtype=np.int64), "combined key")
    found = np.asarray(factor.values(np.arange(factor.size, dtype=np.intp)), dtype=np.intp)
    return factor.codes, found


def count_groups(
    codes: _IntArray,
    n_codes: int,
    values: npt.NDArray[Any],
    weights: npt.NDArray[Any] | None,
    scale: Scale,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Counts per code of detractors, passives, promoters and missing answers.

    Returns an ``(n_codes, 4)`` integer array of counts and, with weights, an
    ``(n_codes, 6)`` array of weight sums then squared-weight sums per category.
    """
    # Category of each answer: 0 detractor, 1 passive, 2 promoter, and 3 for
    # a missing answer (slot n_points of the table, where NaN is sent). A
    # small scale uses a table look-up (one pass); a wide one two comparisons,
    # so that memory does not grow with the scale's span.
    dmax, pmin, low = scale.detractor_max, scale.promoter_min, scale.low
    # Categories as bytes: the look-up writes an eighth of the memory of intp.
    table = None
    if scale.n_points <= 4096:
        table = np.append(scale.categories() + 1, 3).astype(np.uint8)
    size = 4 * n_codes
    counts = np.zeros(size, dtype=np.int64)
    sums = np.zeros(size) if weights is not None else None
    squares = np.zeros(size) if weights is not None else None
    # Blocks small enough that the passes over one find it in cache, large
    # enough that each block's bincount table (``size`` counts) is a small cost.
    # Weight sums keep their blocks (and so their rounding) whatever the speed.
    if weights is None:
        block = max(1, min(len(values), max(_BLOCK, size)))
    else:
        block = max(_WEIGHTED_BLOCK, 16 * size)
    buffer = min(block, len(values))
    index_buffer = np.empty(buffer, dtype=np.intp)
    category_buffer = np.empty(buffer if table is not None else 0, dtype=np.uint8)
    is_float = values.dtype.kind == "f"
    for start in range(0, len(values), block):
        part = values[start : start + block]
        index = index_buffer[: len(part)]
        np.multiply(codes[start : start + block], 4, out=index)
        if is_float:
            missing = np.isnan(part)
        if table is not None:
            if is_float:
                position = np.where(missing, scale.n_points + low, part).astype(np.intp)
            else:
                position = part.astype(np.intp, copy=False)
            if low:
                position = position - low
            index += table.take(position, out=category_buffer[: len(part)])
        else:
            index += part > dmax
            index += part >= pmin
            if is_float:
                index[missing] += 3  # NaN compares False both times: category 0 + 3
        counts += np.bincount(index, minlength=size)
        if weights is not None and sums is not None and squares is not None:
            w = weights[start : start + block].astype(np.float64)
            if is_float:
                w = np.where(missing, 0.0, w)
            sums += np.bincount(index, weights=w, minlength=size)
            squares += np.bincount(index, weights=w * w, minlength=size)
    grid = counts.reshape(n_codes, 4)
    if weights is None or sums is None or squares is None:
        return grid, np.zeros((n_codes, 6))
    weighted = np.column_stack(
        [sums.reshape(n_codes, 4)[:, :3], squares.reshape(n_codes, 4)[:, :3]]
    )
    # Missing answers are counted, not weighed: column 3 of the counts holds them.
    return grid, weighted
