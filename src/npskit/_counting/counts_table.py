"""Counts tables: tallies from counts computed elsewhere (SQL, Spark, a warehouse).

Every NPS statistic is a function of the per-group category counts, so a table
of counts is as good as the answers behind it. Two layouts are read:

* the **long** form, one row per group and answer: key columns, the answer on
  the scale (null for a missing answer), the number of answers, and, for
  weighted data, the sum of the weights and the sum of the squared weights;
* the **category** form, one row per group: key columns and the numbers of
  detractors, passives and promoters (and optionally of missing answers and
  the weighted sums of each category).

Rows for the same group (and answer) add up. Validation and aggregation are
vectorised over rows; keys become integer codes as in :func:`npskit.tally_by`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._core.errors import InvalidScoresError, InvalidWeightsError
from npskit._core.scale import STANDARD_SCALE, Scale
from npskit._core.tally import Tally
from npskit._core.validation import check_choice
from npskit.typing import MissingKeys

from .inputs import as_numeric, describe_positions, plural
from .keys import factorize, library
from .tally_by import GroupedTally, _combine, _grouped, _missing_level

__all__ = ["from_counts_table"]

_SHOWN = 5
_TOLERANCE = 1e-9  # relative slack of the checks between sums and sums of squares


def from_counts_table(
    table: Any,
    *,
    by: str | Sequence[str] = (),
    score: str | None = None,
    count: str | None = None,
    categories: Sequence[str] | None = None,
    n_missing: str | None = None,
    weight_sum: str | Sequence[str] | None = None,
    weight_sq_sum: str | Sequence[str] | None = None,
    scale: Scale = STANDARD_SCALE,
    missing_keys: MissingKeys = "group",
) -> GroupedTally | Tally:
    """Tallies from a table of counts, per group or in total.

    Parameters
    ----------
    table : mapping, pandas.DataFrame, polars.DataFrame or pyarrow.Table
        The counts. A mapping is column name to array (list, numpy array or
        series); a pyarrow ``RecordBatchReader`` (what DuckDB's ``.arrow()``
        returns) is read whole. pandas, polars and pyarrow are never imported unless such a
        table is passed.
    by : str or sequence of str, default ()
        Key columns (segments). With no key column the result is one
        :class:`Tally` of the whole table.
    score : str, optional
        **Long form**: the column with the answer on the scale (``0..10`` for
        the standard scale); a null answer (None, NaN) is a row of missing
        answers, which count into ``n_missing``.
    count : str, optional
        Long form: the column with the number of answers of each row;
        default ``"count"``.
    categories : sequence of three str, optional
        **Category form**: the columns with the numbers of detractors,
        passives and promoters, in that order. Give ``score`` or
        ``categories``, not both.
    n_missing : str, optional
        Category form: a column with the number of missing answers.
    weight_sum, weight_sq_sum : str or sequence of three str, optional
        Weighted data. Long form: the columns with the sum of the weights and
        the sum of the squared weights of each row's answers. Category form:
        three columns each (detractors, passives, promoters). ``count`` (or
        ``categories``) then still holds the unweighted numbers of answers.
    scale : Scale, default the standard 0-10 scale
        Scale of the answers (long form) and its cut points.
    missing_keys : {"group", "raise"}, default "group"
        Rows with a missing key form their own group (key ``None``, last),
        or raise, as in :func:`npskit.tally_by`.

    Returns
    -------
    GroupedTally or Tally
        One tally per group, ordered as :func:`npskit.tally_by` orders groups,
        when ``by`` names key columns; the total :class:`Tally` otherwise.
        Every group that has a row appears, even when its counts are 0.

    Raises
    ------
    TypeError
        If ``table`` is not a supported table, or a column is not numbers.
    ValueError
        If the layout arguments do not describe one form, a column is not in
        the table, the columns differ in length, a count is negative, not a
        whole number or missing, or a key is missing under
        ``missing_keys="raise"`` (naming the rows).
    InvalidScoresError
        If an answer is outside the scale or not a whole number (naming the
        rows).
    InvalidWeightsError
        If a sum of weights or of squared weights is negative, not finite,
        missing, or inconsistent with the other sums of its row (naming the
        rows).

    See Also
    --------
    tally_frame : Compute the counts inside a dataframe engine.
    tally_by : Count answers per group.

    Notes
    -----
    The category counts are sufficient statistics of the trinomial model
    behind every NPS method, so a counts table loses nothing that an
    unpaired analysis needs; tallies of disjoint parts add up, which is why
    duplicate rows of one group (or group and answer) are simply summed.
    Paired designs need respondent-level data, not counts.

    For weighted data each row needs :math:`\\sum w` and :math:`\\sum w^2`,
    from which Kish's effective sample size
    :math:`n_\\mathrm{eff} = (\\sum w)^2 / \\sum w^2` follows [1]_. Rows are
    checked for consistency: with :math:`c` answers of non-negative weights,
    :math:`(\\sum w)^2 / c \\le \\sum w^2 \\le (\\sum w)^2` (a swap of the two
    columns is caught this way).

    References
    ----------
    .. [1] Kish, L. (1965). *Survey Sampling*. New York: Wiley.

    Examples
    --------
    The long form, one row per channel and answer, as ``GROUP BY channel,
    answer`` in SQL returns it:

    >>> from npskit import from_counts_table
    >>> counts = {
    ...     "channel": ["web", "web", "web", "phone", "phone", "phone"],
    ...     "answer": [10, 7, 3, 9, None, 9],
    ...     "count": [50, 30, 20, 12, 4, 8],
    ... }
    >>> g = from_counts_table(counts, by="channel", score="answer")
    >>> g["web"]
    Tally(detractors=20, passives=30, promoters=50, n_missing=0)
    >>> g["phone"]
    Tally(detractors=0, passives=0, promoters=20, n_missing=4)

    The category form, and the total when no key is named:

    >>> from_counts_table(
    ...     {"d": [20, 5], "p": [30, 0], "q": [50, 0]}, categories=["d", "p", "q"])
    Tally(detractors=25, passives=30, promoters=50, n_missing=0)

    The result goes anywhere a tally does:

    >>> from npskit import breakdown
    >>> round(breakdown(g).total.nps, 1)
    41.7
    """
    check_choice("missing_keys", missing_keys, ("group", "raise"))
    if not isinstance(scale, Scale):
        raise TypeError(f"scale must be an npskit.Scale, got {type(scale).__name__}")
    keys = _names("by", by)
    get = _column_getter(table)
    if (score is None) == (categories is None):
        raise ValueError(
            "give score= (long form: one row per answer value with a count) or "
            "categories= (category form: detractors, passives, promoters columns), "
            f"exactly one of them; got score={score!r}, categories={categories!r}"
        )
    weighted = weight_sum is not None or weight_sq_sum is not None
    if weighted and (weight_sum is None or weight_sq_sum is None):
        raise ValueError(
            "weighted counts need both weight_sum (sums of weights) and weight_sq_sum "
            f"(sums of squared weights); got weight_sum={weight_sum!r}, "
            f"weight_sq_sum={weight_sq_sum!r}"
        )
    if score is not None:
        if n_missing is not None:
            raise ValueError(
                f"n_missing={n_missing!r} is for the category form; in the long form a row "
                "whose answer is null holds the missing answers"
            )
        cells, sums, squares = _long_form(
            get, score, "count" if count is None else count, weight_sum, weight_sq_sum, scale
        )
    else:
        if count is not None:
            raise ValueError(
                f"count={count!r} is for the long form; in the category form the "
                "categories= columns hold the counts"
            )
        cells, sums, squares = _category_form(
            get, _three("categories", categories), n_missing, weight_sum, weight_sq_sum
        )
    rows = len(cells)
    factors = []
    for name in keys:
        factor = factorize(get(name), name)
        if len(factor.codes) != rows:
            raise ValueError(
                f"column {name!r} has {len(factor.codes)} values but the counts have {rows} "
                "rows; all columns must have the same length"
            )
        factors.append(_missing_level(factor, name, missing_keys))
    if factors:
        codes, levels = _combine(factors, rows)
        size = len(levels)
    else:
        codes, levels, size = np.zeros(rows, dtype=np.intp), np.zeros((1, 0), np.intp), 1
    counts = np.zeros((size, 4), dtype=np.int64)
    np.add.at(counts, codes, cells)
    weights = np.zeros((size, 6))
    if weighted:
        np.add.at(weights, codes, np.column_stack([sums, squares]))
    if not factors:
        return _grouped((), ((),), counts, weights, weighted=weighted).total
    observed = np.flatnonzero(np.bincount(codes, minlength=size) > 0)
    key_values = [factor.values(levels[observed, j]) for j, factor in enumerate(factors)]
    found = tuple(zip(*key_values, strict=True))
    return _grouped(keys, found, counts[observed], weights[observed], weighted=weighted)


# -- arguments -------------------------------------------------------------------


def _names(role: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        if len(set(value)) != len(value):
            raise ValueError(f"{role} names a column twice: {value!r}")
        return tuple(value)
    raise TypeError(f"{role} must be a column name or a list of column names, got {value!r}")


def _three(role: str, value: object) -> tuple[str, str, str]:
    names = _names(role, value) if not isinstance(value, str) else ()
    if len(names) != 3:
        raise ValueError(
            f"{role} must name three columns (detractors, passives, promoters), got {value!r}"
        )
    return names[0], names[1], names[2]


def _column_getter(table: Any) -> Any:
    """A function from column name to column, for the kinds of table accepted."""
    kind = library(table)
    if kind == "pyarrow" and hasattr(table, "read_all"):  # a RecordBatchReader
        table = table.read_all()
    if kind == "polars" and hasattr(table, "get_column"):
        columns = list(table.columns)
        fetch = table.get_column
    elif kind == "pandas" and hasattr(table, "columns") and getattr(table, "ndim", 0) == 2:
        columns = list(table.columns)

        def fetch(name: str) -> Any:
            return table[name]
    elif kind == "pyarrow" and hasattr(table, "column_names"):
        columns = list(table.column_names)
        fetch = table.column
    elif isinstance(table, Mapping):
        columns = list(table)

        def fetch(name: str) -> Any:
            return table[name]
    else:
        hint = ""
        if kind == "polars" and hasattr(table, "collect"):
            hint = "; collect the LazyFrame first, or use npskit.tally_frame"
        raise TypeError(
            "table must be a mapping of column name to array, a pandas or polars "
            f"DataFrame, or a pyarrow Table, got {type(table).__name__}{hint}"
        )

    def get(name: str) -> Any:
        if name not in columns:
            shown = ", ".join(repr(c) for c in columns[:10]) + (
                ", ..." if len(columns) > 10 else ""
            )
            raise ValueError(f"the counts table has no column {name!r} (columns: {shown})")
        return fetch(name)

    return get


# -- the two layouts -----------------------------------------------------------------


def _numbers(get: Any, name: str) -> npt.NDArray[Any]:
    return as_numeric(get(name), name=f"column {name!r}")


def _same_length(arrays: Mapping[str, npt.NDArray[Any]]) -> int:
    lengths = {name: len(array) for name, array in arrays.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"the columns of the counts table differ in length: {lengths!r}")
    return next(iter(lengths.values()))


def _long_form(
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
        sum_name = _names("weight_sum", weight_sum)
        square_name = _names("weight_sq_sum", weight_sq_sum)
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
    offsets = answers[present].astype(np.int64) - scale.low
    category[present] = scale.categories().astype(np.intp)[offsets] + 1
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


def _category_form(
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
        sum_names = _three("weight_sum", weight_sum)
        square_names = _three("weight_sq_sum", weight_sq_sum)
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
    return values.astype(np.int64)


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
