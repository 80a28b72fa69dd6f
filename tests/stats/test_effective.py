"""Effective counts of weighted data: Kish's and the linearization's (issue 13, item 1)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from npskit import Tally, confidence_interval
from npskit._stats.effective import kish_effective_counts, linearized_effective_counts


def _per_answer(scores: np.ndarray, weights: np.ndarray) -> tuple[float, float, float]:
    """(R, v_lin without n/(n-1), weighted score variance), answer by answer.

    Written from the definition (Woodruff 1971): the linearized residual of
    answer i is w_i (x_i - R) / W; the variance of the ratio is the sum of
    their squares (times n/(n-1), which cancels in n_lin).
    """
    total = weights.sum()
    ratio = float(np.sum(weights * scores) / total)
    v = float(np.sum((weights * (scores - ratio)) ** 2) / total**2)
    spread = float(np.sum(weights * (scores - ratio) ** 2) / total)
    return ratio, v, spread


def _sums(scores: np.ndarray, weights: np.ndarray) -> tuple[list[float], list[float]]:
    sums = [float(weights[scores == x].sum()) for x in (-1, 0, 1)]
    squares = [float((weights[scores == x] ** 2).sum()) for x in (-1, 0, 1)]
    return sums, squares


def test_linearization_matches_the_per_answer_definition() -> None:
    rng = np.random.default_rng(11)
    for _ in range(20):
        n = int(rng.integers(5, 400))
        scores = rng.choice([-1.0, 0.0, 1.0], size=n, p=[0.25, 0.3, 0.45])
        weights = rng.lognormal(0, 0.8, size=n) * np.where(scores < 0, 2.5, 1.0)
        if len(set(scores.tolist())) < 2:
            continue
        _, v, spread = _per_answer(scores, weights)
        sums, squares = _sums(scores, weights)
        effective, n_lin = linearized_effective_counts([sums], [squares])
        assert n_lin[0] == pytest.approx(spread / v, rel=1e-10)
        shares = np.array(sums) / sum(sums)
        assert effective[0] == pytest.approx(shares * spread / v, rel=1e-10)
        # the small-sample correction (1 - 1/n_kish) / (1 - 1/n)
        kish = weights.sum() ** 2 / np.sum(weights**2)
        corrected = linearized_effective_counts([sums], [squares], [n])[1][0]
        assert corrected == pytest.approx(spread / v * (1 - 1 / kish) / (1 - 1 / n), rel=1e-10)


def test_equal_weights_change_nothing() -> None:
    counts = [[20.0, 30.0, 50.0]]
    for weight in (0.5, 1.0, 3.0):
        sums = [[weight * c for c in counts[0]]]
        squares = [[weight**2 * c for c in counts[0]]]
        effective, n_lin = linearized_effective_counts(sums, squares, [100])
        assert effective[0] == pytest.approx(counts[0], rel=1e-12)
        assert n_lin[0] == pytest.approx(100.0, rel=1e-12)
    weighted = Tally(
        detractors=40.0,
        passives=60.0,
        promoters=100.0,
        squared_weights=(80.0, 120.0, 200.0),
        responses=100,
    )
    plain = Tally(detractors=20, passives=30, promoters=50)
    for method in ("wald", "adjusted-wald", "tango"):
        a = confidence_interval(weighted, interval_method=method)
        b = confidence_interval(plain, interval_method=method)
        assert (a.low, a.high) == pytest.approx((b.low, b.high), abs=1e-9)


def test_one_category_keeps_kish() -> None:
    effective, n_lin = linearized_effective_counts([[0.0, 0.0, 4.0]], [[0.0, 0.0, 6.0]], [3])
    kish, kish_n = kish_effective_counts([[0.0, 0.0, 4.0]], [[0.0, 0.0, 6.0]])
    assert effective[0] == pytest.approx(kish[0])
    assert n_lin[0] == pytest.approx(kish_n[0])


def test_weighted_wald_interval_uses_the_linearization_variance() -> None:
    # Detractors up-weighted: the Wald half-width is z sqrt(v_lin) with v_lin
    # from the answers (corrected as documented), not Kish's sigma^2 / n_eff.
    rng = np.random.default_rng(5)
    n = 300
    scores = rng.choice([-1.0, 0.0, 1.0], size=n, p=[0.1, 0.35, 0.55])
    weights = np.where(scores < 0, 3.0, 1.0) * rng.lognormal(0, 0.5, size=n)
    ratio, v, spread = _per_answer(scores, weights)
    kish = weights.sum() ** 2 / np.sum(weights**2)
    v_corrected = v / ((1 - 1 / kish) / (1 - 1 / n))
    sums, squares = _sums(scores, weights)
    t = Tally(
        detractors=sums[0],
        passives=sums[1],
        promoters=sums[2],
        squared_weights=(squares[0], squares[1], squares[2]),
        responses=n,
    )
    result = confidence_interval(t, interval_method="wald")
    half = 100 * 1.959963984540054 * math.sqrt(v_corrected)
    assert result.estimate == pytest.approx(100 * ratio, rel=1e-12)
    assert (result.low, result.high) == pytest.approx(
        (100 * ratio - half, 100 * ratio + half), abs=1e-8
    )
    assert result.effective_n == pytest.approx(kish, rel=1e-12)  # reported: Kish
    kish_half = 100 * 1.959963984540054 * math.sqrt(spread / kish)
    assert abs(half - kish_half) > 0.3  # the two variances really differ here


@pytest.mark.slow
def test_coverage_under_informative_weights() -> None:
    # Reduced version of scripts/weighted_coverage_table.py: detractors
    # up-weighted x3 with lognormal noise, design effect about 3, n = 300,
    # population shares 0.2/0.3/0.5 (NPS +30). Target 0.95 +/- 0.015; MC
    # tolerance 3 standard errors of 1500 replicates (0.017). Kish's effective
    # n covers about 0.90 here.
    rng = np.random.default_rng(2026)
    shares = np.array([0.2, 0.3, 0.5])
    factors = np.array([3.0, 1.0, 1.0])
    sample = shares / factors / np.sum(shares / factors)
    categorical = np.sum(sample * factors**2) / np.sum(sample * factors) ** 2
    sigma = math.sqrt(math.log(3.0 / categorical))
    reps, n, hits = 1500, 300, 0
    for _ in range(reps):
        category = rng.choice(3, size=n, p=sample)
        weights = factors[category] * rng.lognormal(-0.5 * sigma**2, sigma, size=n)
        sums = [float(weights[category == c].sum()) for c in range(3)]
        squares = [float((weights[category == c] ** 2).sum()) for c in range(3)]
        t = Tally(
            detractors=sums[0],
            passives=sums[1],
            promoters=sums[2],
            squared_weights=(squares[0], squares[1], squares[2]),
            responses=n,
        )
        ci = confidence_interval(t)
        hits += ci.low <= 30.0 <= ci.high
    coverage = hits / reps
    tolerance = 0.015 + 3 * math.sqrt(0.95 * 0.05 / reps)
    assert abs(coverage - 0.95) <= tolerance, coverage
