"""The interval kernel on counts: method dispatch, alternatives, weights, FPC.

Everything here takes the three category counts as floats, so unweighted
counts, Kish effective counts of weighted data and finite-population
corrected counts all go through the same code. Sample-size planning builds on
:func:`interval_from_counts` and :func:`effective_counts`.
"""

from __future__ import annotations

import math
import warnings
from typing import Any, NamedTuple

from npskit._core.tally import Tally
from npskit._core.warnings import DegenerateSampleWarning, SmallSampleWarning
from npskit.typing import Alternative, IntervalMethod

__all__ = ["DEFAULT_METHOD", "EffectiveCounts", "effective_counts", "interval_from_counts"]

DEFAULT_METHOD: IntervalMethod = "adjusted-wald"

SMALL_SAMPLE = 30
"""Below this many (effective) answers the Wald interval warns (SmallSampleWarning)."""


class EffectiveCounts(NamedTuple):
    """Counts the interval methods work on, and whether the sample is a census.

    With weights these are the weighted shares times Kish's effective n; with
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
    Weighted: the counts are ``n_eff * (d, s, p)`` with the weighted shares
    and Kish's ``n_eff = (sum w)^2 / sum w^2``. This is the usual design-effect
    approximation (Kish 1965): it treats the weighted shares as if they came
    from a simple random sample of ``n_eff`` answers, which holds when the
    weights are unrelated to the answers; it ignores the randomness of the
    weights themselves and any clustering or stratification.

    Finite population: sampling ``n`` of ``N`` without replacement multiplies
    the variance of a share by ``(N - n) / (N - 1)`` (Cochran 1977, eq. 3.4).
    Every method gets it the same way: the counts are divided by that factor
    (the effective sample size grows, the shares stay).
    """
    total = float(tally.weight_sum)
    shares = (tally.detractors / total, tally.passives / total, tally.promoters / total)
    size = tally.effective_n
    census = False
    if population is not None:
        sampled = tally.n
        if population <= sampled:
            census = True
        else:
            size *= (population - 1) / (population - sampled)
    return EffectiveCounts(size * shares[0], size * shares[1], size * shares[2], census)


def interval_from_counts(
    detractors: float,
    passives: float,
    promoters: float,
    *,
    confidence_level: float,
    method: IntervalMethod,
    alternative: Alternative = "two-sided",
    prior: float = 0.5,
    n_resamples: int = 10_000,
    rng: Any = None,
    stacklevel: int = 2,
    warn: bool = True,
) -> tuple[float, float]:
    """``(low, high)`` in points for counts (floats); options already validated.

    A two-sided interval at level ``c`` is made of the two one-sided bounds at
    level ``(1 + c) / 2``; ``"greater"`` gives ``[low, 100]`` with ``low`` the
    one-sided bound at level ``c``, ``"less"`` gives ``[-100, high]``. Bounds
    are clipped to ``[-100, 100]``. ``stacklevel`` counts frames as
    :func:`warnings.warn` does, from this function's caller: the default 2
    suits a public function that calls this one directly; ``warn=False``
    silences both warnings (for planning, which asks about the method, not
    about a sample).

    Warns
    -----
    DegenerateSampleWarning
        For ``"wald"`` and the bootstrap methods when every answer is in one
        category: the interval collapses to the estimate.
    SmallSampleWarning
        For ``"wald"`` below ``SMALL_SAMPLE`` (effective) answers, where its
        coverage falls well below the nominal level (see the coverage table in
        "Choosing an interval method").
    """
    d, s, p = float(detractors), float(passives), float(promoters)
    n = d + s + p
    alpha = (1.0 - confidence_level) / 2.0 if alternative == "two-sided" else 1.0 - confidence_level
    if not warn:
        pass
    elif method in ("wald", "bootstrap-percentile", "bootstrap-bca") and max(d, s, p) == n:
        warnings.warn(
            f"every answer is in one category, so the {method!r} interval has zero width; "
            "use method='tango', 'exact' or 'bayes' for an interval that reflects the "
            "sampling error",
            DegenerateSampleWarning,
            stacklevel=stacklevel + 1,
        )
    elif method == "wald" and n < SMALL_SAMPLE:
        warnings.warn(
            f"the 'wald' interval of {n:.6g} answers can cover far less often than "
            f"{confidence_level:.0%}; below {SMALL_SAMPLE} answers use 'adjusted-wald' "
            "(the default) or 'tango'",
            SmallSampleWarning,
            stacklevel=stacklevel + 1,
        )
    lower, upper = _bounds(method, d, s, p, alpha, prior=prior, n_resamples=n_resamples, rng=rng)
    if alternative == "greater":
        upper = 1.0
    elif alternative == "less":
        lower = -1.0
    lower = min(max(lower, -1.0), 1.0)
    upper = min(max(upper, -1.0), 1.0)
    if lower > upper:  # only by rounding, for a zero-width interval
        lower = upper = 0.5 * (lower + upper)
    return 100.0 * lower, 100.0 * upper


def _bounds(
    method: IntervalMethod,
    d: float,
    s: float,
    p: float,
    alpha: float,
    *,
    prior: float,
    n_resamples: int,
    rng: Any,
) -> tuple[float, float]:
    """Lower and upper one-sided bounds with tail ``alpha`` each, as shares."""
    if method in ("wald", "adjusted-wald", "agresti-min", "bonett-price"):
        from npskit._stats.wald import wald_bounds

        return wald_bounds(d, s, p, alpha, method=method)
    if method == "tango":
        from npskit._stats.tango import tango_bounds

        return tango_bounds(d, s, p, alpha)
    if method == "exact":
        from npskit._stats.exact import exact_bounds

        return exact_bounds(d, s, p, alpha)
    if method == "bayes":
        from npskit._stats.bayes import bayes_bounds

        return bayes_bounds(d, s, p, alpha, prior=prior)
    from npskit._stats.bootstrap import bootstrap_bounds

    kind = "bca" if method == "bootstrap-bca" else "percentile"
    return bootstrap_bounds(d, s, p, alpha, kind=kind, n_resamples=n_resamples, rng=rng)


def check_population(population: object, n: int) -> int | None:
    """Return a valid finite population size (None for none), else raise.

    It must be a whole number at least as large as the number of answers.
    """
    if population is None:
        return None
    from npskit._core.validation import check_positive_int

    size = check_positive_int("population", population)
    if size < n:
        raise ValueError(
            f"population must be at least the number of answers ({n}), got {population!r}"
        )
    return size


def check_prior(prior: object) -> float:
    """Return a valid Dirichlet concentration (finite, > 0), else raise."""
    import numbers

    if isinstance(prior, bool) or not isinstance(prior, numbers.Real):
        raise TypeError(f"prior must be a positive number, got {prior!r}")
    value = float(prior)
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"prior must be finite and > 0 (0.5 is Jeffreys'), got {prior!r}")
    return value
