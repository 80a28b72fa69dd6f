"""Properties of compare() (hypothesis): swapping the periods, ranges, nesting."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from npskit import DegenerateSampleWarning, Tally, compare

pytestmark = pytest.mark.property

counts = st.tuples(st.integers(0, 60), st.integers(0, 60), st.integers(0, 60)).filter(
    lambda c: sum(c) > 0
)


def _tally(c: tuple[int, int, int]) -> Tally:
    return Tally(detractors=c[0], passives=c[1], promoters=c[2])


def _compare(a: tuple[int, int, int], b: tuple[int, int, int], method: str, **options: object):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateSampleWarning)
        return compare(_tally(a), _tally(b), compare_method=method, **options)  # type: ignore[call-overload]


@settings(max_examples=60, deadline=None)
@given(
    a=counts,
    b=counts,
    method=st.sampled_from(["mover", "wald", "adjusted-wald", "permutation"]),
)
def test_swapping_the_periods_negates_and_mirrors(
    a: tuple[int, int, int], b: tuple[int, int, int], method: str
) -> None:
    forward = _compare(a, b, method)
    backward = _compare(b, a, method)
    assert backward.difference == pytest.approx(-forward.difference, abs=1e-9)
    assert backward.low == pytest.approx(-forward.high, abs=1e-7)
    assert backward.high == pytest.approx(-forward.low, abs=1e-7)
    assert backward.pvalue == pytest.approx(forward.pvalue, abs=1e-9)
    # One-sided: "greater" one way is "less" the other way.
    greater = _compare(a, b, method, alternative="greater")
    less = _compare(b, a, method, alternative="less")
    assert greater.pvalue == pytest.approx(less.pvalue, abs=1e-9)
    assert greater.low == pytest.approx(-less.high, abs=1e-7)


@settings(max_examples=8, deadline=None)
@given(a=counts, b=counts)
def test_swapping_the_periods_for_bayes(a: tuple[int, int, int], b: tuple[int, int, int]) -> None:
    forward = _compare(a, b, "bayes")
    backward = _compare(b, a, "bayes")
    assert backward.low == pytest.approx(-forward.high, abs=1e-3)
    assert backward.pvalue == pytest.approx(forward.pvalue, abs=1e-5)
    assert forward.probability_greater is not None
    assert backward.probability_greater is not None
    assert backward.probability_greater == pytest.approx(1 - forward.probability_greater, abs=1e-5)


@settings(max_examples=60, deadline=None)
@given(
    a=counts,
    b=counts,
    method=st.sampled_from(["mover", "wald", "adjusted-wald", "bootstrap-percentile"]),
    levels=st.tuples(st.floats(0.5, 0.99), st.floats(0.5, 0.99)),
)
def test_intervals_stay_in_range_and_nest(
    a: tuple[int, int, int], b: tuple[int, int, int], method: str, levels: tuple[float, float]
) -> None:
    low_level, high_level = sorted(levels)
    narrow = _compare(a, b, method, confidence_level=low_level, rng=3, n_resamples=400)
    wide = _compare(a, b, method, confidence_level=high_level, rng=3, n_resamples=400)
    for result in (narrow, wide):
        assert -200.0 <= result.low <= result.high <= 200.0
        assert 0.0 <= result.pvalue <= 1.0
    assert wide.low <= narrow.low + 1e-9
    assert wide.high >= narrow.high - 1e-9
    if method == "mover":  # the MOVER interval always holds the observed difference
        assert narrow.low - 1e-9 <= narrow.difference <= narrow.high + 1e-9
