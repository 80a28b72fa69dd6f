"""Hierarchical shrinkage: the issue-13 collapse, calibration, ranking by simulation, edge cases."""

from __future__ import annotations

import json
import math
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2_contingency, spearmanr

import npskit
from npskit import Tally, shrink, tally_by
from npskit._stats.hierarchical import fit_hierarchical, nps_observations


def _tallies(counts: np.ndarray) -> list[Tally]:
    return [Tally(detractors=int(d), passives=int(s), promoters=int(p)) for d, s, p in counts]


def _simulate(seed: int, alpha_true: np.ndarray, agents: int = 60) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(alpha_true, agents)
    n = np.round(np.exp(rng.uniform(np.log(3), np.log(300), agents))).astype(int)
    counts = np.array([rng.multinomial(m, q) for m, q in zip(n, p, strict=True)])
    return p, n, counts


def _top_k_precision(truth: np.ndarray, estimate: np.ndarray, k: int) -> float:
    best = set(np.argsort(-truth)[:k].tolist())
    return len(best & set(np.argsort(-estimate, kind="stable")[:k].tolist())) / k


def test_shrunk_ranking_is_closer_to_the_truth_than_raw() -> None:
    # 60 agents with true shares from Dirichlet(6, 6, 12) (true NPS mean +25) and
    # very unequal n (3..300, log-uniform). Per replicate: Spearman correlation of
    # the true NPS with the raw and with the shrunk NPS, and top-5 precision.
    # The claim tested is that the mean improvement over replicates is positive
    # by more than 3 Monte Carlo standard errors, where the standard error is the
    # replicates' own standard deviation of the improvement over sqrt(R). In a
    # pilot of 200 replicates (seeds 0..199, not the seeds below) the improvement
    # was +0.064 (sd 0.037) in Spearman and +0.14 (sd 0.23) in top-5 precision
    # for the Dirichlet fit npskit used before, and is about the same for the
    # hierarchical model (scripts/shrink_calibration_table.py); with R = 100 the
    # expected margins are about 17 and 6 standard errors.
    alpha_true = np.array([6.0, 6.0, 12.0])
    replicates = 100
    spearman_gain, precision_gain = [], []
    for seed in range(replicates):
        p, n, counts = _simulate(1000 + seed, alpha_true)
        truth = 100 * (p[:, 2] - p[:, 0])
        raw = 100 * (counts[:, 2] - counts[:, 0]) / n
        shrunk = np.array([row.shrunk_nps for row in shrink(_tallies(counts)).rows])
        spearman_gain.append(spearmanr(truth, shrunk).statistic - spearmanr(truth, raw).statistic)
        precision_gain.append(_top_k_precision(truth, shrunk, 5) - _top_k_precision(truth, raw, 5))
    for gains in (np.array(spearman_gain), np.array(precision_gain)):
        standard_error = gains.std(ddof=1) / math.sqrt(replicates)
        assert gains.mean() > 3 * standard_error, (gains.mean(), standard_error)


def test_shrink_matches_the_kernel_and_ranks() -> None:
    _, _, counts = _simulate(7, np.array([6.0, 6.0, 12.0]), agents=12)
    result = shrink(_tallies(counts))
    for i, segment in enumerate(result.rows):
        n = counts[i].sum()
        assert segment.raw_nps == pytest.approx(100 * (counts[i, 2] - counts[i, 0]) / n)
        assert segment.n == n
        low, high = segment.confidence_interval
        assert low < segment.shrunk_nps < high
        assert segment.key == (i,)
    ranked = result.rank("shrunk")
    assert [s.shrunk_nps for s in ranked] == sorted((s.shrunk_nps for s in ranked), reverse=True)
    lows = [s.confidence_interval.low for s in result.rank("lower")]
    assert lows == sorted(lows, reverse=True)


