"""distinct_rows: each row found among the distinct rows, by brute force."""

from __future__ import annotations

import numpy as np
import pytest

from npskit._stats.distinct import distinct_rows


@pytest.mark.parametrize("dtype", [np.float64, np.int64])
@pytest.mark.parametrize("high", [6, 300, 100_000])  # a table of codes; sorted codes; both
def test_every_row_is_its_distinct_row(high: int, dtype: type) -> None:
    rng = np.random.default_rng(high)
    rows = rng.integers(0, high, size=(30_000, 3)).astype(dtype)
    rows[::2] = rows[1::2]  # at least half repeat
    found = distinct_rows(rows)
    assert found is not None
    first, inverse = found
    assert np.array_equal(rows[first][inverse], rows)
    # One entry per distinct row, none twice.
    reference = {tuple(row) for row in rows.tolist()}
    assert len(first) == len(reference)
    assert {tuple(row) for row in rows[first].tolist()} == reference


def test_rows_that_cannot_be_packed_or_do_not_repeat_are_left_alone() -> None:
    rng = np.random.default_rng(3)
    rows = rng.integers(0, 5, size=(20_000, 3)).astype(np.float64)
    assert distinct_rows(rows) is not None
    assert distinct_rows(rows[:100]) is None  # too few to be worth it
    assert distinct_rows(rows, min_rows=10**6) is None
    for bad in (0.5, -1.0, np.nan, np.inf, 2.0**62):
        spoilt = rows.copy()
        spoilt[7, 1] = bad
        assert distinct_rows(spoilt) is None
    wide = rng.integers(0, 2**20, size=(20_000, 3)).astype(np.float64)
    assert distinct_rows(wide) is None  # (almost) all distinct
    huge = np.full((20_000, 3), 2.0**40)
    assert distinct_rows(huge) is None  # codes past 64 bits


def test_codes_past_two_to_the_53_stay_exact() -> None:
    # Rows like the rest of a segment in a large population: codes near 2^61,
    # where a float64 sum would round two rows onto one code.
    rng = np.random.default_rng(8)
    small = rng.integers(0, 9, size=(20_000, 3))
    rows = (np.array([1_200_000, 1_100_000, 1_000_000]) - small).astype(np.float64)
    found = distinct_rows(rows)
    assert found is not None
    first, inverse = found
    assert np.array_equal(rows[first][inverse], rows)
