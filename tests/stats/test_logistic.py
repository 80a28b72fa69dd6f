"""Weighted logistic regression and the binary-outcome relative-importance kernels.

References are independent: scipy.optimize on the log-likelihood written out
here, and integer weights checked against replicated rows.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize

from npskit._stats.logistic import (
    fit_logistic,
    logistic_relative_weights,
    subset_mcfadden,
    weighted_correlation,
)
from npskit._stats.relative_importance import shapley_from_subsets


def sample(n: int = 400, seed: int = 5) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3))
    x[:, 1] += 0.5 * x[:, 0]
    eta = -0.3 + 1.0 * x[:, 0] + 0.5 * x[:, 1] + 0.1 * x[:, 2]
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    return x, y


def test_fit_matches_a_generic_optimiser() -> None:
    x, y = sample()
    design = np.column_stack([np.ones(len(y)), x])

    def negative(beta: np.ndarray) -> float:
        eta = design @ beta
        return float(np.sum(np.log1p(np.exp(eta)) - y * eta))

    reference = minimize(negative, np.zeros(4), method="BFGS", options={"gtol": 1e-10}).x
    beta, loglik = fit_logistic(design, y, np.ones(len(y)))
    np.testing.assert_allclose(beta, reference, atol=1e-5)
    assert loglik == pytest.approx(-negative(reference), abs=1e-8)


def test_integer_weights_equal_replicated_rows() -> None:
    x, y = sample(150)
    counts = np.random.default_rng(1).integers(1, 4, size=len(y))
    replicated_x, replicated_y = np.repeat(x, counts, axis=0), np.repeat(y, counts)
    w = counts.astype(float)
    np.testing.assert_allclose(
        subset_mcfadden(x, y, w),
        subset_mcfadden(replicated_x, replicated_y, np.ones(len(replicated_y))),
    )
    rw, r2 = logistic_relative_weights(x, y, w)
    rw_rep, r2_rep = logistic_relative_weights(
        replicated_x, replicated_y, np.ones(len(replicated_y))
    )
    np.testing.assert_allclose(rw, rw_rep, atol=1e-10)
    assert r2 == pytest.approx(r2_rep)
    means, corr, sd = weighted_correlation(x, w)
    np.testing.assert_allclose(corr, np.corrcoef(replicated_x.T), atol=1e-12)
    np.testing.assert_allclose(means, replicated_x.mean(0))
    np.testing.assert_allclose(sd, replicated_x.std(0))


def test_relative_weights_sum_to_r2_of_observed_and_fitted() -> None:
    x, y = sample()
    weights, r2 = logistic_relative_weights(x, y, np.ones(len(y)))
    design = np.column_stack([np.ones(len(y)), x])
    beta, _ = fit_logistic(design, y, np.ones(len(y)))
    fitted = 1 / (1 + np.exp(-(design @ beta)))
    # R^2_O: the fit on Z spans the same space as the fit on X
    assert r2 == pytest.approx(np.corrcoef(y, fitted)[0, 1] ** 2, abs=1e-9)
    assert weights.sum() == pytest.approx(r2, abs=1e-12)
    assert np.argmax(weights) == 0


def test_mcfadden_shapley_sums_to_the_full_pseudo_r2() -> None:
    x, y = sample()
    values = subset_mcfadden(x, y, np.ones(len(y)))
    design = np.column_stack([np.ones(len(y)), x])
    _, loglik = fit_logistic(design, y, np.ones(len(y)))
    share = y.mean()
    null = len(y) * (share * np.log(share) + (1 - share) * np.log(1 - share))
    assert values[-1] == pytest.approx(1 - loglik / null, abs=1e-12)
    assert shapley_from_subsets(values, 3).sum() == pytest.approx(values[-1], abs=1e-12)


def test_relative_weights_equal_an_independent_derivation() -> None:
    # Tonidandel & LeBreton (2010), written out with other tools: Z from the SVD
    # of the standardised predictors (Johnson 2000), the logistic fit by BFGS,
    # Menard's (2004) standardisation b * R / sd(logit) (sd(Z) = 1), weights
    # Lambda^2 @ beta^2 with Lambda = V D V' / sqrt(n).
    x, y = sample(300, seed=8)
    n = len(y)
    xs = (x - x.mean(0)) / x.std(0)
    u, d, vt = np.linalg.svd(xs, full_matrices=False)
    z = u @ vt * np.sqrt(n)
    lam = vt.T @ np.diag(d) @ vt / np.sqrt(n)
    design = np.column_stack([np.ones(n), z])

    def negative(beta: np.ndarray) -> float:
        eta = design @ beta
        return float(np.sum(np.logaddexp(0, eta) - y * eta))

    b = minimize(negative, np.zeros(4), method="BFGS", options={"gtol": 1e-10}).x
    eta = design @ b
    r = np.corrcoef(y, 1 / (1 + np.exp(-eta)))[0, 1]
    beta = b[1:] * r / eta.std()
    expected = (lam**2) @ (beta**2)
    weights, r2 = logistic_relative_weights(x, y, np.ones(n))
    np.testing.assert_allclose(weights, expected, atol=1e-6)
    assert r2 == pytest.approx(r**2, abs=1e-8)
