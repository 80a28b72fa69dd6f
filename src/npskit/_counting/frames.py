"""Counting inside the caller's dataframe engine, through narwhals.

:func:`tally_frame` writes the counting as narwhals expressions (built in
:mod:`npskit._counting.frame_counts`, in the form each engine counts
fastest): one group-by of category counts and row counts. The engine runs it where the
data are (lazily for polars LazyFrames, DuckDB relations, Dask and Spark),
and only the small table of counts per group comes back, which
:func:`npskit.from_counts_table` turns into tallies. narwhals is imported
when the function is called, never at ``import npskit``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from typing import Any

from npskit._core.errors import (
    InvalidScoresError,
    InvalidWeightsError,
    MissingAnswersError,
    NpskitError,
    ScoreTypeError,
)
from npskit._core.grouped import GroupedTally
from npskit._core.scale import STANDARD_SCALE, Scale, scale_type_message
from npskit._core.tally import Tally
from npskit._core.validation import check_choice
from npskit.typing import Frequency, MissingKeys, NanPolicy

from .counts_table import from_counts_table
from .frame_counts import PREFIX, ROWS, complete_counts, count_query
from .inputs import plural
from .keys import column_names, is_missing, library
from .periods import bucket_keys, period_columns

__all__ = ["tally_frame"]

_PREFIX = PREFIX
_CATEGORIES = ("detractors", "passives", "promoters")
# Engines whose own exceptions (NarwhalsError, Py4JJavaError, ...) are turned
# into an NpskitError that names the column, with the original chained.
_ENGINES = {"narwhals", "polars", "duckdb", "dask", "pyspark", "py4j", "pyarrow", "pandas"}
_NO_POSITIONS = (
    "the engine counts rows where they are stored and does not report their "
    "positions (a distributed or lazy frame has no row order to point at)"
)


def tally_frame(
    frame: Any,
    *,
    score: str,
    by: str | Sequence[str] = (),
    weights: str | None = None,
    scale: Scale = STANDARD_SCALE,
    nan_policy: NanPolicy = "omit",
    missing_keys: MissingKeys = "group",
    freq: Frequency | Mapping[str, Frequency] | None = None,
) -> GroupedTally | Tally:
    """Count answers per group inside a dataframe engine, and return the tallies.

    The group-by runs in the caller's engine (polars, DuckDB, Dask, PySpark,
    pandas, pyarrow, or anything else narwhals supports), lazily where the
    engine is lazy; only the small table of counts per group is collected.

    Parameters
    ----------
    frame : dataframe or lazy frame
        A table of answers, one row per respondent: a polars DataFrame or
        LazyFrame, a DuckDB relation, a Dask DataFrame, a PySpark DataFrame,
        a pandas DataFrame or a pyarrow Table.
    score : str
        Column with the answers on the scale (integers or floats; null, and
        NaN in a float column, are missing answers).
    by : str or sequence of str, default ()
        Key columns (segments). With none, the result is one :class:`Tally`.
    weights : str, optional
        Column with survey weights, finite and >= 0 where the answer is
        present.
    scale : Scale, default the standard 0-10 scale
        Scale of the answers and its cut points.
    nan_policy : {"omit", "raise"}, default "omit"
        Leave missing answers out and count them, or raise.
    missing_keys : {"group", "raise"}, default "group"
        Rows with a null key form their own group (key ``None``), or raise.
    freq : {"day", "week", "month", "quarter", "year"} or mapping, optional
        Bucket date keys into calendar periods, as :func:`npskit.tally_by`
        does and with the same labels (``"2026-01"``, a key column named
        ``"month"``): one frequency for every ``by`` column of date or
        datetime type, or a mapping such as ``{"created": "month"}``. The
        engine truncates the dates itself (see Notes), so the counts table
        it returns has one row per period, not per date.

    Returns
    -------
    GroupedTally or Tally
        Tallies per group, ordered as :func:`npskit.tally_by` orders them
        (sorted by key, missing keys last), or the total when ``by`` is empty.

    Raises
    ------
    ImportError
        If narwhals is not installed (``pip install "npskit[frames]"``).
    TypeError
        If ``frame`` is not a dataframe narwhals knows, or the answers or
        weights are not numbers.
    ValueError
        If a column is not in the frame, or a key is null under
        ``missing_keys="raise"``.
    InvalidScoresError
        If answers are outside the scale, not whole numbers, or infinite; the
        message gives their number, not their positions (the engine does not
        report them).
    MissingAnswersError
        If answers are missing and ``nan_policy="raise"``.
    InvalidWeightsError
        If weights are null, negative or not finite where the answer is
        present.

    See Also
    --------
    from_counts_table : Tallies from a counts table computed elsewhere.
    tally_by : Count answers per group in memory.

    Notes
    -----
    The engine counts, per group, the answers in each category, the missing
    answers and the rows (with weights also the sums of ``w`` and ``w**2``
    per category, and the invalid weights); invalid answers are the rows in
    no category and not missing, so validation costs no extra pass or
    column. Where the engine takes expressions inside an aggregation (polars,
    Spark) the conditions are summed there, DuckDB gets
    ``count(*) FILTER (WHERE ...)``, and pandas and Dask sum boolean columns
    cast to integers. Written with narwhals [1]_, so the same code runs on
    every backend it supports.

    **Periods.** With ``freq`` each date column is truncated in the engine
    by narwhals' ``dt.truncate`` (polars ``dt.truncate``, DuckDB and Spark
    ``date_trunc``, pandas periods) to the first day of its month, quarter
    or year, or to its day; ISO weeks, which narwhals cannot truncate, and
    engines that cannot truncate to months (Dask) are truncated to the day.
    The few period starts that come back are labelled in Python by the
    same function as :func:`npskit.tally_by` (time-zone aware datetimes by
    their local wall-clock date), so every engine gives the same keys.

    References
    ----------
    .. [1] narwhals: extremely lightweight compatibility layer between
       dataframe libraries, https://narwhals-dev.github.io/narwhals/

    Examples
    --------
    >>> import polars as pl
    >>> from npskit import tally_frame
    >>> lf = pl.LazyFrame({"channel": ["web", "web", "phone", "phone", "web"],
    ...                    "answer": [10, 3, 9, None, 7]})
    >>> g = tally_frame(lf, score="answer", by="channel")
    >>> g["web"]
    Tally(detractors=1, passives=1, promoters=1, n_missing=0)
    >>> g["phone"]
    Tally(detractors=0, passives=0, promoters=1, n_missing=1)
    >>> tally_frame(lf, score="answer")
    Tally(detractors=1, passives=1, promoters=2, n_missing=1)
    >>> import datetime as dt
    >>> days = pl.LazyFrame({"agent": ["a", "a", "b"], "answer": [10, 3, 9],
    ...                      "day": [dt.date(2026, 1, 31), dt.date(2026, 2, 1),
    ...                              dt.date(2026, 2, 28)]})
    >>> monthly = tally_frame(days, score="answer", by=["agent", "day"], freq="month")
    >>> monthly.names, monthly.keys
    (('agent', 'month'), (('a', '2026-01'), ('a', '2026-02'), ('b', '2026-02')))
    """
    check_choice("nan_policy", nan_policy, ("omit", "raise"))
    check_choice("missing_keys", missing_keys, ("group", "raise"))
    if not isinstance(scale, Scale):
        raise TypeError(scale_type_message(scale))
    if not isinstance(score, str):
        raise TypeError(f"score must be a column name (str), got {score!r}")
    if weights is not None and not isinstance(weights, str):
        raise TypeError(f"weights must be a column name (str) or None, got {weights!r}")
    keys = column_names("by", by)
    try:
        import narwhals as nw
    except ImportError:
        raise ImportError(
            'tally_frame needs narwhals: pip install "npskit[frames]" (or narwhals)'
        ) from None
    try:
        table = nw.from_native(frame)
    except TypeError:
        raise TypeError(
            "frame must be a dataframe narwhals supports (polars, DuckDB, Dask, PySpark, "
            f"pandas, pyarrow, ...), got {type(frame).__name__}"
        ) from None
    schema = table.collect_schema()
    columns = list(schema.names())
    for role, name in [("score", score), *(("by", k) for k in keys), ("weights", weights)]:
        if name is not None and name not in columns:
            shown = ", ".join(repr(c) for c in columns[:10]) + (
                ", ..." if len(columns) > 10 else ""
            )
            raise ValueError(f"{role} names the column {name!r}, which is not in frame ({shown})")
    clash = [k for k in keys if k in (score, weights)]
    if clash:
        raise ValueError(f"by must name columns other than score and weights, got {clash!r}")
    score_type = schema[score]
    _check_numeric("score", score, score_type)
    if weights is not None:
        _check_numeric("weights", weights, schema[weights])

    periods = _period_columns(nw, freq, keys, schema)
    if periods:
        table = table.with_columns(*(_truncate(nw, table, k, f) for k, f in periods.items()))
    counted = count_query(nw, table, list(keys), score=score, weights=weights, scale=scale)
    try:
        result = _collect(nw, counted).to_dict(as_series=False)
    except Exception as error:
        if library(error) not in _ENGINES:
            raise
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise NpskitError(
            f"the {library(frame)} engine failed while counting column {score!r}"
            f"{'' if not keys else f' by {list(keys)!r}'}: {type(error).__name__}: "
            f"{first[:300]}; check that the columns hold numbers (answers"
            f"{', weights' if weights else ''}) and hashable keys, and that the frame "
            "can be read (the engine's own error is chained below)"
        ) from error
    if not isinstance(result, dict) or ROWS not in result:
        raise NpskitError("the engine returned no counts")
    complete_counts(result)

    invalid = _total(result[f"{_PREFIX}invalid"])
    if invalid:
        raise InvalidScoresError(
            f"column {score!r} contains {plural(invalid, 'invalid answer', 'invalid answers')} "
            f"(outside {scale.low}..{scale.high}, not whole numbers, or infinite); "
            f"{_NO_POSITIONS}: find them with a filter such as "
            f"~{score}.is_between({scale.low}, {scale.high}); pass scale=npskit.Scale(...) "
            "if this survey used another scale",
            count=invalid,
        )
    missing = _total(result[f"{_PREFIX}missing"])
    if missing and nan_policy == "raise":
        raise MissingAnswersError(
            f"column {score!r} contains {plural(missing, 'missing answer', 'missing answers')} "
            f"and nan_policy='raise'; {_NO_POSITIONS}; pass nan_policy='omit' to leave them "
            "out and count them",
            count=missing,
        )
    if weights is not None:
        bad = _total(result[f"{_PREFIX}bad_weight"])
        if bad:
            raise InvalidWeightsError(
                f"column {weights!r} contains {plural(bad, 'weight', 'weights')} that are "
                "null, negative, NaN or infinite where the answer is present; weights must "
                f"be finite and >= 0 ({_NO_POSITIONS})"
            )
    if missing_keys == "raise":
        for key in keys:
            rows = _null_key_rows(result, key)
            if rows:
                raise ValueError(
                    f"by column {key!r} has {plural(rows, 'row', 'rows')} with a missing key "
                    "and missing_keys='raise'; pass missing_keys='group' to count them as "
                    "their own group"
                )
    names = {category: f"{_PREFIX}{category}" for category in _CATEGORIES}
    options: dict[str, Any] = {
        "categories": [names[c] for c in _CATEGORIES],
        "n_missing": f"{_PREFIX}missing",
    }
    if weights is not None:
        options["weight_sum"] = [f"{_PREFIX}w_{c}" for c in _CATEGORIES]
        options["weight_sq_sum"] = [f"{_PREFIX}w2_{c}" for c in _CATEGORIES]
    counts = from_counts_table(result, by=keys, scale=scale, missing_keys="group", **options)
    if periods and isinstance(counts, GroupedTally):
        return bucket_keys(counts, periods)
    return counts


def _period_columns(
    nw: Any, freq: object, keys: Sequence[str], schema: Any
) -> dict[str, Frequency]:
    """The by columns ``freq`` buckets: date or datetime columns of the frame."""
    if freq is None:
        return {}
    if not keys:
        raise TypeError(f"freq={freq!r} buckets date columns of by, but by names no column")
    temporal = [isinstance(schema[k], (nw.Date, nw.Datetime)) for k in keys]
    chosen = period_columns(freq, keys, [[_dt.date(1970, 1, 1)] if t else [] for t in temporal])
    for position in chosen:
        if not temporal[position]:
            raise TypeError(
                f"freq buckets by column {keys[position]!r}, which has type "
                f"{schema[keys[position]]}, not a date or datetime; cast it in the engine "
                "first (for text, str.to_date or CAST(... AS DATE))"
            )
    return {keys[position]: one for position, one in chosen.items()}


def _truncate(nw: Any, table: Any, key: str, freq: Frequency) -> Any:
    """Column ``key`` truncated to its period's start in the engine (the day, at least)."""
    every = {"month": "1mo", "quarter": "1q", "year": "1y"}.get(freq, "1d")
    if table.implementation.is_dask():  # narwhals truncates Dask dates to days only
        every = "1d"
    return nw.col(key).dt.truncate(every)


def _check_numeric(role: str, name: str, dtype: Any) -> None:
    if not dtype.is_numeric():
        raise ScoreTypeError(
            f"{role} column {name!r} has type {dtype}, which is not a number; cast it to an "
            "integer or float type in the engine first"
        )


def _collect(nw: Any, counted: Any) -> Any:
    """The counts as an eager narwhals DataFrame (polars lazily by its streaming engine)."""
    if not isinstance(counted, nw.LazyFrame):
        return counted
    if counted.implementation.is_polars():
        try:
            return counted.collect(engine="streaming")
        except TypeError:  # polars before 1.23 has no engine= argument
            return counted.collect()
    return counted.collect()


def _total(values: list[Any]) -> int:
    return int(sum(int(v) for v in values if v is not None))


def _null_key_rows(result: dict[str, list[Any]], key: str) -> int:
    rows = 0
    for position, value in enumerate(result[key]):
        if is_missing(value):
            rows += sum(
                int(result[f"{_PREFIX}{name}"][position])
                for name in (*_CATEGORIES, "missing", "invalid")
            )
    return rows
