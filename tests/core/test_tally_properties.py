"""Property-based tests of tallies and NPS (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import npskit
from npskit import Tally

pytestmark = pytest.mark.property

answers = st.lists(st.integers(0, 10), max_size=200)
answers_with_missing = st.lists(st.one_of(st.integers(0, 10), st.none()), max_size=200)
counts = st.integers(0, 10**15)
tallies = st.builds(
    Tally, detractors=counts, passives=counts, promoters=counts, n_missing=st.integers(0, 10**6)
)
weighted_tallies = st.builds(
    lambda d, s, p, m: npskit.tally(
        np.array(d + s + p, dtype=float),
        weights=np.array(m[: len(d + s + p)] + [1.0] * 300)[: len(d + s + p)],
    ),
    st.lists(st.integers(0, 6), max_size=20),
    st.lists(st.integers(7, 8), max_size=20),
    st.lists(st.integers(9, 10), max_size=20),
    st.lists(st.floats(0.1, 10), max_size=60),
)


@given(answers.filter(bool))
def test_nps_is_within_bounds(values: list[int]) -> None:
    assert -100.0 <= npskit.nps(values) <= 100.0


@given(answers_with_missing, st.randoms(use_true_random=False))
def test_shuffling_changes_nothing(values: list[int | None], random: object) -> None:
    shuffled = list(values)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    assert npskit.tally(shuffled) == npskit.tally(values)


@given(answers.filter(bool))
def test_mirroring_promoters_and_detractors_negates_nps(values: list[int]) -> None:
    # Map 10 <-> 0, 9 <-> 1: promoters become detractors; detractors 2..6 stay
    # detractors, so mirror through the categories rather than the answers.
    codes = npskit.classify(values)
    mirrored = np.select([codes == 1, codes == -1], [0, 10], default=7)
    assert npskit.nps(mirrored) == -npskit.nps(values)


@given(answers_with_missing)
def test_classify_agrees_with_tally(values: list[int | None]) -> None:
    codes = npskit.classify(values, nan_policy="omit")
    t = npskit.tally(values)
    assert (t.detractors, t.passives, t.promoters) == (
        int(np.sum(codes == -1)),
        int(np.sum(codes == 0)),
        int(np.sum(codes == 1)),
    )
    assert t.n_missing == sum(v is None for v in values)


@given(tallies, tallies, tallies)
def test_merge_is_associative_and_commutative(a: Tally, b: Tally, c: Tally) -> None:
    assert (a + b) + c == a + (b + c)
    assert a + b == b + a


@given(weighted_tallies, weighted_tallies, weighted_tallies)
def test_weighted_merge_is_commutative_and_nearly_associative(a: Tally, b: Tally, c: Tally) -> None:
    assert a + b == b + a
    left, right = (a + b) + c, a + (b + c)
    assert left.responses == right.responses
    np.testing.assert_allclose(
        [left.detractors, left.passives, left.promoters, *left._squares()],
        [right.detractors, right.passives, right.promoters, *right._squares()],
        rtol=1e-12,
    )


@given(st.lists(answers_with_missing, max_size=6))
def test_tally_of_chunks_equals_tally_of_concatenation(chunks: list[list[int | None]]) -> None:
    arrays_ = [np.array([np.nan if v is None else v for v in c], dtype=float) for c in chunks]
    whole = [v for c in chunks for v in c]
    merged = sum((npskit.tally(c) for c in chunks), Tally(detractors=0, passives=0, promoters=0))
    assert merged == npskit.tally(whole)
    assert npskit.tally(iter(arrays_)) == npskit.tally(whole)


@given(arrays(np.float64, st.integers(0, 300), elements=st.sampled_from([*range(11), np.nan])))
def test_numpy_float_input_matches_python_count(values: np.ndarray) -> None:
    t = npskit.tally(values)
    listed = [v for v in values.tolist() if v == v]
    assert t.detractors == sum(v <= 6 for v in listed)
    assert t.promoters == sum(v >= 9 for v in listed)
    assert t.n_missing == len(values) - len(listed)


@given(tallies)
def test_json_round_trip(t: Tally) -> None:
    assert Tally.from_dict(t.to_dict()) == t
