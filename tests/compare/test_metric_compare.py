"""Comparing share and mean metrics, independent and paired.

References: statsmodels ``confint_proportions_2indep`` (newcomb, agresti-caffo)
and ``test_proportions_2indep``; scipy ``ttest_ind(equal_var=False)`` and
``ttest_rel``; McNemar's z for the paired share at no change.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from npskit import Histogram, Metric, PairedMetricComparison, compare

sm = pytest.importorskip("statsmodels.stats.proportion")
stats = pytest.importorskip("scipy.stats")

SM = {"newcombe": "newcomb", "agresti-caffo": "agresti-caffo"}
PAIRS = [(40, 100, 60, 100), (0, 10, 3, 10), (10, 10, 2, 30), (5, 12, 5, 12), (17, 50, 9, 21)]


def _h(hits: int, n: int) -> Histogram:
    return Histogram(counts=[n - hits, 0, 0, 0, hits], low=1)


@pytest.mark.parametrize("method", list(SM))
@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
@pytest.mark.parametrize(("x0", "n0", "x1", "n1"), PAIRS)
def test_share_differences_match_statsmodels(
    method: str, level: float, x0: int, n0: int, x1: int, n1: int
) -> None:
    low, high = sm.confint_proportions_2indep(
        x1, n1, x0, n0, method=SM[method], compare="diff", alpha=1 - level
    )
    got = compare(
        _h(x0, n0), _h(x1, n1), metric="csat", compare_method=method, confidence_level=level
    )  # type: ignore[call-overload]
    assert got.difference == pytest.approx(100 * (x1 / n1 - x0 / n0), abs=1e-12)
    assert got.low / 100 == pytest.approx(max(float(low), -1.0), abs=1e-9)
    assert got.high / 100 == pytest.approx(min(float(high), 1.0), abs=1e-9)


@pytest.mark.parametrize(("x0", "n0", "x1", "n1"), PAIRS)
def test_newcombe_test_is_the_dual_of_its_interval(x0: int, n0: int, x1: int, n1: int) -> None:
    got = compare(_h(x0, n0), _h(x1, n1), metric="csat")
    for level in (0.8, 0.9, 0.95, 0.99):
        ci = compare(_h(x0, n0), _h(x1, n1), metric="csat", confidence_level=level)
        excludes = ci.low > 0 or ci.high < 0
        if abs(got.pvalue - (1 - level)) > 1e-6:
            assert excludes == (got.pvalue < 1 - level)


@pytest.mark.parametrize(("x0", "n0", "x1", "n1"), [(40, 100, 60, 100), (17, 50, 9, 21)])
def test_agresti_caffo_test_matches_statsmodels(x0: int, n0: int, x1: int, n1: int) -> None:
    result = sm.test_proportions_2indep(
        x1, n1, x0, n0, method="agresti-caffo", compare="diff", correction=False
    )
    got = compare(_h(x0, n0), _h(x1, n1), metric="csat", compare_method="agresti-caffo")
    assert got.statistic == pytest.approx(float(result.statistic), abs=1e-9)
    assert got.pvalue == pytest.approx(float(result.pvalue), abs=1e-9)


SAMPLES = [
    ([1, 2, 3, 3], [2, 2, 3, 3]),
    ([7, 7, 6, 5, 7, 1, 3], [6, 6, 5, 4, 7, 7, 2, 2, 3, 1]),
    (
        list(np.random.default_rng(1).integers(1, 8, 80)),
        list(np.random.default_rng(2).integers(1, 8, 60)),
    ),
]


@pytest.mark.parametrize(("a", "b"), SAMPLES)
@pytest.mark.parametrize("side", ["two-sided", "less", "greater"])
def test_welch_matches_scipy(a: list[int], b: list[int], side: str) -> None:
    want = stats.ttest_ind(b, a, equal_var=False, alternative=side)
    got = compare(a, b, metric="ces", alternative=side)  # type: ignore[call-overload]
    assert got.statistic == pytest.approx(float(want.statistic), abs=1e-9)
    assert got.pvalue == pytest.approx(float(want.pvalue), abs=1e-9)
    if side == "two-sided":
        low, high = want.confidence_interval(0.95)
        assert (got.low, got.high) == pytest.approx((float(low), float(high)), abs=1e-9)


@pytest.mark.parametrize("side", ["two-sided", "less", "greater"])
def test_paired_t_matches_scipy(side: str) -> None:
    before = [4, 5, 3, 2, 5, 4, 1, 3, 4, 5]
    after = [5, 5, 4, 2, 4, 5, 3, 3, 5, 5]
    want = stats.ttest_rel(after, before, alternative=side)
    got = compare(before, after, paired=True, metric="ces", alternative=side)  # type: ignore[call-overload]
    assert isinstance(got, PairedMetricComparison)
    assert got.statistic == pytest.approx(float(want.statistic), abs=1e-9)
    assert got.pvalue == pytest.approx(float(want.pvalue), abs=1e-9)
    if side == "two-sided":
        low, high = want.confidence_interval(0.95)
        assert (got.low, got.high) == pytest.approx((float(low), float(high)), abs=1e-9)


def test_paired_share_is_mcnemar_at_no_change() -> None:
    before = [1, 5, 4, 4, 2, 5, 5, 1, 2, 3, 4, 5]
    after = [4, 5, 5, 3, 4, 5, 4, 4, 5, 3, 4, 5]
    got = compare(before, after, paired=True, metric="csat")
    hit0 = np.asarray(before) >= 4
    hit1 = np.asarray(after) >= 4
    b = int(np.sum(~hit0 & hit1))  # entered the box
    c = int(np.sum(hit0 & ~hit1))  # left it
    z = (b - c) / math.sqrt(b + c)
    assert got.statistic == pytest.approx(z, abs=1e-9)
    assert got.pvalue == pytest.approx(math.erfc(abs(z) / math.sqrt(2)), abs=1e-9)
    assert got.difference == pytest.approx(100 * (hit1.mean() - hit0.mean()))
    assert got.low <= got.difference <= got.high
    assert json.dumps(got.to_dict(), allow_nan=False)


def test_results_name_the_metric() -> None:
    got = compare([5, 4, 1], [5, 5, 5, 2], metric="csat")
    assert str(got).startswith("CSAT 66.7% -> 75.0%: difference +8.3")
    assert got.to_dict()["metric"] == "csat"
    stars = Metric.mean(low=1, high=5, name="stars")
    assert str(compare([5, 4, 1], [5, 5, 5, 2], metric=stars)).startswith("STARS 3.33 -> 4.25")


def test_intervals_stay_within_the_possible_differences() -> None:
    got = compare(_h(0, 3), _h(3, 3), metric="csat", compare_method="agresti-caffo")
    assert -100 <= got.low <= got.difference <= got.high <= 100
    one = compare([1, 1], [7, 7, 7], metric="ces", alternative="greater")
    assert one.high == 6.0


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"metric": "csat", "compare_method": "mover"}, ValueError, "'newcombe'"),
        ({"metric": "ces", "compare_method": "newcombe"}, ValueError, "'welch'"),
        ({"metric": "csat", "prior": 1.0}, ValueError, "prior"),
        ({"metric": "csat", "paired": True, "compare_method": "t"}, ValueError, "tango"),
    ],
)
def test_bad_options(kwargs: dict[str, object], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        compare([1, 2, 5], [4, 5, 5], **kwargs)  # type: ignore[call-overload]


def test_nps_is_unchanged_through_a_histogram() -> None:
    from npskit import histogram, tally

    a, b = [0, 6, 9, 10, 7], [10, 10, 9, 3, 8, 8]
    via_h = compare(histogram(a), histogram(b))
    via_t = compare(tally(a), tally(b))
    assert (via_h.low, via_h.high, via_h.pvalue) == (via_t.low, via_t.high, via_t.pvalue)


def test_equal_weights_change_no_comparison() -> None:
    from npskit import histogram

    a, b = [1, 2, 5, 5, 4, 7, 6], [7, 7, 6, 5, 3, 6, 7, 2]
    plain = compare(a, b, metric="ces")
    weighted = compare(
        histogram(a, metric="ces", weights=[3.0] * len(a)),
        histogram(b, metric="ces", weights=[3.0] * len(b)),
        metric="ces",
    )
    assert (weighted.low, weighted.high) == pytest.approx((plain.low, plain.high), abs=1e-12)
    assert weighted.pvalue == pytest.approx(plain.pvalue, abs=1e-12)


@pytest.mark.property
@settings(max_examples=60, deadline=None)
@given(
    c0=st.lists(st.integers(0, 9), min_size=7, max_size=7),
    c1=st.lists(st.integers(0, 9), min_size=7, max_size=7),
    choice=st.sampled_from(
        [
            ("csat", "newcombe"),
            ("csat", "agresti-caffo"),
            ("ces-easy", "newcombe"),
            ("ces", "welch"),
        ]
    ),
    level=st.sampled_from([0.5, 0.9, 0.95, 0.999]),
    side=st.sampled_from(["two-sided", "less", "greater"]),
)
def test_every_difference_interval_is_possible_and_contains_the_difference(
    c0: list[int], c1: list[int], choice: tuple[str, str], level: float, side: str
) -> None:
    name, method = choice
    points = 5 if name == "csat" else 7
    h0, h1 = Histogram(counts=c0[:points], low=1), Histogram(counts=c1[:points], low=1)
    if h0.n == 0 or h1.n == 0:
        return
    got = compare(
        h0, h1, metric=name, compare_method=method, confidence_level=level, alternative=side
    )  # type: ignore[call-overload]
    limit = 100.0 if name != "ces" else 6.0
    assert -limit <= got.low <= got.difference <= got.high <= limit
    assert 0.0 <= got.pvalue <= 1.0