def test_one_huge_segment_does_not_force_full_pooling() -> None:
    # Issue 13 item 3: four segments of 50 that differ (chi-square p = 0.020)
    # beside one of 10^6 answers at NPS +30. The Dirichlet fit used before
    # pooled fully: every segment NPS 30.0 with interval [30.0, 30.0].
    small = [(5, 15, 30), (15, 15, 20), (10, 20, 20), (19, 11, 20)]
    assert chi2_contingency(np.array(small))[1] < 0.05
    for big in ((200_000, 300_000, 500_000), (2_000, 3_000, 5_000)):
        groups = [Tally(detractors=d, passives=s, promoters=p) for d, s, p in (*small, big)]
        result = shrink(groups)
        shrunk = [row.shrunk_nps for row in result.rows]
        assert len({round(value, 3) for value in shrunk[:4]}) == 4
        # the order of the raw NPS (+50, +10, +20, +2) survives
        assert shrunk[0] > shrunk[2] > shrunk[1] > shrunk[3]
        for row in result.rows[:4]:
            low, high = row.confidence_interval
            assert high - low > 20.0  # 50 answers: wide, as they should be
            assert low < row.raw_nps < high
        low, high = result.rows[4].confidence_interval
        assert low < 30.0 < high
        assert result.tau > 5.0
        assert result.tau_interval.low > 0.5
        assert "full pooling" not in str(result)
        assert "standard deviation of" in str(result)


def test_coverage_by_seeded_simulation() -> None:
    # 120 replicates of 30 segments of 20-500 answers (log-uniform), true shares
    # from Dirichlet(100 m), m = (0.25, 0.30, 0.45): NPS +20 with a spread of
    # about 8 points between segments. Coverage of the 95% intervals averaged
    # over segments; the Monte Carlo standard error is the replicates' standard
    # deviation over sqrt(120) (about 0.004). The check is the band
    # 0.93-0.97 widened by 3 standard errors.
    rng = np.random.default_rng(2026)
    mean_shares = np.array([0.25, 0.30, 0.45])
    covered = []
    for _ in range(120):
        n = np.round(np.exp(rng.uniform(math.log(20), math.log(500), 30))).astype(int)
        p = rng.dirichlet(100 * mean_shares, 30)
        counts = np.array([rng.multinomial(m, q) for m, q in zip(n, p, strict=True)])
        truth = 100 * (p[:, 2] - p[:, 0])
        result = shrink(_tallies(counts))
        low = np.array([row.confidence_interval.low for row in result.rows])
        high = np.array([row.confidence_interval.high for row in result.rows])
        covered.append(float(np.mean((low <= truth) & (truth <= high))))
    coverage = float(np.mean(covered))
    standard_error = float(np.std(covered, ddof=1)) / math.sqrt(len(covered))
    assert 0.93 - 3 * standard_error <= coverage <= 0.97 + 3 * standard_error, (
        coverage,
        standard_error,
    )


def _coverage(
    rng: np.random.Generator,
    sizes: Callable[[], np.ndarray],
    shares: Callable[[int], np.ndarray],
    replicates: int,
) -> dict[str, tuple[float, float]]:
    """Mean coverage over segments and of the best and worst segment, with MC standard errors."""
    found: dict[str, list[float]] = {"all": [], "extremes": [], "credible_extremes": []}
    for _ in range(replicates):
        n = sizes()
        p = shares(len(n))
        counts = np.array([rng.multinomial(m, q) for m, q in zip(n, p, strict=True)])
        truth = 100 * (p[:, 2] - p[:, 0])
        result = shrink(_tallies(counts))
        ci = np.array([tuple(row.confidence_interval) for row in result.rows])
        cr = np.array([tuple(row.credible_interval) for row in result.rows])
        inside = (ci[:, 0] <= truth) & (truth <= ci[:, 1])
        found["all"].append(float(inside.mean()))
        if np.ptp(truth) > 0:
            ends = [int(np.argmax(truth)), int(np.argmin(truth))]
            found["extremes"].append(float(inside[ends].mean()))
            credible = (cr[:, 0] <= truth) & (truth <= cr[:, 1])
            found["credible_extremes"].append(float(credible[ends].mean()))
    return {
        name: (float(np.mean(v)), float(np.std(v, ddof=1)) / math.sqrt(len(v)))
        for name, v in found.items()
        if v
    }


@pytest.mark.parametrize(("segments", "low", "high"), [(8, 100, 100), (30, 20, 500)])
def test_identical_shares_are_covered_at_the_level(segments: int, low: int, high: int) -> None:
    # Issue 13 item 3: every segment has the same true shares (0.25, 0.30,
    # 0.45). The credible interval covers 0.993 (8 x 100) and 0.999 (30 x
    # 20-500) here; the FAB confidence interval must stay in the band
    # 0.93-0.97, widened by 3 Monte Carlo standard errors (replicates'
    # standard deviation over sqrt(R)).
    rng = np.random.default_rng(1300 + segments)
    mean_shares = np.array([0.25, 0.30, 0.45])
    found = _coverage(
        rng,
        lambda: np.round(np.exp(rng.uniform(math.log(low), math.log(high), segments))).astype(int),
        lambda k: np.tile(mean_shares, (k, 1)),
        replicates=150,
    )
    coverage, standard_error = found["all"]
    assert 0.93 - 3 * standard_error <= coverage <= 0.97 + 3 * standard_error, found


