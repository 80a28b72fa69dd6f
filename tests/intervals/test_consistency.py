"""Every interval contains its estimate (issue 13, item 4), for every method, level and side.

The rule (docs/explanation/interval-methods.md, "An interval never contradicts
its estimate"): an end that excludes the estimate ``100 (P - D) / n`` is
moved out to it. Before it, adjusted Wald's 95% interval of one promoter was
[-48.5, +98.5] around an NPS of +100.
"""

from __future__ import annotations

from typing import get_args

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from npskit import Tally
from npskit import confidence_interval as ci
from npskit._intervals.arrays import interval_arrays
from npskit.typing import Alternative, IntervalMethod

pytestmark = pytest.mark.filterwarnings(
    "ignore::npskit.SmallSampleWarning", "ignore::npskit.DegenerateSampleWarning"
)

METHODS: tuple[IntervalMethod, ...] = get_args(IntervalMethod)
SIDES: tuple[Alternative, ...] = get_args(Alternative)
small = st.tuples(st.integers(0, 30), st.integers(0, 30), st.integers(0, 30)).filter(
    lambda c: sum(c) > 0
)


def _tally(c: tuple[int, int, int]) -> Tally:
    return Tally(detractors=c[0], passives=c[1], promoters=c[2])


@pytest.mark.property
@settings(max_examples=120, deadline=None)
@given(
    c=small,
    level=st.floats(0.5, 0.999),
    method=st.sampled_from(METHODS),
    side=st.sampled_from(SIDES),
)
def test_every_interval_contains_its_estimate(
    c: tuple[int, int, int], level: float, method: IntervalMethod, side: Alternative
) -> None:
    result = ci(
        _tally(c),
        interval_method=method,
        confidence_level=level,
        alternative=side,
        rng=1,
        n_resamples=500,  # the least bootstrap-bca accepts (MIN_BCA_RESAMPLES)
    )
    assert result.low <= result.estimate <= result.high


@pytest.mark.parametrize("method", ["adjusted-wald", "agresti-min", "bonett-price"])
@pytest.mark.parametrize("k", [1, 2, 3, 10])
def test_all_promoter_samples_reach_plus_100(method: IntervalMethod, k: int) -> None:
    # Before issue 13: adjusted Wald of one promoter gave [-48.5, +98.5] at 95%,
    # and every all-promoter sample excluded +100 below about 84% two-sided.
    for level in (0.5, 0.8, 0.95):
        result = ci(_tally((0, 0, k)), interval_method=method, confidence_level=level)
        assert result.estimate == 100.0
        assert result.high == 100.0
        mirrored = ci(_tally((k, 0, 0)), interval_method=method, confidence_level=level)
        assert mirrored.low == -100.0


def test_one_promoter_adjusted_wald_lower_end_is_unchanged() -> None:
    # Only the end that excluded the estimate moves: the lower end stays the
    # adjusted-Wald one. Hand: counts (3/4, 3/2, 7/4), n = 4, delta = 1/4,
    # var = (7/16 + 3/16 - 1/16) / 4 = 9/64, se = 3/8; low = 25 - 100 z(0.975) 3/8.
    result = ci(_tally((0, 0, 1)))
    assert result.low == pytest.approx(25 - 100 * 1.959963984540054 * 0.375, abs=1e-9)
    assert result.high == 100.0


def test_array_path_intervals_contain_their_estimates() -> None:
    # the vectorised path (one row per segment, used by breakdown) follows the same rule
    counts = np.array([[0.0, 0.0, 3.0], [2.0, 0.0, 0.0], [0.0, 1.0, 1.0], [4.0, 0.0, 0.0]])
    for method in ("adjusted-wald", "agresti-min", "bonett-price", "tango"):
        low, high = interval_arrays(counts, confidence_level=0.8, interval_method=method)  # type: ignore[arg-type]
        estimate = 100 * (counts[:, 2] - counts[:, 0]) / counts.sum(axis=1)
        assert np.all(low <= estimate)
        assert np.all(estimate <= high)
    low, high = interval_arrays(counts, confidence_level=0.8, interval_method="adjusted-wald")
    assert high[0] == 100.0
    assert low[1] == -100.0
