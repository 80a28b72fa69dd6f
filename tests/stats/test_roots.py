"""The vectorised Illinois root search against scipy's Brent method, row by row."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

from npskit._stats.roots import decreasing_roots
from npskit._stats.tango import tango_bounds, tango_bounds_array


def _cubic(x: np.ndarray, root: np.ndarray, steep: np.ndarray) -> np.ndarray:
    # Decreasing, flat at the root when steep is small, huge near the ends when large.
    return np.asarray(np.arctan(steep * (root - x) + (root - x) ** 3), dtype=np.float64)


def test_roots_match_brent_on_decreasing_functions() -> None:
    rng = np.random.default_rng(7)
    root = rng.uniform(-0.999, 0.999, 2000)
    root[:5] = [0.0, 1e-300, -1e-17, 0.5, -0.5]
    steep = 10.0 ** rng.uniform(-6, 6, len(root))
    low, high = np.full(len(root), -1.0), np.full(len(root), 1.0)
    found = decreasing_roots(
        _cubic,
        low,
        high,
        _cubic(low, root, steep),
        _cubic(high, root, steep),
        xtol=2.0**-55,
        args=(root, steep),
    )
    for i in range(len(root)):
        reference = brentq(
            lambda x, i=i: float(_cubic(np.array([x]), root[i : i + 1], steep[i : i + 1])[0]),
            -1.0,
            1.0,
            xtol=1e-300,
            rtol=4 * np.finfo(float).eps,
        )
        assert found[i] == pytest.approx(reference, abs=1e-15, rel=1e-13)


def test_rows_without_a_sign_change_are_left_to_the_caller() -> None:
    low, high = np.array([0.0, 0.0]), np.array([1.0, 1.0])
    values = decreasing_roots(
        lambda x: -np.ones_like(x),
        low,
        high,
        np.array([-1.0, 1.0]),
        np.array([-2.0, 2.0]),
        xtol=1e-16,
    )
    assert values.tolist() == [0.5, 0.5]


def test_the_guess_is_only_used_inside_the_bracket() -> None:
    root = np.array([0.25, -0.75])
    steep = np.ones(2)
    low, high = np.full(2, -1.0), np.full(2, 1.0)
    found = decreasing_roots(
        _cubic,
        low,
        high,
        _cubic(low, root, steep),
        _cubic(high, root, steep),
        xtol=2.0**-55,
        args=(root, steep),
        guess=np.array([5.0, -0.7]),
    )
    assert found == pytest.approx(root, abs=1e-15)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 10**6)).filter(
            lambda c: sum(c) > 0
        ),
        min_size=1,
        max_size=20,
    )
)
def test_tango_bounds_array_matches_the_scalar_brent_solution(
    counts: list[tuple[int, int, int]],
) -> None:
    # Near -1 and +1 the score is only known to ~1e-7 (a difference of nearly
    # equal numbers), so the bounds are only determined to ~1e-11 there: bisection
    # and Brent differ by that much as well.
    _assert_bounds_match_brent(counts, 1e-10)


def _assert_bounds_match_brent(counts: list[tuple[int, int, int]], tolerance: float) -> None:
    array = np.array(counts, dtype=np.float64)
    low, high = tango_bounds_array(array[:, 0], array[:, 1], array[:, 2], 1.959963984540054)
    for (d, s, p), lo, hi in zip(counts, low, high, strict=True):
        ref_low, ref_high = tango_bounds(d, s, p, 0.025)
        assert lo == pytest.approx(ref_low, abs=tolerance)
        assert hi == pytest.approx(ref_high, abs=tolerance)


def test_repeated_counts_are_solved_once_with_the_same_bounds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from npskit._stats import tango

    rng = np.random.default_rng(11)
    counts = rng.integers(0, 6, size=(20_000, 3)).astype(np.float64)
    counts = counts[counts.sum(axis=1) > 0]
    d, s, p = counts[:, 0], counts[:, 1], counts[:, 2]
    assert tango.distinct_rows(counts) is not None
    low, high = tango_bounds_array(d, s, p, 1.959963984540054)
    monkeypatch.setattr(tango, "distinct_rows", lambda rows: None)
    plain_low, plain_high = tango_bounds_array(d, s, p, 1.959963984540054)
    assert np.array_equal(low, plain_low, equal_nan=True)
    assert np.array_equal(high, plain_high, equal_nan=True)


def test_score_slope_is_the_derivative_of_the_score() -> None:
    from npskit._stats.tango import score_and_slope, score_statistic

    rng = np.random.default_rng(5)
    counts = rng.integers(0, 50, size=(500, 3)).astype(np.float64) + 0.5
    d, p = counts[:, 0], counts[:, 2]
    n = counts.sum(axis=1)
    delta = rng.uniform(-0.95, 0.95, len(n))
    score, slope = score_and_slope(p, d, n, delta)
    h = 1e-6
    numeric = (score_statistic(p, d, n, delta + h) - score_statistic(p, d, n, delta - h)) / (2 * h)
    assert np.array_equal(score, score_statistic(p, d, n, delta))
    np.testing.assert_allclose(slope, numeric, rtol=1e-6)


def test_bounds_past_the_kink_of_the_restricted_mle_match_brent() -> None:
    # With no promoters (or no detractors) the restricted MLE has a kink inside
    # (-1, 1) where the slope of the score is infinite: a Newton step of 0 there
    # must not settle the bound (it did once, 0.2 away from the root).
    counts = [(18, 3, 0), (14, 1, 0), (28, 2, 0), (0, 3, 18), (5634, 11, 0), (1, 0, 0)]
    _assert_bounds_match_brent(counts, 1e-11)
