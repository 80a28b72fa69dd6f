"""A breakdown's table from counts: per-segment statistics as arrays, then rows and total.

The Wald-family intervals and the ``"wald"``, ``"adjusted-wald"`` and
``"mover"`` comparisons run on all segments at once
(:mod:`npskit._intervals.arrays`). Resampling methods run segment by segment,
each segment on its own random stream (one child of the caller's generator),
so two segments never share draws and an integer seed reproduces the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._compare.arrays import compare_arrays
from npskit._compare.methods import COMPARE_METHODS
from npskit._core.grouped import GroupedTally
from npskit._core.regroup import integer_row_sums
from npskit._core.rows import LazyRows
from npskit._intervals.arrays import effective_arrays, interval_arrays
from npskit._intervals.methods import INTERVAL_METHODS
from npskit._stats.distinct import distinct_rows
from npskit._stats.effective import kish_effective_counts
from npskit._stats.multiplicity import adjust_pvalues, adjust_repeated_pvalues
from npskit.typing import CompareMethod, CompareTo, IntervalMethod, PAdjustMethod, SortBy

from .results import _VALUE_FIELDS, BreakdownRow, BreakdownTotal
from .shrinkage import ShrinkageResult, unique_key_names

__all__ = [
    "RESAMPLING_COMPARE",
    "RESAMPLING_INTERVAL",
    "segment_rows",
    "segment_statistics",
    "total_row",
]

Floats = npt.NDArray[np.float64]

RESAMPLING_INTERVAL = frozenset(name for name, entry in INTERVAL_METHODS.items() if entry.resamples)
"""Interval methods that draw random numbers (from the registry)."""

RESAMPLING_COMPARE = frozenset(name for name, entry in COMPARE_METHODS.items() if entry.resamples)
"""Comparison methods that draw random numbers (from the registry)."""


def segment_statistics(
    grouped: GroupedTally,
    *,
    level: float,
    interval_method: IntervalMethod,
    compare_method: CompareMethod,
    against: CompareTo,
    adjust: PAdjustMethod,
    streams: list[np.random.Generator],
    n_resamples: int,
) -> dict[str, Floats]:
    """Every per-segment statistic as arrays in key order.

    ``streams`` holds one generator per segment when a method resamples (it
    is not used otherwise). Segments with the same counts have the same rest
    (the total less the segment), so the same statistics: without weights and
    resampling, each distinct row of counts is computed once.
    """
    counts = np.asarray(grouped.counts, dtype=np.float64)
    squares = grouped.squared_weights
    options = _Options(level, interval_method, compare_method, against, streams, n_resamples)
    resamples = interval_method in RESAMPLING_INTERVAL or compare_method in RESAMPLING_COMPARE
    repeated = None if squares is not None or resamples else distinct_rows(grouped.counts)
    if repeated is None:
        columns = _row_statistics(grouped, counts, squares, grouped.responses, options)
        columns["pvalue_adjusted"] = adjust_pvalues(columns["pvalue"], p_adjust=adjust)
        return columns
    first, inverse = repeated
    columns = _row_statistics(grouped, counts[first], None, grouped.responses[first], options)
    repeats = np.bincount(inverse, minlength=len(first))
    columns["pvalue_adjusted"] = adjust_repeated_pvalues(columns["pvalue"], repeats, adjust)
    return {name: column.take(inverse, axis=0) for name, column in columns.items()}


@dataclass(frozen=True, slots=True)
class _Options:
    level: float
    interval_method: IntervalMethod
    compare_method: CompareMethod
    against: CompareTo
    streams: list[np.random.Generator]
    n_resamples: int


def _row_statistics(
    grouped: GroupedTally,
    counts: Floats,
    squares: Floats | None,
    responses: npt.NDArray[np.int64],
    options: _Options,
) -> dict[str, Floats]:
    """The statistics of segments with these counts (all but the adjusted p-values)."""
    level, n_resamples, streams = options.level, options.n_resamples, options.streams
    effective = effective_arrays(counts, squares, responses)
    n = counts.sum(axis=1)
    t = grouped.total
    total_counts = np.array([t.detractors, t.passives, t.promoters], dtype=np.float64)
    total_n = float(total_counts.sum())
    total_nps = 100.0 * float(total_counts[2] - total_counts[0]) / total_n
    rest = total_counts[None, :] - counts
    rest_squares = None
    if squares is not None:  # floating sums: clear the rounding residue of absent answers
        rest[rest < 1e-9 * total_n] = 0.0
        rest_squares = np.array(t._squares(), dtype=np.float64)[None, :] - squares
        rest_squares[rest == 0.0] = 0.0
    rest_n = rest.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        nps = np.where(n > 0, 100.0 * (counts[:, 2] - counts[:, 0]) / n, np.nan)
        rest_nps = np.where(rest_n > 0, 100.0 * (rest[:, 2] - rest[:, 0]) / rest_n, np.nan)
        shares = np.where(n[:, None] > 0, counts / n[:, None], np.nan)
    low, high = _intervals(effective, level, options.interval_method, streams, n_resamples)
    d_low, d_high, pvalue = _comparisons(
        effective_arrays(rest, rest_squares, t.n - responses),
        effective,
        level,
        options.compare_method,
        streams,
        n_resamples,
    )
    difference = nps - rest_nps
    weight = n / total_n
    if options.against == "total":
        factor = 1.0 - weight
        difference, d_low, d_high = difference * factor, d_low * factor, d_high * factor
    difference = np.where(np.isnan(pvalue), np.nan, difference)
    return {
        "n": n,
        "effective_n": kish_effective_counts(counts, squares)[1],
        "shares": shares,
        "share_of_total": weight,
        "nps": nps,
        "low": low,
        "high": high,
        "difference": difference,
        "difference_low": d_low,
        "difference_high": d_high,
        "pvalue": pvalue,
        "impact": total_nps - rest_nps,
    }


def _intervals(
    effective: Floats,
    level: float,
    method: IntervalMethod,
    streams: list[np.random.Generator],
    n_resamples: int,
) -> tuple[Floats, Floats]:
    if method not in RESAMPLING_INTERVAL:
        return interval_arrays(effective, confidence_level=level, interval_method=method)
    low, high = np.full(len(effective), np.nan), np.full(len(effective), np.nan)
    for i, stream in enumerate(streams):
        low[i : i + 1], high[i : i + 1] = interval_arrays(
            effective[i : i + 1],
            confidence_level=level,
            interval_method=method,
            rng=stream,
            n_resamples=n_resamples,
        )
    return low, high


def _comparisons(
    rest: Floats,
    effective: Floats,
    level: float,
    method: CompareMethod,
    streams: list[np.random.Generator],
    n_resamples: int,
) -> tuple[Floats, Floats, Floats]:
    if method not in RESAMPLING_COMPARE:
        low, high, _, pvalue = compare_arrays(
            rest, effective, compare_method=method, confidence_level=level
        )
        return low, high, pvalue
    low, high, pvalue = (np.full(len(effective), np.nan) for _ in range(3))
    for i, stream in enumerate(streams):
        low[i : i + 1], high[i : i + 1], _, pvalue[i : i + 1] = compare_arrays(
            rest[i : i + 1],
            effective[i : i + 1],
            compare_method=method,
            confidence_level=level,
            rng=stream,
            n_resamples=n_resamples,
        )
    return low, high, pvalue


def total_row(
    grouped: GroupedTally,
    *,
    level: float,
    interval_method: IntervalMethod,
    stream: np.random.Generator,
    n_resamples: int,
) -> BreakdownTotal:
    """The total of a breakdown, with its interval (``stream`` for a resampling method)."""
    t = grouped.total
    counts = np.array([[t.detractors, t.passives, t.promoters]], dtype=np.float64)
    squares = None if not t.is_weighted else np.array([t._squares()], dtype=np.float64)
    options: dict[str, Any] = {}
    if interval_method in RESAMPLING_INTERVAL:
        options = {"rng": stream, "n_resamples": n_resamples}
    low, high = interval_arrays(
        effective_arrays(counts, squares, np.array([t.n])),
        confidence_level=level,
        interval_method=interval_method,
        **options,
    )
    shares = t.shares
    return BreakdownTotal(
        weight_sum=t.weight_sum,
        n=t.n,
        effective_n=t.effective_n,
        n_missing=t.n_missing,
        detractors=t.detractors,
        passives=t.passives,
        promoters=t.promoters,
        share_detractors=shares[0],
        share_passives=shares[1],
        share_promoters=shares[2],
        nps=t.nps,
        low=float(low[0]),
        high=float(high[0]),
    )


def segment_rows(
    grouped: GroupedTally,
    columns: dict[str, Floats],
    *,
    level: float,
    threshold: int,
    fit: ShrinkageResult | None,
    order: SortBy | None,
    ascending: bool,
) -> LazyRows[BreakdownRow]:
    """The rows of a breakdown from the arrays of :func:`segment_statistics`, built lazily.

    Every value is an array in row order (sorted here when ``order`` is
    given); a :class:`BreakdownRow` is only built when it is read, so a
    breakdown of 10^5 segments costs its statistics, not 10^5 objects.
    """
    names = unique_key_names(grouped.names, _VALUE_FIELDS)
    counts = grouped.counts
    shares = columns["shares"]
    adjusted = columns["pvalue_adjusted"]
    values: dict[str, npt.NDArray[Any]] = {
        "weight_sum": columns["n"] if grouped.is_weighted else integer_row_sums(counts),
        "n": grouped.responses,
        "effective_n": columns["effective_n"],
        "n_missing": grouped.n_missing,
        "detractors": counts[:, 0],
        "passives": counts[:, 1],
        "promoters": counts[:, 2],
        "share_detractors": shares[:, 0],
        "share_passives": shares[:, 1],
        "share_promoters": shares[:, 2],
        **{name: columns[name] for name in _PLAIN_COLUMNS},
        "significant": adjusted < 1.0 - level,  # False for NaN
        "small": columns["effective_n"] < threshold,
        "impact": columns["impact"],
    }
    if fit is not None and fit.estimates is not None:
        values["shrunk_nps"], values["shrunk_low"], values["shrunk_high"] = fit.estimates
    keys: tuple[tuple[Any, ...], ...] = grouped.keys
    if order is not None:
        positions = _row_order(values, order, ascending)
        values = {name: array[positions] for name, array in values.items()}
        keys = tuple(keys[i] for i in positions.tolist())
    fields = tuple(values)

    def build_one(i: int) -> BreakdownRow:
        row = {name: array[i].item() for name, array in values.items()}
        return BreakdownRow(key=keys[i], key_names=names, **row)

    def build_all() -> list[BreakdownRow]:
        lists = [array.tolist() for array in values.values()]
        return [
            BreakdownRow(key=key, key_names=names, **dict(zip(fields, row, strict=True)))
            for key, *row in zip(keys, *lists, strict=True)
        ]

    return LazyRows(len(keys), build_one, build_all, keys=keys)


_PLAIN_COLUMNS = (
    *("share_of_total", "nps", "low", "high", "difference", "difference_low"),
    *("difference_high", "pvalue", "pvalue_adjusted"),
)
_SORT_COLUMN = {"nps": "nps", "n": "n", "impact": "impact", "lower": "low", "shrunk": "shrunk_nps"}


def _row_order(
    values: dict[str, npt.NDArray[Any]], by: SortBy, ascending: bool
) -> npt.NDArray[Any]:
    """Positions of the rows sorted by one value (stable; NaN and missing values last)."""
    found = values.get(_SORT_COLUMN[by])
    column = np.full(len(values["n"]), np.nan) if found is None else found.astype(np.float64)
    absent = np.isnan(column)
    primary = np.where(absent, 0.0, column if ascending else -column)
    return np.lexsort((primary, absent))
