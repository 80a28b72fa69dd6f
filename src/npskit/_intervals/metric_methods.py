"""The interval method registries of the share and mean metrics.

NPS keeps its registry (:data:`npskit._intervals.methods.INTERVAL_METHODS`);
each other metric kind has one registry here, keyed by its ``Literal``
(:data:`npskit.typing.ShareIntervalMethod`, :data:`npskit.typing.MeanIntervalMethod`),
and :data:`INTERVAL_METHODS_BY_KIND` maps a kind to its registry. Per-kind
registries, not one shared one, because the methods of one kind make no
sense for another (a Wilson interval of a 1-7 mean, a t interval of an NPS):
an entry exists only where its method is right, and ``interval_method``
validation names the methods of the metric at hand.

Every kernel takes ``(counts, scores, alpha, options)``: effective counts of
shape ``(rows, points)``, the metric's scores per point (0/1 for a share, the
answers for a mean) and the tail ``alpha`` of each one-sided bound; it
returns the bounds in score units (shares 0..1, or the scale), unclipped.
Adding a method is a kernel in :mod:`npskit._stats`, an entry here, its name
in the ``Literal``, a test and a docs row (see CONTRIBUTING.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, get_args

import numpy as np
import numpy.typing as npt

from npskit._core.metric import Metric
from npskit._stats.mean_interval import (
    bootstrap_t_bounds,
    scaled_wilson_bounds,
    t_bounds,
    t_pvalue,
)
from npskit._stats.proportion import (
    agresti_coull_bounds,
    binomial_pvalue,
    clopper_pearson_bounds,
    jeffreys_bounds,
    score_pvalue,
    wilson_bounds,
)
from npskit.typing import IntervalMethod, MeanIntervalMethod, MetricKind, ShareIntervalMethod

from .methods import DEFAULT_INTERVAL_METHOD, KernelOptions

__all__ = [
    "DEFAULT_INTERVAL_METHOD_BY_KIND",
    "DEFAULT_TEST_METHOD_BY_KIND",
    "INTERVAL_METHODS_BY_KIND",
    "MEAN_INTERVAL_METHODS",
    "SHARE_INTERVAL_METHODS",
    "MetricIntervalEntry",
    "check_metric_interval_method",
]

Floats = npt.NDArray[np.float64]

MetricBoundsKernel = Callable[[Floats, Floats, float, KernelOptions], tuple[Floats, Floats]]
"""``(counts, scores, alpha, options) -> (lower, upper)`` in score units, every row."""

MetricTestKernel = Callable[[Floats, Floats, float, str], tuple[Floats, Floats]]
"""``(counts, scores, value, alternative) -> (statistic, pvalue)``; ``value`` in score units."""


@dataclass(frozen=True, slots=True, kw_only=True)
class MetricIntervalEntry:
    """One interval method of a share or mean metric: its kernel, behaviour and source."""

    bounds: MetricBoundsKernel
    citation: str
    resamples: bool = False
    collapses_when_degenerate: bool = False
    test: MetricTestKernel | None = None
    test_name: str = ""


def _share(kernel: Callable[[Any, Any, float], tuple[Floats, Floats]]) -> MetricBoundsKernel:
    def bounds(
        counts: Floats, scores: Floats, alpha: float, _: KernelOptions
    ) -> tuple[Floats, Floats]:
        return kernel(counts @ scores, counts.sum(axis=1), alpha)

    return bounds


def _share_test(
    kernel: Callable[[Any, Any, Any, str], tuple[Floats, Floats]],
) -> MetricTestKernel:
    def test(
        counts: Floats, scores: Floats, value: float, alternative: str
    ) -> tuple[Floats, Floats]:
        return kernel(counts @ scores, counts.sum(axis=1), value, alternative)

    return test


def _bootstrap(
    counts: Floats, scores: Floats, alpha: float, o: KernelOptions
) -> tuple[Floats, Floats]:
    rng = o.rng if o.rng is not None else np.random.default_rng()
    return bootstrap_t_bounds(counts, scores, alpha, n_resamples=o.n_resamples, rng=rng)


SHARE_INTERVAL_METHODS: dict[str, MetricIntervalEntry] = {
    "wilson": MetricIntervalEntry(
        bounds=_share(wilson_bounds),
        test=_share_test(score_pvalue),
        test_name="score test",
        citation="Wilson (1927), doi:10.1080/01621459.1927.10502953",
    ),
    "agresti-coull": MetricIntervalEntry(
        bounds=_share(agresti_coull_bounds),
        citation="Agresti & Coull (1998), doi:10.1080/00031305.1998.10480550",
    ),
    "jeffreys": MetricIntervalEntry(
        bounds=_share(jeffreys_bounds),
        citation="Brown, Cai & DasGupta (2001), doi:10.1214/ss/1009213286",
    ),
    "clopper-pearson": MetricIntervalEntry(
        bounds=_share(clopper_pearson_bounds),
        test=_share_test(binomial_pvalue),
        test_name="exact binomial test",
        citation="Clopper & Pearson (1934), doi:10.1093/biomet/26.4.404",
    ),
}
"""Interval methods of a share metric; keys are exactly ``get_args(ShareIntervalMethod)``."""

MEAN_INTERVAL_METHODS: dict[str, MetricIntervalEntry] = {
    "t": MetricIntervalEntry(
        bounds=lambda c, x, alpha, _: t_bounds(c, x, alpha),
        collapses_when_degenerate=True,
        test=t_pvalue,
        test_name="one-sample t test",
        citation="Student (1908), doi:10.1093/biomet/6.1.1",
    ),
    "scaled-wilson": MetricIntervalEntry(
        bounds=lambda c, x, alpha, _: scaled_wilson_bounds(c, x, alpha),
        citation=(
            "Wilson (1927) at the effective n of Korn & Graubard (1998), variance ratio "
            "from Bhatia & Davis (2000), doi:10.1080/00029890.2000.12005203"
        ),
    ),
    "bootstrap-t": MetricIntervalEntry(
        bounds=_bootstrap,
        resamples=True,
        collapses_when_degenerate=True,
        citation="Efron & Tibshirani (1993), An Introduction to the Bootstrap, ch. 12",
    ),
}
"""Interval methods of a mean metric; keys are exactly ``get_args(MeanIntervalMethod)``."""

INTERVAL_METHODS_BY_KIND: dict[str, dict[str, Any]] = {
    "share": SHARE_INTERVAL_METHODS,
    "mean": MEAN_INTERVAL_METHODS,
}
"""The registry of each non-NPS metric kind (NPS: ``INTERVAL_METHODS``)."""

_LITERALS: dict[str, tuple[str, ...]] = {
    "net": get_args(IntervalMethod),
    "share": get_args(ShareIntervalMethod),
    "mean": get_args(MeanIntervalMethod),
}

DEFAULT_INTERVAL_METHOD_BY_KIND: dict[MetricKind, str] = {
    "net": DEFAULT_INTERVAL_METHOD,
    "share": "agresti-coull",
    "mean": "scaled-wilson",
}
"""The interval method each kind uses unless told otherwise.

