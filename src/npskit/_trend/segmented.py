"""One trend per segment: the ``by=`` of :func:`npskit.trend`.

Answers are counted once, per segment and period, by :func:`npskit.tally_by`
(dates bucketed into period codes first, as for one trend); each segment's
periods are then cut out of that one count and turned into a trend exactly as
:func:`npskit.trend` would turn that segment's answers alone.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from npskit._core.grouped import GroupedTally
from npskit._core.scale import Scale
from npskit._core.tally import Tally
from npskit._counting.keys import key_columns
from npskit._counting.periods import bucket, calendar
from npskit._counting.tally_by import tally_by
from npskit.typing import Frequency

from .calendar import empty_tally, merge_periods
from .results import Trend
from .segment_results import SegmentTrends

__all__ = ["Builder", "answer_segments", "grouped_segments", "segment_trends"]

Builder = Callable[[list[Any], list[Any], list[Tally], int, np.random.Generator], Trend]
"""Builds one trend: labels, first days, tallies, answers without a period, generator."""


def answer_segments(
    scores: Any,
    periods: Any,
    by: Any,
    *,
    weights: Any,
    scale: Scale,
    nan_policy: Any,
    freq: Frequency | None,
    generator: np.random.Generator,
    build: Builder,
) -> SegmentTrends:
    """One trend per segment of answers: counted once per segment and period."""
    columns, names = key_columns(by, None)
    coded = None
    if freq is not None:
        codes, first, size = bucket(periods, freq)
        periods, coded = codes, (first, size, freq)
    grouped = tally_by(
        scores, [*columns, periods], weights=weights, scale=scale, nan_policy=nan_policy
    )
    return segment_trends(
        grouped,
        tuple(names),
        coded=coded,
        freq=freq,
        generator=generator,
        build=build,
    )


def grouped_segments(
    grouped: GroupedTally,
    period: str | None,
    by: Any,
    *,
    freq: Frequency | None,
    generator: np.random.Generator,
    build: Builder,
) -> SegmentTrends:
    """One trend per segment of a GroupedTally counted per segment and period."""
    wanted = (by,) if isinstance(by, str) else tuple(by)
    if period is None or not all(isinstance(n, str) for n in wanted):
        raise TypeError(
            "with a GroupedTally, by names its segment key columns and period its period "
            f"column; got by={by!r}, period={period!r}"
        )
    unknown = [n for n in (*wanted, period) if n not in grouped.names]
    if unknown or period in wanted:
        raise ValueError(
            f"by and period must name distinct key columns of the GroupedTally, got "
            f"by={wanted!r}, period={period!r}; its key columns are {grouped.names!r}"
        )
    others = [n for n in grouped.names if n not in (*wanted, period)]
    if others:
        grouped = grouped.sum_over(*others)
    order = [grouped.names.index(n) for n in (*wanted, period)]
    pairs = [(tuple(key[i] for i in order), part) for key, part in grouped]

    return segment_trends(pairs, wanted, coded=None, freq=freq, generator=generator, build=build)


def segment_trends(
    grouped: Iterable[tuple[tuple[Any, ...], Tally]],
    names: tuple[str, ...],
    *,
    coded: tuple[int, int, Frequency] | None,
    freq: Frequency | None,
    generator: np.random.Generator,
    build: Builder,
) -> SegmentTrends:
    """The trend of each segment of ``grouped``: ``(key, tally)`` pairs per segment and period.

    The last value of each key is the period: with ``coded = (first,
    size, freq)`` an integer period code from :func:`npskit._counting.periods.bucket`
    (``size`` for a missing date), otherwise the period key as given (dates
    merged into calendar periods by ``freq``, as :func:`npskit.trend` merges
    the keys of a GroupedTally). Each
    segment draws from its own stream spawned from ``generator``.
    """
    width = len(names)
    parts: dict[tuple[Any, ...], tuple[list[Any], list[Tally]]] = {}
    for key, part in grouped:
        keys, tallies = parts.setdefault(key[:width], ([], []))
        keys.append(key[width])
        tallies.append(part)
    kept: list[tuple[Any, ...]] = []
    trends: list[Trend] = []
    empty: list[tuple[Any, ...]] = []
    streams = generator.spawn(len(parts))
    for (segment, (keys, tallies)), stream in zip(parts.items(), streams, strict=True):
        if coded is None:
            labels, starts, merged, n_missing = merge_periods(keys, tallies, freq)
        else:
            labels, starts, merged, n_missing = _calendar_periods(keys, tallies, *coded)
        if not any(t.n for t in merged):
            empty.append(segment)
            continue
        kept.append(segment)
        trends.append(build(labels, starts, merged, n_missing, stream))
    return SegmentTrends(
        names=names,
        keys=tuple(kept),
        trends=tuple(trends),
        freq=freq,
        without_periods=tuple(empty),
    )


def _calendar_periods(
    codes: list[int], tallies: list[Tally], first: int, size: int, freq: Frequency
) -> tuple[list[Any], list[_dt.date | None], list[Tally], int]:
    """One segment's calendar periods, from its first to its last period with answers."""
    n_missing = 0
    present: dict[int, Tally] = {}
    for code, part in zip(codes, tallies, strict=True):
        if code == size:
            n_missing = part.n + part.n_missing
        else:
            present[code] = part
    if not present:
        return [], [], [], n_missing
    low, high = min(present), max(present)
    step = 7 if freq == "week" else 1
    labels, starts = calendar(first + step * low, high - low + 1, freq)
    empty = empty_tally(next(iter(present.values())).is_weighted)
    merged = [present.get(code, empty) for code in range(low, high + 1)]
    return labels, starts, merged, n_missing
