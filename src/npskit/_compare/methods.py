"""The registry of methods comparing two independent periods.

``COMPARE_METHODS`` maps every name of :data:`npskit.typing.CompareMethod` to
one :class:`CompareMethodEntry`: its kernel on one pair of periods, its
vectorised kernels if it has them (many rows at once for
:func:`npskit.breakdown`; every pair of outcomes at once for
:func:`npskit.power`), what it uses and its source. The kernels themselves live in
:mod:`npskit._stats`; the adapters here give them one signature. Every count
is an (effective) count as a float, every result is in shares: NPS in
``[-1, 1]``, differences in ``[-2, 2]``; :func:`npskit.compare` converts to
points.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from npskit._stats.bayes_difference import bayes_difference
from npskit._stats.bootstrap import bootstrap_difference
from npskit._stats.mover import (
    mover_bounds,
    mover_difference,
    mover_limits,
    mover_statistic_one,
)
from npskit._stats.normal import normal_pvalue, signed_ratio, z_quantile
from npskit._stats.permutation import permutation_pvalue
from npskit._stats.tango import tango_bounds_array
from npskit._stats.wald import wald_difference
from npskit.typing import CompareMethod

__all__ = [
    "COMPARE_METHODS",
    "DEFAULT_COMPARE_METHOD",
    "CompareMethodEntry",
    "CompareOptions",
    "MethodOutcome",
    "outcome_lean",
]

Counts = tuple[float, float, float]
Floats = npt.NDArray[np.float64]

DEFAULT_COMPARE_METHOD: CompareMethod = "mover"
"""The comparison method every function uses unless told otherwise."""


class CompareOptions(NamedTuple):
    """The options only some kernels use, validated at the door."""

    n_resamples: int = 10_000
    rng: np.random.Generator | None = None
    prior: float = 0.5


class MethodOutcome(NamedTuple):
    """What a kernel gives back: bounds (tail ``alpha`` each, unclipped) in shares."""

    low: float
    high: float
    statistic: float
    pvalue: float
    probability_greater: float | None = None


def outcome_lean(outcome: MethodOutcome) -> float:
    """The direction the method's evidence points to: its z statistic, or P(greater) - 1/2.

    Only its sign matters (:func:`npskit._stats.consistency.consistent_pvalue`).
    """
    if outcome.probability_greater is not None:
        return outcome.probability_greater - 0.5
    return outcome.statistic


Kernel = Callable[[Counts, Counts, float, str, CompareOptions], MethodOutcome]
"""``(c0, c1, alpha, alternative, options) -> MethodOutcome`` for one pair of periods."""

RowsKernel = Callable[[Floats, Floats, float], tuple[Floats, Floats, Floats]]
"""``(b, c, alpha) -> (low, high, z)`` for ``(rows, 3)`` counts; two-sided normal p from z."""

GridKernel = Callable[[Floats, Floats, float], tuple[Floats, Floats]]
"""``(outcomes0, outcomes1, alpha) -> (low, high)`` for every pair: ``(k0, k1)`` arrays."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CompareMethodEntry:
    """One comparison method: its kernels, what it uses, and its source."""

    kernel: Kernel
    interval_method: str
    citation: str
    rows: RowsKernel | None = None
    grid: GridKernel | None = None
    resamples: bool = False
    uses_prior: bool = False
    collapses_when_degenerate: bool = False
    statistic_in_points: bool = False


# -- Wald and adjusted Wald ----------------------------------------------------------


def _wald_family(name: str, citation: str, **flags: Any) -> CompareMethodEntry:
    """The unpooled z test and interval, raw or after ``name``'s pseudo-counts."""

    def parts(b: Any, c: Any, alpha: float) -> tuple[Any, Any, Any]:
        centre, se = wald_difference(
            b[..., 0], b[..., 1], b[..., 2], c[..., 0], c[..., 1], c[..., 2], method=name
        )
        half = z_quantile(alpha) * se
        return centre - half, centre + half, signed_ratio(centre, se)

    def kernel(
        c0: Counts, c1: Counts, alpha: float, alternative: str, _: CompareOptions
    ) -> MethodOutcome:
        low, high, z = parts(np.array(c0), np.array(c1), alpha)
        return MethodOutcome(
            float(low), float(high), float(z), float(normal_pvalue(z, alternative))
        )

    def rows(b: Floats, c: Floats, alpha: float) -> tuple[Floats, Floats, Floats]:
        return parts(b, c, alpha)

    def grid(outcomes0: Floats, outcomes1: Floats, alpha: float) -> tuple[Floats, Floats]:
        low, high, _ = parts(outcomes0[:, None, :], outcomes1[None, :, :], alpha)
        return low, high

    return CompareMethodEntry(
        kernel=kernel, rows=rows, grid=grid, interval_method=name, citation=citation, **flags
    )


