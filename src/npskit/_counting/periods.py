"""Calendar periods from dates: bucketing, labels, and period keys of grouped counts.

Dates are bucketed into integer period codes through a lookup table over the
range of days, so the calendar arithmetic runs once per distinct day, not once
per answer. :func:`bucket` and :func:`calendar` serve :func:`npskit.trend`;
:func:`period_factor` makes a date key column of :func:`npskit.tally_by` a
column of periods, and :func:`bucket_keys` does the same to a
:class:`npskit.GroupedTally` already counted by date (a counts table, a CSV
file counted by the command line). Every path labels periods the same way:
``"2026-03-02"`` (day), ``"2026-W09"`` (ISO week), ``"2026-03"`` (month),
``"2026-Q1"`` (quarter), ``"2026"`` (year).
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, get_args

import numpy as np
import numpy.typing as npt

from npskit._core.grouped import GroupedTally
from npskit._core.regroup import regroup
from npskit._core.validation import check_choice
from npskit.typing import Frequency

from .factorize import Factor
from .keys import library

__all__ = [
    "as_date",
    "bucket",
    "bucket_keys",
    "calendar",
    "is_date_column",
    "local_time_text",
    "period_columns",
    "period_factor",
    "period_label",
    "period_names",
]

_LOOKUP_DAYS = 1 << 22  # widest range of days bucketed through a lookup table
FREQUENCIES: tuple[Frequency, ...] = get_args(Frequency)


def _datetimes(periods: Any) -> npt.NDArray[np.datetime64]:
    """``periods`` as a numpy datetime64 array (NaT for missing), or TypeError."""
    kind = library(periods)
    array: Any = None
    if kind == "pandas":
        dtype = getattr(periods, "dtype", None)
        if getattr(dtype, "tz", None) is not None:
            periods = (
                periods.dt.tz_localize(None)
                if hasattr(periods, "dt")
                else periods.tz_localize(None)
            )
        if getattr(getattr(periods, "dtype", None), "kind", "O") == "M":
            array = np.asarray(periods.to_numpy())
        else:
            array = np.asarray(periods.to_numpy(dtype=object))
    elif kind == "polars":
        dtype = periods.dtype
        if getattr(dtype, "time_zone", None) is not None:
            periods = periods.dt.replace_time_zone(None)
        array = np.asarray(periods.to_numpy()) if dtype.is_temporal() else None
        if array is None:
            array = np.asarray(periods.to_list(), dtype=object)
    elif isinstance(periods, np.ndarray):
        array = periods
    elif isinstance(periods, (list, tuple)):
        array = np.array(periods, dtype=object)
    elif hasattr(periods, "__array__"):
        array = np.asarray(periods)
    if array is None or getattr(array, "ndim", 0) != 1:
        raise TypeError(
            "periods must be a one-dimensional array of dates when freq is given, got "
            f"{type(periods).__name__}"
        )
    if array.dtype.kind == "M":
        dates: npt.NDArray[np.datetime64] = array
        return dates
    if array.dtype.kind in "USO":
        try:
            converted = np.array(
                [None if _missing(v) else local_time_text(v) for v in array.tolist()],
                dtype="datetime64",
            )
        except (TypeError, ValueError):
            converted = None
        if converted is not None and converted.dtype.kind == "M":
            return converted
    raise TypeError(
        "periods must be dates when freq is given (numpy datetime64, datetime or date "
        "objects, ISO 8601 text, pandas or polars dates), got values of dtype "
        f"{array.dtype}; leave freq=None to use the periods as they are"
    )


_OFFSET = re.compile(r"\d[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)$")


def local_time_text(value: object) -> object:
    """An ISO timestamp with a UTC offset as the local time written (other values as they are).

    numpy would convert such a timestamp to UTC (with a warning); npskit keeps
    the local time, as pandas does.

    Examples
    --------
    >>> local_time_text("2026-01-01T00:40:39+02:00"), local_time_text("2026-01-01")
    ('2026-01-01T00:40:39', '2026-01-01')
    """
    if not isinstance(value, str) or not _OFFSET.search(value.strip()):
        return value
    try:
        moment = _dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return value
    return moment.replace(tzinfo=None).isoformat()


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return type(value).__name__ in {"NaTType", "NAType"}


def bucket(periods: Any, freq: Frequency) -> tuple[npt.NDArray[np.intp], int, int]:
    """Period code of each answer (``size`` for a missing date), first bucket, count."""
    days_array = _datetimes(periods).astype("datetime64[D]", copy=False)
    missing = np.isnat(days_array)
    has_missing = bool(missing.any())
    days = days_array.view(np.int64)
    present = days[~missing] if has_missing else days
    if len(present) == 0:
        return np.zeros(len(days), dtype=np.intp), 0, 0
    low, high = int(present.min()), int(present.max())
    step = 7 if freq == "week" else 1
    if high - low >= _LOOKUP_DAYS:  # a very long range: bucket every answer directly
        buckets = _bucket_days(np.where(missing, low, days), freq)
        first = int(_bucket_days(np.array([low]), freq)[0])
        size = (int(_bucket_days(np.array([high]), freq)[0]) - first) // step + 1
        codes = ((buckets - first) // step).astype(np.intp)
        codes[missing] = size
        return codes, first, size
    # Buckets grow with the day, so the first and last come from the ends of
    # the lookup table, and one take() per answer does the rest.
    table = _bucket_days(np.arange(low, high + 1, dtype=np.int64), freq)
    first = int(table[0])
    size = (int(table[-1]) - first) // step + 1
    code_table = ((table - first) // step).astype(np.intp)
    if has_missing:
        code_table = np.append(code_table, size)
        index = np.where(missing, high + 1, days)
    else:
        index = days.copy()
    index -= low
    return code_table.take(index), first, size


def _bucket_days(days: npt.NDArray[np.int64], freq: Frequency) -> npt.NDArray[np.int64]:
    """Bucket number of days since 1970-01-01: a day, Monday, month, quarter or year number."""
    if freq == "day":
        return days
    if freq == "week":
        return days - (days + 3) % 7  # 1970-01-01 was a Thursday; weeks start on Monday
    months = days.astype("datetime64[D]").astype("datetime64[M]").view(np.int64)
    if freq == "month":
        return months
    if freq == "quarter":
        return months // 3
    return days.astype("datetime64[D]").astype("datetime64[Y]").view(np.int64)


def calendar(first: int, size: int, freq: Frequency) -> tuple[list[Any], list[_dt.date | None]]:
    """Labels and first days of ``size`` consecutive buckets from bucket ``first``."""
    labels: list[Any] = []
    starts: list[_dt.date | None] = []
    epoch = _dt.date(1970, 1, 1)
    for i in range(size):
        if freq in ("day", "week"):
            start = epoch + _dt.timedelta(days=first + (7 * i if freq == "week" else i))
            if freq == "day":
                label = start.isoformat()
            else:
                year, week, _ = start.isocalendar()
                label = f"{year}-W{week:02d}"
        elif freq in ("month", "quarter"):
            month = first + i if freq == "month" else 3 * (first + i)
            start = _dt.date(1970 + month // 12, month % 12 + 1, 1)
            if freq == "month":
                label = f"{start.year}-{start.month:02d}"
            else:
                label = f"{start.year}-Q{(start.month - 1) // 3 + 1}"
        else:
            start = _dt.date(1970 + first + i, 1, 1)
            label = str(start.year)
        labels.append(label)
        starts.append(start)
    return labels, starts


def period_label(code: int, first: int, freq: Frequency) -> str:
    """Label of the period ``code`` counted from bucket ``first`` (see :func:`bucket`)."""
    step = 7 if freq == "week" else 1
    labels, _ = calendar(first + step * code, 1, freq)
    return str(labels[0])


def as_date(key: Any) -> np.datetime64:
    """One key as a date (ISO 8601 text, a date, datetime or datetime64), or ValueError.

    A time-zone aware datetime gives its local wall-clock date, as
    :func:`bucket` does for aware pandas and polars columns.
    """
    if isinstance(key, _dt.datetime) and key.tzinfo is not None:
        key = key.replace(tzinfo=None)
    key = local_time_text(key)
    try:
        return np.datetime64(key, "D") if isinstance(key, str) else np.datetime64(key)
    except (TypeError, ValueError):
        raise ValueError(
            f"period {key!r} is not a date; dates must be ISO 8601 (e.g. 2026-03-31)"
        ) from None


def is_date_column(column: Any) -> bool:
    """Whether a key column holds dates or datetimes (by its type, or its first value)."""
    kind = library(column)
    dtype = getattr(column, "dtype", None)
    if kind == "polars":
        return bool(dtype is not None and type(dtype).__name__ in {"Date", "Datetime"})
    if kind == "pandas":
        return getattr(dtype, "kind", "") == "M"
    if isinstance(column, np.ndarray):
        if column.dtype.kind == "M":
            return True
        if column.dtype.kind != "O":
            return False
        values: Any = column
    elif isinstance(column, (list, tuple)):
        values = column
    else:
        return False
    first = next((v for v in values if not _missing(v)), None)
    return isinstance(first, (_dt.date, np.datetime64))


def period_columns(
    freq: object, names: Sequence[str], columns: Sequence[Any]
) -> dict[int, Frequency]:
    """Which key columns ``freq`` buckets, and how: ``{position: frequency}``.

    ``freq`` is one frequency for every key column that holds dates, or a
    mapping of column name to frequency (named columns may hold ISO 8601 text).
    """
    if isinstance(freq, Mapping):
        chosen: dict[int, Frequency] = {}
        for name, value in freq.items():
            if name not in names:
                raise ValueError(
                    f"freq names the column {name!r}, which is not a by column; the by "
                    f"columns are {', '.join(map(repr, names))}"
                )
            chosen[list(names).index(name)] = check_choice(f"freq[{name!r}]", value, FREQUENCIES)
        return chosen
    one: Frequency = check_choice("freq", freq, FREQUENCIES)
    dated = {i: one for i, column in enumerate(columns) if is_date_column(column)}
    if not dated:
        raise TypeError(
            f"freq={one!r} buckets the by columns that hold dates, but none of "
            f"{', '.join(map(repr, names))} does; convert the dates (numpy datetime64, "
            "pandas.to_datetime, polars str.to_date) or name the column: "
            f"freq={{{names[-1]!r}: {one!r}}} reads ISO 8601 text"
        )
    return dated


def period_factor(column: Any, name: str, freq: Frequency) -> Factor:
    """A date key column as integer period codes (-1 for a missing date) and labels."""
    try:
        codes, first, size = bucket(column, freq)
    except TypeError as error:
        raise TypeError(f"by column {name!r} cannot be bucketed by freq: {error}") from None
    codes = codes.copy() if not codes.flags.writeable else codes
    codes[codes == size] = -1

    def values(levels: npt.NDArray[np.intp]) -> list[Any]:
        return [period_label(int(level), first, freq) for level in levels.tolist()]

    return Factor(codes, size, values)


def bucket_keys(grouped: GroupedTally, freq: object) -> GroupedTally:
    """``grouped`` with its date key columns made calendar periods.

    ``freq`` is as for :func:`npskit.tally_by` (one frequency for every key
    column of dates, or a mapping naming the columns, whose keys may be ISO
    8601 text). Groups whose dates fall in the same period add up; a missing
    date (``None``) stays missing. The columns are renamed as
    :func:`period_names` says.
    """
    keys = [list(key) for key in grouped.keys]
    columns = [[key[i] for key in keys] for i in range(len(grouped.names))]
    chosen = period_columns(freq, grouped.names, columns)
    return _bucketed(grouped, keys, chosen)


def _bucketed(
    grouped: GroupedTally, keys: list[list[Any]], freq: Mapping[int, Frequency]
) -> GroupedTally:
    for position, one in freq.items():
        distinct = list(dict.fromkeys(key[position] for key in keys))
        present = [value for value in distinct if not _missing(value)]
        days = np.array([as_date(value) for value in present], dtype="datetime64[D]")
        codes, first, _ = bucket(days, one)
        label = {
            value: period_label(int(code), first, one)
            for value, code in zip(present, codes.tolist(), strict=True)
        }
        for key in keys:
            value = key[position]
            key[position] = None if _missing(value) else label[value]
    arrays = [grouped.counts, grouped.n_missing, grouped.responses]
    if grouped.squared_weights is not None:
        arrays.append(grouped.squared_weights)
    distinct_keys, sums = regroup([tuple(key) for key in keys], arrays)
    return GroupedTally.from_arrays(
        period_names(grouped.names, freq),
        distinct_keys,
        sums[0],
        sums[1],
        sums[2],
        sums[3] if len(sums) > 3 else None,
    )


def period_names(names: Sequence[str], freq: Mapping[int, Frequency]) -> tuple[str, ...]:
    """Key column names with each period column named after its frequency.

    A column keeps its own name when the frequency's name is taken (by another
    key column, or by another period column of the same frequency).
    """
    wanted = [freq.get(i, name) for i, name in enumerate(names)]
    return tuple(
        new if i in freq and wanted.count(new) == 1 and new not in names else names[i]
        for i, new in enumerate(wanted)
    )
