"""Confidence bounds for one binomial proportion, vectorised.

Every function takes the number of hits ``x`` and of answers ``n`` (floats:
effective counts of weighted data are welcome) and the tail ``alpha`` of each
one-sided bound, and returns the lower and upper bounds as shares in
``[0, 1]``. A two-sided interval at level ``c`` is the two bounds at
``alpha = (1 - c) / 2``. The methods and their names follow Brown, Cai and
DasGupta (2001), "Interval estimation for a binomial proportion",
*Statistical Science* 16(2), 101-133, doi:10.1214/ss/1009213286:

- ``wilson``: Wilson (1927), doi:10.1080/01621459.1927.10502953, the
  inversion of the score test;
- ``agresti_coull``: Agresti and Coull (1998), doi:10.1080/00031305.1998.10480550,
  the Wald interval after adding ``z^2/2`` hits and misses;
- ``jeffreys``: the equal-tailed Beta(x + 1/2, n - x + 1/2) posterior interval,
  with the lower (upper) bound 0 (1) at ``x = 0`` (``x = n``), Brown, Cai and
  DasGupta's end rule;
- ``clopper_pearson``: Clopper and Pearson (1934), doi:10.1093/biomet/26.4.404,
  the inversion of the two one-sided exact binomial tests.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from .normal import normal_pvalue, z_quantile

__all__ = [
    "agresti_coull_bounds",
    "binomial_pvalue",
    "clopper_pearson_bounds",
    "jeffreys_bounds",
    "score_pvalue",
    "wilson_bounds",
]

Floats = npt.NDArray[np.float64]


def _arrays(x: Any, n: Any) -> tuple[Floats, Floats]:
    return np.asarray(x, dtype=np.float64), np.asarray(n, dtype=np.float64)


def wilson_bounds(x: Any, n: Any, alpha: float) -> tuple[Floats, Floats]:
    """Wilson score bounds: ``(x + z^2/2 -+ z sqrt(x(n - x)/n + z^2/4)) / (n + z^2)``.

    Examples
    --------
    >>> low, high = wilson_bounds(8, 10, 0.025)
    >>> round(float(low), 6), round(float(high), 6)
    (0.490162, 0.943318)
    """
    xs, ns = _arrays(x, n)
    z = z_quantile(alpha)
    centre = xs + z * z / 2
    half = z * np.sqrt(np.maximum(xs * (ns - xs) / ns, 0.0) + z * z / 4)
    denominator = ns + z * z
    return (centre - half) / denominator, (centre + half) / denominator


def agresti_coull_bounds(x: Any, n: Any, alpha: float) -> tuple[Floats, Floats]:
    """Agresti-Coull bounds, ``p~ -+ z sqrt(p~(1 - p~)/n~)`` with ``n~ = n + z^2``."""
    xs, ns = _arrays(x, n)
    z = z_quantile(alpha)
    n_tilde = ns + z * z
    p_tilde = (xs + z * z / 2) / n_tilde
    half = z * np.sqrt(p_tilde * (1 - p_tilde) / n_tilde)
    return p_tilde - half, p_tilde + half


def jeffreys_bounds(x: Any, n: Any, alpha: float) -> tuple[Floats, Floats]:
    """Jeffreys bounds: quantiles ``alpha`` and ``1 - alpha`` of Beta(x + 1/2, n - x + 1/2)."""
    from scipy.special import betaincinv

    xs, ns = _arrays(x, n)
    a, b = xs + 0.5, np.maximum(ns - xs, 0.0) + 0.5
    low = np.where(xs <= 0, 0.0, betaincinv(a, b, alpha))
    high = np.where(xs >= ns, 1.0, betaincinv(a, b, 1.0 - alpha))
    return low, high


def clopper_pearson_bounds(x: Any, n: Any, alpha: float) -> tuple[Floats, Floats]:
    """Clopper-Pearson bounds: Beta(x, n - x + 1) and Beta(x + 1, n - x) quantiles."""
    from scipy.special import betaincinv

    xs, ns = _arrays(x, n)
    rest = np.maximum(ns - xs, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(xs <= 0, 0.0, betaincinv(np.maximum(xs, 1e-300), rest + 1.0, alpha))
        high = np.where(rest <= 0, 1.0, betaincinv(xs + 1.0, np.maximum(rest, 1e-300), 1.0 - alpha))
    return low, high


def score_pvalue(x: Any, n: Any, value: Any, alternative: str) -> tuple[Floats, Floats]:
    """The score test of ``p = value`` (the test Wilson's interval inverts): ``(z, pvalue)``.

    ``z = (x - n p0) / sqrt(n p0 (1 - p0))``; ``value`` strictly inside (0, 1).
    """
    xs, ns = _arrays(x, n)
    p0 = np.asarray(value, dtype=np.float64)
    z = (xs - ns * p0) / np.sqrt(ns * p0 * (1 - p0))
    return z, np.asarray(normal_pvalue(z, alternative), dtype=np.float64)


def binomial_pvalue(x: Any, n: Any, value: Any, alternative: str) -> tuple[Floats, Floats]:
    """The exact binomial test of ``p = value`` (dual of Clopper-Pearson): ``(x, pvalue)``.

    One-sided p-values are binomial tails; the two-sided one is twice the
    smaller tail, capped at 1 (the "central" test Clopper-Pearson inverts).
    Counts are rounded to whole answers.
    """
    from scipy.special import bdtr, bdtrc

    xs, ns = _arrays(x, n)
    k, m = np.rint(xs).astype(np.int64), np.rint(ns).astype(np.int64)
    p0 = np.asarray(value, dtype=np.float64)
    below = bdtr(k, m, p0)  # P(X <= k)
    above = np.where(k > 0, bdtrc(k - 1, m, p0), 1.0)  # P(X >= k)
    if alternative == "less":
        pvalue = below
    elif alternative == "greater":
        pvalue = above
    else:
        pvalue = np.minimum(1.0, 2 * np.minimum(below, above))
    return xs, np.asarray(pvalue, dtype=np.float64)