def test_the_best_and_worst_segments_are_covered_too() -> None:
    # Realistic spread (true shares Dirichlet(6, 6, 12), SD about 17 points),
    # 30 segments of 20-500 answers. A constant-coverage interval covers the
    # truly best and worst segments as often as any other; the credible
    # interval pulls them towards the middle and misses them (about 0.7-0.8
    # in a pilot with other seeds), which is why it is not the default.
    rng = np.random.default_rng(1317)
    found = _coverage(
        rng,
        lambda: np.round(np.exp(rng.uniform(math.log(20), math.log(500), 30))).astype(int),
        lambda k: rng.dirichlet([6.0, 6.0, 12.0], k),
        replicates=150,
    )
    coverage, standard_error = found["extremes"]
    assert coverage >= 0.93 - 3 * standard_error, found
    assert found["all"][0] >= 0.93 - 3 * found["all"][1], found
    credible, credible_error = found["credible_extremes"]
    assert credible < coverage - 3 * math.hypot(standard_error, credible_error), found


def test_credible_interval_is_the_posterior_of_the_kernel() -> None:
    _, _, counts = _simulate(8, np.array([6.0, 6.0, 12.0]), agents=10)
    result = shrink(_tallies(counts), confidence_level=0.9)
    y, v = nps_observations(counts.astype(float))
    fit = fit_hierarchical(y, v, tail=0.05)
    np.testing.assert_allclose(
        [row.credible_interval.low for row in result.rows], np.clip(100 * fit.low, -100, 100)
    )
    np.testing.assert_allclose(
        [row.credible_interval.high for row in result.rows], np.clip(100 * fit.high, -100, 100)
    )
    record = result.rows[0].to_dict()
    assert record["credible_low"] == result.rows[0].credible_interval.low
    assert record["low"] == result.rows[0].confidence_interval.low


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 40), st.integers(0, 40), st.integers(0, 40)).filter(
            lambda c: sum(c) > 0
        ),
        min_size=2,
        max_size=8,
    ),
    st.sampled_from([0.5, 0.8, 0.95, 0.99]),
)
def test_no_interval_has_zero_width(
    counts: list[tuple[int, int, int]], confidence_level: float
) -> None:
    result = shrink(
        [Tally(detractors=d, passives=s, promoters=p) for d, s, p in counts],
        confidence_level=confidence_level,
    )
    for row in result.rows:
        low, high = row.confidence_interval
        assert -100.0 <= low < high <= 100.0
        assert low <= row.shrunk_nps <= high
        assert low <= row.raw_nps <= high  # FAB intervals hold their own estimate
        c_low, c_high = row.credible_interval
        assert -100.0 <= c_low < c_high <= 100.0
    assert 0.0 <= result.tau_interval.low <= result.tau <= result.tau_interval.high <= 100.0


def test_rule_of_thumb_hand_values() -> None:
    # a: 4 promoters -> NPS 100, 100 - 160 / sqrt(4) = 20;
    # b: 100 answers, NPS 30 -> 30 - 160 / 10 = 14; c: 25 answers NPS -20 -> -52.
    groups = {
        "a": Tally(detractors=0, passives=0, promoters=4),
        "b": Tally(detractors=20, passives=30, promoters=50),
        "c": Tally(detractors=10, passives=10, promoters=5),
    }
    result = shrink(groups)
    values = {s.key[0]: s.rule_of_thumb for s in result.rows}
    assert values == pytest.approx({"a": 20.0, "b": 14.0, "c": -52.0})
    assert [s.key[0] for s in result.rank("rule-of-thumb")] == ["a", "b", "c"]
    assert [s.key[0] for s in result.rank("raw")] == ["a", "b", "c"]


