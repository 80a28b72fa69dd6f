"""The exact and Bayesian intervals at very large counts.

From ``LARGE_COUNT`` answers per category on, both take their quantiles from
a Cornish-Fisher expansion instead of numerical integration. These tests
compare the two routes on both sides of the threshold and check the result at
n = 10^15 against Tango's score interval (solved by root finding, a different
computation; all three agree to O(1/n) there).
"""

from __future__ import annotations

import math

import pytest

import npskit._stats.bayes
import npskit._stats.exact
from npskit import Tally, confidence_interval
from npskit._stats.bayes import _posterior_cumulants
from npskit._stats.quantiles import LARGE_COUNT
from npskit.typing import IntervalMethod


def counts_at(smallest: float, shares: tuple[float, float, float]) -> tuple[float, float, float]:
    """Counts with these shares whose smallest count is ``smallest``."""
    n = smallest / min(shares)
    return (n * shares[0], n * shares[1], n * shares[2])


def weighted(counts: tuple[float, float, float]) -> Tally:
    # Effective n equals the total: squared weights equal the counts.
    return Tally(
        detractors=counts[0],
        passives=counts[1],
        promoters=counts[2],
        squared_weights=counts,
        responses=round(sum(counts)),
    )


@pytest.mark.parametrize("method", ["exact", "bayes"])
@pytest.mark.parametrize("shares", [(0.2, 0.3, 0.5), (0.01, 0.04, 0.95), (0.45, 0.1, 0.45)])
def test_both_routes_agree_at_the_threshold(
    method: IntervalMethod, shares: tuple[float, float, float], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Just above the threshold, so that the approximation is used ...
    t = weighted(counts_at(1.0001 * LARGE_COUNT, shares))
    for level in (0.8, 0.95, 0.999):
        approximate = confidence_interval(t, interval_method=method, confidence_level=level)
        # ... and the same counts with the threshold moved out of reach.
        with monkeypatch.context() as patch:
            patch.setattr(npskit._stats.exact, "LARGE_COUNT", math.inf)
            patch.setattr(npskit._stats.bayes, "LARGE_COUNT", math.inf)
            integrated = confidence_interval(t, interval_method=method, confidence_level=level)
        assert approximate.low == pytest.approx(integrated.low, abs=1e-6)
        assert approximate.high == pytest.approx(integrated.high, abs=1e-6)


@pytest.mark.parametrize("method", ["exact", "bayes"])
def test_just_below_the_threshold_integrates(
    method: IntervalMethod, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Below the threshold the numerical route runs: forcing it changes nothing.
    t = weighted(counts_at(0.999 * LARGE_COUNT, (0.2, 0.3, 0.5)))
    default = confidence_interval(t, interval_method=method)
    monkeypatch.setattr(npskit._stats.exact, "LARGE_COUNT", math.inf)
    monkeypatch.setattr(npskit._stats.bayes, "LARGE_COUNT", math.inf)
    forced = confidence_interval(t, interval_method=method)
    assert (default.low, default.high) == (forced.low, forced.high)


@pytest.mark.parametrize("method", ["exact", "bayes"])
@pytest.mark.parametrize("n", [10**9, 10**12, 10**15])
def test_huge_samples_agree_with_tango(method: IntervalMethod, n: int) -> None:
    # At n = 10^15 the exact method used to return a lower bound of 0.
    t = Tally(detractors=n // 5, passives=n - n // 5 - n // 2, promoters=n // 2)
    ci = confidence_interval(t, interval_method=method)
    tango = confidence_interval(t, interval_method="tango")
    half = tango.width / 2  # 1.96 * sqrt(0.61 / n) * 100 points
    assert half == pytest.approx(100 * 1.959964 * math.sqrt(0.61 / n), rel=1e-5)
    # Both are the normal interval to O(1/n) shares = O(100/n) points.
    assert ci.low == pytest.approx(tango.low, abs=200 / math.sqrt(n) ** 1.5 + 1e-9)
    assert ci.high == pytest.approx(tango.high, abs=200 / math.sqrt(n) ** 1.5 + 1e-9)
    assert ci.low < 30.0 < ci.high


def test_posterior_cumulants_match_raw_dirichlet_moments() -> None:
    # The closed forms against central moments of p - d built from the
    # Dirichlet's raw moments (a different route).
    a_d, a_s, a_p = 3.0, 5.0, 12.0
    a0 = a_d + a_s + a_p
    mean, variance, third = _posterior_cumulants(a_d, a_s, a_p)
    assert mean == pytest.approx((a_p - a_d) / a0)

    # Moments by brute force over the Dirichlet's raw moments:
    # E[x^i y^j] = a_p^(i) a_d^(j) / a0^(i+j) with rising factorials.
    def rising(a: float, k: int) -> float:
        return math.prod(a + r for r in range(k))

    def raw(i: int, j: int) -> float:  # E[p^i d^j]
        return rising(a_p, i) * rising(a_d, j) / rising(a0, i + j)

    second = raw(2, 0) - 2 * raw(1, 1) + raw(0, 2)
    cube = raw(3, 0) - 3 * raw(2, 1) + 3 * raw(1, 2) - raw(0, 3)
    assert variance == pytest.approx(second - mean**2, rel=1e-12)
    assert third == pytest.approx(cube - 3 * mean * second + 2 * mean**3, rel=1e-9)


# -- nearly all passives, up to 10^18 answers ----------------------------------------------
#
# With D and P fixed and S -> infinity, n * (p - d) tends to the difference of
# two independent Gamma laws (posterior: Gamma(P + a) - Gamma(D + a); exact:
# Gamma(m) or Gamma(m + 1) times 2B - 1, B ~ Beta(P, D + 1)). So interval ends
# times n must not depend on n there. Before: bayes gave [-4.12, 8.13] / n
# at n = 10^12 (Monte Carlo: [-3.815, 8.200]), an upper end of +100 points
# at 10^16 with no detractors, and exact collapsed to a point at 10^18.


def _scaled(method: IntervalMethod, d: int, s: int, p: int) -> tuple[float, float]:
    ci = confidence_interval(Tally(detractors=d, passives=s, promoters=p), interval_method=method)
    n = d + s + p
    return ci.low * n / 100, ci.high * n / 100


def _gamma_difference(a_p: float, a_d: float, draws: int = 2_000_000) -> tuple[float, float]:
    import numpy as np

    rng = np.random.default_rng(20261207)
    x = rng.gamma(a_p, size=draws) - rng.gamma(a_d, size=draws)
    low, high = np.quantile(x, [0.025, 0.975])
    return float(low), float(high)


@pytest.mark.parametrize(("d", "p"), [(1, 3), (0, 3), (3, 5), (0, 0)])
def test_bayes_nearly_all_passives_is_the_gamma_difference(d: int, p: int) -> None:
    want = _gamma_difference(p + 0.5, d + 0.5)  # Jeffreys prior a = 1/2
    for s in (10**12, 10**16, 10**18):
        low, high = _scaled("bayes", d, s, p)
        # Monte Carlo quantiles of 2e6 draws: standard error below 0.01.
        assert low == pytest.approx(want[0], abs=0.04)
        assert high == pytest.approx(want[1], abs=0.04)
        assert low < (p - d) < high or d == p == 0


@pytest.mark.parametrize(("d", "p"), [(1, 3), (0, 3), (3, 5), (100_000, 100_000)])
def test_exact_does_not_depend_on_n_among_passives(d: int, p: int) -> None:
    base = _scaled("exact", d, 10**12, p)
    for s in (10**16, 10**18):
        low, high = _scaled("exact", d, s, p)
        assert low == pytest.approx(base[0], rel=1e-6, abs=1e-9)
        assert high == pytest.approx(base[1], rel=1e-6, abs=1e-9)
        assert low < p - d < high or d == p == 0


def test_exact_at_10_18_is_as_wide_as_the_normal_interval() -> None:
    # No detractors, 10^18 passives and 10^18 promoters: the upper end is the
    # 97.5% quantile of Beta(m, n - m + 1), 1/2 + 1.96 sqrt(1/8e18) to O(1/n);
    # betaincinv returned 3e-8 points too little there.
    n = 2 * 10**18
    t = Tally(detractors=0, passives=10**18, promoters=10**18)
    ci = confidence_interval(t, interval_method="exact")
    half = 100 * 1.959963984540054 * math.sqrt(0.25 / n)
    assert ci.high == pytest.approx(50 + half, abs=1e-12)
    assert ci.low == pytest.approx(50 - half, abs=1e-12)
