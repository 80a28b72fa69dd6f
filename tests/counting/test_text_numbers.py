"""Text is read as numbers by one strict grammar, and never rounded into a whole answer."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import npskit
from npskit import InvalidScoresError, Tally


@pytest.mark.parametrize("text", ["1_0", "0x1", "1__0", "five", "1.0.0"])
def test_loose_spellings_are_not_numbers(text: str) -> None:
    with pytest.raises(InvalidScoresError, match="not a number"):
        npskit.tally([text])
    with pytest.raises(InvalidScoresError, match="not a number"):
        npskit.tally(np.array([text, "7"]))


def test_underscore_weights_are_not_numbers() -> None:
    with pytest.raises(InvalidScoresError, match="weights contain 1 value that is not a number"):
        npskit.tally([9], weights=["1_0"])


@pytest.mark.parametrize(
    "text", ["9.0000000000000001", "10.00000000000000001", "8.9999999999999999"]
)
def test_text_rounded_to_a_whole_number_is_refused(text: str) -> None:
    with pytest.raises(InvalidScoresError, match="more digits than float64 keeps"):
        npskit.tally(["10", text])
    with pytest.raises(InvalidScoresError, match="first at position 1"):
        npskit.tally(["10", text, 3])  # the object path gives the same position


def test_decimals() -> None:
    assert npskit.tally([Decimal("9"), Decimal("7.0")]) == Tally(
        detractors=0, passives=1, promoters=1
    )
    with pytest.raises(InvalidScoresError, match="Decimal that is not a whole number"):
        npskit.tally([Decimal("9.0000000000000001")])
    assert Tally(detractors=Decimal("5"), passives=0, promoters=0).detractors == 5


@given(st.integers(0, 10), st.sampled_from(["", ".0", ".000", "e0", ".0e0", "E+0"]))
def test_whole_numbers_in_any_plain_spelling_are_read(answer: int, suffix: str) -> None:
    t = npskit.tally([f" {answer}{suffix} "])
    assert t.n == 1
    assert npskit.classify([f"{answer}{suffix}"])[0] == npskit.classify([answer])[0]
