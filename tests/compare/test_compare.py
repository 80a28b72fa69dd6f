"""compare(): reference values from hand derivations and independent computations."""

from __future__ import annotations

import itertools
import json
import math
import warnings
from fractions import Fraction

import numpy as np
import pytest

from npskit import (
    DegenerateSampleWarning,
    EmptyDataError,
    Tally,
    compare,
    confidence_interval,
)
from npskit._stats.tango import tango_bounds, tango_bounds_array

BEFORE = Tally(detractors=20, passives=27, promoters=40)  # n = 87, NPS 20/87
AFTER = Tally(detractors=25, passives=32, promoters=37)  # n = 94, NPS 12/94


def _wald_by_hand(c0: tuple[float, float, float], c1: tuple[float, float, float]) -> tuple:
    """Unpooled z with exact fractions: var of one score = (P + D)/n - ((P - D)/n)^2."""
    parts = []
    for d, s, p in (c0, c1):
        n = Fraction(d) + Fraction(s) + Fraction(p)
        e = (Fraction(p) - Fraction(d)) / n
        v = (Fraction(p) + Fraction(d)) / n - e * e
        parts.append((e, v / n))
    diff = parts[1][0] - parts[0][0]
    se = math.sqrt(parts[0][1] + parts[1][1])
    return float(diff), se


def test_wald_matches_hand_derivation() -> None:
    # e0 = 20/87, v0 = 60/87 - (20/87)^2 = 4820/7569, v0/n0 = 4820/658503;
    # e1 = 12/94, v1 = 62/94 - (12/94)^2 = 5684/8836, v1/n1 = 5684/830584;
    # diff = 12/94 - 20/87 = -418/4089; se = sqrt(4820/658503 + 5684/830584).
    diff, se = _wald_by_hand((20, 27, 40), (25, 32, 37))
    assert diff == pytest.approx(-418 / 4089, rel=1e-15)
    assert se == pytest.approx(math.sqrt(4820 / 658503 + 5684 / 830584), rel=1e-15)
    result = compare(BEFORE, AFTER, compare_method="wald")
    z = diff / se
    assert result.statistic == pytest.approx(z, rel=1e-12)
    assert result.pvalue == pytest.approx(math.erfc(abs(z) / math.sqrt(2)), rel=1e-10)
    half = 1.959963984540054 * se  # Phi^-1(0.975)
    assert result.low == pytest.approx(100 * (diff - half), rel=1e-10)
    assert result.high == pytest.approx(100 * (diff + half), rel=1e-10)
    assert result.difference == pytest.approx(100 * diff, rel=1e-14)
    assert (result.baseline, result.current) == pytest.approx((2000 / 87, 1200 / 94))


def test_adjusted_wald_adds_sauro_lewis_pseudo_counts() -> None:
    # MeasuringU (https://measuringu.com/nps-three-significance-tests/): add 3 to
    # n, 3/4 to the detractors and 3/4 to the promoters of each period (so 3/2
    # to the passives), then the unpooled z of the difference.
    diff, se = _wald_by_hand((20.75, 28.5, 40.75), (25.75, 33.5, 37.75))
    result = compare(BEFORE, AFTER, compare_method="adjusted-wald")
    assert result.statistic == pytest.approx(diff / se, rel=1e-12)
    assert result.low == pytest.approx(100 * (diff - 1.959963984540054 * se), rel=1e-10)
    # The reported difference is the raw one; the interval is centred on the adjusted one.
    assert result.difference == pytest.approx(100 * (12 / 94 - 20 / 87))
    assert (result.low + result.high) / 2 == pytest.approx(100 * diff)


def test_mover_is_built_from_the_two_tango_intervals() -> None:
    # Newcombe (1998) method 10 with the public one-sample Tango intervals.
    one = [confidence_interval(t, interval_method="tango") for t in (BEFORE, AFTER)]
    e0, e1 = one[0].estimate, one[1].estimate
    low = e1 - e0 - math.hypot(e1 - one[1].low, one[0].high - e0)
    high = e1 - e0 + math.hypot(one[1].high - e1, e0 - one[0].low)
    result = compare(BEFORE, AFTER)
    assert result.compare_method == "mover"
    assert result.low == pytest.approx(low, abs=1e-8)
    assert result.high == pytest.approx(high, abs=1e-8)


@pytest.mark.parametrize(
    ("c0", "c1"), [((20, 27, 40), (25, 32, 37)), ((3, 1, 6), (0, 2, 9)), ((5, 0, 0), (1, 1, 1))]
)
def test_mover_pvalue_inverts_the_interval(c0: tuple, c1: tuple) -> None:
    t0 = Tally(detractors=c0[0], passives=c0[1], promoters=c0[2])
    t1 = Tally(detractors=c1[0], passives=c1[1], promoters=c1[2])
    result = compare(t0, t1)
    # At confidence level 1 - p the bound nearer to 0 touches 0.
    edge = compare(t0, t1, confidence_level=1 - result.pvalue)
    touching = edge.high if result.difference < 0 else edge.low
    assert touching == pytest.approx(0.0, abs=1e-6)
    for side in ("greater", "less"):
        one = compare(t0, t1, alternative=side)  # type: ignore[arg-type]
        edge = compare(t0, t1, alternative=side, confidence_level=1 - one.pvalue)  # type: ignore[arg-type]
        bound = edge.low if side == "greater" else edge.high
        if one.pvalue < 0.5:
            assert bound == pytest.approx(0.0, abs=1e-6)


