"""Counting answers per segment: ``tally_by`` and the ``GroupedTally`` it returns.

Everything happens in one vectorised pass. Each key column is turned into
integer codes (pandas and polars do it themselves when their objects are
passed; numpy integers go through an offset and ``bincount``; text, objects and
wide integers through a vectorised hash table, see ``_keys.py``),
several key columns are combined into one code by mixed radix, and one
``np.bincount`` over ``code * 4 + category`` (category 3 is "missing answer")
counts every group at once. There is no Python loop over rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._core.errors import InvalidWeightsError
from npskit._core.grouped import GroupedTally
from npskit._core.scale import STANDARD_SCALE, Scale
from npskit._core.validation import check_choice
from npskit.typing import MissingKeys, NanPolicy

from .inputs import as_numeric, plural
from .keys import Factor, column_of, factorize, key_columns
from .tally import _check_options, _tally_values

__all__ = ["GroupedTally", "tally_by"]


_IntArray = npt.NDArray[np.intp]
_GRID_LIMIT = 1 << 22  # most combined codes counted without compressing them first
_BLOCK = 1 << 16  # answers per counting step, unless there are many groups


# -- tally_by -----------------------------------------------------------------------


def tally_by(
    scores: Any,
    by: Any,
    *,
    weights: Any = None,
    data: Any = None,
    scale: Scale = STANDARD_SCALE,
    nan_policy: NanPolicy = "omit",
    missing_keys: MissingKeys = "group",
) -> GroupedTally:
    """Count detractors, passives and promoters per group of one or more keys.

    Parameters
    ----------
    scores : array_like or str
        Answers on the scale, as for :func:`tally` (one array, not a stream of
        chunks), or the name of a column of ``data``.
    by : array_like, sequence of array_like, str or sequence of str
        The key of each answer: one array (a list, numpy array, or pandas or
        polars series), a list or tuple of such arrays for a cross breakdown
        (for example channel x month), or column names of ``data``. Keys may
        be text, categoricals, integers, booleans, dates and times.
    weights : array_like or str, optional
        Survey weights, one per answer, as for :func:`tally`, or a column name.
    data : pandas.DataFrame, polars.DataFrame or mapping, optional
        A table to take columns from when ``scores``, ``by`` or ``weights`` are
        column names; a mapping of column name to array also works.
    scale : Scale, default the standard 0-10 scale
        Scale of the answers and its cut points.
    nan_policy : {"omit", "raise"}, default "omit"
        Missing answers are left out and counted per group in
        ``Tally.n_missing``, or raise.
    missing_keys : {"group", "raise"}, default "group"
        Rows whose key is missing (None, NaN, NaT, pandas NA, polars null) form
        their own group, with ``None`` in place of the missing key value, or
        raise.

    Returns
    -------
    GroupedTally
        One tally per group, and the total.

    Raises
    ------
    ValueError
        If ``by`` and ``scores`` differ in length, a column name is not in
        ``data``, or a key is missing and ``missing_keys="raise"``.
    TypeError
        If ``by`` is not array-like, or keys are unhashable.
    InvalidScoresError, MissingAnswersError, ScoreTypeError, InvalidWeightsError
        As for :func:`tally`.

    Notes
    -----
    **Order of groups.** Groups are sorted by key, column by column: text,
    numbers, booleans and dates in their natural order; pandas categoricals
    and polars enums in the order of their categories (polars categoricals,
    which have no category order, lexically); the missing-key group last within
    each column. When the values of a key column cannot be compared with each
    other (say, a Python list mixing text and numbers), that column keeps the
    order of first appearance. Only groups with at least one row appear (a
    group whose answers are all missing appears, with an empty tally);
    categories of a categorical that no row has are left out.

    **Key values.** Keys come back as Python values (``str``, ``int``,
    ``bool``) where the input held them; numpy dates as ``numpy.datetime64``,
    pandas dates as ``pandas.Timestamp``, polars dates as ``datetime``. Text in
    a numpy ``str`` array has no missing value (the empty string is a key);
    Python objects are grouped by equality, as in a ``dict``.

    **Cost.** One vectorised pass: each key column becomes integer codes
    (pandas and polars compute them for their own objects; numpy integers and
    dates by an offset and ``bincount``; text by hashing its bytes into a
    vectorised hash table, every match checked against the stored key), the
    codes of several columns are combined by mixed radix, and a single
    ``bincount`` over ``code * 4 + category`` counts all groups.

    Examples
    --------
    >>> import numpy as np
    >>> from npskit import tally_by
    >>> scores = [10, 9, 3, None, 7, 10, 0]
    >>> channel = ["web", "phone", "web", "web", None, "phone", "phone"]
    >>> g = tally_by(scores, channel)
    >>> for key, t in g:
    ...     print(key, t)  # doctest: +ELLIPSIS
    ('phone',) NPS +33.3 from 3 answers; 0 missing left out
    ...
    >>> g.keys
    (('phone',), ('web',), (None,))
    >>> g[None]
    Tally(detractors=0, passives=1, promoters=0, n_missing=0)
    >>> g["web"].n_missing
    1
    >>> month = np.array(["2024-01", "2024-01", "2024-02", "2024-02", "2024-01",
    ...                   "2024-02", "2024-02"], dtype="datetime64[M]")
    >>> cross = tally_by(scores, [channel, month])
    >>> cross.keys[0], cross[("phone", np.datetime64("2024-02"))].nps
    (('phone', np.datetime64('2024-01')), 0.0)
    """
    _check_options(scale, nan_policy)
    check_choice("missing_keys", missing_keys, ("group", "raise"))
    columns, names = key_columns(by, data)
    score_values = as_numeric(column_of(data, scores, "scores"))
    weight_values = None
    if weights is not None:
        weight_values = as_numeric(column_of(data, weights, "weights"), name="weights")
        if len(weight_values) != len(score_values):
            raise InvalidWeightsError(
                f"weights must have one weight per answer: got {len(score_values)} "
                f"answers and {len(weight_values)} weights"
            )
    n = len(score_values)
    # Validation of answers and weights, by the same kernel as tally().
    _tally_values(score_values, weight_values, scale, nan_policy, offset=0, chunk=None)
    factors = []
    for name, column in zip(names, columns, strict=True):
        factor = factorize(column, name)
        if len(factor.codes) != n:
            raise ValueError(
                f"by column {name!r} has {len(factor.codes)} keys but scores has {n} "
                "answers; they must have the same length"
            )
        factors.append(_missing_level(factor, name, missing_keys))
    group_codes, levels = _combine(factors, n)
    counts, squares = _count_groups(group_codes, len(levels), score_values, weight_values, scale)
    observed = np.flatnonzero(counts.sum(axis=1) > 0)
    counts, squares, levels = counts[observed], squares[observed], levels[observed]
    key_values = [_level_values(factor, levels[:, j]) for j, factor in enumerate(factors)]
    keys = tuple(zip(*key_values, strict=True)) if key_values else ()
    return _grouped(names, keys, counts, squares, weighted=weight_values is not None)


def _grouped(
    names: Sequence[str],
    keys: tuple[tuple[Any, ...], ...],
    counts: npt.NDArray[Any],
    squares: npt.NDArray[np.float64],
    *,
    weighted: bool,
) -> GroupedTally:
    present = counts[:, :3]
    missing = counts[:, 3]
    responses = present.sum(axis=1)
    if not weighted:
        return GroupedTally.from_arrays(names, keys, present, missing, responses)
    return GroupedTally.from_arrays(
        names, keys, squares[:, :3], missing, responses, squared_weights=squares[:, 3:]
    )


def _missing_level(factor: Factor, name: str, policy: MissingKeys) -> Factor:
    """Give missing keys the code ``factor.size`` (a last group), or raise."""
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


def _level_values(factor: Factor, levels: _IntArray) -> list[Any]:
    return factor.values(levels)


def _combine(factors: list[Factor], n: int) -> tuple[_IntArray, _IntArray]:
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


def _count_groups(
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
    # Category of each answer on the scale, and 3 for a missing answer (slot
    # n_points of the table, where NaN is sent).
    table = np.append(scale.categories().astype(np.intp) + 1, 3)
    size = 4 * n_codes
    counts = np.zeros(size, dtype=np.int64)
    sums = np.zeros(size) if weights is not None else None
    squares = np.zeros(size) if weights is not None else None
    block = max(_BLOCK, 16 * size)
    is_float = values.dtype.kind == "f"
    low = scale.low
    for start in range(0, len(values), block):
        part = values[start : start + block]
        if is_float:
            missing = np.isnan(part)
            position = np.where(missing, scale.n_points + low, part).astype(np.intp)
        else:
            position = part.astype(np.intp, copy=False)
        if low:
            position = position - low
        index = codes[start : start + block] * 4
        index += table.take(position)
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
