"""One confidence interval of a share or mean metric, for ``confidence_interval``.

The body of :func:`npskit.confidence_interval` when ``metric`` is not the NPS:
answers or a histogram in, the estimate and interval (reported units) out,
the options validated by the caller. The NPS keeps its own path.
"""

from __future__ import annotations

from typing import Any, NamedTuple, get_args

from npskit._core.histogram import Histogram
from npskit._core.metric import Metric
from npskit._core.tally import Tally
from npskit._core.validation import check_choice, check_n_resamples, check_rng
from npskit._counting.histogram import histogram
from npskit.typing import Alternative, NanPolicy

from .methods import KernelOptions, check_population, check_prior
from .metric_arrays import metric_bounds, metric_effective_counts
from .metric_methods import check_metric_interval_method

__all__ = ["MetricInterval", "as_histogram", "metric_interval"]


class MetricInterval(NamedTuple):
    """What ``confidence_interval`` reports for a share or mean metric."""

    estimate: float
    low: float
    high: float
    interval_method: str
    alternative: str
    n: int
    effective_n: float
    n_missing: int
    population: int | None


def as_histogram(data: Any, weights: Any, metric: Metric, nan_policy: NanPolicy) -> Histogram:
    """``data`` as a histogram on ``metric``'s scale (answers are counted)."""
    if isinstance(data, Tally):
        raise TypeError(
            f"a Tally holds only the three NPS categories, so it cannot give the "
            f"{metric.name!r} metric; pass the answers or an npskit.Histogram"
        )
    if isinstance(data, Histogram):
        if weights is not None:
            raise TypeError(
                "weights apply to answers, not to a Histogram; a weighted histogram "
                "already holds its weight sums"
            )
        data.check_scale(metric)
        return data
    return histogram(data, metric=metric, weights=weights, nan_policy=nan_policy)


def metric_interval(
    counts: Histogram,
    metric: Metric,
    *,
    confidence_level: float,
    interval_method: object,
    alternative: object,
    population: int | None,
    prior: object,
    n_resamples: int,
    rng: object,
    stacklevel: int,
) -> MetricInterval:
    """The interval of one histogram (``confidence_level`` already validated).

    Raises EmptyDataError when there are no answers, and the option errors of
    :func:`npskit.confidence_interval`.
    """
    chosen = check_metric_interval_method(metric, interval_method)
    side = check_choice("alternative", alternative, get_args(Alternative))
    check_prior(prior, used=False, method_name="interval_method", method=chosen)
    resamples = check_n_resamples(n_resamples, method=chosen)
    generator = check_rng(rng)
    estimate = counts.score(metric)  # raises EmptyDataError when there are no answers
    population = check_population(population, counts.n)
    values, squares = counts.arrays()
    effective = metric_effective_counts(
        values[None, :], None if squares is None else squares[None, :], [counts.n], metric
    )
    lowest, highest = metric.bounds
    if population is not None and population <= counts.n:
        low = high = estimate
    else:
        if population is not None:
            effective = effective * ((population - 1) / (population - counts.n))
        _, lows, highs = metric_bounds(
            effective,
            metric,
            confidence_level=confidence_level,
            interval_method=chosen,
            alternative=side,
            options=KernelOptions(n_resamples=resamples, rng=generator),
            stacklevel=stacklevel + 1,
        )
        low, high = float(lows[0]), float(highs[0])
    if side == "greater":
        high = highest
    elif side == "less":
        low = lowest
    return MetricInterval(
        estimate=estimate,
        low=low,
        high=high,
        interval_method=chosen,
        alternative=side,
        n=counts.n,
        effective_n=counts.effective_n,
        n_missing=counts.n_missing,
        population=population,
    )
