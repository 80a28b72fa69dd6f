"""compare_paired: hand derivations, independent computations, size and power."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy import optimize, stats

import npskit
from npskit import DegenerateSampleWarning, EmptyDataError, MissingAnswersError
from npskit._compare.paired import compare_paired, stuart_maxwell
from npskit._compare.paired_methods import paired_test_and_bounds
from npskit._stats.paired_score import (
    CELL_CHANGE,
    CHANGES,
    change_counts,
    restricted_mle,
    score_statistic,
)
from npskit._stats.tango import restricted_mle as tango_restricted_mle

# Five respondents; categories (D=-1, S=0, P=+1):
#   answers before 3 (D), 7 (S), 9 (P), 8 (S), 10 (P)
#   answers after  9 (P), 10 (P), 10 (P), 7 (S), 8 (S)
#   change scores   +2,    +1,     0,      0,    -1   -> mean 0.4 -> +40 points
# Transitions (rows before D/S/P, columns after D/S/P):
#   D->P: 1; S->P: 1, S->S: 1; P->P: 1, P->S: 1.
BEFORE = [3, 7, 9, 8, 10]
AFTER = [9, 10, 10, 7, 8]


def test_tiny_table_by_hand() -> None:
    r = compare_paired(BEFORE, AFTER, compare_method="wald")
    assert r.transitions == ((0, 0, 1), (0, 1, 1), (0, 1, 1))
    assert r.change_counts == (0, 1, 2, 1, 1)
    # Before: D=1, S=2, P=2 -> NPS 20; after: S=2, P=3 -> NPS 60.
    assert r.baseline_nps == pytest.approx(20.0)
    assert r.current_nps == pytest.approx(60.0)
    assert r.difference == pytest.approx(40.0)
    assert r.n == 5
    assert r.n_missing == 0
    assert r.change_scores.tolist() == [200.0, 100.0, 0.0, 0.0, -100.0]
    # Wald: deviations from 0.4 are 1.6, 0.6, -0.4, -0.4, -1.4; squares sum to
    # 5.2; ML variance 5.2 / 5 = 1.04; se = sqrt(1.04 / 5) = 0.4560702;
    # z = 0.4 / 0.4560702 = 0.8770580; half-width 1.959964 * 0.4560702 = 0.8938813.
    assert r.statistic == pytest.approx(0.8770580, rel=1e-6)
    assert r.low == pytest.approx(100 * (0.4 - 0.8938813), rel=1e-6)
    assert r.high == pytest.approx(100 * (0.4 + 0.8938813), rel=1e-6)
    assert r.pvalue == pytest.approx(2 * stats.norm.sf(0.8770580), rel=1e-6)
    # t: s^2 = 5.2 / 4 = 1.3; se = sqrt(1.3 / 5) = 0.5099020; t = 0.7844645 on
    # 4 df; t_{0.975, 4} = 2.7764451, half-width 2.7764451 * 0.5099020 = 1.4157146.
    t = compare_paired(BEFORE, AFTER, compare_method="t")
    assert t.statistic == pytest.approx(0.7844645, rel=1e-6)
    assert t.low == pytest.approx(100 * (0.4 - 1.4157146), rel=1e-6)
    assert t.high == pytest.approx(100 * (0.4 + 1.4157146), rel=1e-6)
    assert t.pvalue == pytest.approx(2 * stats.t.sf(0.7844645, 4), rel=1e-6)
    # The same p-value from scipy's paired t test on the change scores.
    reference = stats.ttest_1samp([2, 1, 0, 0, -1], 0.0)
    assert t.pvalue == pytest.approx(reference.pvalue, rel=1e-9)


def test_default_method_and_result_shape() -> None:
    r = compare_paired(BEFORE, AFTER)
    assert r.compare_method == "t"
    assert r.paired is True
    assert r.confidence_interval.low == r.low
    d = r.to_dict()
    import json

    json.dumps(d)
    assert d["change_counts"] == {"-200": 0, "-100": 1, "0": 2, "100": 1, "200": 1}
    assert d["marginal_homogeneity"]["method"] == "stuart-maxwell"
    text = str(r)
    assert "Paired NPS change" in text
    assert "promoter" in text
    assert "60.0%" not in r.transition_table()
    assert "20.0%" in r.transition_table(shares=True)


def test_missing_pairs_are_omitted_and_counted() -> None:
    before = [3, None, 9, 8, 10, 5]
    after = [9, 10, float("nan"), 7, 8, None]
    r = compare_paired(before, after, compare_method="wald")
    assert r.n == 3
    assert r.n_missing == 3
    assert np.isnan(r.change_scores[[1, 2, 5]]).all()
    assert r.change_scores[[0, 3, 4]].tolist() == [200.0, 0.0, -100.0]
    with pytest.raises(MissingAnswersError):
        compare_paired(before, after, nan_policy="raise")


def test_errors() -> None:
    with pytest.raises(ValueError, match="5 baseline answers and 4 current answers"):
        compare_paired(BEFORE, AFTER[:4])
    with pytest.raises(ValueError, match="method must be one of"):
        compare_paired(BEFORE, AFTER, compare_method="mover")  # type: ignore[arg-type]
    with pytest.raises(EmptyDataError):
        compare_paired([None, 3], [4, None])
    with pytest.raises(EmptyDataError, match="at least 2"):
        compare_paired([3], [4], compare_method="t")
    from npskit import Tally

    with pytest.raises(TypeError, match="not a Tally"):
        compare_paired(Tally(detractors=1, passives=0, promoters=0), AFTER)


def test_swapping_sides_negates_and_mirrors() -> None:
    rng = np.random.default_rng(3)
    before = rng.integers(0, 11, 40)
    after = np.clip(before + rng.integers(-3, 4, 40), 0, 10)
    for method in ("t", "wald", "tango"):
        ab = compare_paired(before, after, compare_method=method)  # type: ignore[arg-type]
        ba = compare_paired(after, before, compare_method=method)  # type: ignore[arg-type]
        assert ba.difference == pytest.approx(-ab.difference)
        assert ba.low == pytest.approx(-ab.high, abs=1e-7)
        assert ba.high == pytest.approx(-ab.low, abs=1e-7)
        assert ba.pvalue == pytest.approx(ab.pvalue, rel=1e-9)
        assert ab.low <= ab.difference <= ab.high


def test_one_sided_alternatives() -> None:
    r = compare_paired(BEFORE, AFTER, compare_method="wald", alternative="greater")
    # One-sided 95%: z_{0.95} = 1.6448536; low = 0.4 - 1.6448536 * 0.4560702.
    assert r.low == pytest.approx(100 * (0.4 - 1.6448536 * 0.4560702), rel=1e-6)
    assert r.high == 200.0
    assert r.pvalue == pytest.approx(stats.norm.sf(0.8770580), rel=1e-6)
    less = compare_paired(BEFORE, AFTER, compare_method="wald", alternative="less")
    assert less.low == -200.0
    assert less.pvalue == pytest.approx(stats.norm.cdf(0.8770580), rel=1e-6)


# -- the score method ----------------------------------------------------------------------


@pytest.mark.parametrize(("b", "c", "s"), [(7, 3, 10), (0, 4, 6), (5, 0, 1), (2, 2, 0)])
@pytest.mark.parametrize("delta", [-0.6, -0.1, 0.0, 0.25, 0.7])
def test_restricted_mle_matches_tango_on_three_points(b: int, c: int, s: int, delta: float) -> None:
    # On the support -1, 0, 1 the problem is Tango's (1998), whose restricted
    # MLE of the detractor share has a closed form (a root of a quadratic).
    pi = restricted_mle(np.array([c, s, b]), np.array([-1.0, 0.0, 1.0]), delta)
    assert pi[0] == pytest.approx(tango_restricted_mle(b, c, b + c + s, delta), abs=1e-9)
    assert np.dot(pi, [-1, 0, 1]) == pytest.approx(delta, abs=1e-9)


@pytest.mark.parametrize(
    ("counts", "delta"),
    [
        ([0, 3, 10, 5, 2], 0.0),
        ([0, 3, 10, 5, 2], 0.9),  # mean 0.3: above it, +2 observed, interior root
        ([0, 0, 20, 0, 0], 0.3),  # every change 0: the +2 end takes mass
        ([1, 2, 5, 2, 0], 0.8),  # +2 empty, far above the mean
        ([3, 1, 4, 1, 5], -0.5),
    ],
)
def test_restricted_mle_matches_numerical_optimisation(counts: list[int], delta: float) -> None:
    # Independent computation: maximise sum m_k log pi_k over the simplex with
    # sum pi_k x_k = delta by SLSQP.
    m = np.array(counts, dtype=float)

    def negative_loglik(pi: np.ndarray) -> float:
        return -float(np.sum(m[m > 0] * np.log(np.maximum(pi[m > 0], 1e-300))))

    constraints = [
        {"type": "eq", "fun": lambda pi: np.sum(pi) - 1.0},
        {"type": "eq", "fun": lambda pi: np.dot(pi, CHANGES) - delta},
    ]
    start = (m + 0.5) / (m + 0.5).sum()
    best = optimize.minimize(
        negative_loglik,
        start,
        method="SLSQP",
        bounds=[(0.0, 1.0)] * 5,
        constraints=constraints,
        options={"ftol": 1e-14, "maxiter": 500},
    )
    ours = restricted_mle(m, CHANGES, delta)
    assert negative_loglik(ours) <= best.fun + 1e-7
    assert np.dot(ours, CHANGES) == pytest.approx(delta, abs=1e-9)
    assert ours.sum() == pytest.approx(1.0)
    assert np.all(ours >= 0)


def test_score_reduces_to_mcnemar_when_changes_are_balanced_single_steps() -> None:
    # Only +-1 changes, b = 6 up and c = 4 down (10 unchanged): at delta = 0 the
    # restricted MLE is interior and the score statistic is McNemar's
    # (b - c) / sqrt(b + c) = 2 / sqrt(10).
    counts = np.array([0, 4, 10, 6, 0], dtype=float)
    assert score_statistic(counts, 0.0) == pytest.approx(2 / math.sqrt(10), rel=1e-9)


def test_score_interval_when_nobody_changed() -> None:
    # Every change 0 (n = 20): the restricted MLE at delta > 0 puts delta / 2 on
    # +2 and the rest on 0, so V = delta (2 - delta) and Z = -sqrt(n delta /
    # (2 - delta)); Z = -z gives delta = 2 z^2 / (n + z^2) (and symmetrically).
    same = [8] * 20
    r = compare_paired(same, same, compare_method="tango")
    z = stats.norm.ppf(0.975)
    bound = 100 * 2 * z**2 / (20 + z**2)
    assert r.high == pytest.approx(bound, rel=1e-7)
    assert r.low == pytest.approx(-bound, rel=1e-7)
    assert r.pvalue == 1.0
    assert r.statistic == 0.0


def test_score_interval_inverts_the_score_test() -> None:
    r = compare_paired(BEFORE * 4, AFTER * 4, compare_method="tango")
    counts = change_counts(np.array(r.transitions).ravel())
    z = stats.norm.ppf(0.975)
    assert score_statistic(counts, r.low / 100) == pytest.approx(z, abs=1e-6)
    assert score_statistic(counts, r.high / 100) == pytest.approx(-z, abs=1e-6)


# -- degenerate samples and the bootstrap --------------------------------------------------------


def test_zero_width_intervals_warn() -> None:
    with pytest.warns(DegenerateSampleWarning, match="same change score"):
        r = compare_paired([8] * 10, [8] * 10, compare_method="t")
    assert r.low == r.high == 0.0
    assert r.pvalue == 1.0
    with pytest.warns(DegenerateSampleWarning):
        up = compare_paired([0] * 10, [10] * 10, compare_method="wald")
    assert up.difference == 200.0
    assert up.pvalue == 0.0


def test_bootstrap_is_seeded_and_sensible() -> None:
    rng = np.random.default_rng(11)
    before = rng.integers(0, 11, 200)
    after = np.clip(before + rng.integers(-1, 3, 200), 0, 10)
    a = compare_paired(before, after, compare_method="bootstrap-percentile", rng=5)
    b = compare_paired(before, after, compare_method="bootstrap-percentile", rng=5)
    assert (a.low, a.high, a.pvalue) == (b.low, b.high, b.pvalue)
    t = compare_paired(before, after, compare_method="t")
    # Percentile interval close to the t interval for a sample of 200.
    assert a.low == pytest.approx(t.low, abs=2.0)
    assert a.high == pytest.approx(t.high, abs=2.0)
    assert 0 < a.pvalue <= 1


# -- Stuart-Maxwell -------------------------------------------------------------------------------


def _fleiss_everitt(t: np.ndarray) -> float:
    """Closed form of the 3 x 3 Stuart-Maxwell statistic (Fleiss & Everitt 1971).

    With nbar_ij = (n_ij + n_ji) / 2 and d_i = n_i. - n_.i:
    X2 = (nbar23 d1^2 + nbar13 d2^2 + nbar12 d3^2)
         / (2 (nbar12 nbar23 + nbar12 nbar13 + nbar13 nbar23)).
    """
    nb = (t + t.T) / 2
    d = t.sum(axis=1) - t.sum(axis=0)
    num = nb[1, 2] * d[0] ** 2 + nb[0, 2] * d[1] ** 2 + nb[0, 1] * d[2] ** 2
    den = 2 * (nb[0, 1] * nb[1, 2] + nb[0, 1] * nb[0, 2] + nb[0, 2] * nb[1, 2])
    return float(num / den)


def test_stuart_maxwell_matches_the_closed_form() -> None:
    rng = np.random.default_rng(5)
    for _ in range(20):
        table = rng.integers(0, 30, size=(3, 3))
        table[0, 1] += 1  # keep every pair of categories exchanging, so S is regular
        table[1, 2] += 1
        table[0, 2] += 1
        result = stuart_maxwell(table)
        expected = _fleiss_everitt(table.astype(float))
        assert result.df == 2
        assert result.statistic == pytest.approx(expected, rel=1e-9)
        assert result.pvalue == pytest.approx(stats.chi2.sf(expected, 2), rel=1e-9)


def test_stuart_maxwell_singular_rules() -> None:
    # No movement: statistic 0, df 0, p = 1.
    none = stuart_maxwell(np.diag([5, 6, 7]))
    assert (none.statistic, none.df, none.pvalue) == (0.0, 0, 1.0)
    # Movement only between detractors and passives (8 D->S, 2 S->D): the
    # rank of S is 1 and the statistic is McNemar's (8 - 2)^2 / (8 + 2) = 3.6.
    table = np.array([[5, 8, 0], [2, 4, 0], [0, 0, 9]])
    one = stuart_maxwell(table)
    assert one.df == 1
    assert one.statistic == pytest.approx(3.6)
    assert one.pvalue == pytest.approx(stats.chi2.sf(3.6, 1))


# -- size and power by seeded simulation ----------------------------------------------------------


def _joint(shares: tuple[float, float, float], rho: float) -> np.ndarray:
    """3 x 3 cell probabilities with the same margins both times and within-person correlation."""
    m = np.array(shares)
    return rho * np.diag(m) + (1 - rho) * np.outer(m, m)


def _rejection_rate(
    cells: np.ndarray, n: int, method: str, reps: int, seed: int, level: float = 0.95
) -> float:
    """Share of seeded samples of n pairs whose two-sided p-value is below 1 - level.

    Samples are drawn as 9-cell multinomials; the test depends on the change
    counts only, so each distinct vector of change counts is tested once.
    """
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(n, cells.ravel(), size=reps)
    changes = np.stack([draws[:, v == CELL_CHANGE].sum(axis=1) for v in CHANGES], axis=1).astype(
        float
    )
    unique, inverse = np.unique(changes, axis=0, return_inverse=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateSampleWarning)
        p = np.array(
            [
                paired_test_and_bounds(
                    u, None, method, "two-sided", 0.025, rng=None, n_resamples=1
                )[1]  # type: ignore[arg-type]
                for u in unique
            ]
        )
    return float(np.mean(p[inverse.ravel()] < 1 - level))


NULLS = [((0.2, 0.3, 0.5), 0.0), ((0.2, 0.3, 0.5), 0.3), ((0.4, 0.2, 0.4), 0.6)]


@pytest.mark.parametrize("n", [20, 50])
@pytest.mark.parametrize(("shares", "rho"), NULLS)
def test_size_of_the_default_method(n: int, shares: tuple[float, float, float], rho: float) -> None:
    reps = 20_000
    size = _rejection_rate(_joint(shares, rho), n, "t", reps, seed=n + int(10 * rho))
    # Monte Carlo standard error at 0.05 is sqrt(0.05 * 0.95 / 20000) = 0.0015;
    # allow three of them around [0.03, 0.065].
    tolerance = 3 * math.sqrt(0.05 * 0.95 / reps)
    assert 0.03 - tolerance <= size <= 0.065 + tolerance


def test_wald_excess_size_is_detected_at_ten_pairs() -> None:
    # The check above can fail: Wald at 10 pairs rejects a true null about 10%
    # of the time (seeded simulations put it at 0.09-0.10 for these shares).
    size = _rejection_rate(_joint((0.3, 0.3, 0.4), 0.0), 10, "wald", 20_000, seed=1)
    assert size > 0.065 + 3 * math.sqrt(0.065 * 0.935 / 20_000)


def test_power_matches_the_normal_approximation() -> None:
    # Independent margins (rho = 0) from (0.3, 0.3, 0.4) to (0.2, 0.3, 0.5):
    # change = +0.2 (20 points). Change-score variance by enumeration of the
    # 9 cells; approximate power of a two-sided level-0.05 test with n = 100:
    # Phi(|delta| sqrt(n) / sigma - 1.96) + Phi(-|delta| sqrt(n) / sigma - 1.96).
    before, after = np.array([0.3, 0.3, 0.4]), np.array([0.2, 0.3, 0.5])
    cells = np.outer(before, after)
    x = np.array([[c - b for c in (-1, 0, 1)] for b in (-1, 0, 1)], dtype=float)
    delta = float(np.sum(cells * x))
    sigma = math.sqrt(float(np.sum(cells * (x - delta) ** 2)))
    n = 100
    shift = abs(delta) * math.sqrt(n) / sigma
    approx = stats.norm.cdf(shift - 1.959964) + stats.norm.cdf(-shift - 1.959964)
    power = _rejection_rate(cells, n, "t", 10_000, seed=9)
    assert power == pytest.approx(approx, abs=0.03)
    # Power grows with the sample.
    assert _rejection_rate(cells, 200, "t", 4_000, seed=10) > power


def test_paired_pandas_series_with_different_indexes_are_refused() -> None:
    pd = pytest.importorskip("pandas")
    before = pd.Series([9, 7, 3], index=["ann", "bob", "cy"])
    after = pd.Series([10, 9, 6], index=["bob", "ann", "cy"])  # same people, other order
    with pytest.raises(ValueError, match="index"):
        npskit.compare(before, after, paired=True)
    same = npskit.compare(before, after.reindex(before.index), paired=True)
    assert same.n == 3
