"""The comparison method registries of the share and mean metrics.

As for the interval methods (:mod:`npskit._intervals.metric_methods`), each
non-NPS metric kind has its own registry, keyed by its ``Literal``; the NPS
keeps :data:`npskit._compare.methods.COMPARE_METHODS`. Every kernel takes the
``(rows, points)`` effective counts of the baseline and the current sample,
the metric's scores, the tail ``alpha`` of each one-sided bound and the
alternative, and returns ``current - baseline`` bounds (score units,
unclipped), the statistic and the p-value, for every row, so that
:func:`npskit.breakdown` can compare many segments at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple, get_args

import numpy as np
import numpy.typing as npt

from npskit._core.metric import Metric
from npskit._stats.mean_difference import welch_bounds, welch_test
from npskit._stats.normal import normal_pvalue
from npskit._stats.proportion_difference import (
    agresti_caffo_bounds,
    agresti_caffo_statistic,
    newcombe_bounds,
    newcombe_statistic,
)
from npskit.typing import CompareMethod, MeanCompareMethod, ShareCompareMethod

from .methods import DEFAULT_COMPARE_METHOD

__all__ = [
    "COMPARE_METHODS_BY_KIND",
    "DEFAULT_COMPARE_METHOD_BY_KIND",
    "MEAN_COMPARE_METHODS",
    "SHARE_COMPARE_METHODS",
    "MetricCompareEntry",
    "MetricDifference",
    "check_metric_compare_method",
]

Floats = npt.NDArray[np.float64]


class MetricDifference(NamedTuple):
    """Bounds of ``current - baseline`` (score units), statistic and p-value, every row."""

    low: Floats
    high: Floats
    statistic: Floats
    pvalue: Floats


MetricCompareKernel = Callable[[Floats, Floats, Floats, float, str], MetricDifference]


@dataclass(frozen=True, slots=True, kw_only=True)
class MetricCompareEntry:
    """One comparison method of a share or mean metric."""

    kernel: MetricCompareKernel
    citation: str
    statistic: str


def _hits(c: Floats, scores: Floats) -> tuple[Floats, Floats]:
    return c @ scores, c.sum(axis=1)


def _newcombe(c0: Floats, c1: Floats, x: Floats, alpha: float, side: str) -> MetricDifference:
    (h0, n0), (h1, n1) = _hits(c0, x), _hits(c1, x)
    low, high = newcombe_bounds(h0, n0, h1, n1, alpha)
    z = newcombe_statistic(h0, n0, h1, n1)
    return MetricDifference(low, high, z, np.asarray(normal_pvalue(z, side), dtype=np.float64))


def _caffo(c0: Floats, c1: Floats, x: Floats, alpha: float, side: str) -> MetricDifference:
    (h0, n0), (h1, n1) = _hits(c0, x), _hits(c1, x)
    low, high = agresti_caffo_bounds(h0, n0, h1, n1, alpha)
    z = agresti_caffo_statistic(h0, n0, h1, n1)
    return MetricDifference(low, high, z, np.asarray(normal_pvalue(z, side), dtype=np.float64))


def _welch(c0: Floats, c1: Floats, x: Floats, alpha: float, side: str) -> MetricDifference:
    low, high = welch_bounds(c0, c1, x, alpha)
    t, pvalue, _ = welch_test(c0, c1, x, side)
    return MetricDifference(low, high, t, pvalue)


SHARE_COMPARE_METHODS: dict[str, MetricCompareEntry] = {
    "newcombe": MetricCompareEntry(
        kernel=_newcombe,
        statistic="z at which the interval touches 0",
        citation=(
            "Newcombe (1998), doi:10.1002/(SICI)1097-0258(19980430)17:8<873::AID-SIM779>3.0.CO;2-I"
        ),
    ),
    "agresti-caffo": MetricCompareEntry(
        kernel=_caffo,
        statistic="Wald z of the adjusted difference",
        citation="Agresti & Caffo (2000), doi:10.1080/00031305.2000.10474560",
    ),
}
"""Comparison methods of a share metric; keys are ``get_args(ShareCompareMethod)``."""

MEAN_COMPARE_METHODS: dict[str, MetricCompareEntry] = {
    "welch": MetricCompareEntry(
        kernel=_welch,
        statistic="Welch's t",
        citation="Welch (1947), doi:10.1093/biomet/34.1-2.28",
    ),
}
"""Comparison methods of a mean metric; keys are ``get_args(MeanCompareMethod)``."""

COMPARE_METHODS_BY_KIND: dict[str, dict[str, MetricCompareEntry]] = {
    "share": SHARE_COMPARE_METHODS,
    "mean": MEAN_COMPARE_METHODS,
}

DEFAULT_COMPARE_METHOD_BY_KIND: dict[str, str] = {
    "net": DEFAULT_COMPARE_METHOD,
    "share": "newcombe",
    "mean": "welch",
}
"""The comparison method each kind uses unless told otherwise."""

_LITERALS: dict[str, tuple[Any, ...]] = {
    "net": get_args(CompareMethod),
    "share": get_args(ShareCompareMethod),
    "mean": get_args(MeanCompareMethod),
}


def check_metric_compare_method(metric: Metric, compare_method: object) -> str:
    """The ``compare_method`` to use for ``metric`` (None: the kind's default), else raise."""
    if compare_method is None:
        return DEFAULT_COMPARE_METHOD_BY_KIND[metric.kind]
    allowed = _LITERALS[metric.kind]
    if compare_method not in allowed:
        raise ValueError(
            f"compare_method must be one of {', '.join(map(repr, allowed))} for the "
            f"{metric.kind} metric {metric.name!r}, got {compare_method!r}"
        )
    return str(compare_method)