def test_vectorised_tango_bounds_match_the_one_sample_kernel() -> None:
    rng = np.random.default_rng(3)
    counts = rng.integers(0, 40, size=(60, 3)).astype(float)
    counts = counts[counts.sum(axis=1) > 0]
    low, high = tango_bounds_array(counts[:, 0], counts[:, 1], counts[:, 2], 1.959963984540054)
    for (d, s, p), lo, hi in zip(counts, low, high, strict=True):
        ref = tango_bounds(d, s, p, 0.025)
        assert lo == pytest.approx(ref[0], abs=1e-9)
        assert hi == pytest.approx(ref[1], abs=1e-9)


def _nps(answers: tuple[int, ...]) -> float:
    return (sum(a >= 9 for a in answers) - sum(a <= 6 for a in answers)) / len(answers)


def test_permutation_matches_brute_force_over_labelled_splits() -> None:
    # Independent: every one of the C(8, 4) = 70 ways to relabel 8 answers.
    before = (0, 3, 7, 10)  # 2 detractors, 1 passive, 1 promoter
    after = (8, 9, 10, 9)  # 0 detractors, 1 passive, 3 promoters
    pooled = before + after
    observed = _nps(after) - _nps(before)
    splits = list(itertools.combinations(range(8), 4))
    stats = []
    for chosen in splits:
        current = tuple(pooled[i] for i in chosen)
        rest = tuple(pooled[i] for i in range(8) if i not in chosen)
        stats.append(_nps(current) - _nps(rest))
    expected = {
        "two-sided": sum(abs(s) >= abs(observed) - 1e-12 for s in stats) / 70,
        "greater": sum(s >= observed - 1e-12 for s in stats) / 70,
        "less": sum(s <= observed + 1e-12 for s in stats) / 70,
    }
    for side, value in expected.items():
        result = compare(before, after, compare_method="permutation", alternative=side)  # type: ignore[arg-type]
        assert result.pvalue == pytest.approx(value, rel=1e-12)
        assert result.statistic == pytest.approx(100 * observed)
        assert result.interval_method == "mover"


