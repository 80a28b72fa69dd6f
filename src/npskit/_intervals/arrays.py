"""Intervals for many segments at once, on arrays of counts.

:func:`npskit.breakdown` needs one interval per segment. The methods whose
entry in :data:`npskit._intervals.methods.INTERVAL_METHODS` has a vectorised
kernel (the Wald family) run here on whole arrays; the other methods loop
over segments through the same registry, each segment with its own random
stream when the method resamples. Everything takes effective counts as float
arrays (from the linearization variance when weighted) and returns points; a segment without answers
gets NaN. Two-sample comparisons of many segments are in
:mod:`npskit._compare.arrays`.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._core.validation import check_rng
from npskit._core.warnings import DegenerateSampleWarning
from npskit._intervals.methods import (
    INTERVAL_METHODS,
    JEFFREYS_PRIOR,
    KernelOptions,
    interval_from_counts,
)
from npskit._stats.consistency import contain_estimate
from npskit._stats.effective import linearized_effective_counts
from npskit.typing import IntervalMethod

__all__ = ["effective_arrays", "interval_arrays"]

Floats = npt.NDArray[np.float64]


def effective_arrays(
    counts: npt.NDArray[Any],
    squared_weights: npt.NDArray[Any] | None,
    responses: npt.NDArray[Any] | None = None,
) -> Floats:
    """Effective counts per row: the counts, or weighted shares times the linearization's n.

    ``responses`` (answers per row) switches on the small-sample correction
    of :func:`npskit._stats.effective.linearized_effective_counts`.
    """
    return linearized_effective_counts(counts, squared_weights, responses)[0]


def interval_arrays(
    counts: Floats,
    *,
    confidence_level: float,
    interval_method: IntervalMethod,
    prior: float = JEFFREYS_PRIOR,
    n_resamples: int = 10_000,
    rng: Any = None,
) -> tuple[Floats, Floats]:
    """Two-sided interval of each row's NPS in points (NaN for a row without answers).

    Methods with a vectorised kernel (the Wald family) are computed on the
    arrays and, like every interval, moved out to contain the estimate; the
    others call :func:`interval_from_counts` row by row, a resampling
    method with one independent stream per row spawned from ``rng`` (so an
    int seed gives the same intervals run after run).
    """
    entry = INTERVAL_METHODS[interval_method]
    d, s, p = (np.asarray(counts[:, k], dtype=np.float64) for k in range(3))
    n = d + s + p
    present = n > 0
    low = np.full(len(n), np.nan)
    high = np.full(len(n), np.nan)
    alpha = (1.0 - confidence_level) / 2.0
    if entry.bounds_array is not None:
        if entry.collapses_when_degenerate:
            degenerate = present & (np.maximum(np.maximum(d, s), p) == n)
            if degenerate.any():
                warnings.warn(
                    f"{int(degenerate.sum())} segment(s) have every answer in one category, "
                    f"so their {interval_method!r} interval has zero width; use "
                    "interval_method='tango', 'exact' or 'bayes' for intervals that reflect "
                    "the sampling error",
                    DegenerateSampleWarning,
                    stacklevel=3,
                )
        lower, upper = entry.bounds_array(d[present], s[present], p[present], alpha)
        lower = np.clip(lower, -1.0, 1.0)
        upper = np.clip(upper, -1.0, 1.0)
        crossed = lower > upper  # only by rounding, for a zero-width interval
        middle = 0.5 * (lower + upper)
        estimate = (p[present] - d[present]) / n[present]
        lower, upper = contain_estimate(
            np.where(crossed, middle, lower), np.where(crossed, middle, upper), estimate
        )
        low[present] = 100.0 * lower
        high[present] = 100.0 * upper
        return low, high
    rows = np.flatnonzero(present).tolist()
    streams: list[np.random.Generator | None] = [None] * len(rows)
    if entry.resamples:
        streams = list(check_rng(rng).spawn(len(rows)))
    for i, stream in zip(rows, streams, strict=True):
        low[i], high[i] = interval_from_counts(
            d[i],
            s[i],
            p[i],
            confidence_level=confidence_level,
            interval_method=interval_method,
            options=KernelOptions(prior=prior, n_resamples=n_resamples, rng=stream),
        )
    return low, high
