"""Intervals of the share and mean metrics against independent implementations.

References: statsmodels ``proportion_confint`` (Wilson, Agresti-Coull,
Jeffreys, Clopper-Pearson "beta") and scipy's t distribution on the raw
answers; the properties (range, containing the estimate) for every method.
"""

from __future__ import annotations

import json
import math
import warnings
from typing import Any, get_args

import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

from npskit import CES, CES_EASY, CSAT, NPS, Histogram, Metric, Tally, confidence_interval
from npskit._core.warnings import DegenerateSampleWarning
from npskit._stats.effective import linearized_effective_counts
from npskit._stats.effective_scores import linearized_effective_histogram
from npskit.typing import MeanIntervalMethod, ShareIntervalMethod

statsmodels_proportion = pytest.importorskip("statsmodels.stats.proportion")
stats = pytest.importorskip("scipy.stats")

SM_NAMES = {
    "wilson": "wilson",
    "agresti-coull": "agresti_coull",
    "jeffreys": "jeffreys",
    "clopper-pearson": "beta",
}
CASES = [
    (x, n) for n in (1, 2, 5, 10, 30, 100, 1000) for x in sorted({0, 1, n // 3, n // 2, n - 1, n})
]


def _csat(hits: int, n: int) -> Histogram:
    """A 1-5 histogram with ``hits`` answers of 5 and the rest 1."""
    return Histogram(counts=[n - hits, 0, 0, 0, hits], low=1)


@pytest.mark.parametrize("method", list(SM_NAMES))
@pytest.mark.parametrize("level", [0.8, 0.9, 0.95, 0.99])
@pytest.mark.parametrize(("x", "n"), CASES)
def test_share_intervals_match_statsmodels(method: str, level: float, x: int, n: int) -> None:
    low, high = statsmodels_proportion.proportion_confint(x, n, 1 - level, SM_NAMES[method])
    if method == "jeffreys":  # Brown, Cai & DasGupta's end rule, which statsmodels leaves out
        low, high = (0.0 if x == 0 else low), (1.0 if x == n else high)
    ci = confidence_interval(
        _csat(x, n),
        metric="csat",
        interval_method=method,  # type: ignore[arg-type]
        confidence_level=level,
    )
    assert ci.estimate == pytest.approx(100 * x / n, abs=1e-12)
    assert ci.low / 100 == pytest.approx(float(low), abs=1e-9)
    assert ci.high / 100 == pytest.approx(float(high), abs=1e-9)


@pytest.mark.parametrize("level", [0.9, 0.95])
def test_one_sided_share_bound_is_the_two_sided_bound_at_twice_the_tail(level: float) -> None:
    two = statsmodels_proportion.proportion_confint(7, 20, 2 * (1 - level), "wilson")
    ci = confidence_interval(
        _csat(7, 20),
        metric="csat",
        interval_method="wilson",
        alternative="greater",
        confidence_level=level,
    )
    assert ci.low / 100 == pytest.approx(float(two[0]), abs=1e-9)
    assert ci.high == 100.0


ANSWERS = [
    [1, 2, 3, 4, 5, 5, 4, 4],
    [7, 7, 6, 5, 7, 1, 3, 6, 7, 7, 2],
    [4, 5],
    list(np.random.default_rng(3).integers(1, 8, size=100)),
]


@pytest.mark.parametrize("answers", ANSWERS)
@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_t_interval_matches_scipy(answers: list[int], level: float) -> None:
    values = np.asarray(answers, dtype=float)
    low, high = stats.t.interval(level, len(values) - 1, loc=values.mean(), scale=stats.sem(values))
    metric = Metric.mean(low=1, high=7, name="ces")
    ci = confidence_interval(answers, metric=metric, interval_method="t", confidence_level=level)
    assert ci.estimate == pytest.approx(values.mean(), abs=1e-12)
    assert ci.low == pytest.approx(max(float(low), 1.0), abs=1e-9)
    assert ci.high == pytest.approx(min(float(high), 7.0), abs=1e-9)


def test_scaled_wilson_on_two_points_is_wilson_at_n_minus_1_with_t() -> None:
    # A 1-2 scale is a proportion; the scaled Wilson interval is Wilson's with
    # the t quantile on n - 1 df at n - 1 answers (module notes).
    x, n, level = 6, 15, 0.95
    z = stats.t.ppf(0.975, n - 1)
    p, m = x / n, n - 1
    centre = (p * m + z * z / 2) / (m + z * z)
    half = z * np.sqrt(p * (1 - p) * m + z * z / 4) / (m + z * z)
    metric = Metric.mean(low=1, high=2, name="two")
    h = Histogram(counts=[n - x, x], low=1)
    ci = confidence_interval(
        h, metric=metric, interval_method="scaled-wilson", confidence_level=level
    )
    assert ci.low == pytest.approx(1 + centre - half, abs=1e-9)
    assert ci.high == pytest.approx(1 + centre + half, abs=1e-9)


def test_bootstrap_t_is_reproducible_and_near_t_for_large_n() -> None:
    answers = list(np.random.default_rng(5).integers(1, 8, size=400))
    a = confidence_interval(
        answers, metric="ces", interval_method="bootstrap-t", rng=7, n_resamples=4000
    )
    b = confidence_interval(
        answers, metric="ces", interval_method="bootstrap-t", rng=7, n_resamples=4000
    )
    t = confidence_interval(answers, metric="ces", interval_method="t")
    assert (a.low, a.high) == (b.low, b.high)
    assert a.low == pytest.approx(t.low, abs=0.05)
    assert a.high == pytest.approx(t.high, abs=0.05)


def test_effective_counts_for_nps_scores_equal_the_nps_ones() -> None:
    rng = np.random.default_rng(11)
    weights = rng.uniform(0.2, 3.0, size=(4, 11))
    counts = rng.integers(0, 9, size=(4, 11)) * 1.0
    sums, squares = counts * weights, counts * weights**2
    responses = counts.sum(axis=1)
    got, n_got = linearized_effective_histogram(sums, squares, NPS.scores(), responses)
    onehot = np.stack([NPS.scores() == k for k in (-1, 0, 1)], axis=1).astype(float)
    want, n_want = linearized_effective_counts(sums @ onehot, squares @ onehot, responses)
    np.testing.assert_allclose(got @ onehot, want, rtol=1e-12)
    np.testing.assert_allclose(n_got, n_want, rtol=1e-12)


def test_equal_weights_change_nothing() -> None:
    answers = [1, 2, 5, 5, 4, 4, 3, 7, 7]
    plain = confidence_interval(answers, metric="ces")
    weighted = confidence_interval(answers, metric="ces", weights=[2.5] * len(answers))
    assert (weighted.low, weighted.high) == pytest.approx((plain.low, plain.high), abs=1e-12)
    assert weighted.effective_n == pytest.approx(plain.n)


def test_nps_through_a_histogram_is_the_nps_of_the_tally() -> None:
    answers = [0, 6, 7, 8, 9, 10, 10, 3]
    from npskit import histogram, tally

    a = confidence_interval(histogram(answers))
    b = confidence_interval(tally(answers))
    assert (a.estimate, a.low, a.high) == (b.estimate, b.low, b.high)
    assert b.metric == NPS
    assert b.to_dict()["metric"] == "nps"


def test_defaults_are_the_ones_chosen_by_coverage() -> None:
    assert confidence_interval([1, 5], metric="csat").interval_method == "agresti-coull"
    assert confidence_interval([1, 5], metric="ces").interval_method == "scaled-wilson"


def test_display_and_json_name_the_metric() -> None:
    ci = confidence_interval([5, 4, 3, 5], metric="csat")
    assert str(ci).startswith("CSAT 75.0%, 95% CI [")
    assert json.loads(json.dumps(ci.to_dict(), allow_nan=False))["metric"] == "csat"
    assert str(confidence_interval([5, 4, 3, 5], metric="ces")).startswith("CES 4.25, 95% CI")


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"metric": "csat", "interval_method": "adjusted-wald"}, ValueError, "'wilson'"),
        ({"metric": "ces", "interval_method": "wilson"}, ValueError, "'scaled-wilson'"),
        ({"metric": "csat", "prior": 1.0}, ValueError, "prior"),
        ({"metric": "csat", "alternative": "both"}, ValueError, "alternative"),
        ({"metric": "share"}, ValueError, "metric must be"),
    ],
)
def test_bad_options_are_named(kwargs: dict[str, Any], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        confidence_interval([1, 5, 4], **kwargs)


def test_a_tally_cannot_give_csat() -> None:
    with pytest.raises(TypeError, match="Histogram"):
        confidence_interval(Tally(detractors=1, passives=1, promoters=1), metric="csat")


def test_finite_population_census_is_the_estimate() -> None:
    ci = confidence_interval([1, 5, 4, 4], metric="csat", population=4)
    assert ci.low == ci.high == ci.estimate == 75.0


histograms = st.lists(st.integers(0, 12), min_size=7, max_size=7).filter(lambda c: sum(c) > 0)
METHODS = (
    [(CSAT, m) for m in get_args(ShareIntervalMethod)]
    + [(CES_EASY, m) for m in get_args(ShareIntervalMethod)]
    + [(CES, m) for m in get_args(MeanIntervalMethod)]
)


@pytest.mark.property
@settings(max_examples=60, deadline=None)
@given(
    counts=histograms,
    choice=st.sampled_from(METHODS),
    level=st.sampled_from([0.5, 0.8, 0.95, 0.999]),
    side=st.sampled_from(["two-sided", "less", "greater"]),
)
def test_every_interval_is_on_the_range_and_contains_its_estimate(
    counts: list[int], choice: tuple[Metric, str], level: float, side: str
) -> None:
    metric, method = choice
    h = Histogram(counts=counts[: metric.n_points], low=metric.low)
    if h.n == 0:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateSampleWarning)
        ci = confidence_interval(
            h,
            metric=metric,
            interval_method=method,  # type: ignore[arg-type]
            confidence_level=level,
            alternative=side,  # type: ignore[arg-type]
            rng=0,
            n_resamples=200,
        )
    lowest, highest = metric.bounds
    assert lowest <= ci.low <= ci.estimate <= ci.high <= highest


