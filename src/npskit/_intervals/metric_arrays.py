"""Intervals of any metric for rows of histograms: the kernel behind every verb.

:func:`metric_interval_arrays` takes counts per answer point for many rows
(segments, periods) and returns each row's estimate and interval in the
metric's reported units, clipped to its range and containing the estimate.
The NPS goes through its own path (:func:`npskit._intervals.arrays.interval_arrays`
on the three category sums), so its results do not change.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._core.metric import Metric
from npskit._core.warnings import DegenerateSampleWarning
from npskit._stats.consistency import contain_estimate
from npskit._stats.effective_scores import linearized_effective_histogram
from npskit._stats.normal import tail_probability

from .arrays import effective_arrays, interval_arrays
from .methods import JEFFREYS_PRIOR, KernelOptions
from .metric_methods import INTERVAL_METHODS_BY_KIND

__all__ = ["category_sums", "metric_bounds", "metric_effective_counts", "metric_interval_arrays"]

Floats = npt.NDArray[np.float64]


def category_sums(values: Any, metric: Metric) -> Floats:
    """Collapse ``(rows, points)`` to the ``(rows, 3)`` NPS category sums of ``metric``."""
    codes = metric.scores()
    onehot = np.stack([codes == -1, codes == 0, codes == 1], axis=1).astype(np.float64)
    result: Floats = np.asarray(values, dtype=np.float64) @ onehot
    return result


def metric_effective_counts(
    counts: Any, squared_weights: Any | None, responses: Any | None, metric: Metric
) -> Floats:
    """Effective counts per point: the counts, or the linearization's for weights."""
    return linearized_effective_histogram(counts, squared_weights, metric.scores(), responses)[0]


def metric_bounds(
    effective: Floats,
    metric: Metric,
    *,
    confidence_level: float,
    interval_method: str,
    alternative: str = "two-sided",
    options: KernelOptions = KernelOptions(),  # noqa: B008 - an immutable NamedTuple
    warn: bool = True,
    stacklevel: int = 2,
) -> tuple[Floats, Floats, Floats]:
    """Estimate, low and high of a share or mean metric for effective counts, reported units.

    Rows without answers give NaN. A one-sided ``alternative`` opens the
    other end to the metric's range. Bounds are clipped to the range and
    moved out to the estimate where they exclude it.
    """
    entry = INTERVAL_METHODS_BY_KIND[metric.kind][interval_method]
    c = np.atleast_2d(np.asarray(effective, dtype=np.float64))
    scores = metric.scores()
    n = c.sum(axis=1)
    present = n > 0
    estimate = np.full(len(n), np.nan)
    low = np.full(len(n), np.nan)
    high = np.full(len(n), np.nan)
    if not present.any():
        return estimate, low, high
    used = c[present]
    centre = (used @ scores) / n[present]
    lowest, highest = float(scores.min()), float(scores.max())
    alpha = tail_probability(confidence_level, alternative)
    lower, upper = entry.bounds(used, scores, alpha, options)
    collapsed = np.asarray(upper) - np.asarray(lower) <= 0
    if warn and entry.collapses_when_degenerate and collapsed.any():
        warnings.warn(
            f"{int(collapsed.sum())} sample(s) have every answer equal, so their "
            f"{interval_method!r} interval has zero width: the sample shows no spread "
            "to estimate the sampling error from; a larger sample, or a share metric, "
            "gives an interval that reflects it",
            DegenerateSampleWarning,
            stacklevel=stacklevel + 1,
        )
    lower = np.clip(np.asarray(lower, dtype=np.float64), lowest, highest)
    upper = np.clip(np.asarray(upper, dtype=np.float64), lowest, highest)
    crossed = lower > upper
    middle = 0.5 * (lower + upper)
    lower, upper = contain_estimate(
        np.where(crossed, middle, lower), np.where(crossed, middle, upper), centre
    )
    if alternative == "greater":
        upper = np.full(len(centre), highest)
    elif alternative == "less":
        lower = np.full(len(centre), lowest)
    factor = metric.factor
    estimate[present], low[present], high[present] = (
        factor * centre,
        factor * np.asarray(lower),
        factor * np.asarray(upper),
    )
    return estimate, low, high


def metric_interval_arrays(
    counts: Any,
    squared_weights: Any | None,
    responses: Any | None,
    metric: Metric,
    *,
    confidence_level: float,
    interval_method: str,
    n_resamples: int = 10_000,
    rng: Any = None,
) -> tuple[Floats, Floats, Floats]:
    """Two-sided estimate, low and high of every row, in reported units (NaN when empty).

    ``counts`` and ``squared_weights`` have shape ``(rows, points)`` (weight
    sums per answer point and their squares; ``squared_weights`` None when
    unweighted), ``responses`` the answers per row (or None). Options are
    validated by the caller (``interval_method`` by
    :func:`npskit._intervals.metric_methods.check_metric_interval_method`;
    ``rng`` a Generator or None).
    """
    c = np.atleast_2d(np.asarray(counts, dtype=np.float64))
    squares = None if squared_weights is None else np.atleast_2d(squared_weights)
    if metric.kind == "net":
        sums = category_sums(c, metric)
        square_sums = None if squares is None else category_sums(squares, metric)
        from_nps = sums if square_sums is None else _nps_effective(sums, square_sums, responses)
        total = from_nps.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            estimate = 100.0 * (sums[:, 2] - sums[:, 0]) / sums.sum(axis=1)
        low, high = interval_arrays(
            from_nps,
            confidence_level=confidence_level,
            interval_method=interval_method,  # type: ignore[arg-type]
            prior=JEFFREYS_PRIOR,
            n_resamples=n_resamples,
            rng=rng,
        )
        estimate = np.where(total > 0, estimate, np.nan)
        return estimate, low, high
    effective = metric_effective_counts(c, squares, responses, metric)
    generator = rng if isinstance(rng, np.random.Generator) else None
    return metric_bounds(
        effective,
        metric,
        confidence_level=confidence_level,
        interval_method=interval_method,
        options=KernelOptions(n_resamples=n_resamples, rng=generator),
        stacklevel=2,
    )


def _nps_effective(sums: Floats, squares: Floats, responses: Any | None) -> Floats:
    return effective_arrays(sums, squares, None if responses is None else np.asarray(responses))
