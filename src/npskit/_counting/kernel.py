"""The validated counting kernel behind :func:`npskit.tally` and :func:`npskit.tally_by`.

It works block by block so that the several numpy passes over a block find it
in cache; validation and counting share those passes. There is no Python loop
over answers. Unweighted answers take a fast path that proves the data valid
while counting (on several cores for long arrays, see
:mod:`npskit._counting.parallel`); anything it cannot prove (and every
weighted tally) goes through the checked kernel, which owns every data error
message. See
benchmarks/README.md for what this costs next to bare numpy.
"""

from __future__ import annotations

from typing import Any, NoReturn, get_args

import numpy as np
import numpy.typing as npt

from npskit._core.errors import InvalidScoresError, InvalidWeightsError, MissingAnswersError
from npskit._core.scale import Scale, scale_type_message
from npskit._core.tally import Tally
from npskit.typing import NanPolicy

from .flags import FlagCounter
from .inputs import describe_positions, plural
from .integers import (
    bounds_to_check,
    exact_integer_dtype,
    integer_blocks,
    integers_on_scale,
    narrower_dtype,
    unsigned,
)
from .parallel import count_in_parts

__all__ = ["check_options", "check_values", "tally_values", "valid_integer_answers"]

_BLOCK = 1 << 16


def check_options(scale: object, nan_policy: object) -> None:
    """Check the ``scale`` and ``nan_policy`` options of every counting function."""
    if not isinstance(scale, Scale):
        raise TypeError(scale_type_message(scale))
    if nan_policy not in get_args(NanPolicy):
        raise ValueError(
            f"nan_policy must be one of {', '.join(map(repr, get_args(NanPolicy)))}, "
            f"got {nan_policy!r}"
        )


def tally_values(
    values: npt.NDArray[Any],
    weights: npt.NDArray[Any] | None,
    scale: Scale,
    nan_policy: NanPolicy,
    *,
    offset: int,
    chunk: int | None,
) -> Tally:
    """Tally validated answers; raise on the first block with a problem.

    Unweighted answers go through a fast path that only proves the data
    valid; whenever it meets anything else (an invalid answer, a missing one
    under ``nan_policy="raise"``, a scale too wide for its tricks) it hands
    over to :func:`_tally_checked`, which finds the problem and raises the
    same error, in the same order, as it always has.
    """
    if weights is None:
        counts = _fast_counts(values, scale, nan_policy)
        if counts is not None:
            detractors, promoters, missing = counts
            return Tally(
                detractors=detractors,
                passives=len(values) - missing - detractors - promoters,
                promoters=promoters,
                n_missing=missing,
            )
    return _tally_checked(values, weights, scale, nan_policy, offset=offset, chunk=chunk)


def check_values(
    values: npt.NDArray[Any], weights: npt.NDArray[Any] | None, scale: Scale, nan_policy: NanPolicy
) -> None:
    """Raise what :func:`tally_values` raises for these answers, without counting them.

    Unweighted integers need one range pass (one maximum when the scale
    starts at 0: negatives viewed as unsigned are past any scale); anything
    else, and any answer out of range, goes through :func:`tally_values`,
    which owns the error messages.
    """
    if weights is None and integers_on_scale(values, scale):
        return
    tally_values(values, weights, scale, nan_policy, offset=0, chunk=None)


# Block lengths of the fast path, tuned with benchmarks/bench_nps.py on a
# 2-core AMD EPYC (2 MiB L2 per core, 32 MiB L3): long enough that numpy's
# per-call overhead is small, short enough that a block and its buffers are
# still in cache on the later passes. The optimum is broad (within ~15% from a
# quarter to four times these lengths). Buffers are allocated per call, never
# shared, so concurrent calls from several threads are safe.
_INT_BLOCK_BYTES = 1 << 21
_FLOAT_BLOCK = 1 << 18


