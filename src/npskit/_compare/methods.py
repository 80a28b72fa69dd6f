"""The two-period (independent samples) methods, on counts.

Every function takes the (effective) counts of the baseline ``c0 = (d0, s0,
p0)`` and of the current period ``c1 = (d1, s1, p1)`` as floats, and works in
shares: NPS in ``[-1, 1]``, differences in ``[-2, 2]``. The public wrapper
(:func:`npskit.compare`) converts to points. The Wald and MOVER kernels also
take numpy arrays, so the size and power enumeration and :func:`npskit.power`
run the very same formulas on every pair of outcomes at once.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from npskit._stats.wald import PSEUDO_COUNTS

__all__ = [
    "MethodOutcome",
    "bayes_compare",
    "bootstrap_compare",
    "mover_compare",
    "mover_limits",
    "permutation_compare",
    "tango_bounds_array",
    "wald_compare",
    "wald_parts",
]

Counts = tuple[float, float, float]
Array = np.ndarray[Any, Any]

MAX_Z = 38.0
"""Largest |z| the MOVER inversion searches; beyond it the p-value underflows."""

EXACT_TABLES = 20_000
"""Largest number of permutation tables enumerated exactly instead of resampled."""

HYPERGEOMETRIC_LIMIT = 10**9
"""numpy's multivariate hypergeometric sampler needs fewer answers than this."""


class MethodOutcome(NamedTuple):
    """What a method gives back, in shares (``low``, ``high`` in ``[-2, 2]``)."""

    low: float
    high: float
    statistic: float
    pvalue: float
    interval_method: str
    probability_greater: float | None = None


def _tail(confidence_level: float, alternative: str) -> float:
    """The tail probability of each one-sided bound."""
    if alternative == "two-sided":
        return (1.0 - confidence_level) / 2.0
    return 1.0 - confidence_level


def _one_sided(low: float, high: float, alternative: str) -> tuple[float, float]:
    """Open the interval on the side the alternative does not bound; clip to [-2, 2]."""
    if alternative == "greater":
        high = 2.0
    elif alternative == "less":
        low = -2.0
    return min(max(low, -2.0), 2.0), min(max(high, -2.0), 2.0)


def pvalue_from_z(z: Any, alternative: str) -> Any:
    """Normal p-value of a z statistic (arrays welcome); H1 ``"greater"``: z large."""
    from scipy.special import ndtr

    if alternative == "greater":
        return ndtr(-z)
    if alternative == "less":
        return ndtr(z)
    return 2.0 * ndtr(-np.abs(z))


# -- Wald and adjusted Wald ----------------------------------------------------


def wald_parts(
    d0: Any, s0: Any, p0: Any, d1: Any, s1: Any, p1: Any, *, method: str
) -> tuple[Any, Any]:
    """Centre ``(p1 - d1)/n1 - (p0 - d0)/n0`` and its unpooled standard error.

    ``method`` is ``"wald"`` (no pseudo-counts) or ``"adjusted-wald"`` (3/4
    detractor, 3/2 passive, 3/4 promoter added to each period, n + 3). The
    variance of one answer's score is ``p + d - (p - d)^2``.
    """
    add_d, add_s, add_p = PSEUDO_COUNTS[method]
    d0, s0, p0 = d0 + add_d, s0 + add_s, p0 + add_p
    d1, s1, p1 = d1 + add_d, s1 + add_s, p1 + add_p
    n0, n1 = d0 + s0 + p0, d1 + s1 + p1
    e0, e1 = (p0 - d0) / n0, (p1 - d1) / n1
    v0 = (p0 + d0) / n0 - e0 * e0
    v1 = (p1 + d1) / n1 - e1 * e1
    se = np.sqrt(np.maximum(v0, 0.0) / n0 + np.maximum(v1, 0.0) / n1)
    return e1 - e0, se


def wald_compare(
    c0: Counts, c1: Counts, *, method: str, confidence_level: float, alternative: str
) -> MethodOutcome:
    """Unpooled z test and interval, raw (``"wald"``) or on pseudo-counts."""
    from scipy.special import ndtri

    centre, se = wald_parts(*c0, *c1, method=method)
    centre, se = float(centre), float(se)
    if se > 0.0:
        statistic = centre / se
    else:  # every answer of each period in one category: no sampling variance
        statistic = 0.0 if centre == 0.0 else math.copysign(math.inf, centre)
    pvalue = float(pvalue_from_z(statistic, alternative))
    half = float(ndtri(1.0 - _tail(confidence_level, alternative))) * se
    low, high = _one_sided(centre - half, centre + half, alternative)
    return MethodOutcome(low, high, statistic, pvalue, method)


