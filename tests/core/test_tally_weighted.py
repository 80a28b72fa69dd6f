"""A weighted Tally accepts only fields that some set of weights >= 0 can produce."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import npskit
from npskit import Tally

pytestmark = pytest.mark.property

weights = st.one_of(st.just(0.0), st.floats(1e-6, 1e6))
answers = st.lists(st.tuples(st.integers(0, 10), weights), min_size=1, max_size=50)


def test_weight_without_responses_is_refused() -> None:
    with pytest.raises(ValueError, match="responses=0 answers cannot carry weight in 1"):
        Tally(
            detractors=0.0,
            passives=0.0,
            promoters=2.0,
            squared_weights=(0.0, 0.0, 4.0),
            responses=0,
        )


def test_squares_larger_than_the_squared_sum_are_refused() -> None:
    with pytest.raises(ValueError, match="not swapped"):
        Tally(
            detractors=2.0,
            passives=0.0,
            promoters=0.0,
            squared_weights=(5.0, 0.0, 0.0),
            responses=3,
        )


def test_effective_n_above_responses_is_refused() -> None:
    # Two answers cannot have an effective n of 100.
    with pytest.raises(ValueError, match="effective n would exceed the number of answers"):
        Tally(
            detractors=10.0,
            passives=0.0,
            promoters=10.0,
            squared_weights=(1.0, 0.0, 1.0),
            responses=2,
        )


@given(answers)
def test_every_tally_of_weights_is_accepted_again(pairs: list[tuple[int, float]]) -> None:
    t = npskit.tally([a for a, _ in pairs], weights=[w for _, w in pairs])
    again = Tally.from_dict(t.to_dict())
    assert again == t
    assert t.effective_n <= t.n * (1 + 1e-9)
    assert (t + t).effective_n <= 2 * t.n * (1 + 1e-9)


@given(answers, st.floats(1.01, 100.0))
def test_too_few_responses_or_too_large_squares_are_refused(
    pairs: list[tuple[int, float]], factor: float
) -> None:
    t = npskit.tally([a for a, _ in pairs], weights=[w for _, w in pairs])
    assert t.squared_weights is not None
    used = [k for k, s in enumerate((t.detractors, t.passives, t.promoters)) if s > 0]
    if not used:
        return
    k = used[0]
    total = (t.detractors, t.passives, t.promoters)[k]
    squares = list(t.squared_weights)
    squares[k] = total * total * factor
    with pytest.raises(ValueError, match="not swapped"):
        Tally(
            detractors=t.detractors,
            passives=t.passives,
            promoters=t.promoters,
            squared_weights=(squares[0], squares[1], squares[2]),
            responses=t.n,
        )
    shrunk = tuple(q / (factor * t.n) for q in t.squared_weights)
    weight_sum = float(t.weight_sum)
    if weight_sum * weight_sum > t.n * math.fsum(shrunk) * (1 + 1e-6):
        with pytest.raises(ValueError, match=r"effective n|not swapped"):
            Tally(
                detractors=t.detractors,
                passives=t.passives,
                promoters=t.promoters,
                squared_weights=(shrunk[0], shrunk[1], shrunk[2]),
                responses=t.n,
            )
