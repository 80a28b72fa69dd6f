"""check_rng: one door for every random option."""

from __future__ import annotations

import numpy as np
import pytest

import npskit
from npskit._core.validation import check_rng
from npskit._intervals.arrays import interval_arrays


def test_accepted_kinds() -> None:
    generator = np.random.default_rng(1)
    assert check_rng(generator) is generator
    assert isinstance(check_rng(None), np.random.Generator)
    same = [check_rng(5).integers(10**9) for _ in range(2)]
    assert same[0] == same[1] == np.random.default_rng(5).integers(10**9)
    seed = np.random.SeedSequence(3)
    assert check_rng(seed).integers(10**9) == np.random.default_rng(seed).integers(10**9)
    assert check_rng(np.int64(4)).integers(10**9) == np.random.default_rng(4).integers(10**9)


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        ("abc", TypeError, "rng must be None, an int seed"),
        (1.5, TypeError, "got 1.5"),
        (True, TypeError, "got True"),
        (-1, ValueError, "rng must be a seed >= 0, got -1"),
    ],
)
def test_rejected_values(value: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        check_rng(value)
    with pytest.raises(error, match=message):
        npskit.confidence_interval([9, 10, 3], interval_method="bootstrap-percentile", rng=value)


def test_segments_get_independent_streams_and_seeds_repeat() -> None:
    counts = np.array([[20.0, 30.0, 50.0]] * 4)
    first = interval_arrays(
        counts,
        confidence_level=0.95,
        interval_method="bootstrap-percentile",
        rng=7,
        n_resamples=300,
    )
    again = interval_arrays(
        counts,
        confidence_level=0.95,
        interval_method="bootstrap-percentile",
        rng=7,
        n_resamples=300,
    )
    np.testing.assert_array_equal(first[0], again[0])
    assert len(set(first[0].tolist())) > 1  # identical segments, different streams