# -- MOVER from Tango's score intervals ----------------------------------------


def _score(b: Array, c: Array, n: Array, delta: Array) -> Array:
    """Tango's score statistic, vectorised (see :func:`npskit._stats.tango.score_statistic`)."""
    a_coef = 2.0 * n
    b_coef = -b - c + (2.0 * n - b + c) * delta
    c_coef = -c * delta * (1.0 - delta)
    root = np.sqrt(np.maximum(b_coef * b_coef - 4.0 * a_coef * c_coef, 0.0))
    q = (root - b_coef) / (2.0 * a_coef)
    numerator = b - c - n * delta
    variance = n * (2.0 * q + delta * (1.0 - delta))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = numerator / np.sqrt(variance)
        infinite = np.copysign(np.inf, numerator)
    degenerate = variance <= 0.0
    result: Array = np.where(degenerate, np.where(numerator == 0.0, 0.0, infinite), z)
    return result


def tango_bounds_array(d: Any, s: Any, p: Any, z: float) -> tuple[Array, Array]:
    """Tango's lower and upper score bounds at critical value ``z`` for arrays of counts.

    Solves ``Z(delta) = +-z`` by bisection (70 halvings of ``[-1, 1]``, far
    below double precision), every outcome at once; the same bounds as
    :func:`npskit._stats.tango.tango_bounds` with ``z = Phi^-1(1 - alpha)``.
    """
    d, s, p = (np.asarray(v, dtype=float) for v in (d, s, p))
    n = d + s + p
    edge = 1e-13
    bounds = []
    for target in (z, -z):
        low = np.full(n.shape, -1.0 + edge)
        high = np.full(n.shape, 1.0 - edge)
        below = _score(p, d, n, low) - target <= 0.0  # root at or below -1
        above = _score(p, d, n, high) - target >= 0.0  # root at or above +1
        for _ in range(70):
            middle = 0.5 * (low + high)
            positive = _score(p, d, n, middle) - target > 0.0
            low = np.where(positive, middle, low)
            high = np.where(positive, high, middle)
        root = 0.5 * (low + high)
        bounds.append(np.where(below, -1.0, np.where(above, 1.0, root)))
    return bounds[0], bounds[1]


def mover_limits(e0: Any, l0: Any, u0: Any, e1: Any, l1: Any, u1: Any) -> tuple[Any, Any]:
    """Newcombe's method 10 / Zou and Donner's MOVER limits for ``e1 - e0``."""
    centre = e1 - e0
    low = centre - np.sqrt((e1 - l1) ** 2 + (u0 - e0) ** 2)
    high = centre + np.sqrt((u1 - e1) ** 2 + (e0 - l0) ** 2)
    return low, high


def _tango_bound_at(counts: Counts, z: float, *, upper: bool) -> float:
    """One Tango bound at critical value ``z`` (any size, no alpha underflow)."""
    from scipy.optimize import brentq

    from npskit._stats.tango import score_statistic

    d, s, p = counts
    n = d + s + p
    target = -z if upper else z

    def gap(delta: float) -> float:
        return score_statistic(p, d, n, delta) - target

    low_end, high_end = -1.0 + 1e-13, 1.0 - 1e-13
    if gap(low_end) <= 0.0:
        return -1.0
    if gap(high_end) >= 0.0:
        return 1.0
    return float(brentq(gap, low_end, high_end, xtol=1e-12, rtol=1e-15))


