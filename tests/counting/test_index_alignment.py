"""pandas inputs with different indexes are refused, never paired by position.

Decision: npskit pairs answers, keys and weights by position (numpy's rule).
pandas users expect pairing by label, so when two pandas inputs carry
different indexes either pairing could be the wrong one: npskit raises and
names the fix (``reindex``, or ``.to_numpy()`` to pair by position).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import npskit

pytestmark = pytest.mark.property


def test_weights_with_another_index_are_refused() -> None:
    scores = pd.Series([10, 0], index=[0, 1])
    weights = pd.Series([1.0, 3.0], index=[1, 0])
    with pytest.raises(ValueError, match=r"different indexes.*weights.reindex\(scores.index\)"):
        npskit.tally(scores, weights=weights)


def test_keys_with_another_index_are_refused() -> None:
    scores = pd.Series([10, 0, 9], index=["a", "b", "c"])
    keys = pd.Series(["x", "y", "y"], index=["c", "b", "a"])
    with pytest.raises(ValueError, match="first difference at position 0: label 'a' against 'c'"):
        npskit.tally_by(scores, keys)


def test_positional_pairing_stays_available() -> None:
    scores = pd.Series([10, 0], index=[0, 1])
    weights = pd.Series([1.0, 3.0], index=[1, 0])
    t = npskit.tally(scores.to_numpy(), weights=weights.to_numpy())
    assert (t.promoters, t.detractors) == (1.0, 3.0)


def test_reindexed_weights_pair_by_label() -> None:
    scores = pd.Series([10, 0], index=[0, 1])
    weights = pd.Series([1.0, 3.0], index=[1, 0])
    t = npskit.tally(scores, weights=weights.reindex(scores.index))
    assert (t.promoters, t.detractors) == (3.0, 1.0)


@given(st.permutations(list(range(6))), st.lists(st.integers(0, 10), min_size=6, max_size=6))
def test_equal_indexes_pass_and_unequal_raise(order: list[int], answers: list[int]) -> None:
    scores = pd.Series(answers, index=list(range(6)))
    weights = pd.Series(np.arange(1.0, 7.0), index=order)
    keys = pd.Series(list("aabbcc"), index=order)
    if order == sorted(order):
        assert npskit.tally(scores, weights=weights).n == 6
        assert npskit.tally_by(scores, keys, weights=weights).total.n == 6
    else:
        with pytest.raises(ValueError, match="different indexes"):
            npskit.tally(scores, weights=weights)
        with pytest.raises(ValueError, match="different indexes"):
            npskit.tally_by(scores, keys)
        # Aligned by label, the result is the one of label-paired data.
        aligned = npskit.tally(scores, weights=weights.reindex(scores.index))
        expected = npskit.tally(answers, weights=[float(order.index(i) + 1) for i in range(6)])
        assert aligned == expected


def test_counts_table_columns_with_different_indexes_are_refused() -> None:
    table = {
        "channel": pd.Series(["web", "phone"], index=[0, 1]),
        "answer": pd.Series([10, 3], index=[1, 0]),
        "count": pd.Series([5, 7], index=[0, 1]),
    }
    with pytest.raises(ValueError, match="column 'channel' and column 'answer'"):
        npskit.from_counts_table(table, by="channel", score="answer")
