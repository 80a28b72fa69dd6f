"""Dirichlet-multinomial kernels: the prior fitted across segments, and NPS quantiles.

Counts are rows of (detractors, passives, promoters) as floats; results are
shares (``p - d`` in [-1, 1]), not points. Used by :func:`npskit.shrink`.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from npskit._stats.bayes import _posterior_cdf
from npskit._stats.quantiles import invert_cdf

__all__ = ["DirichletFit", "dirichlet_difference_quantiles", "fit_dirichlet"]

POOLED_CONCENTRATION = 1e6  # a fitted prior worth more answers than this is full pooling
_LOG_BOUNDS = (math.log(1e-8), math.log(1e9))


class DirichletFit(NamedTuple):
    """Result of :func:`fit_dirichlet` (``alpha`` is None when fully pooled)."""

    alpha: npt.NDArray[np.float64] | None
    mean: npt.NDArray[np.float64]
    concentration: float
    log_likelihood: float


def fit_dirichlet(counts: npt.NDArray[np.float64]) -> DirichletFit:
    """Maximum marginal-likelihood Dirichlet prior for rows of category counts.

    Maximises the Dirichlet-multinomial log-likelihood (multinomial
    coefficients dropped) over ``log(alpha)`` by L-BFGS-B with the analytic
    gradient (Minka 2000), from a method-of-moments start. Rows without
    counts are left out. When the fitted concentration passes ``10^6``, or
    the fit is no better than the pooled multinomial, the prior is reported
    as fully pooled: ``alpha`` None, ``mean`` the pooled shares,
    ``concentration`` infinite.

    Raises
    ------
    ValueError
        If fewer than two rows have counts.

    Examples
    --------
    >>> import numpy as np
    >>> fit = fit_dirichlet(np.array([[20.0, 30, 50], [0, 0, 3], [40, 30, 30],
    ...                               [10, 40, 50], [25, 35, 40]]))
    >>> round(fit.concentration, 1)
    35.8
    """
    from scipy.optimize import minimize
    from scipy.special import digamma, gammaln

    x = np.asarray(counts, dtype=np.float64)
    x = x[x.sum(axis=1) > 0]
    if len(x) < 2:
        raise ValueError(
            f"shrinkage needs at least two segments with answers, got {len(x)}; "
            "the spread between segments cannot be estimated from fewer"
        )
    pooled = x.sum(axis=0) / x.sum()
    pooled_ll = float((x[:, pooled > 0] * np.log(pooled[pooled > 0])).sum())
    active = pooled > 0
    if active.sum() < 2:  # every answer in one category: nothing to shrink
        return DirichletFit(None, pooled, math.inf, pooled_ll)
    xa = x[:, active]
    n = xa.sum(axis=1)

    def negative(theta: npt.NDArray[np.float64]) -> tuple[float, npt.NDArray[np.float64]]:
        alpha = np.exp(theta)
        total = alpha.sum()
        value = len(xa) * gammaln(total) - gammaln(n + total).sum()
        value += (gammaln(xa + alpha) - gammaln(alpha)).sum()
        common = len(xa) * digamma(total) - digamma(n + total).sum()
        gradient = common + (digamma(xa + alpha) - digamma(alpha)).sum(axis=0)
        return -float(value), -(gradient * alpha)

    start = np.log(pooled[active] * _moment_concentration(xa))
    bounds = [_LOG_BOUNDS] * int(active.sum())
    found = minimize(negative, start, jac=True, method="L-BFGS-B", bounds=bounds)
    alpha_active = np.exp(found.x)
    ll = -float(found.fun)
    concentration = float(alpha_active.sum())
    if concentration >= POOLED_CONCENTRATION or ll <= pooled_ll:
        return DirichletFit(None, pooled, math.inf, pooled_ll)
    alpha = np.zeros(3)
    alpha[active] = alpha_active
    return DirichletFit(alpha, alpha / concentration, concentration, ll)


def _moment_concentration(x: npt.NDArray[np.float64]) -> float:
    """A method-of-moments start for the concentration ``A``.

    Under the Dirichlet-multinomial, ``sum_i n_i (p_ik - m_k)^2`` has
    expectation about ``m_k (1 - m_k) sum_i (1 + (n_i - 1) rho)`` with
    ``rho = 1 / (A + 1)``; solve for ``rho`` and average over categories.
    """
    n = x.sum(axis=1)
    m = x.sum(axis=0) / n.sum()
    shares = x / n[:, None]
    spread = (n[:, None] * (shares - m) ** 2).sum(axis=0)
    denominator = float((n - 1).sum())
    if denominator <= 0:
        return 10.0
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = (spread / (m * (1 - m)) - len(x)) / denominator
    rho = rho[np.isfinite(rho)]
    value = float(rho.mean()) if len(rho) else 0.1
    value = min(max(value, 1e-6), 0.99)
    return 1.0 / value - 1.0


def dirichlet_difference_quantiles(
    alpha: npt.NDArray[np.float64], tail: float
) -> tuple[float, float]:
    """The ``tail`` and ``1 - tail`` quantiles of ``p - d`` under ``Dirichlet(alpha)``.

    ``alpha`` is ordered detractors, passives, promoters. Uses the
    deterministic distribution function of npskit's Bayesian interval
    (:mod:`npskit._stats.bayes`), inverted by Brent's method. A zero
    parameter means that category has no mass, handled in closed form
    through the Beta law.

    Examples
    --------
    >>> import numpy as np
    >>> low, high = dirichlet_difference_quantiles(np.array([2.0, 0.0, 2.0]), 0.5)
    >>> round(low, 12), round(high, 12)  # no passives: 2 Beta(2, 2) - 1, symmetric
    (0.0, 0.0)
    """
    a_d, a_s, a_p = (float(v) for v in alpha)
    if a_s == 0.0 or a_d == 0.0 or a_p == 0.0:
        return _two_category_quantiles(a_d, a_s, a_p, tail)
    cdf = _posterior_cdf(a_d, a_s, a_p)
    return invert_cdf(cdf, tail), invert_cdf(cdf, 1.0 - tail)


def _two_category_quantiles(a_d: float, a_s: float, a_p: float, tail: float) -> tuple[float, float]:
    from scipy.special import betaincinv

    if a_d == 0.0 and a_p == 0.0:
        return 0.0, 0.0
    if a_d == 0.0:  # p - d = p ~ Beta(a_p, a_s)
        if a_s == 0.0:
            return 1.0, 1.0
        return float(betaincinv(a_p, a_s, tail)), float(betaincinv(a_p, a_s, 1 - tail))
    if a_p == 0.0:  # p - d = -d, d ~ Beta(a_d, a_s)
        if a_s == 0.0:
            return -1.0, -1.0
        return -float(betaincinv(a_d, a_s, 1 - tail)), -float(betaincinv(a_d, a_s, tail))
    # no passives: p - d = 2p - 1 with p ~ Beta(a_p, a_d)
    return (
        2.0 * float(betaincinv(a_p, a_d, tail)) - 1.0,
        2.0 * float(betaincinv(a_p, a_d, 1 - tail)) - 1.0,
    )
