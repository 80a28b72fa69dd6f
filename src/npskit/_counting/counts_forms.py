"""The two layouts of a counts table, read into per-row category counts.

:func:`long_form` reads one row per group and answer (an answer column and a
count column, as ``GROUP BY key, answer`` returns them); :func:`category_form`
one row per group (columns of detractors, passives, promoters). Both check
their values (whole counts, answers on the scale, consistent sums of weights
and of squared weights) and return, per row, the four counts (detractors,
passives, promoters, missing) and the three weight sums and squared-weight
sums. :func:`npskit.from_counts_table` then adds rows up per group.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._core.errors import InvalidScoresError, InvalidWeightsError
from npskit._core.regroup import COUNT_MAX
from npskit._core.scale import Scale

from .inputs import as_numeric, describe_positions, plural
from .keys import column_names

__all__ = ["category_form", "long_form", "three_columns"]

_SHOWN = 5
_TOLERANCE = 1e-9  # relative slack of the checks between sums and sums of squares


def three_columns(role: str, value: object) -> tuple[str, str, str]:
    names = column_names(role, value) if not isinstance(value, str) else ()
    if len(names) != 3:
        raise ValueError(
            f"{role} must name three columns (detractors, passives, promoters), got {value!r}"
        )
    return names[0], names[1], names[2]


def _numbers(get: Any, name: str) -> npt.NDArray[Any]:
    return as_numeric(get(name), name=f"column {name!r}")


def _same_length(arrays: Mapping[str, npt.NDArray[Any]]) -> int:
    lengths = {name: len(array) for name, array in arrays.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"the columns of the counts table differ in length: {lengths!r}")
    return next(iter(lengths.values()))


def long_form(
    get: Any,
    score: str,
    count: str,
    weight_sum: object,
    weight_sq_sum: object,
    scale: Scale,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    answers = _numbers(get, score)
    counts_column = _numbers(get, count)
    arrays = {score: answers, count: counts_column}
    weighted = weight_sum is not None
    s_name = q_name = ""
    if weighted:
        sum_name = column_names("weight_sum", weight_sum)
        square_name = column_names("weight_sq_sum", weight_sq_sum)
        if len(sum_name) != 1 or len(square_name) != 1:
            raise ValueError(
                "in the long form, weight_sum and weight_sq_sum each name one column, got "
                f"weight_sum={weight_sum!r}, weight_sq_sum={weight_sq_sum!r}"
            )
        s_name, q_name = sum_name[0], square_name[0]
        arrays[s_name] = _numbers(get, s_name)
        arrays[q_name] = _numbers(get, q_name)
    rows = _same_length(arrays)
    counts = _whole_counts(count, counts_column)
    absent = np.isnan(answers) if answers.dtype.kind == "f" else np.zeros(rows, dtype=bool)
    _check_answers(score, answers, absent, scale)
    category = np.full(rows, 3, dtype=np.intp)
    present = np.flatnonzero(~absent)
    category[present] = scale.codes_of(answers[present]).astype(np.intp) + 1
    cells = np.zeros((rows, 4), dtype=np.int64)
    cells[np.arange(rows), category] = counts
    sums = np.zeros((rows, 3))
    squares = np.zeros((rows, 3))
    if weighted:
        row_sums, row_squares = arrays[s_name], arrays[q_name]
        _check_weights([(s_name, row_sums, q_name, row_squares, counts)], ~absent)
        mask = ~absent
        sums[present, category[present]] = row_sums[mask]
        squares[present, category[present]] = row_squares[mask]
    return cells, sums, squares


def category_form(
    get: Any,
    categories: tuple[str, str, str],
    n_missing: str | None,
    weight_sum: object,
    weight_sq_sum: object,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    arrays = {name: _numbers(get, name) for name in categories}
    if n_missing is not None:
        arrays[n_missing] = _numbers(get, n_missing)
    weighted = weight_sum is not None
    sum_names = square_names = categories
    if weighted:
        sum_names = three_columns("weight_sum", weight_sum)
        square_names = three_columns("weight_sq_sum", weight_sq_sum)
        for name in (*sum_names, *square_names):
            arrays[name] = _numbers(get, name)
    rows = _same_length(arrays)
    cells = np.zeros((rows, 4), dtype=np.int64)
    for k, name in enumerate(categories):
        cells[:, k] = _whole_counts(name, arrays[name])
    if n_missing is not None:
        cells[:, 3] = _whole_counts(n_missing, arrays[n_missing])
    sums = np.zeros((rows, 3))
    squares = np.zeros((rows, 3))
    if weighted:
        _check_weights(
            [
                (
                    sum_names[k],
                    arrays[sum_names[k]],
                    square_names[k],
                    arrays[square_names[k]],
                    cells[:, k],
                )
                for k in range(3)
            ],
            np.ones(rows, dtype=bool),
        )
        for k in range(3):
            sums[:, k] = arrays[sum_names[k]]
            squares[:, k] = arrays[square_names[k]]
    return cells, sums, squares


# -- validation ----------------------------------------------------------------------


def _rows_message(bad: npt.NDArray[np.intp], values: npt.NDArray[Any]) -> str:
    _, _, where = describe_positions(bad, list(values[bad[:_SHOWN]]))
    return where.replace("position", "row")


def _whole_counts(name: str, values: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
    if values.dtype.kind in "iu":
        bad = np.flatnonzero(values < 0)
        if len(bad):
            raise ValueError(
                f"column {name!r} holds counts of answers, which must be whole numbers >= 0; "
                f"it has {plural(len(bad), 'negative count', 'negative counts')} "
                f"({_rows_message(bad, values)})"
            )
        _check_fits(name, values)
        return values.astype(np.int64, copy=False)
    with np.errstate(invalid="ignore"):
        good = np.isfinite(values) & (values >= 0) & (np.floor(values) == values)
    bad = np.flatnonzero(~good)
    if len(bad):
        raise ValueError(
            f"column {name!r} holds counts of answers, which must be whole numbers >= 0; "
            f"it has {plural(len(bad), 'bad count', 'bad counts')} (negative, fractional "
            f"or missing; {_rows_message(bad, values)}); sums of weights go in weight_sum="
        )
    _check_fits(name, values)
    return values.astype(np.int64)


def _check_fits(name: str, values: npt.NDArray[Any]) -> None:
    # uint64 above 2**63 - 1 and floats from 2**63 would wrap when cast to int64.
    with np.errstate(invalid="ignore"):
        huge = values > COUNT_MAX if values.dtype.kind == "u" else values >= 2.0**63
    bad = np.flatnonzero(huge)
    if len(bad):
        raise ValueError(
            f"column {name!r} has {plural(len(bad), 'count', 'counts')} larger than "
            f"{COUNT_MAX} (2**63 - 1), the largest count a counts table holds "
            f"({_rows_message(bad, values.astype(object))})"
        )


def _check_answers(
    name: str, answers: npt.NDArray[Any], absent: npt.NDArray[np.bool_], scale: Scale
) -> None:
    with np.errstate(invalid="ignore"):
        inside = (answers >= scale.low) & (answers <= scale.high)
        if answers.dtype.kind == "f":
            inside &= np.floor(answers) == answers
    bad = np.flatnonzero(~inside & ~absent)
    if len(bad) == 0:
        return
    shown, values, where = describe_positions(bad, list(answers[bad[:_SHOWN]]))
    raise InvalidScoresError(
        f"column {name!r} holds answers, which must be whole numbers "
        f"{scale.low}..{scale.high} (or null for missing answers); it has "
        f"{plural(len(bad), 'invalid answer', 'invalid answers')} "
        f"({where.replace('position', 'row')}); pass scale=npskit.Scale(...) if this "
        "survey used another scale",
        count=len(bad),
        positions=shown,
        values=values,
    )


def _check_weights(
    groups: list[tuple[str, npt.NDArray[Any], str, npt.NDArray[Any], npt.NDArray[np.int64]]],
    used: npt.NDArray[np.bool_],
) -> None:
    """Sums of weights and of squared weights: finite, >= 0, and consistent.

    With ``c`` answers of weights ``w >= 0``, ``(sum w)**2 / c <= sum w**2 <=
    (sum w)**2``; both sums are 0 together, and 0 when ``c`` is 0.
    """
    for sum_name, sums, square_name, squares, counts in groups:
        for name, values in ((sum_name, sums), (square_name, squares)):
            with np.errstate(invalid="ignore"):
                bad = np.flatnonzero(used & ~(np.isfinite(values) & (values >= 0)))
            if len(bad):
                raise InvalidWeightsError(
                    f"column {name!r} holds sums of (squared) weights, which must be finite "
                    f"and >= 0; it has {plural(len(bad), 'bad value', 'bad values')} "
                    f"({_rows_message(bad, values)})"
                )
        s = sums.astype(np.float64)
        q = squares.astype(np.float64)
        low = s * s / np.maximum(counts, 1)
        high = s * s
        wrong = used & (
            ((counts == 0) & ((s > 0) | (q > 0)))
            | (q < low * (1 - _TOLERANCE))
            | (q > high * (1 + _TOLERANCE))
        )
        bad = np.flatnonzero(wrong)
        if len(bad):
            first = int(bad[0])
            raise InvalidWeightsError(
                f"columns {sum_name!r} and {square_name!r} are inconsistent on "
                f"{plural(len(bad), 'row', 'rows')} (first at row {first}: "
                f"{int(counts[first])} answers, sum of weights {float(s[first])!r}, sum of "
                f"squared weights {float(q[first])!r}); with c answers of weights >= 0, "
                "(sum w)**2 / c <= sum w**2 <= (sum w)**2, and both are 0 when c is 0; "
                "check that the two columns are not swapped"
            )
