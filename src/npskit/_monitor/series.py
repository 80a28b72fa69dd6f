"""The periods of a monitoring function: labels and counts from answers, counts or tallies.

Every function of :mod:`npskit._monitor` accepts the same inputs: answers
with the period (or date) of each, a :class:`npskit.GroupedTally` already
counted with a period column, or a mapping of period to :class:`npskit.Tally`.
:func:`period_series` turns them into period labels and one row of effective
counts per period (Kish's effective n times the weighted shares when weighted),
the form the kernels take.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from npskit._core.errors import EmptyDataError
from npskit._core.grouped import GroupedTally
from npskit._core.scale import STANDARD_SCALE, Scale
from npskit._core.tally import Tally
from npskit._counting.tally_by import tally_by
from npskit._intervals.arrays import effective_arrays
from npskit._trend.calendar import merge_periods
from npskit.typing import Frequency, NanPolicy

__all__ = ["PeriodSeries", "as_grouped", "period_series"]


class PeriodSeries(NamedTuple):
    """Periods in order: labels, first days (with ``freq``), tallies and effective counts."""

    labels: list[Any]
    starts: list[_dt.date | None]
    tallies: list[Tally]
    counts: npt.NDArray[np.float64]


def as_grouped(
    scores: Any,
    keys: Any,
    *,
    data: Any = None,
    weights: Any = None,
    scale: Scale = STANDARD_SCALE,
    nan_policy: NanPolicy = "omit",
    role: str = "periods",
) -> GroupedTally:
    """``scores`` counted by ``keys`` (a GroupedTally or a mapping of Tally passes through)."""
    if isinstance(scores, GroupedTally):
        if keys is not None and not isinstance(keys, (str, list, tuple)):
            raise TypeError(
                f"{role} must be None or column names when scores is a GroupedTally "
                "(already counted)"
            )
        return scores
    if isinstance(scores, Mapping):
        return GroupedTally.from_tallies(scores)
    if isinstance(scores, Tally):
        raise TypeError(f"scores must be answers or counts per {role}, got one Tally")
    if keys is None:
        raise TypeError(f"{role} is required with answers: the {role[:-1]} of each answer")
    return tally_by(scores, keys, data=data, weights=weights, scale=scale, nan_policy=nan_policy)


def period_series(
    grouped: GroupedTally,
    *,
    period: str | None,
    freq: Frequency | None,
) -> PeriodSeries:
    """The periods of ``grouped`` (its ``period`` column), merged by ``freq`` when given."""
    names = grouped.names
    if period is None:
        if len(names) != 1:
            raise TypeError(
                f"period must name the period column of counts with several key columns; "
                f"the key columns are {names!r}"
            )
        period = names[0]
    elif period not in names:
        raise ValueError(f"period must be a key column, got {period!r}; the columns are {names!r}")
    others = [name for name in names if name != period]
    if others:
        grouped = grouped.sum_over(*others)
    keys = [key[0] for key in grouped.keys]
    labels, starts, tallies, _ = merge_periods(keys, list(grouped.tallies), freq)
    if not any(t.n for t in tallies):
        raise EmptyDataError("no answer has both a value and a period")
    return PeriodSeries(labels, starts, tallies, counts_of(tallies))


def counts_of(tallies: Sequence[Tally]) -> npt.NDArray[np.float64]:
    """Effective counts (detractors, passives, promoters), one row per tally."""
    counts = np.array([[t.detractors, t.passives, t.promoters] for t in tallies], dtype=float)
    counts = counts.reshape(len(tallies), 3)
    if any(t.is_weighted for t in tallies):
        squares = np.array(
            [
                t.squared_weights
                if t.squared_weights is not None
                else (t.detractors, t.passives, t.promoters)
                for t in tallies
            ],
            dtype=float,
        ).reshape(-1, 3)
        return effective_arrays(counts, squares)
    return counts
