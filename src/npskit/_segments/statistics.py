"""A breakdown's table from counts: per-segment statistics as arrays, then rows and total.

The Wald-family intervals and the ``"wald"``, ``"adjusted-wald"`` and
``"mover"`` comparisons run on all segments at once
(:mod:`npskit._intervals.arrays`). Resampling methods run segment by segment,
each segment on its own random stream (one child of the caller's generator),
so two segments never share draws and an integer seed reproduces the table.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._compare.arrays import compare_arrays
from npskit._compare.methods import COMPARE_METHODS
from npskit._core.grouped import GroupedTally
from npskit._intervals.arrays import effective_arrays, interval_arrays
from npskit._intervals.methods import INTERVAL_METHODS
from npskit._stats.effective import kish_effective_counts
from npskit._stats.multiplicity import adjust_pvalues
from npskit.typing import CompareMethod, CompareTo, IntervalMethod, PAdjustMethod, SortBy

from .results import _VALUE_FIELDS, BreakdownRow, BreakdownTotal
from .shrinkage import ShrinkageResult, unique_key_names

__all__ = [
    "RESAMPLING_COMPARE",
    "RESAMPLING_INTERVAL",
    "segment_rows",
    "segment_statistics",
    "sort_rows",
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
    is not used otherwise).
    """
    counts = np.asarray(grouped.counts, dtype=np.float64)
    squares = grouped.squared_weights
    effective = effective_arrays(counts, squares, grouped.responses)
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
    low, high = _intervals(effective, level, interval_method, streams, n_resamples)
    d_low, d_high, pvalue = _comparisons(
        effective_arrays(rest, rest_squares, t.n - grouped.responses),
        effective,
        level,
        compare_method,
        streams,
        n_resamples,
    )
    difference = nps - rest_nps
    weight = n / total_n
    if against == "total":
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
        "pvalue_adjusted": adjust_pvalues(pvalue, p_adjust=adjust),
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
) -> list[BreakdownRow]:
    """One row per segment from the arrays of :func:`segment_statistics`."""
    names = unique_key_names(grouped.names, _VALUE_FIELDS)
    counts = grouped.counts
    size = len(grouped.keys)
    n = columns["n"].tolist() if grouped.is_weighted else counts.sum(axis=1).tolist()
    shares = columns["shares"]
    adjusted = columns["pvalue_adjusted"]
    segments: list[Any] = list(fit.rows) if fit is not None else [None] * size
    return [
        BreakdownRow(
            key=key,
            key_names=names,
            weight_sum=n_i,
            n=responses,
            effective_n=effective_n,
            n_missing=missing,
            detractors=d,
            passives=s,
            promoters=p,
            share_detractors=share_d,
            share_passives=share_s,
            share_promoters=share_p,
            share_of_total=share,
            nps=nps,
            low=low,
            high=high,
            difference=difference,
            difference_low=difference_low,
            difference_high=difference_high,
            pvalue=pvalue,
            pvalue_adjusted=pvalue_adjusted,
            significant=significant,
            small=small,
            impact=impact,
            shrunk_nps=None if segment is None else segment.shrunk_nps,
            shrunk_low=None if segment is None else segment.confidence_interval.low,
            shrunk_high=None if segment is None else segment.confidence_interval.high,
        )
        for (
            key,
            n_i,
            responses,
            effective_n,
            missing,
            d,
            s,
            p,
            share_d,
            share_s,
            share_p,
            share,
            nps,
            low,
            high,
            difference,
            difference_low,
            difference_high,
            pvalue,
            pvalue_adjusted,
            significant,
            small,
            impact,
            segment,
        ) in zip(
            grouped.keys,
            n,
            grouped.responses.tolist(),
            columns["effective_n"].tolist(),
            grouped.n_missing.tolist(),
            counts[:, 0].tolist(),
            counts[:, 1].tolist(),
            counts[:, 2].tolist(),
            shares[:, 0].tolist(),
            shares[:, 1].tolist(),
            shares[:, 2].tolist(),
            columns["share_of_total"].tolist(),
            columns["nps"].tolist(),
            columns["low"].tolist(),
            columns["high"].tolist(),
            columns["difference"].tolist(),
            columns["difference_low"].tolist(),
            columns["difference_high"].tolist(),
            columns["pvalue"].tolist(),
            adjusted.tolist(),
            (adjusted < 1.0 - level).tolist(),  # False for NaN
            (columns["effective_n"] < threshold).tolist(),
            columns["impact"].tolist(),
            segments,
            strict=True,
        )
    ]


def sort_rows(rows: list[BreakdownRow], by: SortBy, ascending: bool) -> list[BreakdownRow]:
    """Rows sorted by one value (stable; NaN and missing values last)."""

    def value(row: BreakdownRow) -> float:
        found = {
            "nps": row.nps,
            "n": float(row.n),
            "impact": row.impact,
            "lower": row.low,
            "shrunk": row.shrunk_nps,
        }[by]
        return math.nan if found is None else float(found)

    values = np.array([value(row) for row in rows], dtype=np.float64)
    absent = np.isnan(values)
    primary = np.where(absent, 0.0, values if ascending else -values)
    order = np.lexsort((primary, absent))
    return [rows[i] for i in order.tolist()]
