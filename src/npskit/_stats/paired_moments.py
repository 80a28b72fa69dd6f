"""Paired Wald, t and bootstrap kernels on the change-score counts.

See :mod:`npskit._stats.paired_score` for the change scores. Each kernel
returns ``(statistic, pvalue, lower, upper)`` with the bounds as shares, each
with tail probability ``alpha``, unclipped.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._stats.normal import normal_pvalue, signed_ratio, z_quantile
from npskit._stats.paired_score import CELL_CHANGE, CHANGES

__all__ = ["paired_bootstrap", "paired_t", "paired_wald"]

Floats = npt.NDArray[np.float64]


def _moments(counts: Floats) -> tuple[float, float, float]:
    """Number of pairs, mean change and sum of squared deviations."""
    n = float(counts.sum())
    mean = float(np.dot(counts, CHANGES)) / n
    return n, mean, float(np.dot(counts, (CHANGES - mean) ** 2))


def paired_wald(
    counts: Floats, alternative: str, alpha: float
) -> tuple[float, float, float, float]:
    """Wald: ``mean +- z s0 / sqrt(n)`` with the maximum likelihood variance ``s0^2``."""
    n, mean, spread = _moments(counts)
    se = math.sqrt(spread / n) / math.sqrt(n)
    z = float(signed_ratio(mean, se))
    half = z_quantile(alpha) * se
    return z, float(normal_pvalue(z, alternative)), mean - half, mean + half


def paired_t(counts: Floats, alternative: str, alpha: float) -> tuple[float, float, float, float]:
    """The paired t test and interval (divisor and degrees of freedom ``n - 1``)."""
    from scipy.special import stdtr, stdtrit

    n, mean, spread = _moments(counts)
    df = n - 1.0
    se = math.sqrt(spread / df) / math.sqrt(n)
    t = float(signed_ratio(mean, se))
    half = float(stdtrit(df, 1.0 - alpha)) * se
    if alternative == "greater":
        pvalue = float(stdtr(df, -t))
    elif alternative == "less":
        pvalue = float(stdtr(df, t))
    else:
        pvalue = float(min(1.0, 2.0 * stdtr(df, -abs(t))))
    return t, pvalue, mean - half, mean + half


def paired_bootstrap(
    cells: Any, alternative: str, alpha: float, *, rng: np.random.Generator, n_resamples: int
) -> tuple[float, float, float, float]:
    """Percentile bootstrap of respondents: the transition table from its multinomial.

    The p-value compares the centred replicates ``x* - mean`` with ``mean``
    (Hall & Wilson's first guideline) as ``(1 + #extreme) / (1 + B)``; the
    statistic is the mean over the bootstrap standard error.
    """
    table = np.asarray(cells, dtype=np.int64).ravel()
    n = int(table.sum())
    mean = float(np.dot(table, CELL_CHANGE)) / n
    draws = rng.multinomial(n, table / n, size=n_resamples)
    replicates = draws @ CELL_CHANGE / n
    low, high = np.quantile(replicates, [alpha, 1.0 - alpha])
    centred = replicates - mean
    se = float(np.std(replicates, ddof=1)) if n_resamples > 1 else 0.0
    statistic = float(signed_ratio(mean, se))
    tol = 1e-12  # replicates are exact multiples of 1/n; compare with a little slack
    if alternative == "greater":
        extreme = np.count_nonzero(centred >= mean - tol)
    elif alternative == "less":
        extreme = np.count_nonzero(centred <= mean + tol)
    else:
        extreme = np.count_nonzero(np.abs(centred) >= abs(mean) - tol)
    pvalue = min(1.0, (1.0 + extreme) / (1.0 + n_resamples))
    return statistic, pvalue, float(low), float(high)