def mover_compare(
    c0: Counts, c1: Counts, *, confidence_level: float, alternative: str
) -> MethodOutcome:
    """MOVER interval from the two Tango intervals; p-value by inverting it.

    The statistic is the signed ``z`` at which the MOVER bound nearer to 0
    touches 0 (positive when the current period is higher); the p-value is
    the normal tail of that ``z``, so that ``pvalue < 1 - confidence_level``
    exactly when the interval at that level excludes 0.
    """
    from scipy.optimize import brentq

    from npskit._stats.tango import tango_bounds

    alpha = _tail(confidence_level, alternative)
    e0 = (c0[2] - c0[0]) / sum(c0)
    e1 = (c1[2] - c1[0]) / sum(c1)
    l0, u0 = tango_bounds(*c0, alpha)
    l1, u1 = tango_bounds(*c1, alpha)
    low, high = mover_limits(e0, l0, u0, e1, l1, u1)
    low, high = _one_sided(float(low), float(high), alternative)

    centre = e1 - e0
    statistic = 0.0
    if centre != 0.0:
        upper_side = centre < 0.0  # the bound that can reach 0 is the upper one

        def end(z: float) -> float:
            if upper_side:
                u1z = _tango_bound_at(c1, z, upper=True)
                l0z = _tango_bound_at(c0, z, upper=False)
                return -(centre + math.hypot(u1z - e1, e0 - l0z))
            l1z = _tango_bound_at(c1, z, upper=False)
            u0z = _tango_bound_at(c0, z, upper=True)
            return centre - math.hypot(e1 - l1z, u0z - e0)

        magnitude = MAX_Z if end(MAX_Z) > 0.0 else float(brentq(end, 0.0, MAX_Z, xtol=1e-10))
        statistic = -magnitude if upper_side else magnitude
    pvalue = float(pvalue_from_z(statistic, alternative))
    return MethodOutcome(low, high, statistic, pvalue, "mover")


# -- permutation ----------------------------------------------------------------


def _integer_counts(counts: Counts) -> tuple[int, int, int]:
    return (round(counts[0]), round(counts[1]), round(counts[2]))


def permutation_compare(
    c0: Counts,
    c1: Counts,
    *,
    confidence_level: float,
    alternative: str,
    n_resamples: int,
    rng: Any,
) -> MethodOutcome:
    """Permutation test of "same distribution" on the NPS difference; MOVER interval.

    The pooled answers are split again into groups of the two sizes: the
    current group's counts are multivariate hypergeometric. All splits are
    enumerated when there are at most ``EXACT_TABLES`` distinct tables;
    otherwise ``n_resamples`` splits are drawn and the p-value is
    ``(1 + hits) / (1 + n_resamples)`` (Phipson and Smyth 2010).
    """
    b0, b1 = _integer_counts(c0), _integer_counts(c1)
    n0, n1 = sum(b0), sum(b1)
    pooled = np.array([b0[0] + b1[0], b0[1] + b1[1], b0[2] + b1[2]], dtype=np.int64)
    total = n0 + n1
    observed = (b1[2] - b1[0]) / n1 - (b0[2] - b0[0]) / n0
    smaller = min(n0, n1)
    if (smaller + 1) * (smaller + 2) // 2 <= EXACT_TABLES:
        tables, weights = _all_splits(pooled, smaller)
        current = tables if n1 == smaller else pooled[None, :] - tables
        stats = _split_statistic(current, pooled, n0, n1)
        hits = _extreme(stats, observed, alternative)
        pvalue = float(np.sum(weights[hits]))
    else:
        generator = np.random.default_rng(rng)
        if total < HYPERGEOMETRIC_LIMIT:
            current = generator.multivariate_hypergeometric(pooled, n1, size=n_resamples)
            stats = _split_statistic(current, pooled, n0, n1)
        else:
            # numpy's sampler stops below 1e9 answers: thin each category
            # independently with the sampling fraction instead (Poisson
            # sampling). The statistic is a ratio of counts, so this changes
            # it by a relative O(1 / total).
            current = generator.binomial(pooled[None, :], n1 / total, size=(n_resamples, 3))
            sizes = current.sum(axis=1)
            rest = pooled[None, :] - current
            stats = (current[:, 2] - current[:, 0]) / sizes - (rest[:, 2] - rest[:, 0]) / (
                total - sizes
            )
        hits = _extreme(stats, observed, alternative)
        pvalue = (1.0 + float(np.count_nonzero(hits))) / (1.0 + n_resamples)
    interval = mover_compare(c0, c1, confidence_level=confidence_level, alternative=alternative)
    return MethodOutcome(interval.low, interval.high, observed, min(1.0, pvalue), "mover")


def _all_splits(pooled: Array, size: int) -> tuple[Array, Array]:
    """Every table ``(x_d, x_s, x_p)`` of ``size`` answers drawn from ``pooled``, and its pmf."""
    from scipy.special import gammaln

    grid_d, grid_s = np.meshgrid(np.arange(size + 1), np.arange(size + 1), indexing="ij")
    x_d, x_s = grid_d.ravel(), grid_s.ravel()
    x_p = size - x_d - x_s
    keep = (x_p >= 0) & (x_d <= pooled[0]) & (x_s <= pooled[1]) & (x_p <= pooled[2])
    tables = np.stack([x_d[keep], x_s[keep], x_p[keep]], axis=1)

    def log_choose(n: Any, k: Any) -> Any:
        return gammaln(n + 1.0) - gammaln(k + 1.0) - gammaln(n - k + 1.0)

    log_weight = np.sum(log_choose(pooled[None, :], tables), axis=1) - log_choose(
        float(pooled.sum()), float(size)
    )
    return tables, np.exp(log_weight)


