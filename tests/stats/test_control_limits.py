"""EWMA, CUSUM and Laney's sigma-Z kernels against plain loops written from the definitions."""

from __future__ import annotations

import math

import numpy as np

from npskit._stats.control_limits import cusum, ewma, ewma_sd, laney_sigma_z


def test_ewma_matches_the_recursion() -> None:
    rng = np.random.default_rng(7)
    z = rng.normal(size=(3, 40))
    got = ewma(z, 0.2)
    for row in range(3):
        w = 0.0
        for i in range(40):
            w = 0.2 * z[row, i] + 0.8 * w
            assert math.isclose(got[row, i], w, rel_tol=1e-12, abs_tol=1e-12)


def test_ewma_sd_matches_the_sum_of_squared_weights() -> None:
    lam = 0.3
    sd = ewma_sd(10, lam)
    for i in range(1, 11):
        weights = [lam * (1 - lam) ** (i - j) for j in range(1, i + 1)]
        assert math.isclose(sd[i - 1], math.sqrt(sum(w * w for w in weights)), rel_tol=1e-12)


def test_cusum_matches_the_tabular_recursion() -> None:
    rng = np.random.default_rng(3)
    z = rng.normal(0.3, 1.0, size=(2, 60))
    upper, lower = cusum(z, 0.5)
    for row in range(2):
        hi = lo = 0.0
        for i in range(60):
            hi = max(0.0, hi + z[row, i] - 0.5)
            lo = max(0.0, lo - z[row, i] - 0.5)
            assert math.isclose(upper[row, i], hi, abs_tol=1e-12)
            assert math.isclose(lower[row, i], lo, abs_tol=1e-12)


def test_laney_sigma_z_is_mean_moving_range_over_d2() -> None:
    # moving ranges of 0, 1, -1, 2: 1, 2, 3 -> mean 2 -> 2 / 1.128
    assert math.isclose(laney_sigma_z([0.0, 1.0, -1.0, 2.0]), 2.0 / 1.128)
    assert math.isnan(laney_sigma_z([1.0]))
