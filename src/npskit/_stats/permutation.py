"""Permutation test of "same distribution" for two independent NPS, on counts.

The pooled answers are split again into groups of the two sizes: the current
group's counts are multivariate hypergeometric. All splits are enumerated
when there are at most ``EXACT_TABLES`` distinct tables; otherwise
``n_resamples`` splits are drawn and the p-value is
``(1 + hits) / (1 + n_resamples)`` (Phipson and Smyth 2010).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["EXACT_TABLES", "HYPERGEOMETRIC_LIMIT", "permutation_pvalue"]

Counts = tuple[float, float, float]
Array = np.ndarray[Any, Any]

EXACT_TABLES = 20_000
"""Largest number of permutation tables enumerated exactly instead of resampled."""

HYPERGEOMETRIC_LIMIT = 10**9
"""numpy's multivariate hypergeometric sampler needs fewer answers than this."""


def permutation_pvalue(
    c0: Counts, c1: Counts, alternative: str, *, n_resamples: int, rng: np.random.Generator
) -> tuple[float, float]:
    """The observed difference ``(P1 - D1)/n1 - (P0 - D0)/n0`` (shares) and its p-value.

    Fractional (effective) counts are rounded to whole answers.
    """
    b0 = (round(c0[0]), round(c0[1]), round(c0[2]))
    b1 = (round(c1[0]), round(c1[1]), round(c1[2]))
    n0, n1 = sum(b0), sum(b1)
    pooled = np.array([b0[0] + b1[0], b0[1] + b1[1], b0[2] + b1[2]], dtype=np.int64)
    total = n0 + n1
    observed = (b1[2] - b1[0]) / n1 - (b0[2] - b0[0]) / n0
    smaller = min(n0, n1)
    if (smaller + 1) * (smaller + 2) // 2 <= EXACT_TABLES:
        tables, weights = _all_splits(pooled, smaller)
        current = tables if n1 == smaller else pooled[None, :] - tables
        stats = _split_statistic(current, pooled, n0, n1)
        pvalue = float(np.sum(weights[_extreme(stats, observed, alternative)]))
    else:
        if total < HYPERGEOMETRIC_LIMIT:
            current = rng.multivariate_hypergeometric(pooled, n1, size=n_resamples)
            stats = _split_statistic(current, pooled, n0, n1)
        else:
            # numpy's sampler stops below 1e9 answers: thin each category
            # independently with the sampling fraction instead (Poisson
            # sampling). The statistic is a ratio of counts, so this changes
            # it by a relative O(1 / total).
            current = rng.binomial(pooled[None, :], n1 / total, size=(n_resamples, 3))
            sizes = current.sum(axis=1)
            rest = pooled[None, :] - current
            stats = (current[:, 2] - current[:, 0]) / sizes - (rest[:, 2] - rest[:, 0]) / (
                total - sizes
            )
        hits = _extreme(stats, observed, alternative)
        pvalue = (1.0 + float(np.count_nonzero(hits))) / (1.0 + n_resamples)
    return observed, min(1.0, pvalue)


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
