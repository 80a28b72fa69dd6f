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

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._core.grouped import DistinctKeys, GroupedTally
from npskit._core.regroup import add_at, exact_column_sums
from npskit._core.scale import STANDARD_SCALE, Scale, scale_type_message
from npskit._core.tally import Tally
from npskit._core.validation import check_choice
from npskit.typing import MissingKeys

from .alignment import check_same_index
from .counts_forms import category_form, long_form, three_columns
from .factorize import factorize
from .grouping import combine_codes, grouped_from_counts, missing_level
from .keys import column_names, library

__all__ = ["from_counts_table"]


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
        raise TypeError(scale_type_message(scale))
    keys = column_names("by", by)
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
        cells, sums, squares = long_form(
            get, score, "count" if count is None else count, weight_sum, weight_sq_sum, scale
        )
    else:
        if count is not None:
            raise ValueError(
                f"count={count!r} is for the long form; in the category form the "
                "categories= columns hold the counts"
            )
        cells, sums, squares = category_form(
            get, three_columns("categories", categories), n_missing, weight_sum, weight_sq_sum
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
        factors.append(missing_level(factor, name, missing_keys))
    if not factors:
        return _total(cells, sums, squares, weighted=weighted)
    codes, levels = combine_codes(factors, rows)
    size = len(levels)
    counts = add_at((size, 4), codes, cells, "a group's count")
    weights = np.zeros((size, 6))
    if weighted:
        np.add.at(weights, codes, np.column_stack([sums, squares]))
    observed = np.flatnonzero(np.bincount(codes, minlength=size) > 0)
    key_values = [factor.values(levels[observed, j]) for j, factor in enumerate(factors)]
    found = DistinctKeys(zip(*key_values, strict=True))  # one group per code
    return grouped_from_counts(keys, found, counts[observed], weights[observed], weighted=weighted)


def _total(
    cells: npt.NDArray[np.int64],
    sums: npt.NDArray[np.float64],
    squares: npt.NDArray[np.float64],
    *,
    weighted: bool,
) -> Tally:
    """The whole table as one Tally, in Python integers (any size, never wrapped)."""
    d, p, q, missing = exact_column_sums(cells.reshape(-1, 4))
    if not weighted:
        return Tally(detractors=d, passives=p, promoters=q, n_missing=missing)
    return Tally(
        detractors=math.fsum(sums[:, 0]),
        passives=math.fsum(sums[:, 1]),
        promoters=math.fsum(sums[:, 2]),
        n_missing=missing,
        squared_weights=(
            math.fsum(squares[:, 0]),
            math.fsum(squares[:, 1]),
            math.fsum(squares[:, 2]),
        ),
        responses=d + p + q,
    )


# -- arguments -------------------------------------------------------------------


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
        # Columns given as pandas Series are paired by position: refuse
        # differing indexes rather than pair the wrong rows.
        check_same_index([(f"column {name!r}", table[name]) for name in columns])

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
