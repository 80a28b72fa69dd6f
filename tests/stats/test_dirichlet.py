"""Dirichlet-multinomial kernels: the fitted prior and the quantiles of p - d."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import gammaln
from scipy.stats import beta as beta_law

from npskit._stats.dirichlet import dirichlet_difference_quantiles, fit_dirichlet


def _log_likelihood(alpha: np.ndarray, counts: np.ndarray) -> float:
    """Dirichlet-multinomial log-likelihood written out per segment (independent code)."""
    total = 0.0
    a = float(alpha.sum())
    for row in counts:
        n = float(row.sum())
        total += gammaln(a) - gammaln(n + a)
        for k in range(3):
            total += gammaln(row[k] + alpha[k]) - gammaln(alpha[k])
    return float(total)


def test_fit_recovers_known_alpha_within_its_sampling_error() -> None:
    rng = np.random.default_rng(20240501)
    alpha_true = np.array([2.0, 3.0, 5.0])
    segments = 1500
    p = rng.dirichlet(alpha_true, segments)
    counts = np.array([rng.multinomial(40, q) for q in p], dtype=float)
    fit = fit_dirichlet(counts)
    assert fit.alpha is not None
    theta = np.log(fit.alpha)
    # Standard errors of log(alpha) from the observed information: the Hessian of
    # the independent log-likelihood above in theta = log(alpha), by central
    # finite differences.
    h = 1e-3

    def ll(t: np.ndarray) -> float:
        return _log_likelihood(np.exp(t), counts)

    hessian = np.zeros((3, 3))
    for i in range(3):
        for j in range(3):
            e_i, e_j = np.eye(3)[i] * h, np.eye(3)[j] * h
            hessian[i, j] = (
                ll(theta + e_i + e_j)
                - ll(theta + e_i - e_j)
                - ll(theta - e_i + e_j)
                + ll(theta - e_i - e_j)
            ) / (4 * h * h)
    se = np.sqrt(np.diag(np.linalg.inv(-hessian)))
    # the maximum: the independent likelihood is not higher a step away
    for i in range(3):
        step = np.eye(3)[i] * 0.01
        assert ll(theta) >= ll(theta + step)
        assert ll(theta) >= ll(theta - step)
    # 4 standard errors: a false failure has probability about 2e-4 per parameter
    assert np.all(np.abs(theta - np.log(alpha_true)) < 4 * se), (theta, se)
    assert se.max() < 0.15  # the data are informative enough for the check to bite


def test_credible_interval_against_seeded_dirichlet_draws() -> None:
    # The posterior probability below each bound, estimated from 400 000 seeded
    # Dirichlet draws, is within 4 binomial standard errors of 2.5% and 97.5%.
    rng = np.random.default_rng(11)
    draws = 400_000
    for alpha in ([3.2, 2.1, 5.5], [30.5, 12.0, 60.25], [0.7, 4.0, 1.3]):
        low, high = dirichlet_difference_quantiles(np.array(alpha), 0.025)
        sample = rng.dirichlet(alpha, draws)
        difference = sample[:, 2] - sample[:, 0]
        tolerance = 4 * math.sqrt(0.025 * 0.975 / draws)
        assert abs(np.mean(difference <= low) - 0.025) < tolerance
        assert abs(np.mean(difference <= high) - 0.975) < tolerance


def test_two_category_quantiles_are_beta_quantiles() -> None:
    # no passives: p - d = 2p - 1 with p ~ Beta(a_p, a_d)
    low, high = dirichlet_difference_quantiles(np.array([2.0, 0.0, 3.0]), 0.05)
    assert low == pytest.approx(2 * beta_law.ppf(0.05, 3.0, 2.0) - 1)
    assert high == pytest.approx(2 * beta_law.ppf(0.95, 3.0, 2.0) - 1)
    # no detractors: p - d = p ~ Beta(a_p, a_s)
    low, high = dirichlet_difference_quantiles(np.array([0.0, 2.0, 3.0]), 0.05)
    assert (low, high) == pytest.approx((beta_law.ppf(0.05, 3, 2), beta_law.ppf(0.95, 3, 2)))