def test_permutation_resampling_agrees_with_exact_enumeration(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = Tally(detractors=9, passives=8, promoters=13)
    after = Tally(detractors=4, passives=9, promoters=17)
    exact = compare(before, after, compare_method="permutation").pvalue
    import npskit._stats.permutation as methods

    monkeypatch.setattr(methods, "EXACT_TABLES", 0)
    sampled = compare(before, after, compare_method="permutation", rng=11, n_resamples=20_000)
    again = compare(before, after, compare_method="permutation", rng=11, n_resamples=20_000)
    assert sampled.pvalue == again.pvalue  # seeded
    se = math.sqrt(exact * (1 - exact) / 20_000)
    assert abs(sampled.pvalue - exact) < 4 * se + 1 / 20_001


def test_bootstrap_is_seeded_and_close_to_wald_when_large() -> None:
    before = Tally(detractors=400, passives=600, promoters=1000)
    after = Tally(detractors=500, passives=640, promoters=860)
    one = compare(before, after, compare_method="bootstrap-percentile", rng=1, n_resamples=20_000)
    two = compare(before, after, compare_method="bootstrap-percentile", rng=1, n_resamples=20_000)
    assert one == two
    wald = compare(before, after, compare_method="wald")
    # Percentile quantiles of 20 000 resamples: Monte Carlo error ~0.1 point here.
    assert one.low == pytest.approx(wald.low, abs=0.4)
    assert one.high == pytest.approx(wald.high, abs=0.4)
    assert one.statistic == pytest.approx(wald.statistic, rel=0.03)


def test_bayes_agrees_with_monte_carlo() -> None:
    before = Tally(detractors=6, passives=3, promoters=11)
    after = Tally(detractors=3, passives=6, promoters=16)
    result = compare(before, after, compare_method="bayes")
    rng = np.random.default_rng(2024)
    draws = 1_000_000
    post0 = rng.dirichlet([6.5, 3.5, 11.5], size=draws)
    post1 = rng.dirichlet([3.5, 6.5, 16.5], size=draws)
    diff = 100 * ((post1[:, 2] - post1[:, 0]) - (post0[:, 2] - post0[:, 0]))
    greater = float(np.mean(diff > 0))
    assert result.probability_greater is not None
    assert abs(result.probability_greater - greater) < 4 * math.sqrt(
        greater * (1 - greater) / draws
    )
    low, high = np.quantile(diff, [0.025, 0.975])
    # The quantile's Monte Carlo error is about 0.1 point at a million draws.
    assert result.low == pytest.approx(low, abs=0.3)
    assert result.high == pytest.approx(high, abs=0.3)
    assert result.pvalue == pytest.approx(2 * min(greater, 1 - greater), abs=0.005)


def test_bayes_is_symmetric_for_equal_samples() -> None:
    t = Tally(detractors=4, passives=5, promoters=7)
    result = compare(t, t, compare_method="bayes")
    assert result.probability_greater == pytest.approx(0.5, abs=1e-6)
    assert result.low == pytest.approx(-result.high, abs=1e-4)
    assert result.pvalue == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize(
    "method", ["wald", "adjusted-wald", "mover", "bootstrap-percentile", "bayes"]
)
def test_one_sided_intervals_open_to_the_end_of_the_scale(method: str) -> None:
    greater = compare(BEFORE, AFTER, compare_method=method, alternative="greater", rng=0)  # type: ignore[arg-type]
    less = compare(BEFORE, AFTER, compare_method=method, alternative="less", rng=0)  # type: ignore[arg-type]
    assert greater.high == 200.0
    assert less.low == -200.0
    # The difference is negative: "less" is the side the data point to.
    assert less.pvalue < 0.5 < greater.pvalue


def test_one_sided_wald_pvalues_are_the_tails() -> None:
    two = compare(BEFORE, AFTER, compare_method="wald")
    less = compare(BEFORE, AFTER, compare_method="wald", alternative="less")
    greater = compare(BEFORE, AFTER, compare_method="wald", alternative="greater")
    assert less.pvalue == pytest.approx(two.pvalue / 2)
    assert greater.pvalue == pytest.approx(1 - two.pvalue / 2)


def test_answers_and_tallies_give_the_same_result() -> None:
    before = [0] * 20 + [7] * 27 + [10] * 40 + [float("nan")] * 2
    after = [3] * 25 + [8] * 32 + [9] * 37
    from_answers = compare(before, after)
    from_tallies = compare(BEFORE, AFTER)
    assert from_answers.low == from_tallies.low
    assert from_answers.n_missing_baseline == 2
    assert (from_answers.n_baseline, from_answers.n_current) == (87, 94)


def test_weighted_tallies_use_kish_effective_counts() -> None:
    # Equal weights of 2: the weighted shares are the counts' shares and
    # Kish's effective n is the number of answers, so nothing changes.
    weighted = Tally(
        detractors=40.0,
        passives=54.0,
        promoters=80.0,
        squared_weights=(80.0, 108.0, 160.0),
        responses=87,
    )
    result = compare(weighted, AFTER, compare_method="wald")
    plain = compare(BEFORE, AFTER, compare_method="wald")
    assert result.effective_n_baseline == pytest.approx(87)
    assert result.low == pytest.approx(plain.low, rel=1e-12)


def test_result_serialises_and_prints() -> None:
    result = compare(BEFORE, AFTER, compare_method="bayes")
    payload = json.loads(json.dumps(result.to_dict()))
    assert payload["compare_method"] == "bayes"
    assert payload["probability_greater"] == result.probability_greater
    text = str(result)
    assert "rounded" in text
    assert "-10.2" in text
    assert result.confidence_interval.low == result.low


def test_wald_warns_and_collapses_when_both_periods_are_degenerate() -> None:
    all_promoters = Tally(detractors=0, passives=0, promoters=10)
    all_detractors = Tally(detractors=5, passives=0, promoters=0)
    with pytest.warns(DegenerateSampleWarning, match="zero width"):
        result = compare(all_detractors, all_promoters, compare_method="wald")
    assert result.low == result.high == 200.0
    assert result.statistic == math.inf
    assert json.dumps(result.to_dict())
    # The score-based default gives a proper interval.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mover = compare(all_detractors, all_promoters)
    assert mover.low < 200.0


def test_errors_name_the_parameter() -> None:
    with pytest.raises(ValueError, match="method must be one of"):
        compare(BEFORE, AFTER, compare_method="Wald")  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="alternative"):
        compare(BEFORE, AFTER, alternative="bigger")  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="confidence_level"):
        compare(BEFORE, AFTER, confidence_level=95)
    with pytest.raises(EmptyDataError):
        compare([], AFTER)
    with pytest.raises(TypeError, match="paired must be"):
        compare(BEFORE, AFTER, paired="yes")  # type: ignore[call-overload]


def test_paired_needs_answers_not_tallies() -> None:
    with pytest.raises(TypeError, match="respondent-level answers for baseline"):
        compare(BEFORE, [1, 2, 3], paired=True)


def test_paired_dispatches_to_the_paired_comparison() -> None:
    paired = pytest.importorskip("npskit._compare.paired")
    before = [0, 7, 9, 10, 5, 8, 9, 3]
    after = [7, 9, 10, 10, 6, 9, 9, 9]
    result = compare(before, after, paired=True)
    assert isinstance(result, paired.PairedComparison)