def _fast_counts(
    values: npt.NDArray[Any], scale: Scale, nan_policy: NanPolicy
) -> tuple[int, int, int] | None:
    """``(detractors, promoters, missing)`` of valid answers, else ``None``.

    ``None`` means "not proven valid": the caller falls back to the checked
    kernel, which raises the right error (or, for a scale outside the fast
    path's reach, counts the slow way).
    """
    if len(values) == 0:
        return 0, 0, 0
    # Long arrays are counted in parts on several cores (see parallel.py).
    return count_in_parts(values, lambda part: _fast_part(part, scale, nan_policy))


def _fast_part(
    values: npt.NDArray[Any], scale: Scale, nan_policy: NanPolicy
) -> tuple[int, int, int] | None:
    if values.dtype.kind == "f":
        return _fast_float_counts(values, scale, nan_policy)
    counts = _fast_integer_counts(values, scale)
    return None if counts is None else (counts[0], counts[1], 0)


def _fast_integer_counts(values: npt.NDArray[Any], scale: Scale) -> tuple[int, int] | None:
    size = min(_INT_BLOCK_BYTES // values.dtype.itemsize, len(values))
    counter = FlagCounter(size)
    dmax, pmin = scale.detractor_max, scale.promoter_min
    detractors = promoters = 0
    for block in integer_blocks(values, scale, _INT_BLOCK_BYTES):
        if block is None:
            return None
        if len(block) < size:
            counter.shorten(len(block))
        np.less_equal(block, dmax, out=counter.flags)
        detractors += counter.count()
        np.greater_equal(block, pmin, out=counter.flags)
        promoters += counter.count()
    return detractors, promoters


def valid_integer_answers(values: npt.NDArray[Any], scale: Scale) -> npt.NDArray[Any] | None:
    """Integer answers proven on the scale, in the narrowest integer dtype that holds it.

    ``None`` when the answers are not integers or not all on the scale (the
    caller then validates with :func:`tally_values`, which raises the error).
    Answers already as narrow come back as they are, not copied.
    """
    if values.dtype.kind not in "iu":
        return None
    small = narrower_dtype(values.dtype, scale)
    out = values if small is None else np.empty(len(values), dtype=small)
    for block in integer_blocks(values, scale, _INT_BLOCK_BYTES, None if small is None else out):
        if block is None:
            return None
    return out


def _fast_float_counts(
    values: npt.NDArray[Any], scale: Scale, nan_policy: NanPolicy
) -> tuple[int, int, int] | None:
    # Per block: cast to a small integer dtype (truncating; NaN, inf and huge
    # values give arbitrary integers), cast back and compare with the block.
    # Equal means "a whole number within the small dtype"; unequal means NaN or
    # invalid, and the NaN count tells which. Range and categories are then
    # read from the small integers, shifted so that the scale starts at 0 and
    # viewed as unsigned (a value below the scale wraps to a large number), and
    # with NaN positions zeroed (answer `low`, a detractor, taken off again).
    small = exact_integer_dtype(scale)
    if small is None:
        return None
    low = scale.low
    span = scale.high - low
    dmax, pmin = scale.detractor_max - low, scale.promoter_min - low
    size = min(_FLOAT_BLOCK, len(values))
    ints = np.empty(size, dtype=small)
    shifted = ints.view(unsigned(small))
    shift = np.array(low, dtype=small).view(shifted.dtype)
    back = np.empty(size, dtype=values.dtype.newbyteorder("="))
    same, flags = FlagCounter(size), FlagCounter(size)
    detractors = promoters = missing = 0
    with np.errstate(invalid="ignore"):
        for start in range(0, len(values), size):
            block = values[start : start + size]
            n = len(block)
            if n < size:
                ints, shifted, back = ints[:n], shifted[:n], back[:n]
                same.shorten(n)
                flags.shorten(n)
            np.copyto(ints, block, casting="unsafe")
            np.copyto(back, ints)
            np.equal(back, block, out=same.flags)
            exact = same.count()
            absent = 0
            if exact != n:
                np.isnan(block, out=flags.flags)
                absent = flags.count()
                if exact + absent != n or nan_policy == "raise":
                    return None
            if low:
                np.subtract(shifted, shift, out=shifted)
            if absent:
                np.multiply(shifted, same.flags, out=shifted)
            if shifted.max() > span:
                return None
            np.less_equal(shifted, dmax, out=flags.flags)
            detractors += flags.count() - absent
            np.greater_equal(shifted, pmin, out=flags.flags)
            promoters += flags.count()
            missing += absent
    return detractors, promoters, missing


def _tally_checked(
    values: npt.NDArray[Any],
    weights: npt.NDArray[Any] | None,
    scale: Scale,
    nan_policy: NanPolicy,
    *,
    offset: int,
    chunk: int | None,
) -> Tally:
    """The reference kernel: validation and counting in plain passes.

    It serves weighted answers, raises every data error of the package (its
    order decides which error a block with several problems gives: fractional
    values, then missing ones under ``nan_policy="raise"``, then values out of
    range or infinite), and stays the yardstick the fast path is tested
    against.
    """
    is_float = values.dtype.kind == "f"
    check_low, check_high = bounds_to_check(values.dtype, scale)
    low, high = scale.low, scale.high
    dmax, pmin = scale.detractor_max, scale.promoter_min
    detractors = promoters = missing = 0
    sums = np.zeros(3)
    squares = np.zeros(3)
    for start in range(0, len(values), _BLOCK):
        block = values[start : start + _BLOCK]
        present = len(block)
        if is_float:
            integral = np.count_nonzero(np.floor(block) == block)
            absent = np.count_nonzero(np.isnan(block))
            present -= absent
            if integral != present:
                _raise_invalid(values, scale, offset, chunk)
            if absent and nan_policy == "raise":
                _raise_missing(values, offset, chunk)
            missing += absent
            if present and (np.fmin.reduce(block) < low or np.fmax.reduce(block) > high):
                _raise_invalid(values, scale, offset, chunk)
        elif (check_low and block.min() < low) or (check_high and block.max() > high):
            _raise_invalid(values, scale, offset, chunk)
        is_detractor = block <= dmax
        is_promoter = block >= pmin
        if weights is None:
            detractors += int(np.count_nonzero(is_detractor))
            promoters += int(np.count_nonzero(is_promoter))
            continue
        block_weights = weights[start : start + _BLOCK]
        is_present = ~np.isnan(block) if is_float else np.ones(len(block), dtype=bool)
        _check_weights(block_weights, is_present, weights, values, offset)
        is_passive = is_present & ~is_detractor & ~is_promoter
        squared = block_weights * block_weights
        for k, mask in enumerate((is_detractor, is_passive, is_promoter)):
            sums[k] += np.sum(block_weights, where=mask)
            squares[k] += np.sum(squared, where=mask)
    if weights is None:
        passives = len(values) - missing - detractors - promoters
        return Tally(
            detractors=detractors, passives=passives, promoters=promoters, n_missing=missing
        )
    return Tally(
        detractors=float(sums[0]),
        passives=float(sums[1]),
        promoters=float(sums[2]),
        n_missing=missing,
        squared_weights=(float(squares[0]), float(squares[1]), float(squares[2])),
        responses=len(values) - missing,
    )


def _where(chunk: int | None) -> str:
    return "" if chunk is None else f" in chunk {chunk}"


def _raise_invalid(
    values: npt.NDArray[Any], scale: Scale, offset: int, chunk: int | None
) -> NoReturn:
    """Scan the whole array for every invalid answer and raise one error."""
    with np.errstate(invalid="ignore"):
        if values.dtype.kind == "f":
            infinite = np.isinf(values)
            fractional = ~infinite & ~np.isnan(values) & (np.floor(values) != values)
        else:
            infinite = fractional = np.zeros(len(values), dtype=bool)
        outside = ~infinite & ~fractional & ((values < scale.low) | (values > scale.high))
    bad = np.flatnonzero(infinite | fractional | outside)
    kinds = [
        (int(np.count_nonzero(outside)), f"outside {scale.low}..{scale.high}"),
        (int(np.count_nonzero(fractional)), "not whole numbers"),
        (int(np.count_nonzero(infinite)), "infinite"),
    ]
    what = ", ".join(f"{count} {label}" for count, label in kinds if count)
    shown, shown_values, where = describe_positions(bad, list(values[bad[:5]]), offset)
    hint = (
        "pass scale=npskit.Scale(...) if this survey used another scale"
        if kinds[0][0]
        else "NPS answers are whole numbers on the scale"
    )
    raise InvalidScoresError(
        f"scores contain {plural(len(bad), 'invalid value', 'invalid values')}"
        f"{_where(chunk)} ({what}; {where}); {hint}",
        count=len(bad),
        positions=shown,
        values=shown_values,
    )


def _raise_missing(values: npt.NDArray[Any], offset: int, chunk: int | None) -> NoReturn:
    bad = np.flatnonzero(np.isnan(values))
    shown, shown_values, where = describe_positions(bad, list(values[bad[:5]]), offset)
    raise MissingAnswersError(
        f"scores contain {plural(len(bad), 'missing answer', 'missing answers')}"
        f"{_where(chunk)} ({where}) and nan_policy='raise'; pass nan_policy='omit' "
        "to leave them out and count them",
        count=len(bad),
        positions=shown,
        values=shown_values,
    )


def _check_weights(
    block_weights: npt.NDArray[Any],
    is_present: npt.NDArray[np.bool_],
    weights: npt.NDArray[Any],
    values: npt.NDArray[Any],
    offset: int,
) -> None:
    with np.errstate(invalid="ignore"):
        good = np.isfinite(block_weights) & (block_weights >= 0)
    if np.all(good | ~is_present):
        _check_weight_range(block_weights, is_present, weights, values, offset)
        return
    with np.errstate(invalid="ignore"):
        present = ~np.isnan(values) if values.dtype.kind == "f" else True
        bad = np.flatnonzero(~(np.isfinite(weights) & (weights >= 0)) & present)
    _, _, where = describe_positions(bad, list(weights[bad[:5]]), offset)
    raise InvalidWeightsError(
        f"weights contain {plural(len(bad), 'value', 'values')} that are negative, "
        f"NaN or infinite where the answer is present ({where}); weights "
        "must be finite and >= 0"
    )


# Nonzero weights must stay where their squares are finite and nonzero in
# float64 (|w| < 1.3e154 and > 1.5e-154), or Kish's sum of squared weights is
# lost; the bounds leave room for summing 10**100 of them.
WEIGHT_MIN, WEIGHT_MAX = 1e-150, 1e150


def _check_weight_range(
    block_weights: npt.NDArray[Any],
    is_present: npt.NDArray[np.bool_],
    weights: npt.NDArray[Any],
    values: npt.NDArray[Any],
    offset: int,
) -> None:
    used = block_weights if is_present.all() else block_weights[is_present]
    if not len(used):
        return
    smallest = float(np.min(used, where=used > 0, initial=np.inf))
    if float(used.max()) <= WEIGHT_MAX and smallest >= WEIGHT_MIN:
        return
    with np.errstate(invalid="ignore"):
        present = ~np.isnan(values) if values.dtype.kind == "f" else True
        bad = np.flatnonzero(
            ((weights > WEIGHT_MAX) | ((weights > 0) & (weights < WEIGHT_MIN))) & present
        )
    _, _, where = describe_positions(bad, list(weights[bad[:5]]), offset)
    raise InvalidWeightsError(
        f"weights contain {plural(len(bad), 'value', 'values')} too large or too small "
        f"to square in float64 ({where}); nonzero weights must lie between "
        f"{WEIGHT_MIN:g} and {WEIGHT_MAX:g}: multiply or divide all weights by one "
        "constant (NPS, shares and effective n do not change)"
    )
