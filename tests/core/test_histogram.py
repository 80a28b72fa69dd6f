"""The Histogram: validation, merging, conversion to a Tally, JSON."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from npskit import CES, EmptyDataError, Histogram, Scale, Tally, histogram, tally


def test_unweighted_counts_stay_integers() -> None:
    h = Histogram(counts=[1, 2, 3], low=1)
    assert h.counts == (1, 2, 3)
    assert all(type(c) is int for c in h.counts)
    assert (h.n, h.weight_sum, h.effective_n, h.high) == (6, 6, 6.0, 3)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"counts": [1]}, ValueError, "two or more"),
        ({"counts": [1, -1]}, ValueError, ">= 0"),
        ({"counts": [1, 0.5]}, ValueError, "whole number"),
        ({"counts": [1, "a"]}, TypeError, "whole number"),
        ({"counts": [1, 2], "responses": 4}, ValueError, "responses"),
        ({"counts": [1.0, 2.0], "squared_weights": [1.0, 4.0]}, ValueError, "responses"),
        ({"counts": [1.0, 2.0], "squared_weights": [1.0], "responses": 2}, ValueError, "one sum"),
        (
            {"counts": [1.0, 2.0], "squared_weights": [2.0, 4.0], "responses": 2},
            ValueError,
            "point 0",
        ),
    ],
)
def test_bad_histograms_are_refused(kwargs: dict[str, object], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        Histogram(**kwargs)  # type: ignore[arg-type]


def test_merging_needs_the_same_scale() -> None:
    with pytest.raises(ValueError, match="different scales"):
        Histogram(counts=[1, 2], low=0) + Histogram(counts=[1, 2], low=1)


def test_empty_histogram_has_no_score() -> None:
    with pytest.raises(EmptyDataError, match="2 missing"):
        Histogram(counts=[0] * 7, low=1, n_missing=2).score(CES)


def test_json_round_trip_weighted() -> None:
    h = histogram([1, 7, 7, None], metric="ces", weights=[1.0, 2.0, 3.0, 9.0])
    assert h.counts == (1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 5.0)
    assert h.squared_weights == (1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 13.0)
    assert (h.n, h.n_missing) == (3, 1)
    again = Histogram.from_dict(json.loads(json.dumps(h.to_dict(), allow_nan=False)))
    assert again == h
    assert "3 answers" in str(h)


answers = st.lists(st.integers(0, 10), max_size=40)
weights_for = st.floats(0.1, 10.0)


@pytest.mark.property
@given(answers, answers)
def test_merging_histograms_equals_counting_the_concatenation(a: list[int], b: list[int]) -> None:
    assert histogram(a) + histogram(b) == histogram(a + b)


@pytest.mark.property
@given(st.lists(st.tuples(st.integers(0, 10), weights_for), max_size=30), st.integers(0, 30))
def test_weighted_merge_equals_the_concatenation(rows: list[tuple[int, float]], cut: int) -> None:
    scores = [s for s, _ in rows]
    w = [x for _, x in rows]
    whole = histogram(scores, weights=w) if rows else histogram(scores)
    first, second = rows[:cut], rows[cut:]
    parts = [
        histogram([s for s, _ in part], weights=[x for _, x in part]) if part else None
        for part in (first, second)
    ]
    merged = [p for p in parts if p is not None]
    if len(merged) == 2:
        total = merged[0] + merged[1]
        assert total.n == whole.n
        assert total.counts == pytest.approx(whole.counts, rel=1e-12, abs=1e-12)
        assert total.squared_weights == pytest.approx(whole.squared_weights, rel=1e-12)


@pytest.mark.property
@given(answers)
def test_to_tally_equals_tally(a: list[int]) -> None:
    five = Scale(low=0, high=10, detractor_max=4, promoter_min=8)
    assert histogram(a).to_tally(Scale()) == tally(a)
    assert histogram(a, scale=five).to_tally(five) == tally(a, scale=five)


def test_weighted_to_tally_equals_weighted_tally() -> None:
    scores, w = [0, 6, 7, 9, 10, 10], [1.0, 2.0, 0.5, 1.5, 3.0, 1.0]
    got, want = histogram(scores, weights=w).to_tally(Scale()), tally(scores, weights=w)
    assert got.n == want.n
    for field in ("detractors", "passives", "promoters"):
        assert getattr(got, field) == pytest.approx(getattr(want, field))
    assert got.squared_weights == pytest.approx(want.squared_weights)
    assert isinstance(got, Tally)


def test_counting_errors_are_the_tally_errors() -> None:
    from npskit import InvalidScoresError, MissingAnswersError

    with pytest.raises(InvalidScoresError, match=r"outside 1\.\.5"):
        histogram([1, 6, 0], metric="csat")
    with pytest.raises(MissingAnswersError):
        histogram([1, None], metric="csat", nan_policy="raise")


def test_stream_of_chunks() -> None:
    chunks = iter([[1, 2], [5, None]])
    h = histogram(chunks, metric="csat")
    assert h == Histogram(counts=[1, 1, 0, 0, 1], low=1, n_missing=1)
    assert histogram(iter([]), metric="csat") == Histogram(counts=[0] * 5, low=1)
