"""The Bayesian comparison of two periods at very large counts.

A period all of whose posterior parameters reach ``LARGE_COUNT`` is described
by the closed-form moments of its posterior (Cornish-Fisher expansion)
instead of numerical integration. These tests compare both routes on both
sides of the threshold, the mixed case (one period large, the other not),
and the result at 10^12 answers per period against the Wald test (a
different computation; both are the normal law to O(1/sqrt(n)) there).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import npskit._stats.bayes_difference as cb
from npskit import Tally, compare
from npskit._stats.quantiles import LARGE_COUNT, cornish_fisher_quantile

Shares = tuple[float, float, float]

LEVELS = (0.8, 0.95, 0.999)


def period(smallest: float, shares: Shares) -> Tally:
    """Whole counts with these shares whose smallest count is about ``smallest``."""
    n = smallest / min(shares)
    d, s, p = (round(n * share) for share in shares)
    return Tally(detractors=d, passives=s, promoters=p)


def counts(t: Tally) -> tuple[float, float, float]:
    return (float(t.detractors), float(t.passives), float(t.promoters))


def integrated(
    baseline: Tally, current: Tally, monkeypatch: pytest.MonkeyPatch, *, fine: bool
) -> dict[float, tuple[float, float, float]]:
    """Per level: low and high ends (points) and P(current > baseline), integrated numerically.

    ``fine``: on a 16 times finer grid with twice the quadrature nodes, which
    brings the numerical route's own error at the threshold from about 2e-5
    (points and probability) down to about 2e-7.
    """
    with monkeypatch.context() as patch:
        patch.setattr(cb, "LARGE_COUNT", math.inf)
        if fine:
            patch.setattr(cb, "GRID", 16 * (cb.GRID - 1) + 1)
            patch.setattr(cb, "NODES", 2 * cb.NODES)
        post0 = cb.posterior(*counts(baseline), 0.5)
        post1 = cb.posterior(*counts(current), 0.5)
        result = {}
        for level in LEVELS:
            low, high, greater = cb.posterior_difference(post0, post1, (1.0 - level) / 2.0)
            result[level] = (100.0 * low, 100.0 * high, greater)
    return result


# Current shares moved by about one posterior standard deviation of the
# difference where P(current > baseline) should be informative (0.79, 0.70),
# the same shares at three times the size (P = 0.5), and opposite skewness.
CONFIGURATIONS = [
    ((0.2, 0.3, 0.5), (0.1998, 0.3, 0.5002), 1.0),
    ((0.01, 0.04, 0.95), (0.00999, 0.04, 0.95001), 1.0),
    ((0.45, 0.1, 0.45), (0.45, 0.1, 0.45), 3.0),
    ((0.6, 0.3, 0.1), (0.1, 0.3, 0.6), 1.0),
]


@pytest.mark.parametrize(("shares0", "shares1", "size1"), CONFIGURATIONS)
def test_closed_form_agrees_with_integration_above_the_threshold(
    shares0: Shares, shares1: Shares, size1: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Just above the threshold, so that the expansion is used ...
    before = period(1.0001 * LARGE_COUNT, shares0)
    after = period(1.0001 * LARGE_COUNT * size1, shares1)
    assert cb.posterior(*counts(before), 0.5).closed_form
    assert cb.posterior(*counts(after), 0.5).closed_form
    fine = integrated(before, after, monkeypatch, fine=True)
    default = integrated(before, after, monkeypatch, fine=False)
    for level in LEVELS:
        approximate = compare(before, after, compare_method="bayes", confidence_level=level)
        assert approximate.probability_greater is not None
        # ... against the same counts integrated numerically on a finer grid:
        # the promise is 1e-6 points and 1e-6 in probability.
        low, high, greater = fine[level]
        assert approximate.low == pytest.approx(low, abs=1e-6)
        assert approximate.high == pytest.approx(high, abs=1e-6)
        assert approximate.probability_greater == pytest.approx(greater, abs=1e-6)
        # The default numerical route is itself only good to about 2e-5 here,
        # so switching at the threshold moves the result by less than that.
        low, high, greater = default[level]
        assert approximate.low == pytest.approx(low, abs=5e-5)
        assert approximate.high == pytest.approx(high, abs=5e-5)
        assert approximate.probability_greater == pytest.approx(greater, abs=5e-5)


def test_just_below_the_threshold_integrates(monkeypatch: pytest.MonkeyPatch) -> None:
    # Below the threshold the numerical route runs: forcing it changes nothing.
    before = period(0.999 * LARGE_COUNT, (0.2, 0.3, 0.5))
    after = period(0.999 * LARGE_COUNT, (0.1998, 0.3, 0.5002))
    assert not cb.posterior(*counts(before), 0.5).closed_form
    default = compare(before, after, compare_method="bayes")
    monkeypatch.setattr(cb, "LARGE_COUNT", math.inf)
    forced = compare(before, after, compare_method="bayes")
    assert default == forced


@pytest.mark.parametrize(
    "small",
    [
        Tally(detractors=20, passives=30, promoters=50),
        Tally(detractors=2000, passives=3000, promoters=5000),
    ],
)
def test_one_large_period_with_a_small_one(small: Tally, monkeypatch: pytest.MonkeyPatch) -> None:
    # The large period's distribution function comes from its expansion, the
    # small one's from quadrature; the convolution is unchanged. Against
    # integrating both, on the same grid (the small period's own grid error,
    # common to both, cancels).
    large = period(1.0001 * LARGE_COUNT, (0.21, 0.3, 0.49))
    for before, after in ((small, large), (large, small)):
        reference = integrated(before, after, monkeypatch, fine=False)
        for level in LEVELS:
            mixed = compare(before, after, compare_method="bayes", confidence_level=level)
            assert mixed.probability_greater is not None
            low, high, greater = reference[level]
            assert mixed.low == pytest.approx(low, abs=1e-6)
            assert mixed.high == pytest.approx(high, abs=1e-6)
            assert mixed.probability_greater == pytest.approx(greater, abs=1e-7)
    for level in LEVELS:
        # Swapping the periods mirrors the interval.
        forward = compare(small, large, compare_method="bayes", confidence_level=level)
        backward = compare(large, small, compare_method="bayes", confidence_level=level)
        assert forward.low == pytest.approx(-backward.high, abs=1e-8)
        assert forward.probability_greater == pytest.approx(
            1.0 - backward.probability_greater,  # type: ignore[operator]
            abs=1e-12,
        )


def test_huge_periods_agree_with_wald() -> None:
    # At 10^12 answers per period the posterior of the difference is normal
    # with the Wald standard error to relative O(n^-1/2) = 1e-6 (prior 1/2 moves
    # the mean by O(1/n) shares, skewness is O(n^-1/2)). The current period
    # has 10^6 more promoters and 10^6 fewer detractors: a difference of 2e-6
    # shares = 2e-4 points, about 1.8 standard errors.
    n = 10**12
    before = Tally(detractors=n // 5, passives=n - n // 5 - n // 2, promoters=n // 2)
    after = Tally(detractors=n // 5 - 10**6, passives=n - n // 5 - n // 2, promoters=n // 2 + 10**6)
    bayes = compare(before, after, compare_method="bayes")
    wald = compare(before, after, compare_method="wald")
    from scipy.special import ndtr

    # Wald: z = 2e-6 / sqrt(2 * 0.61 / 10^12) = 1.8107.
    assert wald.statistic == pytest.approx(2e-6 / math.sqrt(2 * 0.61 / n), rel=1e-5)
    assert bayes.probability_greater == pytest.approx(float(ndtr(wald.statistic)), abs=1e-5)
    half = (wald.high - wald.low) / 2  # 1.96 * 1.1e-6 shares = 2.2e-4 points
    assert bayes.low == pytest.approx(wald.low, abs=1e-5 * half)
    assert bayes.high == pytest.approx(wald.high, abs=1e-5 * half)


def test_cornish_fisher_cdf_inverts_the_quantile() -> None:
    # A strongly skewed law (skewness 0.3) so that the correction matters.
    mean, variance = 0.1, 0.04
    third = 0.3 * variance**1.5
    levels = np.array([1e-9, 1e-4, 0.025, 0.3, 0.5, 0.8, 0.999, 1 - 1e-7])
    quantiles = np.array([cornish_fisher_quantile(mean, variance, third, u) for u in levels])
    back = cb.cornish_fisher_cdf(mean, variance, third, quantiles)
    np.testing.assert_allclose(back, levels, rtol=1e-9)
    # Near the centre it is the first-order Edgeworth series,
    # Phi(w) - phi(w) g (w^2 - 1) with g = skewness / 6, up to O(g^2).
    w = np.linspace(-3.0, 3.0, 13)
    g = 0.3 / 6.0
    phi = np.exp(-0.5 * w * w) / math.sqrt(2.0 * math.pi)
    big_phi = 0.5 * (1.0 + np.array([math.erf(v / math.sqrt(2.0)) for v in w]))
    edgeworth = big_phi - phi * g * (w * w - 1.0)
    got = cb.cornish_fisher_cdf(mean, variance, third, mean + 0.2 * w)
    assert np.max(np.abs(got - edgeworth)) < 5 * g * g
    # Far beyond the fold of the expansion (w below -1/(4g) - g = -5.05 for
    # g = 0.05): no mass, and the function stays monotone.
    far = cb.cornish_fisher_cdf(
        mean, variance, third, np.array([mean - 0.2 * 6.0, mean + 0.2 * 50])
    )
    assert far[0] == 0.0
    assert far[1] == pytest.approx(1.0, abs=1e-15)


def test_nearly_all_passives_at_any_size() -> None:
    # 1 and 3 non-passives against 3 and 1 among S passives: n * difference
    # tends to (G(3.5) - G(1.5)) - (G(1.5) - G(3.5)) with independent Gamma
    # laws (Jeffreys prior). At S = 10^16 the interval used to be 30 times too
    # wide, its ends found to an absolute 1e-12 around values near 1e-16.
    import numpy as np

    from npskit import Tally, compare

    rng = np.random.default_rng(12)
    draws = 2_000_000
    gammas = [rng.gamma(shape, size=draws) for shape in (3.5, 1.5, 1.5, 3.5)]
    scaled = (gammas[0] - gammas[1]) - (gammas[2] - gammas[3])
    want_low, want_high = np.quantile(scaled, [0.025, 0.975])
    for s in (10**12, 10**16, 10**18):
        baseline = Tally(detractors=3, passives=s, promoters=1)
        current = Tally(detractors=1, passives=s, promoters=3)
        result = compare(baseline, current, compare_method="bayes")
        n = s + 4
        assert result.low * n / 100 == pytest.approx(want_low, abs=0.05)
        assert result.high * n / 100 == pytest.approx(want_high, abs=0.05)
        assert result.probability_greater == pytest.approx(float(np.mean(scaled > 0)), abs=0.002)
