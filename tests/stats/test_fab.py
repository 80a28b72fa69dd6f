"""FAB intervals: ends against an independent root search, limits, coverage, leave-one-out prior."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import brentq
from scipy.special import log_expit, ndtri, ndtri_exp

from npskit._stats.fab import constant_coverage_intervals, fab_interval, leave_one_out_prior


def _tails(theta: float, mu: float, tau2: float, s: float, alpha: float) -> tuple[float, float]:
    """``(z(alpha w), z(alpha (1 - w)))`` at ``theta``, with ``w`` from Pratt's equation.

    Written from Yu and Hoff (2018), eq. (3): ``w(theta)`` solves
    ``z(alpha w) - z(alpha (1 - w)) = 2 s (theta - mu) / tau^2``. Here it is
    solved for ``t = logit(w)`` by Brent's method, the quantiles from the
    logarithms of the probabilities, so ``w`` may be as small as
    ``exp(-10^9)``. The kernel instead eliminates ``theta`` and solves for
    one quantile at each end of the interval.
    """
    target = 2.0 * s * (theta - mu) / tau2
    log_alpha = math.log(alpha)

    def gap(t: float) -> float:
        lower = float(ndtri_exp(log_alpha + log_expit(t)))
        upper = float(ndtri_exp(log_alpha + log_expit(-t)))
        return lower - upper - target

    t = brentq(gap, -1e9, 1e9, xtol=1e-14, rtol=1e-15, maxiter=2000)
    return float(ndtri_exp(log_alpha + log_expit(t))), float(ndtri_exp(log_alpha + log_expit(-t)))


def _interval_by_acceptance_regions(
    y: float, s: float, mu: float, tau2: float, alpha: float
) -> tuple[float, float]:
    """The set of ``theta`` whose acceptance region contains ``y``, by Brent's method in theta.

    ``A(theta) = [theta + s z(alpha w), theta - s z(alpha (1 - w))]``; both
    ends rise with ``theta``, so the interval's upper end is where ``y``
    meets the lower end of ``A`` and its lower end where ``y`` meets the upper.
    """
    span = 4.0 * s + abs(y - mu)

    def at_upper(theta: float) -> float:
        return y - theta - s * _tails(theta, mu, tau2, s, alpha)[0]

    def at_lower(theta: float) -> float:
        return y - theta + s * _tails(theta, mu, tau2, s, alpha)[1]

    low = brentq(at_lower, y - span, y + span, xtol=1e-14, rtol=1e-15)
    high = brentq(at_upper, y - span, y + span, xtol=1e-14, rtol=1e-15)
    return low, high


def test_ends_match_an_independent_root_search_in_theta() -> None:
    # 200 random cases: s in [0.01, 0.3], tau / s from 0.03 to 30, y up to
    # about 6 prior-predictive standard deviations from mu, four levels.
    rng = np.random.default_rng(5)
    cases = []
    for _ in range(200):
        s = rng.uniform(0.01, 0.3)
        tau = s * 10 ** rng.uniform(-1.5, 1.5)
        mu = rng.normal(0.0, 0.3)
        y = mu + rng.normal() * 3.0 * (s + tau)
        cases.append((y, s, mu, tau * tau, float(rng.choice([0.01, 0.05, 0.1, 0.2]))))
    for alpha in (0.01, 0.05, 0.1, 0.2):
        chosen = [c for c in cases if c[4] == alpha]
        y, s, mu, tau2 = (np.array([c[i] for c in chosen]) for i in range(4))
        low, high = fab_interval(y, s, mu, tau2, alpha)
        for i, case in enumerate(chosen):
            want_low, want_high = _interval_by_acceptance_regions(*case)
            assert low[i] == pytest.approx(want_low, abs=1e-10 * case[1])
            assert high[i] == pytest.approx(want_high, abs=1e-10 * case[1])


def test_hand_worked_values() -> None:
    # y = mu = 0, s = tau = 1, alpha = 0.05: by symmetry the upper end is
    # theta = -a with Phi(a) + Phi(3 a) = 0.05 (c = tau^2 / 2s = 1/2); a is a
    # hair below z(0.05) = -1.6449, since Phi(3 a) = 4e-7 takes a little of alpha.
    low, high = fab_interval(np.zeros(1), np.ones(1), np.zeros(1), np.ones(1), 0.05)
    a = brentq(lambda x: _phi(x) + _phi(3 * x) - 0.05, -3, 0, xtol=1e-15)
    assert high[0] == pytest.approx(-a, abs=1e-12)
    assert low[0] == pytest.approx(a, abs=1e-12)
    assert -a > -ndtri(0.05)


def _phi(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def test_limits_of_the_prior_variance() -> None:
    y, s, mu = np.array([0.3, -0.2, 0.0]), np.array([0.1, 0.05, 0.2]), np.array([0.0, 0.1, 0.0])
    z_half, z_one = -ndtri(0.025), -ndtri(0.05)
    low, high = fab_interval(y, s, mu, np.full(3, np.inf), 0.05)
    np.testing.assert_allclose(low, y - z_half * s, rtol=0, atol=1e-15)
    np.testing.assert_allclose(high, y + z_half * s, rtol=0, atol=1e-15)
    low, high = fab_interval(y, s, mu, np.zeros(3), 0.05)
    np.testing.assert_allclose(low, np.minimum(mu, y - z_one * s), rtol=0, atol=1e-15)
    np.testing.assert_allclose(high, np.maximum(mu, y + z_one * s), rtol=0, atol=1e-15)
    # continuity at both ends: a huge prior variance gives the z interval,
    # a tiny one the one-sided ends
    low, high = fab_interval(y, s, mu, np.full(3, 1e8), 0.05)
    np.testing.assert_allclose(high - low, 2 * z_half * s, rtol=1e-6)
    low, high = fab_interval(y, s, mu, np.full(3, 1e-12), 0.05)
    np.testing.assert_allclose(low, np.minimum(mu, y - z_one * s), atol=1e-5)
    np.testing.assert_allclose(high, np.maximum(mu, y + z_one * s), atol=1e-5)


@pytest.mark.parametrize("theta", [0.0, 0.5, 1.5, 4.0, -8.0])
def test_coverage_is_the_level_wherever_theta_is(theta: float) -> None:
    # y ~ N(theta, 1) with the prior N(0, 1) fixed: the coverage must be 0.95
    # for every theta, near mu and far from it. 40,000 seeded draws, Monte
    # Carlo standard error sqrt(0.95 * 0.05 / 40000) = 0.0011; 4 standard errors.
    rng = np.random.default_rng(int(100 * abs(theta)) + 7)
    y = theta + rng.standard_normal(40_000)
    ones = np.ones_like(y)
    low, high = fab_interval(y, ones, 0.0 * ones, ones, 0.05)
    coverage = float(np.mean((low <= theta) & (theta <= high)))
    assert abs(coverage - 0.95) < 4 * math.sqrt(0.95 * 0.05 / 40_000), coverage
    assert np.all((low <= y) & (y <= high))  # every interval holds its own estimate


def test_near_mu_the_interval_is_shorter_than_the_z_interval() -> None:
    # Yu and Hoff's point: when theta is near mu the expected width is smaller.
    rng = np.random.default_rng(11)
    y = rng.normal(0.0, 1.0, 20_000)
    ones = np.ones_like(y)
    low, high = fab_interval(y, ones, 0.0 * ones, 0.25 * ones, 0.05)
    assert float(np.mean(high - low)) < 2 * 1.959964 * 0.95


def _direct_prior(y: np.ndarray, v: np.ndarray, i: int) -> tuple[float, float]:
    keep = np.isfinite(v) & (np.arange(len(y)) != i)
    yy, vv = y[keep], v[keep]
    if len(yy) < 2:
        return math.nan, math.inf
    w = 1.0 / vv
    mean = float(w @ yy / w.sum())
    q = float(w @ (yy - mean) ** 2)
    tau2 = (q - (len(yy) - 1)) / (w.sum() - (w * w).sum() / w.sum())
    tau2 = min(max(tau2, 0.0), 1.0)
    re = 1.0 / (vv + tau2)
    return float(re @ yy / re.sum()), tau2


@pytest.mark.parametrize("spread", [0.0, 0.05, 0.3])
def test_leave_one_out_prior_matches_a_direct_computation(spread: float) -> None:
    # DerSimonian-Laird from the other segments, recomputed from scratch for
    # each segment (O(k^2)); the mean is interpolated on a grid of tau^2, so
    # 1e-7 of the data's scale.
    rng = np.random.default_rng(3)
    k = 25
    y = rng.normal(0.3, spread, k) + rng.normal(0.0, 0.05, k)
    v = rng.uniform(0.001, 0.01, k)
    v[[4, 9]] = np.inf  # no answers: no part in anyone's prior
    mu, tau2 = leave_one_out_prior(y, v)
    for i in range(k):
        want_mu, want_tau2 = _direct_prior(y, v, i)
        assert tau2[i] == pytest.approx(want_tau2, abs=1e-12)
        assert mu[i] == pytest.approx(want_mu, abs=1e-7)


def test_prior_with_too_few_others_borrows_nothing() -> None:
    _mu, tau2 = leave_one_out_prior(np.array([0.1, 0.5, 0.9]), np.array([0.01, 0.02, np.inf]))
    assert np.all(np.isinf(tau2[:2]))
    low, high = constant_coverage_intervals(
        np.array([0.1, 0.5, 0.9]), np.array([0.01, 0.02, np.inf]), 0.95
    )
    z = -ndtri(0.025)
    np.testing.assert_allclose(low[:2], [0.1 - z * 0.1, 0.5 - z * math.sqrt(0.02)])
    assert low[2] == -math.inf
    assert high[2] == math.inf


def test_at_half_coverage_or_less_nothing_is_borrowed() -> None:
    # identical estimates give a point prior (tau^2 = 0); at level 0.5 its
    # one-sided interval would be [y, y]. Below or at 0.5 the z interval is used.
    y, v = np.full(4, 0.2), np.full(4, 0.01)
    low, high = constant_coverage_intervals(y, v, 0.5)
    z = -ndtri(0.25)
    np.testing.assert_allclose(low, 0.2 - z * 0.1)
    np.testing.assert_allclose(high, 0.2 + z * 0.1)
    low, high = constant_coverage_intervals(y, v, 0.8)  # point prior, one-sided z(0.8)
    np.testing.assert_allclose(high - low, 2 * -ndtri(0.2) * 0.1)
