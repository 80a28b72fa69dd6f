"""Planning for the share and mean metrics: margin of error and sample size.

The margin of error of ``n`` answers is half the width of the two-sided
interval the method gives for the expected counts ``n * shares`` per answer
point (fractional counts are fine), as for the NPS. Worst case, used when no
distribution is expected: a share of one half for a share metric, and half
the answers at each end of the scale for a mean, the largest variance a
bounded answer can have (Bhatia and Davis 2000, doi:10.1080/00029890.2000.12005203),
which maximises the t interval's width at every n. The bootstrap-t interval
is random and cannot be planned with.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from npskit._core.histogram import Histogram
from npskit._core.metric import Metric
from npskit._intervals.metric_arrays import metric_bounds
from npskit._intervals.metric_methods import INTERVAL_METHODS_BY_KIND, check_metric_interval_method
from npskit._stats.normal import z_quantile

from .shared import MAX_SAMPLE_SIZE

__all__ = [
    "check_metric_margin",
    "check_metric_planning_method",
    "metric_conditions",
    "metric_expected",
    "metric_planned_margin",
    "metric_wald_guess",
]


def check_metric_planning_method(metric: Metric, interval_method: object) -> str:
    """The interval method for planning ``metric``: any of its kind but a resampling one."""
    chosen = check_metric_interval_method(metric, interval_method)
    if INTERVAL_METHODS_BY_KIND[metric.kind][chosen].resamples:
        raise ValueError(
            f"interval_method={chosen!r} resamples, so its width is random and cannot be "
            "planned with; choose another method of the metric"
        )
    return chosen


def check_metric_margin(metric: Metric, margin: object) -> float:
    """A target margin in the metric's units: above 0 and below half its range."""
    if isinstance(margin, bool) or not isinstance(margin, numbers.Real):
        raise TypeError(f"margin must be a number, got {margin!r}")
    value = float(margin)
    lowest, highest = metric.bounds
    half = (highest - lowest) / 2
    if not (math.isfinite(value) and 0.0 < value < half):
        unit = "percentage points" if metric.kind == "share" else "on the scale"
        raise ValueError(
            f"margin must be strictly between 0 and {half:g} ({unit}, half the widest "
            f"interval of the metric {metric.name!r}), got {margin!r}"
        )
    return value


def metric_expected(metric: Metric, expected: object) -> tuple[tuple[float, ...], bool]:
    """Expected share per answer point (a Histogram or shares adding to 1), or the worst case."""
    points = metric.n_points
    if expected is None:
        worst = [0.0] * points
        if metric.kind == "share":
            scores = metric.scores()
            inside, outside = np.flatnonzero(scores == 1), np.flatnonzero(scores == 0)
            worst[int(inside[0])], worst[int(outside[0])] = 0.5, 0.5
        else:
            worst[0] = worst[-1] = 0.5
        return tuple(worst), True
    if isinstance(expected, Histogram):
        expected.check_scale(metric)
        total = float(expected.weight_sum)
        if total <= 0:
            raise ValueError("expected must be a Histogram with answers")
        return tuple(float(c) / total for c in expected.counts), False
    if isinstance(expected, (str, bytes)) or not isinstance(expected, Sequence):
        raise TypeError(
            f"expected must be a Histogram or {points} shares, one per answer "
            f"{metric.low}..{metric.high}, got {expected!r}"
        )
    if len(expected) != points or not all(
        isinstance(v, numbers.Real) and not isinstance(v, bool) for v in expected
    ):
        raise TypeError(
            f"expected must hold {points} shares, one per answer {metric.low}..{metric.high}, "
            f"got {expected!r}"
        )
    values = [float(v) for v in expected]
    if not all(math.isfinite(v) and v >= 0.0 for v in values) or abs(sum(values) - 1.0) > 1e-9:
        raise ValueError(
            f"expected must be {points} non-negative shares that add up to 1, got {expected!r}"
        )
    return tuple(v / sum(values) for v in values), False


def metric_planned_margin(
    n: int,
    shares: tuple[float, ...],
    level: float,
    interval_method: str,
    population: int | None,
    metric: Metric,
) -> float:
    """Half the width of the two-sided interval at counts ``n * shares``, reported units."""
    size = float(n)
    if population is not None:
        if n >= population:
            return 0.0
        size *= (population - 1) / (population - n)
    counts = size * np.asarray(shares, dtype=np.float64)[None, :]
    _, low, high = metric_bounds(
        counts, metric, confidence_level=level, interval_method=interval_method, warn=False
    )
    return 0.5 * float(high[0] - low[0])


def metric_wald_guess(
    metric: Metric, shares: tuple[float, ...], level: float, target: float, population: int | None
) -> int:
    """A starting n: the normal-approximation size for the expected variance, at least 2."""
    z = z_quantile(0.5 - 0.5 * level)
    x, p = metric.factor * metric.scores(), np.asarray(shares)
    variance = max(float(p @ x**2 - (p @ x) ** 2), 1e-6)
    n0 = z * z * variance / target**2
    if population is not None:
        n0 = population * n0 / (n0 + population - 1)
    return max(2, min(math.ceil(n0), MAX_SAMPLE_SIZE))


def metric_conditions(result: Any, metric: Metric) -> str:
    """The options of a plan in words, for a share or mean metric."""
    level = f"{100 * result.confidence_level:g}%"
    if result.worst_case:
        shares = "worst case"
    else:
        shares = "expected " + ", ".join(
            f"{100 * v:g}% {value}s"
            for value, v in zip(metric.values(), result.expected, strict=True)
            if v
        )
    text = f"{level}, {result.interval_method}, {shares}"
    if result.population is not None:
        text += f", population {result.population}"
    return text
