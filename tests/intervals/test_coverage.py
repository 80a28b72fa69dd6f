"""What the intervals promise: coverage, by exact enumeration and seeded simulation.

Exact coverage at a true (d, p) is the sum of the trinomial probabilities of
every sample whose interval contains p - d. The probabilities here are built
from exact integer binomial coefficients (math.comb), not from the log-gamma
formula of scripts/coverage_table.py.
"""

from __future__ import annotations

import math
import warnings
from functools import cache

import numpy as np
import pytest

import npskit
from npskit import DegenerateSampleWarning, Tally, confidence_interval, tally
from npskit.typing import IntervalMethod

# True shares on the 0.05 lattice with every share at least 0.05 ("inside the
# simplex"): 171 points.
GRID = np.array(
    [(i / 20, (20 - i - j) / 20, j / 20) for i in range(1, 19) for j in range(1, 20 - i)]
)


@cache
def _samples(n: int) -> tuple[np.ndarray, np.ndarray]:
    """All (D, S, P) of n answers and their multinomial coefficients."""
    rows = [(d, n - d - p, p) for d in range(n + 1) for p in range(n - d + 1)]
    coef = [math.comb(n, d) * math.comb(n - d, p) for d, _, p in rows]
    return np.array(rows), np.array(coef, dtype=float)


def _coverage(method: IntervalMethod, n: int, grid: np.ndarray) -> np.ndarray:
    counts, coef = _samples(n)
    with warnings.catch_warnings():
        # Wald warns on the one-category samples, whose zero-width intervals count.
        warnings.simplefilter("ignore", DegenerateSampleWarning)
        bounds = np.array(
            [
                (ci.low, ci.high)
                for ci in (
                    confidence_interval(
                        Tally(detractors=d, passives=s, promoters=p), interval_method=method
                    )
                    for d, s, p in counts
                )
            ]
        )
    truth = 100 * (grid[:, 2] - grid[:, 0])
    covered = (bounds[:, [0]] - 1e-9 <= truth) & (truth <= bounds[:, [1]] + 1e-9)
    # probability of each sample at each grid point: coef * d^D * s^S * p^P
    powers = np.prod(grid[None, :, :] ** counts[:, None, :], axis=2)
    probability = coef[:, None] * powers
    assert np.allclose(probability.sum(axis=0), 1.0)
    return (probability * covered).sum(axis=0)


@pytest.mark.parametrize("n", [10, 30, 100])
def test_default_method_exact_coverage(n: int) -> None:
    coverage = _coverage("adjusted-wald", n, GRID)
    assert abs(coverage.mean() - 0.95) <= 0.01
    assert coverage.min() > 0.92


@pytest.mark.parametrize("n", [10, 30])
def test_wald_under_covers_near_the_boundary(n: int) -> None:
    # The same check fails for Wald: near d = 0 (or p = 0) it covers far less.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", npskit.SmallSampleWarning)  # what is checked here
        coverage = _coverage("wald", n, GRID)
    assert coverage.min() < 0.90
    worst = GRID[np.argmin(coverage)]
    assert worst.min() == 0.05  # a share at the edge of the grid
    assert not (abs(coverage.mean() - 0.95) <= 0.01 and coverage.min() > 0.92)


def test_exact_never_under_covers() -> None:
    # Fay & Lumbard's interval: coverage at least nominal (their conjecture,
    # checked here at n = 10 over the whole closed simplex, edges included).
    closed = np.array(
        [(i / 20, (20 - i - j) / 20, j / 20) for i in range(21) for j in range(21 - i)]
    )
    coverage = _coverage("exact", 10, closed)
    assert coverage.min() >= 0.95 - 1e-9


def test_bootstrap_coverage_by_seeded_simulation() -> None:
    # 200 samples of n = 50 from shares (.2, .3, .5), true NPS 30. Monte Carlo
    # standard error of a 0.95 coverage with 200 replicates: sqrt(.95 * .05 / 200)
    # = .0154; tolerance 3 standard errors (0.046).
    rng = np.random.default_rng(20240501)
    draws = rng.multinomial(50, [0.2, 0.3, 0.5], size=200)
    for method in ("bootstrap-percentile", "bootstrap-bca"):
        hits = 0
        for k, (d, s, p) in enumerate(draws):
            ci = confidence_interval(
                Tally(detractors=d, passives=s, promoters=p),
                interval_method=method,
                n_resamples=2000,
                rng=k,
            )
            hits += ci.low <= 30.0 <= ci.high
        assert abs(hits / 200 - 0.95) <= 3 * math.sqrt(0.95 * 0.05 / 200)


def test_weighted_interval_coverage_by_seeded_simulation() -> None:
    # Unequal weights (lognormal, sd 0.8 on the log scale; Kish design effect
    # about 1.9) independent of the answers, as the Kish approximation assumes.
    # 300 samples of 200 answers from shares (.25, .35, .40): true NPS 15.
    # Monte Carlo standard error sqrt(.95 * .05 / 300) = .0126; tolerance 3 of
    # them (0.038). Also checks that ignoring the weights' variance (using n
    # instead of n_eff) would be visibly worse: its intervals are narrower.
    rng = np.random.default_rng(7)
    hits = 0
    narrower = 0
    for _ in range(300):
        scores = rng.choice([0, 8, 10], size=200, p=[0.25, 0.35, 0.40])
        weights = rng.lognormal(0.0, 0.8, size=200)
        t = tally(scores, weights=weights)
        ci = confidence_interval(t)
        hits += ci.low <= 15.0 <= ci.high
        assert ci.effective_n < 150
        shares = t.shares
        naive = confidence_interval(
            Tally(
                detractors=round(200 * shares.detractors),
                passives=200 - round(200 * shares.detractors) - round(200 * shares.promoters),
                promoters=round(200 * shares.promoters),
            )
        )
        narrower += naive.width < ci.width
    assert abs(hits / 300 - 0.95) <= 3 * math.sqrt(0.95 * 0.05 / 300)
    assert narrower > 290