def test_identical_segments_are_not_collapsed_to_a_point() -> None:
    # Every segment has exactly the same shares, (20, 10, 10) / 40, NPS -25.
    # The old fit pooled fully and gave point intervals; now every interval
    # contains -25 with positive width, and tau's interval starts near 0.
    groups = [Tally(detractors=20 * k, passives=10 * k, promoters=10 * k) for k in (1, 2, 3)]
    result = shrink(groups)
    assert result.prior_nps == pytest.approx(-25.0, abs=1e-9)
    for segment in result.rows:
        assert segment.shrunk_nps == pytest.approx(-25.0, abs=1e-9)
        low, high = segment.confidence_interval
        assert low < -25.0 < high
    assert result.tau_interval.low < 1.0
    assert json.loads(json.dumps(result.to_dict(), allow_nan=False))["tau"] == result.tau


def test_single_category_and_too_few_segments() -> None:
    only_promoters = shrink([Tally(detractors=0, passives=0, promoters=k) for k in (1, 5)])
    for row in only_promoters.rows:
        assert row.shrunk_nps == pytest.approx(100.0)
        low, high = row.confidence_interval
        assert low < 100.0 == high
    with pytest.raises(ValueError, match="at least two segments"):
        shrink([Tally(detractors=1, passives=2, promoters=3)])
    with pytest.raises(ValueError, match="at least two segments"):
        shrink(
            [
                Tally(detractors=1, passives=2, promoters=3),
                Tally(detractors=0, passives=0, promoters=0),
            ]
        )
    with pytest.raises(TypeError, match="groups must be"):
        shrink(3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="confidence_level"):
        shrink([Tally(detractors=1, passives=2, promoters=3)] * 2, confidence_level=95)


def test_from_tally_by_outputs_and_empty_segment() -> None:
    scores = [10, 9, 0, 7, 10, 3, 8, 9, 9, None]
    agents = ["a", "a", "a", "b", "b", "b", "c", "c", "c", "d"]
    result = shrink(tally_by(scores, agents, data=None))
    assert [s.key for s in result.rows] == [("a",), ("b",), ("c",), ("d",)]
    empty = result.rows[3]
    assert empty.n == 0
    assert math.isnan(empty.raw_nps)
    # a segment without answers gets the law of a new segment, centred on mu
    assert empty.shrunk_nps == pytest.approx(result.prior_nps)
    assert math.isnan(empty.rule_of_thumb)
    assert result.rank("raw")[-1].key == ("d",)
    rows = result.to_dicts()
    assert rows[0]["key"] == "a"
    assert set(rows[0]) >= {"n", "raw_nps", "shrunk_nps", "low", "high", "rule_of_thumb"}
    assert "| rank |" in result.to_markdown()
    assert "Bayesian shrinkage of 4 segments" in str(result)
    json.dumps(result.to_dict())
    assert result.to_pandas().shape[0] == 4
    assert result.to_polars().height == 4


def test_weighted_segments_use_effective_counts() -> None:
    # Weights 2 on every answer: weighted sums double, Kish's n_eff equals the
    # number of answers, so the counts used are the unweighted ones.
    scores = [10, 9, 0, 7, 10, 3, 8, 9, 9, 2, 6, 10]
    agents = list("aaabbbcccddd")
    plain = shrink(tally_by(scores, agents))
    weighted = shrink(tally_by(scores, agents, weights=[2.0] * len(scores)))
    for a, b in zip(plain.rows, weighted.rows, strict=True):
        assert b.counts == pytest.approx(a.counts)
        assert b.shrunk_nps == pytest.approx(a.shrunk_nps, rel=1e-6, abs=1e-9)


def test_public_names() -> None:
    assert npskit.shrink is shrink
    assert npskit.ShrinkageResult.__name__ == "ShrinkageResult"


def test_shrinkage_result_is_a_table_looked_up_by_key() -> None:
    groups = {
        "agent 7": Tally(detractors=1, passives=2, promoters=7),
        "agent 8": Tally(detractors=5, passives=2, promoters=3),
        "agent 9": Tally(detractors=2, passives=4, promoters=4),
    }
    result = shrink(groups)
    assert result["agent 7"] is result.rows[0]
    assert result[("agent 9",)] is result.rows[2]
    with pytest.raises(KeyError, match="agent 1"):
        result["agent 1"]
    assert len(repr(result).splitlines()) <= 25
    json.dumps(result.to_dict(), allow_nan=False)
    assert result.to_csv().splitlines()[0].startswith("key,n,")


def test_shrink_says_it_needs_several_segments_for_one_tally() -> None:
    with pytest.raises(TypeError, match="got one Tally"):
        shrink(Tally(detractors=1, passives=2, promoters=3))  # type: ignore[arg-type]
