"""Planning: margin_of_error and sample_size.

Reference values are derived by hand (comments) with normal quantiles from the
standard library's ``statistics.NormalDist`` (not scipy), and every planned
size is checked against the interval ``confidence_interval`` actually computes
for a tally with the planned counts.
"""

from __future__ import annotations

import itertools
import json
import math
import warnings
from statistics import NormalDist
from typing import Any, get_args

import pytest

from npskit import (
    DegenerateSampleWarning,
    InputWarning,
    MarginOfError,
    SampleSize,
    Tally,
    confidence_interval,
    margin_of_error,
    sample_size,
)
from npskit._planning.shared import PLANNING_METHODS, WORST_CASE
from npskit.typing import IntervalMethod

CHEAP = ("wald", "adjusted-wald", "agresti-min", "bonett-price", "tango")
SLOW = ("exact", "bayes")  # numerical integration, ~10-50 ms per interval


def z(level: float) -> float:
    return NormalDist().inv_cdf(0.5 + level / 2)


def planned_tally(n: int, shares: tuple[float, float, float]) -> Tally:
    """A tally of ``n`` answers with counts ``n * shares`` (fractional allowed).

    Written as a weighted tally with unit-like weights: the sums are the
    counts and the sums of squared weights equal them too, so Kish's
    effective n is ``n^2 / n = n`` and the number of answers is ``n``.
    """
    d, s, p = (n * share for share in shares)
    return Tally(detractors=d, passives=s, promoters=p, squared_weights=(d, s, p), responses=n)


def computed_margin(
    n: int,
    shares: tuple[float, float, float],
    method: IntervalMethod,
    level: float,
    population: int | None,
) -> float:
    """Half the width of the interval confidence_interval computes at counts n * shares."""
    if population is not None and n >= population:
        return 0.0
    ci = confidence_interval(
        planned_tally(n, shares),
        interval_method=method,
        confidence_level=level,
        population=population,
    )
    return ci.width / 2


# -- hand-derived Wald values ----------------------------------------------------


def test_wald_worst_case_five_points_at_95() -> None:
    # Worst case p = d = 1/2, no passives: variance p + d - (p - d)^2 = 1.
    # n = z^2 * 1 / 0.05^2 = 1.959964^2 / 0.0025 = 3.841459 / 0.0025 = 1536.58,
    # rounded up: 1537.
    assert z(0.95) ** 2 / 0.05**2 == pytest.approx(1536.58, abs=0.01)
    plan = sample_size(5, interval_method="wald")
    assert plan.n == 1537
    assert plan.worst_case
    assert plan.expected == WORST_CASE
    # Its margin: 100 * 1.959964 / sqrt(1537) = 195.9964 / 39.20459 = 4.99932 points.
    assert plan.margin == pytest.approx(100 * z(0.95) / math.sqrt(1537), rel=1e-12)
    assert plan.margin == pytest.approx(4.99932, abs=1e-5)


def test_wald_known_shares() -> None:
    # d = 0.2, p = 0.5: variance 0.2 + 0.5 - 0.3^2 = 0.61;
    # n = 3.841459 * 0.61 / 0.0025 = 937.32 -> 938.
    assert sample_size(5, expected=(0.2, 0.3, 0.5), interval_method="wald").n == 938
    # The same shares from a tally of last wave's counts.
    last = Tally(detractors=40, passives=60, promoters=100)
    assert sample_size(5, expected=last, interval_method="wald").n == 938


def test_wald_ninety_percent_three_points() -> None:
    # z(0.90) = 1.644854, z^2 = 2.705543; n = 2.705543 / 0.03^2 = 3006.16 -> 3007.
    assert z(0.90) ** 2 / 0.03**2 == pytest.approx(3006.16, abs=0.01)
    assert sample_size(3, confidence_level=0.90, interval_method="wald").n == 3007


def test_wald_with_population_is_cochrans_formula() -> None:
    # Cochran (1977), sec. 4.4: n = n0 / (1 + (n0 - 1) / N) with n0 = 1536.58 and
    # N = 2000: 1536.58 / (1 + 1535.58 / 2000) = 1536.58 / 1.76779 = 869.21 -> 870.
    # Check: effective size 870 * 1999 / 1130 = 1539.05 >= 1536.58, while
    # 869 * 1999 / 1131 = 1535.92 falls short.
    n0 = z(0.95) ** 2 / 0.05**2
    assert n0 / (1 + (n0 - 1) / 2000) == pytest.approx(869.21, abs=0.01)
    assert sample_size(5, population=2000, interval_method="wald").n == 870
    # A population smaller than the unlimited size caps the answer at a census.
    assert sample_size(5, population=300, interval_method="wald").n <= 300