@pytest.mark.parametrize(("answer", "n"), [(5, 3), (5, 30), (2, 10), (4, 100)])
def test_scaled_wilson_of_equal_inner_answers_is_never_a_point(answer: int, n: int) -> None:
    # Worked by hand: the variance of n answers with one a step away is 1/n steps^2,
    # so on [0, 1] (span 6 steps on 1-7) n* = n * m(1 - m) / (1 / (n * 36)).
    level = 0.95
    m = (answer - 1) / 6
    n_star = n * m * (1 - m) * n * 36
    t = scipy.stats.t.ppf(0.975, n - 1)
    centre = m * n_star + t * t / 2
    half = t * math.sqrt(m * (1 - m) * n_star + t * t / 4)
    low, high = (centre - half) / (n_star + t * t), (centre + half) / (n_star + t * t)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no DegenerateSampleWarning: the width is not 0
        result = confidence_interval([answer] * n, metric="ces", confidence_level=level)
    assert result.low == pytest.approx(1 + 6 * low, abs=1e-9)
    assert result.high == pytest.approx(1 + 6 * high, abs=1e-9)
    assert result.low < answer < result.high


@pytest.mark.slow
def test_bootstrap_t_coverage_by_seeded_simulation() -> None:
    # Not enumerable exactly (it resamples); 2000 seeded samples of n = 30 from a skewed
    # 1-7 distribution. Monte Carlo SE of a coverage near 0.95: sqrt(.95 * .05 / 2000) = 0.0049;
    # the band is about 4 SE around the nominal level.
    rng = np.random.default_rng(2026)
    shares = np.array([0.05, 0.05, 0.05, 0.1, 0.15, 0.3, 0.3])
    truth = float(shares @ np.arange(1, 8))
    covered = 0
    for counts in rng.multinomial(30, shares, size=2000):
        ci = confidence_interval(
            Histogram(counts=counts.tolist(), low=1),
            metric="ces",
            interval_method="bootstrap-t",
            n_resamples=499,
            rng=rng,
        )
        covered += ci.low <= truth <= ci.high
    assert 0.93 <= covered / 2000 <= 0.97
