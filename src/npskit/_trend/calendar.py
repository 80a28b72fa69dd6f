"""Periods of a trend: merging tallies counted per date or key into calendar periods.

The bucketing of dates and the period labels live one layer down, in
:mod:`npskit._counting.periods`, shared with :func:`npskit.tally_by`'s ``freq``.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import warnings
from typing import Any

import numpy as np

from npskit._core.grouped import GroupedTally
from npskit._core.tally import Tally
from npskit._core.warnings import InputWarning
from npskit._counting.periods import as_date, bucket, calendar
from npskit.typing import Frequency

__all__ = [
    "bucket",
    "calendar",
    "check_lengths",
    "empty_tally",
    "merge_periods",
    "period_column",
]


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
        dates = [as_date(k) for k, _ in kept]
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


def check_lengths(scores: Any, periods: Any) -> None:
    try:
        n_scores, n_periods = len(scores), len(periods)
    except TypeError:
        return  # tally_by and the bucketing raise their own errors for these
    if n_scores != n_periods:
        raise ValueError(
            f"periods must give one period per answer: got {n_scores} answers and "
            f"{n_periods} periods"
        )


def period_column(grouped: GroupedTally, period: str | None) -> tuple[list[Any], list[Tally]]:
    """Each period's value and tally, summed over the other key columns."""
    if period is None:
        if len(grouped.names) != 1:
            raise TypeError(
                f"period must name the period column of a GroupedTally with several key "
                f"columns, got none; its key columns are {grouped.names!r}"
            )
        position = 0
    elif period not in grouped.names:
        raise ValueError(
            f"period must be a key column of the GroupedTally, got {period!r}; its key "
            f"columns are {grouped.names!r}"
        )
    else:
        others = [name for name in grouped.names if name != period]
        if others:
            grouped = grouped.sum_over(*others)
        position = 0
    return [key[position] for key in grouped.keys], list(grouped.tallies)