def test_wald_margin_of_error_by_hand() -> None:
    # Worst case n = 400: 100 * 1.959964 * sqrt(1 / 400) = 9.79982 points.
    result = margin_of_error(400, interval_method="wald")
    assert result.margin == pytest.approx(9.79982, abs=1e-5)
    # d = 0.2, p = 0.5, n = 400: 100 * 1.959964 * sqrt(0.61 / 400) = 7.65401.
    known = margin_of_error(400, expected=(0.2, 0.3, 0.5), interval_method="wald")
    assert known.margin == pytest.approx(100 * z(0.95) * math.sqrt(0.61 / 400), rel=1e-12)
    # Population 1000: variance factor (1000 - 400) / 999 = 0.600601;
    # 9.79982 * sqrt(0.600601) = 7.59475.
    fpc = margin_of_error(400, interval_method="wald", population=1000)
    assert fpc.margin == pytest.approx(9.79982 * math.sqrt(600 / 999), rel=1e-5)


# -- the interval at n meets the margin, at n - 1 it does not ----------------------

CASES: list[tuple[float, Any, float, int | None]] = [
    (5.0, None, 0.95, None),
    (10.0, (0.2, 0.3, 0.5), 0.90, None),
    (7.5, (0.05, 0.15, 0.8), 0.99, None),
    (8.0, None, 0.95, 600),
    (4.0, (0.3, 0.4, 0.3), 0.95, 1500),
]


@pytest.mark.parametrize("method", CHEAP)
@pytest.mark.parametrize(("target", "expected", "level", "population"), CASES)
def test_planned_n_is_a_crossing_cheap(
    method: IntervalMethod, target: float, expected: Any, level: float, population: int | None
) -> None:
    check_crossing(method, target, expected, level, population)


@pytest.mark.parametrize("method", SLOW)
@pytest.mark.parametrize(("target", "expected", "level", "population"), [CASES[1], CASES[3]])
def test_planned_n_is_a_crossing_slow(
    method: IntervalMethod, target: float, expected: Any, level: float, population: int | None
) -> None:
    check_crossing(method, target, expected, level, population)


def check_crossing(
    method: IntervalMethod, target: float, expected: Any, level: float, population: int | None
) -> None:
    plan = sample_size(
        target,
        expected=expected,
        confidence_level=level,
        interval_method=method,
        population=population,
    )
    shares = WORST_CASE if expected is None else tuple(expected)
    at_n = computed_margin(plan.n, shares, method, level, population)
    assert at_n <= target
    assert plan.margin == pytest.approx(at_n, abs=1e-9)
    assert plan.n > 1
    assert computed_margin(plan.n - 1, shares, method, level, population) > target
    if population is not None:
        assert plan.n <= population


def test_margin_of_error_is_half_the_computed_width_for_whole_counts() -> None:
    t = Tally(detractors=20, passives=30, promoters=50)
    for method in PLANNING_METHODS:
        for population in (None, 400):
            ci = confidence_interval(t, interval_method=method, population=population)
            result = margin_of_error(100, expected=t, interval_method=method, population=population)
            assert result.margin == pytest.approx(ci.width / 2, abs=1e-9)


def test_census_has_no_margin() -> None:
    assert margin_of_error(250, population=250).margin == 0.0
    with pytest.warns(InputWarning, match="margin=0.01 is in NPS points"):
        assert sample_size(0.01, population=50).n <= 50


# -- worst case and monotonicity ---------------------------------------------------


def simplex(step: int) -> list[tuple[float, float, float]]:
    return [
        (i / step, (step - i - j) / step, j / step)
        for i in range(step + 1)
        for j in range(step + 1 - i)
    ]


@pytest.mark.parametrize("method", CHEAP)
def test_worst_case_is_the_widest_cheap(method: IntervalMethod) -> None:
    for n in (1, 10, 100, 1000):
        worst = margin_of_error(n, interval_method=method).margin
        for shares in simplex(20):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DegenerateSampleWarning)
                other = margin_of_error(n, expected=shares, interval_method=method).margin
            assert other <= worst + 1e-9, (n, shares)


@pytest.mark.parametrize("method", SLOW)
def test_worst_case_is_the_widest_slow(method: IntervalMethod) -> None:
    for n in (5, 60):
        worst = margin_of_error(n, interval_method=method).margin
        for shares in simplex(4):
            assert (
                margin_of_error(n, expected=shares, interval_method=method).margin <= worst + 1e-9
            )


@pytest.mark.parametrize("method", CHEAP)
def test_margin_decreases_in_n_cheap(method: IntervalMethod) -> None:
    for level in (0.8, 0.99):
        for shares in simplex(10):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DegenerateSampleWarning)
                margins = [
                    margin_of_error(
                        n, expected=shares, confidence_level=level, interval_method=method
                    )
                    for n in range(1, 121)
                ]
            values = [m.margin for m in margins]
            assert all(b <= a + 1e-12 for a, b in itertools.pairwise(values)), shares


@pytest.mark.parametrize("method", SLOW)
def test_margin_decreases_in_n_slow(method: IntervalMethod) -> None:
    for shares in [(0.5, 0.0, 0.5), (0.0, 0.1, 0.9)]:
        values = [
            margin_of_error(n, expected=shares, interval_method=method).margin
            for n in (1, 2, 3, 5, 8, 20)
        ]
        assert all(b < a for a, b in itertools.pairwise(values)), shares


