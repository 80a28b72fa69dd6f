"""Relative-importance kernels: all-subset R^2, Shapley (LMG), dominance, relative weights.

Reference values come from computations written independently of the kernels:
LMG by averaging over all p! orderings of the predictors with least squares on
the raw rows, relative weights by Johnson's (2000) original derivation through
the singular value decomposition of the standardised data.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from npskit._stats.relative_importance import (
    complete_dominance,
    conditional_dominance,
    correlation_from_covariance,
    dominance_from_statistics,
    relative_weights,
    shapley_from_subsets,
    subset_r2,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "attitude.csv"


def attitude() -> np.ndarray:
    # R's `attitude` data (Chatterjee & Price 1977, "Regression Analysis by
    # Example"; shipped with R, public domain): 30 departments, columns rating,
    # complaints, privileges, learning, raises, critical, advance.
    return np.loadtxt(DATA, delimiter=",", skiprows=1)


def r2_lstsq(x: np.ndarray, y: np.ndarray) -> float:
    design = np.column_stack([np.ones(len(y)), x])
    fitted = design @ np.linalg.lstsq(design, y, rcond=None)[0]
    residual = y - fitted
    centred = y - y.mean()
    return float(1 - residual @ residual / (centred @ centred))


def lmg_by_orderings(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """LMG: the R^2 gain of each predictor averaged over all p! entry orders."""
    p = x.shape[1]
    gains = np.zeros(p)
    orders = list(itertools.permutations(range(p)))
    for order in orders:
        before = 0.0
        for position, j in enumerate(order):
            after = r2_lstsq(x[:, list(order[: position + 1])], y)
            gains[j] += after - before
            before = after
    return gains / len(orders)


def relative_weights_by_svd(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Johnson (2000): X = P D Q', Z = P Q', Lambda = Q D Q', beta from y on Z."""
    xs = (x - x.mean(0)) / x.std(0)
    ys = (y - y.mean()) / y.std()
    u, d, vt = np.linalg.svd(xs / np.sqrt(len(y)), full_matrices=False)
    z = u @ vt
    lam = vt.T @ np.diag(d) @ vt
    beta = z.T @ ys / np.sqrt(len(y))
    return (lam**2) @ (beta**2)


def test_attitude_is_the_published_data() -> None:
    # R: summary(lm(rating ~ ., data = attitude)) prints the coefficients
    # 10.78708, 0.61319, -0.07305, 0.32033, 0.08173, 0.03838, -0.21706 and
    # Multiple R-squared: 0.7326 (R documentation output, datasets::attitude).
    data = attitude()
    design = np.column_stack([np.ones(30), data[:, 1:]])
    coefficients = np.linalg.lstsq(design, data[:, 0], rcond=None)[0]
    published = [10.78708, 0.61319, -0.07305, 0.32033, 0.08173, 0.03838, -0.21706]
    np.testing.assert_allclose(coefficients, published, atol=5e-6)
    assert r2_lstsq(data[:, 1:], data[:, 0]) == pytest.approx(0.7326, abs=5e-5)


def test_subset_r2_matches_least_squares_on_every_subset() -> None:
    data = attitude()
    c = np.corrcoef(data.T)
    r2 = subset_r2(c[1:, 1:], c[1:, 0])
    x, y = data[:, 1:], data[:, 0]
    for mask in range(1, 64):
        chosen = [j for j in range(6) if (mask >> j) & 1]
        assert r2[mask] == pytest.approx(r2_lstsq(x[:, chosen], y), abs=1e-12)
    assert r2[0] == 0.0


def test_attitude_lmg_equals_the_average_over_orderings() -> None:
    data = attitude()
    c = np.corrcoef(data.T)
    lmg = shapley_from_subsets(subset_r2(c[1:, 1:], c[1:, 0]), 6)
    expected = lmg_by_orderings(data[:, 1:], data[:, 0])
    np.testing.assert_allclose(lmg, expected, atol=1e-10)
    assert lmg.sum() == pytest.approx(0.7326019925311491, abs=1e-12)


def test_attitude_relative_weights_equal_johnsons_svd_derivation() -> None:
    data = attitude()
    c = np.corrcoef(data.T)
    weights = relative_weights(c[1:, 1:], c[1:, 0])
    np.testing.assert_allclose(
        weights, relative_weights_by_svd(data[:, 1:], data[:, 0]), atol=1e-12
    )
    assert weights.sum() == pytest.approx(0.7326019925311491, abs=1e-12)


def test_covariance_gives_the_same_importances_as_correlation() -> None:
    data = attitude()
    covariance = np.cov(data.T)
    c = correlation_from_covariance(covariance)
    np.testing.assert_allclose(c, np.corrcoef(data.T), atol=1e-14)


def test_dominance_statistics_average_to_shapley_and_order_the_matrix() -> None:
    data = attitude()
    c = np.corrcoef(data.T)
    r2 = subset_r2(c[1:, 1:], c[1:, 0])
    statistics = conditional_dominance(r2, 6)
    # size 0: each predictor alone = its squared correlation with the outcome
    np.testing.assert_allclose(statistics[:, 0], c[1:, 0] ** 2, atol=1e-12)
    # size p-1: the gain over all the others = R^2(all) - R^2(all but j)
    full = r2[63]
    np.testing.assert_allclose(statistics[:, 5], [full - r2[63 ^ (1 << j)] for j in range(6)])
    np.testing.assert_allclose(statistics.mean(1), shapley_from_subsets(r2, 6))
    complete = complete_dominance(r2, 6)
    conditional = dominance_from_statistics(statistics)
    off = ~np.eye(6, dtype=bool)
    np.testing.assert_array_equal(complete[off] + complete.T[off], 1.0)
    # complete dominance implies conditional dominance
    assert np.all(conditional[complete == 1.0] == 1.0)
    # complaints dominates critical completely (its gain is larger in every subset)
    assert complete[0, 4] == 1.0


def test_collinear_predictor_is_handled() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(200, 2))
    x = np.column_stack([x, x[:, 0] + x[:, 1]])  # exactly collinear
    y = x[:, 0] + rng.normal(size=200)
    c = np.corrcoef(np.column_stack([y, x]).T)
    r2 = subset_r2(c[1:, 1:], c[1:, 0])
    assert r2[7] == pytest.approx(r2_lstsq(x[:, :2], y), abs=1e-9)
    assert shapley_from_subsets(r2, 3).sum() == pytest.approx(r2[7], abs=1e-9)


def test_too_many_predictors() -> None:
    with pytest.raises(ValueError, match="at most 20 predictors"):
        subset_r2(np.eye(21), np.zeros(21))