# -- MOVER and what builds on it --------------------------------------------------------


def _mover(
    c0: Counts, c1: Counts, alpha: float, alternative: str, _: CompareOptions
) -> MethodOutcome:
    low, high = mover_bounds(c0, c1, alpha)
    statistic = mover_statistic_one(c0, c1)
    return MethodOutcome(low, high, statistic, float(normal_pvalue(statistic, alternative)))


def _mover_grid(outcomes0: Floats, outcomes1: Floats, alpha: float) -> tuple[Floats, Floats]:
    z = z_quantile(alpha)
    ends = []
    for outcomes in (outcomes0, outcomes1):
        d, s, p = outcomes[:, 0], outcomes[:, 1], outcomes[:, 2]
        low, high = tango_bounds_array(d, s, p, z)
        ends.append(((p - d) / (d + s + p), low, high))
    (e0, l0, u0), (e1, l1, u1) = ends
    low, high = mover_limits(
        e0[:, None], l0[:, None], u0[:, None], e1[None, :], l1[None, :], u1[None, :]
    )
    return low, high


def _permutation(
    c0: Counts, c1: Counts, alpha: float, alternative: str, options: CompareOptions
) -> MethodOutcome:
    if options.rng is None:  # pragma: no cover - compare validates rng at the door
        raise TypeError("the permutation test needs a Generator")
    observed, pvalue = permutation_pvalue(
        c0, c1, alternative, n_resamples=options.n_resamples, rng=options.rng
    )
    interval = _mover(c0, c1, alpha, alternative, options)
    return MethodOutcome(interval.low, interval.high, observed, pvalue)


def _bootstrap(
    c0: Counts, c1: Counts, alpha: float, alternative: str, options: CompareOptions
) -> MethodOutcome:
    if options.rng is None:  # pragma: no cover - compare validates rng at the door
        raise TypeError("the bootstrap needs a Generator")
    return MethodOutcome(
        *bootstrap_difference(
            c0, c1, alpha, alternative, n_resamples=options.n_resamples, rng=options.rng
        )
    )


def _bayes(
    c0: Counts, c1: Counts, alpha: float, alternative: str, options: CompareOptions
) -> MethodOutcome:
    low, high, greater, pvalue = bayes_difference(c0, c1, alpha, alternative, prior=options.prior)
    return MethodOutcome(low, high, greater, pvalue, greater)


COMPARE_METHODS: dict[str, CompareMethodEntry] = {
    "mover": CompareMethodEntry(
        kernel=_mover,
        rows=mover_difference,
        grid=_mover_grid,
        interval_method="mover",
        citation="Newcombe (1998) method 10 / Zou & Donner (2008) on Tango (1998) intervals",
    ),
    "wald": _wald_family(
        "wald", "unpooled Wald z test and interval", collapses_when_degenerate=True
    ),
    "adjusted-wald": _wald_family(
        "adjusted-wald", "Sauro & Lewis, https://measuringu.com/nps-significance-test/"
    ),
    "permutation": CompareMethodEntry(
        kernel=_permutation,
        interval_method="mover",
        resamples=True,
        statistic_in_points=True,
        citation="permutation test, Phipson & Smyth (2010) doi:10.2202/1544-6115.1585",
    ),
    "bootstrap-percentile": CompareMethodEntry(
        kernel=_bootstrap,
        interval_method="bootstrap-percentile",
        resamples=True,
        collapses_when_degenerate=True,
        citation="percentile bootstrap of each period's multinomial (Efron & Tibshirani 1993)",
    ),
    "bayes": CompareMethodEntry(
        kernel=_bayes,
        interval_method="bayes",
        uses_prior=True,
        citation="independent Dirichlet posteriors, equal-tailed credible interval",
    ),
}
"""Every comparison method by name; the keys are exactly ``get_args(CompareMethod)``."""
