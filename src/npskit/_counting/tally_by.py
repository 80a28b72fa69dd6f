"""Counting answers per segment: ``tally_by``, which returns a ``GroupedTally``.

Everything happens in one vectorised pass. Each key column is turned into
integer codes (pandas and polars do it themselves when their objects are
passed; numpy integers go through an offset and ``bincount``; text, objects and
wide integers through a vectorised hash table, see :mod:`npskit._counting.factorize`),
several key columns are combined into one code by mixed radix, and one
``np.bincount`` over ``code * 4 + category`` (category 3 is "missing answer")
counts every group at once. There is no Python loop over rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from npskit._core.errors import InvalidWeightsError
from npskit._core.grouped import DistinctKeys, GroupedTally
from npskit._core.regroup import integer_row_sums
from npskit._core.scale import STANDARD_SCALE, Scale
from npskit._core.validation import check_choice
from npskit.typing import Frequency, MissingKeys, NanPolicy

from .alignment import check_same_index
from .engine_groups import polars_text_counts, polars_text_key
from .factorize import factorize
from .grouping import combine_codes, count_groups, grouped_from_counts, missing_level
from .inputs import as_numeric, as_weights
from .kernel import check_options, check_values, valid_integer_answers
from .keys import column_of, key_columns
from .periods import period_columns, period_factor, period_names
from .text_lists import engine_text

__all__ = ["tally_by"]


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
    freq: Frequency | Mapping[str, Frequency] | None = None,
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
    freq : {"day", "week", "month", "quarter", "year"} or mapping, optional
        Bucket date keys into calendar periods, so that ``by=["agent",
        "date"]`` with ``freq="month"`` counts per agent and month. One
        frequency buckets every ``by`` column that holds dates (numpy
        ``datetime64``, pandas or polars dates and datetimes, ``date`` or
        ``datetime`` objects); a mapping such as ``{"date": "month"}`` names
        the columns, which may then also hold ISO 8601 text. Dates are
        bucketed as :func:`npskit.trend` buckets them (time-zone aware
        datetimes by their local wall-clock date). See Notes.

    Returns
    -------
    GroupedTally
        One tally per group, and the total.

    Raises
    ------
    ValueError
        If ``by`` and ``scores`` differ in length, a column name is not in
        ``data``, a key is missing and ``missing_keys="raise"``, or ``freq``
        is not a frequency or names a column that is not a ``by`` column.
    TypeError
        If ``by`` is not array-like, keys are unhashable, or ``freq`` is
        given and no ``by`` column holds dates.
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

    **Long lists of text.** A list, tuple or object array of at least 2^20
    keys whose keys are all ``str`` (or ``None``) is handed to polars, or
    to pyarrow, when one is installed: they read and group the text in
    compiled code, about 2.5 times as fast as a ``dict`` (see
    :mod:`npskit._counting.text_lists`). Groups, order and counts are the
    same; a key that is an instance of a ``str`` subclass comes back as
    plain ``str``.

    **Periods.** With ``freq`` a date column becomes a column of period
    labels, text that sorts in time order: ``"2026-03-02"`` (day),
    ``"2026-W09"`` (ISO 8601 week, Monday to Sunday, by ISO year),
    ``"2026-03"`` (month), ``"2026-Q1"`` (quarter) or ``"2026"`` (year). The
    column is named after the frequency (``"month"``) unless another key
    column has that name, in which case it keeps its own. A missing date is a
    missing key. Only periods with rows appear (:func:`npskit.trend` fills
    the gaps).

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
    >>> day = np.array(["2024-01-05", "2024-01-31", "2024-02-01", "2024-02-20",
    ...                 "2024-01-09", "2024-02-11", "2024-02-29"], dtype="datetime64[D]")
    >>> monthly = tally_by(scores, [channel, day], freq="month")
    >>> monthly.names, monthly.keys[:2]
    (('key0', 'month'), (('phone', '2024-01'), ('phone', '2024-02')))
    """
    check_options(scale, nan_policy)
    check_choice("missing_keys", missing_keys, ("group", "raise"))
    columns, names = key_columns(by, data)
    score_column = column_of(data, scores, "scores")
    weight_column = None if weights is None else column_of(data, weights, "weights")
    check_same_index(
        [
            ("scores", score_column),
            *((f"by column {name!r}", column) for name, column in zip(names, columns, strict=True)),
            ("weights", weight_column),
        ]
    )
    score_values = as_numeric(score_column)
    weight_values = None
    if weight_column is not None:
        weight_values = as_weights(weight_column)
        if len(weight_values) != len(score_values):
            raise InvalidWeightsError(
                f"weights must have one weight per answer: got {len(score_values)} "
                f"answers and {len(weight_values)} weights"
            )
    n = len(score_values)
    # polars text keys: polars groups them (see engine_groups.py); so does a
    # long Python list of str when polars is installed (see text_lists.py)
    simple = len(columns) == 1 and weight_values is None and freq is None
    text = engine_text(columns[0]) if simple else None
    if text is not None:
        columns = [text]  # (a pyarrow array when polars is not installed)
    engine = simple and polars_text_key(columns[0], n, scale, raise_missing=missing_keys == "raise")
    # Validation. Unweighted integer answers only need a range check (for
    # the engine, done while narrowing them); anything else, and any answer
    # off the scale, goes through the same kernel as tally(), which checks
    # answers and weights and raises the errors.
    valid = valid_integer_answers(score_values, scale) if engine else None
    if valid is None:
        check_values(score_values, weight_values, scale, nan_policy)
    if engine:
        answers = score_values if valid is None else valid
        found_keys, found_counts = polars_text_counts(columns[0], answers, scale)
        squares = np.zeros((len(found_keys), 6))
        return grouped_from_counts(names, tuple(found_keys), found_counts, squares, weighted=False)
    periods = {} if freq is None else period_columns(freq, names, columns)
    factors = []
    for position, (name, column) in enumerate(zip(names, columns, strict=True)):
        if position in periods:
            factor = period_factor(column, name, periods[position])
        else:
            factor = factorize(column, name, engines=not simple)  # simple: tried above
        if len(factor.codes) != n:
            raise ValueError(
                f"by column {name!r} has {len(factor.codes)} keys but scores has {n} "
                "answers; they must have the same length"
            )
        factors.append(missing_level(factor, name, missing_keys))
    group_codes, levels = combine_codes(factors, n)
    counts, squares = count_groups(group_codes, len(levels), score_values, weight_values, scale)
    observed = np.flatnonzero(integer_row_sums(counts) > 0)
    counts, squares, levels = counts[observed], squares[observed], levels[observed]
    key_values = [factor.values(levels[:, j]) for j, factor in enumerate(factors)]
    # One group per code, so the keys are distinct (GroupedTally need not check them).
    keys = DistinctKeys(zip(*key_values, strict=True)) if key_values else ()
    if periods:
        names = list(period_names(names, periods))
    return grouped_from_counts(names, keys, counts, squares, weighted=weight_values is not None)
