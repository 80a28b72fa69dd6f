"""The one-sample test of a share or mean metric, for ``nps_test(metric=...)``.

The test is named after the interval it inverts, as for the NPS: a share is
tested by the score test (``"wilson"``, Wilson 1927) or the exact binomial
test (``"clopper-pearson"``, Clopper and Pearson 1934), a mean by the
one-sample t test (``"t"``, Student 1908). Weighted data use the effective
counts of the linearization variance, as the intervals do.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, NamedTuple, get_args

import numpy as np

from npskit._core.histogram import Histogram
from npskit._core.metric import Metric
from npskit._core.validation import check_choice
from npskit._stats.normal import normal_pvalue
from npskit.typing import Alternative, NanPolicy

from .methods import check_population
from .metric_arrays import metric_effective_counts
from .metric_interval import as_histogram
from .metric_methods import DEFAULT_TEST_METHOD_BY_KIND, INTERVAL_METHODS_BY_KIND

__all__ = ["MetricTest", "metric_test"]


class MetricTest(NamedTuple):
    """What ``nps_test`` reports for a share or mean metric."""

    statistic: float
    pvalue: float
    estimate: float
    value: float
    alternative: str
    interval_method: str
    n: int
    effective_n: float
    n_missing: int
    population: int | None
    tally: Histogram


def _tested_methods(metric: Metric) -> tuple[str, ...]:
    registry = INTERVAL_METHODS_BY_KIND[metric.kind]
    return tuple(name for name, entry in registry.items() if entry.test is not None)


def metric_test(
    data: Any,
    metric: Metric,
    *,
    value: object,
    alternative: object,
    interval_method: object,
    weights: Any,
    nan_policy: NanPolicy,
    population: object,
) -> MetricTest:
    """Test ``metric == value`` (reported units) for one sample; options validated here."""
    side = check_choice("alternative", alternative, get_args(Alternative))
    default = DEFAULT_TEST_METHOD_BY_KIND[metric.kind]
    chosen = check_choice(
        "interval_method",
        default if interval_method is None else interval_method,
        _tested_methods(metric),
    )
    null = _check_value(value, metric)
    counts = as_histogram(data, weights, metric, nan_policy)
    estimate = counts.score(metric)
    size = check_population(population, counts.n)
    values, squares = counts.arrays()
    effective = metric_effective_counts(
        values[None, :], None if squares is None else squares[None, :], [counts.n], metric
    )
    if size is not None and size <= counts.n:
        statistic = math.copysign(math.inf, estimate - null) if estimate != null else 0.0
        pvalue = float(normal_pvalue(statistic, side))
    else:
        if size is not None:
            effective = effective * ((size - 1) / (size - counts.n))
        test = INTERVAL_METHODS_BY_KIND[metric.kind][chosen].test
        stat, p = test(effective, metric.scores(), null / metric.factor, side)
        statistic, pvalue = float(np.asarray(stat).ravel()[0]), float(np.asarray(p).ravel()[0])
    return MetricTest(
        statistic=statistic,
        pvalue=pvalue,
        estimate=estimate,
        value=null,
        alternative=side,
        interval_method=chosen,
        n=counts.n,
        effective_n=counts.effective_n,
        n_missing=counts.n_missing,
        population=size,
        tally=counts,
    )


def _check_value(value: object, metric: Metric) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"value must be a number, got {value!r}")
    number = float(value)
    lowest, highest = metric.bounds
    if not (math.isfinite(number) and lowest < number < highest):
        unit = "percent" if metric.kind == "share" else "on the scale"
        raise ValueError(
            f"value must be strictly between {lowest:g} and {highest:g} ({unit}) for the "
            f"metric {metric.name!r}, got {value!r}"
        )
    return number
