"""A comparison never contradicts its own difference (issue 13, item 4).

Rule (docs/explanation/interval-methods.md): the interval is moved out to
contain the observed difference; a one-sided p-value is at least 0.5 when the
difference lies on H0's side; a two-sided p-value is 1 when the method's
statistic leans against the difference. Before it,
``compare(method="adjusted-wald", alternative="greater")`` called a fall of
1.5 points a significant rise (CI [+0.7, +200], p = 0.0475).
"""

from __future__ import annotations

from typing import get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import npskit
from npskit import Tally, compare
from npskit.typing import Alternative, CompareMethod

pytestmark = pytest.mark.filterwarnings("ignore::npskit.DegenerateSampleWarning")

METHODS: tuple[CompareMethod, ...] = get_args(CompareMethod)
SIDES: tuple[Alternative, ...] = get_args(Alternative)
counts = st.tuples(st.integers(0, 25), st.integers(0, 25), st.integers(0, 25)).filter(
    lambda c: sum(c) > 0
)


def _tally(c: tuple[int, int, int]) -> Tally:
    return Tally(detractors=c[0], passives=c[1], promoters=c[2])


@pytest.mark.property
@settings(max_examples=150, deadline=None)
@given(
    c0=counts,
    c1=counts,
    level=st.floats(0.5, 0.999),
    method=st.sampled_from(METHODS),
    side=st.sampled_from(SIDES),
)
def test_comparison_agrees_with_its_difference(
    c0: tuple[int, int, int],
    c1: tuple[int, int, int],
    level: float,
    method: CompareMethod,
    side: Alternative,
) -> None:
    result = compare(
        _tally(c0),
        _tally(c1),
        compare_method=method,
        alternative=side,
        confidence_level=level,
        rng=3,
        n_resamples=200,
    )
    assert result.low <= result.difference <= result.high
    if side == "greater" and result.difference <= 0:
        assert result.pvalue >= 0.5
    if side == "less" and result.difference >= 0:
        assert result.pvalue >= 0.5
    if result.pvalue < 1 - level:  # significant: never in the direction against the data
        if side == "greater":
            assert result.difference > 0
        elif side == "less":
            assert result.difference < 0
        else:
            assert result.difference != 0


def test_a_fall_is_never_a_significant_rise() -> None:
    # The case of the issue: baseline 3 promoters (NPS +100), current
    # 5 detractors, 5 passives, 990 promoters (NPS +98.5). The adjusted-Wald
    # centre is a rise (+50 -> +98), the data a fall of 1.5 points.
    baseline, current = _tally((0, 0, 3)), _tally((5, 5, 990))
    greater = compare(baseline, current, compare_method="adjusted-wald", alternative="greater")
    assert greater.difference == pytest.approx(-1.5)
    assert greater.low <= -1.5
    assert greater.pvalue >= 0.5
    two = compare(baseline, current, compare_method="adjusted-wald")
    assert two.low <= -1.5 <= two.high
    assert two.pvalue == 1.0
    less = compare(baseline, current, compare_method="adjusted-wald", alternative="less")
    assert less.high >= -1.5


@pytest.mark.property
@settings(max_examples=60, deadline=None)
@given(
    pairs=st.lists(st.tuples(st.integers(0, 10), st.integers(0, 10)), min_size=2, max_size=25),
    method=st.sampled_from(("t", "tango", "wald", "bootstrap-percentile")),
    side=st.sampled_from(SIDES),
)
def test_paired_comparison_agrees_with_its_difference(
    pairs: list[tuple[int, int]], method: str, side: Alternative
) -> None:
    before = [a for a, _ in pairs]
    after = [b for _, b in pairs]
    result = compare(
        before,
        after,
        paired=True,
        compare_method=method,  # type: ignore[arg-type]
        alternative=side,
        rng=2,
        n_resamples=200,
    )
    assert result.low <= result.difference <= result.high
    if side == "greater" and result.difference <= 0:
        assert result.pvalue >= 0.5
    if side == "less" and result.difference >= 0:
        assert result.pvalue >= 0.5


def test_the_interval_contains_the_difference_to_the_last_bit() -> None:
    # Found by hypothesis: the difference in points, divided by 100 and multiplied back,
    # rounded past itself (-31.666666666666657 vs -31.66666666666666).
    result = npskit.compare(
        npskit.Tally(detractors=16, passives=22, promoters=2),
        npskit.Tally(detractors=2, passives=1, promoters=0),
        compare_method="mover",
        confidence_level=0.5,
        alternative="less",
    )
    assert result.low <= result.difference <= result.high
