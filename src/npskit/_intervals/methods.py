"""The interval method registry, and the interval kernel on counts.

``INTERVAL_METHODS`` maps every name of :data:`npskit.typing.IntervalMethod`
to one :class:`IntervalMethodEntry`: its bounds kernel (from
:mod:`npskit._stats`), its vectorised kernel if it has one, whether it
resamples or uses a prior, when it warns, the test it is the dual of, and its
source. :func:`interval_from_counts`, :func:`npskit._intervals.arrays.interval_arrays`,
:func:`npskit.nps_test` and the planning functions all dispatch through it;
adding a method is one kernel and one entry here (see CONTRIBUTING.md).

Everything takes the three category counts as floats, so unweighted counts,
effective counts of weighted data (from the linearization variance) and
finite-population corrected counts all go through the same code.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from npskit._core.tally import Tally
from npskit._core.validation import check_positive_int
from npskit._core.warnings import DegenerateSampleWarning, SmallSampleWarning
from npskit._stats.bayes import bayes_bounds
from npskit._stats.bootstrap import bootstrap_bounds
from npskit._stats.consistency import contain_estimate
from npskit._stats.effective import linearized_effective_counts
from npskit._stats.exact import exact_bounds, sign_test
from npskit._stats.normal import tail_probability, z_quantile
from npskit._stats.tango import tango_bounds, tango_bounds_array, tango_test
from npskit._stats.wald import wald_bounds, wald_bounds_array, wald_test
from npskit.typing import Alternative, IntervalMethod

__all__ = [
    "DEFAULT_INTERVAL_METHOD",
    "INTERVAL_METHODS",
    "JEFFREYS_PRIOR",
    "SMALL_SAMPLE",
    "EffectiveCounts",
    "IntervalMethodEntry",
    "KernelOptions",
    "check_population",
    "check_prior",
    "effective_counts",
    "interval_from_counts",
]

DEFAULT_INTERVAL_METHOD: IntervalMethod = "adjusted-wald"
"""The interval method every function uses unless told otherwise."""

JEFFREYS_PRIOR = 0.5
"""Dirichlet concentration per category when ``prior`` is None: Jeffreys' prior."""

SMALL_SAMPLE = 30
"""Below this many (effective) answers the Wald interval warns (SmallSampleWarning)."""


class KernelOptions(NamedTuple):
    """The options only some kernels use, validated at the door."""

    prior: float = JEFFREYS_PRIOR
    n_resamples: int = 10_000
    rng: np.random.Generator | None = None


BoundsKernel = Callable[[float, float, float, float, KernelOptions], tuple[float, float]]
"""``(d, s, p, alpha, options) -> (lower, upper)``: one-sided bounds with tail ``alpha``, shares."""

ArrayKernel = Callable[[Any, Any, Any, float], tuple[Any, Any]]
"""``(d, s, p, alpha) -> (lower, upper)`` for arrays of counts, shares, unclipped."""

TestKernel = Callable[[float, float, float, float, str], tuple[float, float]]
"""``(d, s, p, delta, alternative) -> (statistic, pvalue)``: the test the interval inverts."""


@dataclass(frozen=True, slots=True, kw_only=True)
class IntervalMethodEntry:
    """One interval method: its kernels, its behaviour and its source."""

    bounds: BoundsKernel
    citation: str
    bounds_array: ArrayKernel | None = None
    resamples: bool = False
    uses_prior: bool = False
    collapses_when_degenerate: bool = False
    small_sample: int = 0
    test: TestKernel | None = None
    tests_zero_only: bool = False


def _wald_family(name: str, citation: str, **flags: Any) -> IntervalMethodEntry:
    """An entry of the Wald family: the Wald formula after ``name``'s pseudo-counts."""

    def bounds(d: float, s: float, p: float, alpha: float, _: KernelOptions) -> tuple[float, float]:
        return wald_bounds(d, s, p, alpha, method=name)

    def bounds_array(d: Any, s: Any, p: Any, alpha: float) -> tuple[Any, Any]:
        return wald_bounds_array(d, s, p, alpha, method=name)

    return IntervalMethodEntry(bounds=bounds, bounds_array=bounds_array, citation=citation, **flags)