Chosen from the exact coverage tables of ``scripts/metric_coverage_table.py``
("CSAT and CES" in the docs): for a share, Agresti-Coull is the only
non-exact method whose coverage stays at least 0.93 for every true share in
0.05..0.95 at n = 10, 30 and 100 (Wilson drops to 0.914 at n = 10, Jeffreys
to 0.869), at a mean coverage of 0.954-0.964; for a mean, the scaled Wilson
interval has a mean coverage of 0.949 (1-5) and 0.944 (1-7) at n = 10 where
the t interval has 0.923 and 0.907, with fewer distributions below
0.93 and shorter intervals, and stays within the scale.
"""

DEFAULT_TEST_METHOD_BY_KIND: dict[MetricKind, str] = {
    "net": "tango",
    "share": "wilson",
    "mean": "t",
}
"""The one-sample test each kind uses unless told otherwise (a method with a ``test``)."""


def check_metric_interval_method(metric: Metric, interval_method: object) -> str:
    """The ``interval_method`` to use for ``metric`` (None: the kind's default), else raise."""
    if interval_method is None:
        return DEFAULT_INTERVAL_METHOD_BY_KIND[metric.kind]
    allowed = _LITERALS[metric.kind]
    if interval_method not in allowed:
        raise ValueError(
            f"interval_method must be one of {', '.join(map(repr, allowed))} for the "
            f"{metric.kind} metric {metric.name!r}, got {interval_method!r}"
        )
    return str(interval_method)
