"""Properties of the intervals and of the test/interval duality (hypothesis)."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import npskit
from npskit import DegenerateSampleWarning, Tally, confidence_interval, nps_test
from npskit.typing import IntervalMethod

pytestmark = [
    pytest.mark.property,
    # These tests check interval properties for every method at any n; the
    # small-sample warning of "wald" is tested in test_intervals.py.
    pytest.mark.filterwarnings("ignore::npskit.SmallSampleWarning"),
]

FAST: tuple[IntervalMethod, ...] = ("wald", "adjusted-wald", "agresti-min", "bonett-price", "tango")
SLOW: tuple[IntervalMethod, ...] = ("exact", "bayes")
counts = st.tuples(st.integers(0, 400), st.integers(0, 400), st.integers(0, 400)).filter(
    lambda c: sum(c) > 0
)
levels = st.floats(0.5, 0.999)


def _ci(c: tuple[int, int, int], method: IntervalMethod, **options: object) -> tuple[float, float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateSampleWarning)
        ci = confidence_interval(
            Tally(detractors=c[0], passives=c[1], promoters=c[2]),
            interval_method=method,
            rng=5,
            n_resamples=500,
            **options,  # type: ignore[arg-type]
        )
    return ci.low, ci.high


@settings(max_examples=60, deadline=None)
@given(c=counts, level=levels, method=st.sampled_from((*FAST, "bootstrap-bca")))
def test_bounds_in_range_and_nested(
    c: tuple[int, int, int], level: float, method: IntervalMethod
) -> None:
    low, high = _ci(c, method, confidence_level=level)
    wider_low, wider_high = _ci(c, method, confidence_level=min(0.9999, level + 0.01))
    assert -100 <= wider_low <= low <= high <= wider_high <= 100


@settings(max_examples=15, deadline=None)
@given(c=counts, method=st.sampled_from(SLOW))
def test_slow_methods_nested_and_in_range(c: tuple[int, int, int], method: IntervalMethod) -> None:
    low, high = _ci(c, method, confidence_level=0.9)
    wider_low, wider_high = _ci(c, method, confidence_level=0.95)
    assert -100 <= wider_low <= low + 1e-9
    assert high <= wider_high + 1e-9 <= 100 + 1e-9


@settings(max_examples=60, deadline=None)
@given(c=counts, method=st.sampled_from(("wald", "tango", "agresti-min", "bonett-price")))
def test_estimate_inside(c: tuple[int, int, int], method: IntervalMethod) -> None:
    low, high = _ci(c, method)
    estimate = 100 * (c[2] - c[0]) / sum(c)
    assert low - 1e-9 <= estimate <= high + 1e-9


@settings(max_examples=40, deadline=None)
@given(c=counts.filter(lambda c: sum(c) >= 3))
def test_estimate_inside_adjusted_wald(c: tuple[int, int, int]) -> None:
    # Adjusted Wald is centred on a shrunken estimate: from n = 3 on, the
    # sample NPS is inside (one promoter out of one is not: docstring).
    low, high = _ci(c, "adjusted-wald")
    assert low - 1e-9 <= 100 * (c[2] - c[0]) / sum(c) <= high + 1e-9


@settings(max_examples=12, deadline=None)
@given(c=counts, method=st.sampled_from(SLOW))
def test_estimate_inside_slow(c: tuple[int, int, int], method: IntervalMethod) -> None:
    low, high = _ci(c, method)
    assert low - 1e-9 <= 100 * (c[2] - c[0]) / sum(c) <= high + 1e-9


@settings(max_examples=60, deadline=None)
@given(c=counts, level=levels, method=st.sampled_from(FAST))
def test_mirror(c: tuple[int, int, int], level: float, method: IntervalMethod) -> None:
    low, high = _ci(c, method, confidence_level=level)
    mirror_low, mirror_high = _ci((c[2], c[1], c[0]), method, confidence_level=level)
    assert mirror_low == pytest.approx(-high, abs=1e-8)
    assert mirror_high == pytest.approx(-low, abs=1e-8)


@settings(max_examples=10, deadline=None)
@given(c=counts, method=st.sampled_from(SLOW))
def test_mirror_slow(c: tuple[int, int, int], method: IntervalMethod) -> None:
    low, high = _ci(c, method)
    mirror_low, mirror_high = _ci((c[2], c[1], c[0]), method)
    assert mirror_low == pytest.approx(-high, abs=1e-7)
    assert mirror_high == pytest.approx(-low, abs=1e-7)


@settings(max_examples=100, deadline=None)
@given(
    c=counts,
    value=st.floats(-99, 99),
    level=levels,
    pair=st.sampled_from((("tango", "tango"), ("wald", "wald"))),
)
def test_duality(
    c: tuple[int, int, int], value: float, level: float, pair: tuple[str, IntervalMethod]
) -> None:
    t = Tally(detractors=c[0], passives=c[1], promoters=c[2])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateSampleWarning)
        warnings.simplefilter("ignore", npskit.SmallSampleWarning)
        result = nps_test(t, value=value, interval_method=pair[0])  # type: ignore[arg-type]
        ci = confidence_interval(t, interval_method=pair[1], confidence_level=level)
    assume(abs(result.pvalue - (1 - level)) > 1e-9)
    assume(min(abs(value - ci.low), abs(value - ci.high)) > 1e-9)
    outside = not (ci.low <= value <= ci.high)
    assert outside == (result.pvalue < 1 - level)


@settings(max_examples=25, deadline=None)
@given(c=counts, level=levels, side=st.sampled_from(("two-sided", "greater", "less")))
def test_exact_duality_at_zero(c: tuple[int, int, int], level: float, side: str) -> None:
    t = Tally(detractors=c[0], passives=c[1], promoters=c[2])
    result = nps_test(t, interval_method="exact", alternative=side)  # type: ignore[arg-type]
    ci = result.confidence_interval(level)
    assume(abs(result.pvalue - (1 - level)) > 1e-9)
    assume(min(abs(ci.low), abs(ci.high)) > 1e-9)
    assert (not (ci.low <= 0 <= ci.high)) == (result.pvalue < 1 - level)