INTERVAL_METHODS: dict[str, IntervalMethodEntry] = {
    "wald": _wald_family(
        "wald",
        "Wald normal approximation (Rocks 2016, doi:10.1080/00031305.2016.1158124)",
        collapses_when_degenerate=True,
        small_sample=SMALL_SAMPLE,
        test=wald_test,
    ),
    "adjusted-wald": _wald_family(
        "adjusted-wald",
        "Sauro & Lewis pseudo-counts 3/4, 3/2, 3/4 (Rocks 2016, doi:10.1080/00031305.2016.1158124)",
    ),
    "agresti-min": _wald_family("agresti-min", "Agresti & Min (2005), doi:10.1002/sim.1781"),
    "bonett-price": _wald_family(
        "bonett-price", "Bonett & Price (2012), doi:10.3102/1076998611411915"
    ),
    "tango": IntervalMethodEntry(
        bounds=lambda d, s, p, alpha, _: tango_bounds(d, s, p, alpha),
        bounds_array=lambda d, s, p, alpha: tango_bounds_array(d, s, p, z_quantile(alpha)),
        test=tango_test,
        citation="Tango (1998), Statistics in Medicine 17(8):891-908",
    ),
    "exact": IntervalMethodEntry(
        bounds=lambda d, s, p, alpha, _: exact_bounds(d, s, p, alpha),
        test=sign_test,
        tests_zero_only=True,
        citation="Fay & Lumbard (2021), doi:10.1002/sim.8829",
    ),
    "bayes": IntervalMethodEntry(
        bounds=lambda d, s, p, alpha, o: bayes_bounds(d, s, p, alpha, prior=o.prior),
        uses_prior=True,
        citation="Dirichlet posterior, equal-tailed; Brown, Cai & DasGupta (2001) end rule",
    ),
    "bootstrap-percentile": IntervalMethodEntry(
        bounds=lambda d, s, p, alpha, o: bootstrap_bounds(
            d, s, p, alpha, kind="percentile", n_resamples=o.n_resamples, rng=o.rng
        ),
        resamples=True,
        collapses_when_degenerate=True,
        citation="Efron & Tibshirani (1993), percentile bootstrap of the counts",
    ),
    "bootstrap-bca": IntervalMethodEntry(
        bounds=lambda d, s, p, alpha, o: bootstrap_bounds(
            d, s, p, alpha, kind="bca", n_resamples=o.n_resamples, rng=o.rng
        ),
        resamples=True,
        collapses_when_degenerate=True,
        citation="Efron (1987), doi:10.1080/01621459.1987.10478410",
    ),
}
"""Every interval method by name; the keys are exactly ``get_args(IntervalMethod)``."""


class EffectiveCounts(NamedTuple):
    """Counts the interval methods work on, and whether the sample is a census.

    With weights these are the weighted shares times the linearization's
    effective n (see :mod:`npskit._stats.effective`); with
    a finite-population correction they are further multiplied by
    ``(N - 1) / (N - n)``. ``census`` is true when the sample is the whole
    population (``N == n``): there is then no sampling error.
    """

    detractors: float
    passives: float
    promoters: float
    census: bool


def effective_counts(tally: Tally, population: int | None = None) -> EffectiveCounts:
    """The counts behind every interval of ``tally``.

    Parameters
    ----------
    tally : Tally
        A non-empty tally, weighted or not.
    population : int, optional
        Size of the finite population the answers were drawn from without
        replacement; at least ``tally.n`` (the caller checks).

    Notes
    -----
    Weighted: the weighted shares times the effective sample size of the
    linearization (Taylor) variance of the weighted NPS
    (:func:`npskit._stats.effective.linearized_effective_counts`), which
    holds whether or not the weights depend on the answers; Kish's
    effective n stays the reported ``effective_n``.

    Finite population: sampling ``n`` of ``N`` without replacement multiplies
    the variance of a share by ``(N - n) / (N - 1)`` (Cochran 1977, eq. 3.4).
    Every method gets it the same way: the counts are divided by that factor
    (the effective sample size grows, the shares stay).
    """
    counts = [[tally.detractors, tally.passives, tally.promoters]]
    squares = None if tally.squared_weights is None else [tally.squared_weights]
    effective = linearized_effective_counts(counts, squares, [tally.n])[0][0]
    census = False
    if population is not None:
        if population <= tally.n:
            census = True
        else:
            effective = effective * ((population - 1) / (population - tally.n))
    d, s, p = (float(v) for v in effective)
    return EffectiveCounts(d, s, p, census)