def test_population_shrinks_the_margin() -> None:
    free = margin_of_error(300).margin
    values = [margin_of_error(300, population=N).margin for N in (300, 301, 600, 10**6)]
    assert values[0] == 0.0
    assert values == sorted(values)
    assert values[-1] < free


# -- results -------------------------------------------------------------------------


def test_results_are_frozen_and_serialisable() -> None:
    plan = sample_size(5, expected=(0.2, 0.3, 0.5), population=10_000)
    assert isinstance(plan, SampleSize)
    data = json.loads(json.dumps(plan.to_dict()))
    assert data["n"] == plan.n
    assert data["target"] == 5.0
    assert data["expected"] == {"detractors": 0.2, "passives": 0.3, "promoters": 0.5}
    assert (data["interval_method"], data["population"], data["worst_case"]) == (
        "adjusted-wald",
        10_000,
        False,
    )
    with pytest.raises(AttributeError):
        plan.n = 3  # type: ignore[misc]
    moe = margin_of_error(200)
    assert isinstance(moe, MarginOfError)
    assert json.loads(json.dumps(moe.to_dict()))["worst_case"] is True
    assert "worst case" in str(moe)
    assert "population 10000" in str(plan)


def test_wald_with_one_category_warns_once() -> None:
    with pytest.warns(DegenerateSampleWarning, match="zero width") as caught:
        plan = sample_size(5, expected=(0.0, 0.0, 1.0), interval_method="wald")
    assert len(caught) == 1
    assert plan.n == 1
    assert plan.margin == 0.0
    # The default method gives a real answer for the same shares.
    assert sample_size(5, expected=(0.0, 0.0, 1.0)).n > 1


def test_large_margins_and_clipping() -> None:
    # Worst case Wald: the interval is [-m, m] with m = 195.9964 / sqrt(n), clipped
    # to [-100, 100]: n = 1, 2, 3 give 196.0, 138.6, 113.2, all clipped to 100;
    # n = 4 gives 98.0 <= 99.9.
    assert sample_size(99.9, interval_method="wald").n == 4
    assert margin_of_error(3, interval_method="wald").margin == 100.0
    # d = 0.1, p = 0.1: variance 0.2 - 0 = 0.2; at n = 1: 195.9964 * sqrt(0.2) = 87.65.
    assert sample_size(90, expected=(0.1, 0.8, 0.1), interval_method="wald").n == 1


# -- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize("margin", [0, -1, 100, 200, 250.0, math.nan, math.inf])
def test_bad_margin(margin: float) -> None:
    with pytest.raises(ValueError, match="margin must be strictly between 0 and 100"):
        sample_size(margin)


@pytest.mark.parametrize("margin", ["5", True, None])
def test_margin_of_wrong_kind(margin: Any) -> None:
    with pytest.raises(TypeError, match="margin must be a number"):
        sample_size(margin)


@pytest.mark.parametrize(
    "expected", [(0.2, 0.3, 0.4), (0.5, 0.6, -0.1), (0.2, 0.3, math.nan), (20, 30, 50)]
)
def test_bad_shares(expected: Any) -> None:
    with pytest.raises(ValueError, match="expected must be three non-negative shares"):
        sample_size(5, expected=expected)
    with pytest.raises(ValueError, match="add up to 1"):
        margin_of_error(100, expected=expected)


@pytest.mark.parametrize("expected", [(0.5, 0.5), "0.2,0.3,0.5", 0.5, (0.2, 0.3, True)])
def test_shares_of_wrong_kind(expected: Any) -> None:
    with pytest.raises(TypeError, match="expected must"):
        sample_size(5, expected=expected)


def test_shares_within_tolerance_are_accepted() -> None:
    plan = sample_size(5, expected=(0.2, 0.3, 0.5 + 5e-10), interval_method="wald")
    assert plan.n == 938


def test_bad_n_and_population() -> None:
    with pytest.raises(ValueError, match="n must be >= 1, got 0"):
        margin_of_error(0)
    with pytest.raises(TypeError, match="n must be an integer"):
        margin_of_error(10.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"population must be at least n \(100\), got 99"):
        margin_of_error(100, population=99)
    with pytest.raises(ValueError, match="population must be >= 1"):
        sample_size(5, population=0)


def test_bad_method_and_level() -> None:
    for bootstrap in ("bootstrap-percentile", "bootstrap-bca"):
        assert bootstrap in get_args(IntervalMethod)
        with pytest.raises(ValueError, match="width is random"):
            sample_size(5, interval_method=bootstrap)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="method must be one of"):
        margin_of_error(100, interval_method="Wald")  # type: ignore[arg-type]
    for level in (0, 1, 1.5):
        with pytest.raises(ValueError, match="confidence_level"):
            sample_size(5, confidence_level=level)


def test_too_small_a_margin_without_population() -> None:
    # Wald, worst case: n = 3.84 / (1e-9)^2 = 3.8e18 > 10^15.
    with (
        pytest.warns(InputWarning, match="in NPS points"),
        pytest.raises(ValueError, match="no sample size up to"),
    ):
        sample_size(1e-7, interval_method="wald")
