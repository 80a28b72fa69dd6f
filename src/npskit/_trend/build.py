"""The ``Trend`` table from tallies already counted per period: ``build_trend``."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import numpy as np

from npskit._compare.compare import compare
from npskit._core.tally import Tally
from npskit._intervals.confidence_interval import confidence_interval
from npskit._stats.multiplicity import adjust_pvalues
from npskit.typing import CompareMethod, Frequency, IntervalMethod, PAdjustMethod

from .results import Trend, TrendRow
from .series_tests import series_tests

__all__ = ["build_trend"]


def build_trend(
    labels: list[Any],
    starts: list[_dt.date | None],
    tallies: list[Tally],
    *,
    freq: Frequency | None,
    compare_method: CompareMethod,
    level: float,
    interval: IntervalMethod,
    adjust: PAdjustMethod,
    n_missing_period: int,
    generator: np.random.Generator,
    n_resamples: int,
) -> Trend:
    """The trend table of period tallies: intervals, changes, adjusted p-values, series tests.

    ``generator`` spawns one independent stream per period for the
    resampling methods. See :func:`npskit.trend` for the statistics.
    """
    k = len(tallies)
    streams = generator.spawn(k)  # one independent stream per period (about 60 us each)
    nps: list[float | None] = [None] * k
    bounds: list[tuple[float | None, float | None]] = [(None, None)] * k
    previous: list[int | None] = [None] * k
    changes: list[Any] = [None] * k
    last: int | None = None
    for i, part in enumerate(tallies):
        if part.weight_sum <= 0:
            continue
        ci = confidence_interval(
            part,
            interval_method=interval,
            confidence_level=level,
            rng=streams[i],
            n_resamples=n_resamples,
        )
        nps[i] = ci.estimate
        bounds[i] = (ci.low, ci.high)
        if last is not None:
            changes[i] = compare(
                tallies[last],
                part,
                compare_method=compare_method,
                confidence_level=level,
                rng=streams[i],
                n_resamples=n_resamples,
            )
            previous[i] = last
        last = i
    raw = np.array([np.nan if c is None else float(c.pvalue) for c in changes])
    adjusted = adjust_pvalues(raw, p_adjust=adjust)
    rows = []
    for i, part in enumerate(tallies):
        result = changes[i]
        row_previous = previous[i]
        rows.append(
            TrendRow(
                period=labels[i],
                start=starts[i],
                n=part.n,
                n_missing=part.n_missing,
                detractors=part.detractors,
                passives=part.passives,
                promoters=part.promoters,
                nps=nps[i],
                low=bounds[i][0],
                high=bounds[i][1],
                previous=None if row_previous is None else labels[row_previous],
                change=None if result is None else float(result.difference),
                change_low=None if result is None else float(result.low),
                change_high=None if result is None else float(result.high),
                pvalue=None if result is None else float(result.pvalue),
                pvalue_adjusted=None if result is None else float(adjusted[i]),
                significant=None if result is None else bool(adjusted[i] < 1.0 - level),
                tally=part,
            )
        )
    omnibus, linear = series_tests(tallies, level)
    return Trend(
        tuple(rows),
        freq=freq,
        compare_method=compare_method if any(c is not None for c in changes) else None,
        interval_method=interval,
        confidence_level=level,
        p_adjust=adjust,
        n_missing_period=n_missing_period,
        omnibus=omnibus,
        linear_trend=linear,
    )
