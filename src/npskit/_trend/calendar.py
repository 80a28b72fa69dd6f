"""Periods from dates: parsing, bucketing by calendar frequency, labels, merging tallies.

Dates are bucketed into integer period codes through a lookup table over the
range of days, so the calendar arithmetic runs once per distinct day, not once
per answer.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import math
import warnings
from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._core.tally import Tally
from npskit._core.warnings import InputWarning
from npskit._counting.keys import library
from npskit._io.dates import local_time_text
from npskit.typing import Frequency

__all__ = ["bucket", "calendar", "empty_tally", "merge_periods"]

_LOOKUP_DAYS = 1 << 22  # widest range of days bucketed through a lookup table


def merge_periods(
    keys: list[Any], tallies: list[Tally], freq: Frequency | None
) -> tuple[list[Any], list[_dt.date | None], list[Tally], int]:
    """Labels, first days and tallies of the periods of keys, and answers without a period.

    Tallies of equal keys add up (with ``freq``: of keys in the same calendar
    period). ``None`` or ``""`` is a missing period. See
    :func:`npskit._trend.trend.trend_from_tallies`.
    """
    absent = [k is None or k == "" for k in keys]
    n_missing_period = sum(
        t.n + t.n_missing for t, gone in zip(tallies, absent, strict=True) if gone
    )
    kept = [(k, t) for k, t, gone in zip(keys, tallies, absent, strict=True) if not gone]
    labels: list[Any]
    starts: list[_dt.date | None]
    if freq is None:
        warn_if_dates([k for k, _ in kept])
        sums: dict[Any, Tally] = {}
        for key, part in kept:
            sums[key] = sums[key] + part if key in sums else part
        labels = list(sums)
        with contextlib.suppress(TypeError):  # keys that cannot be compared keep their order
            labels.sort()
        starts = [None] * len(labels)
        merged = [sums[key] for key in labels]
    else:
        dates = [_date(k) for k, _ in kept]
        codes, first, size = bucket(np.array(dates, dtype="datetime64[D]"), freq)
        labels, starts = calendar(first, size, freq)
        weighted = any(t.is_weighted for _, t in kept)
        merged = [empty_tally(weighted)] * size
        for code, (_, part) in zip(codes.tolist(), kept, strict=True):
            merged[code] = merged[code] + part
    return labels, starts, merged, n_missing_period


def warn_if_dates(keys: list[Any]) -> None:
    """Warn when period keys are dates but no ``freq`` says how to bucket them."""
    first = next((key for key in keys if key is not None and key != ""), None)
    if isinstance(first, (np.datetime64, _dt.date)):
        distinct = len(set(keys))
        warnings.warn(
            f"the periods are dates and freq is None, so each of the {distinct} distinct "
            "dates is a period of its own; pass freq='week', 'month', 'quarter' or 'year' "
            "to bucket them (freq='day' keeps days and silences this warning)",
            InputWarning,
            stacklevel=4,
        )


def _date(key: Any) -> np.datetime64:
    try:
        # A UTC offset is dropped: the day is the local one written in the data.
        value: Any = local_time_text(key)
        return np.datetime64(value, "D") if isinstance(value, str) else np.datetime64(value)
    except (TypeError, ValueError):
        raise ValueError(
            f"period {key!r} is not a date; dates must be ISO 8601 (e.g. 2026-03-31)"
        ) from None


def empty_tally(weighted: bool) -> Tally:
    """A tally without answers (weighted or not, so that it adds to either kind)."""
    if weighted:
        return Tally(
            detractors=0.0,
            passives=0.0,
            promoters=0.0,
            squared_weights=(0.0, 0.0, 0.0),
            responses=0,
        )
    return Tally(detractors=0, passives=0, promoters=0)


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
