"""GroupedTally built from keys known distinct (DistinctKeys): the same object, indexed later."""

from __future__ import annotations

import numpy as np
import pytest

from npskit import GroupedTally, tally_by
from npskit._core.grouped import DistinctKeys


def test_distinct_keys_give_the_grouped_tally_of_checked_keys() -> None:
    keys = [("b", 1), ("a", 2), (None, 3)]
    counts = np.array([[1, 2, 3], [0, 0, 4], [5, 0, 0]])
    args = (np.array([0, 1, 0]), counts.sum(axis=1))
    checked = GroupedTally.from_arrays(["k", "j"], keys, counts, *args)
    trusted = GroupedTally.from_arrays(["k", "j"], DistinctKeys(keys), counts, *args)
    assert trusted == checked
    assert type(trusted.keys) is tuple
    # The index is built on the first look-up, and then every key is found.
    assert trusted[("a", 2)] == checked[("a", 2)]
    assert [trusted[key].promoters for key in keys] == [3, 4, 0]
    assert ("c", 1) not in trusted
    with pytest.raises(KeyError):
        trusted[("c", 1)]


def test_plain_keys_are_still_checked() -> None:
    counts = np.array([[1, 2, 3], [0, 0, 4]])
    with pytest.raises(ValueError, match="distinct"):
        GroupedTally.from_arrays(["k"], [("a",), ("a",)], counts, np.zeros(2), counts.sum(1))
    with pytest.raises(ValueError, match="one value per name"):
        GroupedTally.from_arrays(["k"], [("a",), ("b", 1)], counts, np.zeros(2), counts.sum(1))


def test_tally_by_finds_every_group_of_integer_keys() -> None:
    rng = np.random.default_rng(3)
    keys = rng.integers(5, 400, 5000)  # from 5: codes 0..4 unused, dropped
    scores = rng.integers(0, 11, 5000)
    grouped = tally_by(scores, keys)
    assert grouped.keys == tuple((int(k),) for k in np.unique(keys))
    for key in (5, 17, 399):
        mask = keys == key
        if mask.any():
            assert grouped[key].n == int(mask.sum())
            assert grouped[key].promoters == int((scores[mask] >= 9).sum())