def interval_from_counts(
    detractors: float,
    passives: float,
    promoters: float,
    *,
    confidence_level: float,
    interval_method: IntervalMethod,
    alternative: Alternative = "two-sided",
    options: KernelOptions = KernelOptions(),  # noqa: B008 - an immutable NamedTuple
    stacklevel: int = 2,
    warn: bool = True,
) -> tuple[float, float]:
    """``(low, high)`` in points for counts (floats); options already validated.

    A two-sided interval at level ``c`` is made of the two one-sided bounds at
    level ``(1 + c) / 2``; ``"greater"`` gives ``[low, 100]`` with ``low`` the
    one-sided bound at level ``c``, ``"less"`` gives ``[-100, high]``. Bounds
    are clipped to ``[-100, 100]`` and then moved out to the estimate
    ``(P - D) / n`` where they exclude it
    (:func:`npskit._stats.consistency.contain_estimate`): an interval never
    contradicts its own estimate. ``stacklevel`` counts frames as
    :func:`warnings.warn` does, from this function's caller: the default 2
    suits a public function that calls this one directly; ``warn=False``
    silences both warnings (for planning, which asks about the method, not
    about a sample).

    Warns
    -----
    DegenerateSampleWarning
        For the methods whose entry says ``collapses_when_degenerate`` when
        every answer is in one category: the interval collapses to the estimate.
    SmallSampleWarning
        Below the entry's ``small_sample`` (effective) answers (``"wald"``:
        30), where its coverage falls well below the nominal level (see the
        coverage table in "Choosing an interval method").
    """
    entry = INTERVAL_METHODS[interval_method]
    d, s, p = float(detractors), float(passives), float(promoters)
    n = d + s + p
    if not warn:
        pass
    elif entry.collapses_when_degenerate and max(d, s, p) == n:
        warnings.warn(
            f"every answer is in one category, so the {interval_method!r} interval has zero "
            "width; use interval_method='tango', 'exact' or 'bayes' for an interval that "
            "reflects the sampling error",
            DegenerateSampleWarning,
            stacklevel=stacklevel + 1,
        )
    elif n < entry.small_sample:
        warnings.warn(
            f"the {interval_method!r} interval of {n:.6g} answers can cover far less often "
            f"than {confidence_level:.0%}; below {entry.small_sample} answers use "
            "'adjusted-wald' (the default) or 'tango'",
            SmallSampleWarning,
            stacklevel=stacklevel + 1,
        )
    alpha = tail_probability(confidence_level, alternative)
    bounds = entry.bounds(d, s, p, alpha, options)
    lower, upper = float(bounds[0]), float(bounds[1])
    if alternative == "greater":
        upper = 1.0
    elif alternative == "less":
        lower = -1.0
    lower = min(max(lower, -1.0), 1.0)
    upper = min(max(upper, -1.0), 1.0)
    if lower > upper:  # only by rounding, for a zero-width interval
        lower = upper = 0.5 * (lower + upper)
    lower, upper = contain_estimate(lower, upper, (p - d) / n)
    return 100.0 * lower, 100.0 * upper


def check_population(population: object, n: int) -> int | None:
    """Return a valid finite population size (None for none), else raise.

    It must be a whole number at least as large as the number of answers.
    """
    if population is None:
        return None
    size = check_positive_int("population", population)
    if size < n:
        raise ValueError(
            f"population must be at least the number of answers ({n}), got {population!r}"
        )
    return size


def check_prior(prior: object, *, used: bool, method_name: str, method: str) -> float:
    """Return the Dirichlet concentration to use (Jeffreys' 0.5 for None), else raise.

    ``used`` says whether ``method`` (the value of parameter ``method_name``)
    uses a prior; a prior given to a method that does not is an error rather
    than silently ignored.
    """
    if prior is None:
        return JEFFREYS_PRIOR
    if not used:
        raise ValueError(
            f"prior={prior!r} is only used by the Bayesian method; {method_name}={method!r} "
            "does not use it: leave prior out or choose the 'bayes' method"
        )
    if isinstance(prior, bool) or not isinstance(prior, numbers.Real):
        raise TypeError(f"prior must be a positive number, got {prior!r}")
    value = float(prior)
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"prior must be finite and > 0 (0.5 is Jeffreys'), got {prior!r}")
    return value
