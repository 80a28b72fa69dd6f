"""Messages say what was received and what to do, in the user's words."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import npskit
from npskit import InvalidScoresError, Tally


def test_a_generator_of_single_answers() -> None:
    with pytest.raises(TypeError, match=r"stream of chunks .* chunk 0 is a single int 1; .*list"):
        npskit.tally(x for x in [1, 2, 3])


def test_a_categorical_with_an_unused_text_category() -> None:
    answers = pd.Series(pd.Categorical([9, 10], categories=[9, 10, "n/a"]))
    assert npskit.tally(answers) == Tally(detractors=0, passives=0, promoters=2)
    used = pd.Series(pd.Categorical([9, "n/a"], categories=[9, 10, "n/a"]))
    with pytest.raises(InvalidScoresError, match="not a number"):
        npskit.tally(used)


def test_uint64_above_two_to_the_63_is_shown_as_it_is() -> None:
    values = pd.Series(np.array([2**63 + 5, 3], dtype=np.uint64))
    with pytest.raises(InvalidScoresError, match="9223372036854775813") as caught:
        npskit.tally(values)
    assert caught.value.values == (2**63 + 5,)


def test_scalar_weights_are_called_weights() -> None:
    with pytest.raises(TypeError, match="weights must be a one-dimensional sequence of weights"):
        npskit.tally([1, 2], weights=2.0)


def test_a_list_of_lists_is_refused_with_both_readings() -> None:
    with pytest.raises(ValueError, match=r"list of lists.*iter\(list\)"):
        npskit.tally([[10, 9], [3]])
    assert npskit.tally(iter([[10, 9], [3]])).n == 3


def test_masked_entries_are_missing() -> None:
    masked = np.ma.masked_array([10, 99], mask=[False, True])
    assert npskit.tally(masked) == Tally(detractors=0, passives=0, promoters=1, n_missing=1)
