"""The limits a service can rely on: resamples, BCa's minimum, the scale's span."""

from __future__ import annotations

import tracemalloc

import pytest

import npskit
from npskit import Scale, Tally, confidence_interval
from npskit._core.scale import MAX_SCALE_POINTS
from npskit._core.validation import MAX_RESAMPLES, MIN_BCA_RESAMPLES

T = Tally(detractors=20, passives=30, promoters=50)


def test_bca_refuses_too_few_resamples() -> None:
    # With 10 resamples the bias correction is itself noise: refused at the door.
    with pytest.raises(ValueError, match="bootstrap-bca needs n_resamples >= 500"):
        confidence_interval(T, interval_method="bootstrap-bca", n_resamples=10, rng=1)
    ci = confidence_interval(
        T, interval_method="bootstrap-bca", n_resamples=MIN_BCA_RESAMPLES, rng=1
    )
    assert ci.low < T.nps < ci.high
    # Other methods ignore n_resamples below the BCa minimum.
    confidence_interval(T, interval_method="bootstrap-percentile", n_resamples=10, rng=1)


def test_bca_minimum_in_breakdown() -> None:
    with pytest.raises(ValueError, match="bootstrap-bca needs"):
        npskit.breakdown(
            [10, 0, 9, 7], ["a", "a", "b", "b"], interval_method="bootstrap-bca", n_resamples=20
        )


@pytest.mark.parametrize(
    "call",
    [
        lambda n: confidence_interval(T, interval_method="bootstrap-percentile", n_resamples=n),
        lambda n: npskit.compare(T, T, compare_method="permutation", n_resamples=n),
    ],
)
def test_resamples_have_an_upper_bound(call: object) -> None:
    with pytest.raises(ValueError, match="n_resamples must be <= 10,000,000"):
        call(MAX_RESAMPLES + 1)  # type: ignore[operator]


def test_scale_span_has_an_upper_bound() -> None:
    with pytest.raises(ValueError, match="at most 1,000,001 answers"):
        Scale(low=0, high=10**12, detractor_max=6, promoter_min=9)
    Scale(low=0, high=MAX_SCALE_POINTS - 1, detractor_max=6, promoter_min=9)


def test_counting_does_not_allocate_per_scale_point() -> None:
    wide = Scale(low=0, high=MAX_SCALE_POINTS - 1, detractor_max=10, promoter_min=999_990)
    tracemalloc.start()
    try:
        grouped = npskit.tally_by([0, 500_000, 1_000_000], ["a", "b", "a"], scale=wide)
        classified = npskit.classify([3, 1_000_000], scale=wide)
        counted = npskit.from_counts_table(
            {"answer": [0, 1_000_000], "count": [2, 3]}, score="answer", scale=wide
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert grouped.total == Tally(detractors=1, passives=1, promoters=1)
    assert classified.tolist() == [-1, 1]
    assert counted == Tally(detractors=2, passives=0, promoters=3)
    # One int64 per scale point would be 8 MB; the counting stays far below.
    assert peak < 4_000_000


def test_wide_and_narrow_scales_count_alike() -> None:
    # The grouped count looks categories up in a table on small scales and
    # compares on wide ones; both give the counts of a plain loop.
    values = [0.0, 5.0, float("nan"), 7.0, 9.0, 10.0, 3.0]
    keys = ["a", "b", "a", "b", "a", "b", "a"]
    narrow = Scale(low=0, high=10, detractor_max=6, promoter_min=9)
    wide = Scale(low=0, high=10_000, detractor_max=6, promoter_min=9)
    for scale in (narrow, wide):
        grouped = npskit.tally_by(values, keys, scale=scale)
        assert grouped["a"] == Tally(detractors=2, passives=0, promoters=1, n_missing=1)
        assert grouped["b"] == Tally(detractors=1, passives=1, promoters=1)