def _split_statistic(current: Array, pooled: Array, n0: int, n1: int) -> Array:
    rest = pooled[None, :] - current
    result: Array = (current[:, 2] - current[:, 0]) / n1 - (rest[:, 2] - rest[:, 0]) / n0
    return result


def _extreme(stats: Array, observed: float, alternative: str) -> Array:
    """Splits at least as extreme as the observed one (ties included, to 1e-12)."""
    tolerance = 1e-12 * max(1.0, abs(observed))
    if alternative == "greater":
        result: Array = stats >= observed - tolerance
    elif alternative == "less":
        result = stats <= observed + tolerance
    else:
        result = np.abs(stats) >= abs(observed) - tolerance
    return result


# -- bootstrap ------------------------------------------------------------------


def bootstrap_compare(
    c0: Counts,
    c1: Counts,
    *,
    confidence_level: float,
    alternative: str,
    n_resamples: int,
    rng: Any,
) -> MethodOutcome:
    """Percentile interval of the difference from multinomial resamples of each period.

    p-value: the percentile interval's own, ``(1 + #{r <= 0}) / (1 + B)``
    for ``"greater"`` (``r`` the resampled differences), ``(1 + #{r >= 0})
    / (1 + B)`` for ``"less"``, twice the smaller (at most 1) for
    ``"two-sided"``. Statistic: the observed difference over the resamples'
    standard deviation.
    """
    generator = np.random.default_rng(rng)
    replicates = []
    for counts in (c0, c1):
        n = sum(counts)
        trials = max(1, round(n))
        draws = generator.multinomial(trials, np.array(counts) / n, size=n_resamples)
        replicates.append((draws[:, 2] - draws[:, 0]) / trials)
    differences = replicates[1] - replicates[0]
    alpha = _tail(confidence_level, alternative)
    low, high = (float(v) for v in np.quantile(differences, [alpha, 1.0 - alpha]))
    low, high = _one_sided(low, high, alternative)
    at_most = (1.0 + float(np.count_nonzero(differences <= 0.0))) / (1.0 + n_resamples)
    at_least = (1.0 + float(np.count_nonzero(differences >= 0.0))) / (1.0 + n_resamples)
    if alternative == "greater":
        pvalue = at_most
    elif alternative == "less":
        pvalue = at_least
    else:
        pvalue = min(1.0, 2.0 * min(at_most, at_least))
    observed = (c1[2] - c1[0]) / sum(c1) - (c0[2] - c0[0]) / sum(c0)
    spread = float(np.std(differences, ddof=1)) if n_resamples > 1 else 0.0
    if spread > 0.0:
        statistic = observed / spread
    else:
        statistic = 0.0 if observed == 0.0 else math.copysign(math.inf, observed)
    return MethodOutcome(low, high, statistic, pvalue, "bootstrap")


# -- Bayes ------------------------------------------------------------------------


def bayes_compare(
    c0: Counts, c1: Counts, *, confidence_level: float, alternative: str, prior: float
) -> MethodOutcome:
    """Equal-tailed credible interval of the difference and posterior tail probabilities.

    Statistic: the posterior probability that the current NPS is higher.
    "p-value": the posterior probability of the side H0 stands for
    (``P(diff <= 0)`` for ``"greater"``, ``P(diff >= 0)`` for ``"less"``,
    twice the smaller for ``"two-sided"``); it is below ``1 -
    confidence_level`` exactly when the credible interval excludes 0.
    """
    from npskit._stats.bayes_difference import posterior, posterior_difference

    alpha = _tail(confidence_level, alternative)
    post0 = posterior(*c0, prior)
    post1 = posterior(*c1, prior)
    low, high, greater = posterior_difference(post0, post1, alpha)
    low, high = _one_sided(low, high, alternative)
    if alternative == "greater":
        pvalue = 1.0 - greater
    elif alternative == "less":
        pvalue = greater
    else:
        pvalue = min(1.0, 2.0 * min(greater, 1.0 - greater))
    return MethodOutcome(low, high, greater, pvalue, "bayes", greater)
