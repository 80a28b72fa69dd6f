"""LazyRows: a table's rows built on first read, equal to the tuple of its rows."""

from __future__ import annotations

import numpy as np
import pytest

import npskit
from npskit._core.rows import LazyRows


def _rows(count: int, calls: list[str]) -> LazyRows[tuple[int, int]]:
    def one(i: int) -> tuple[int, int]:
        calls.append(f"one {i}")
        return (i, i * i)

    def everything() -> list[tuple[int, int]]:
        calls.append("all")
        return [(i, i * i) for i in range(count)]

    return LazyRows(count, one, everything, keys=[(i,) for i in range(count)])


def test_reading_one_row_builds_only_that_row() -> None:
    calls: list[str] = []
    rows = _rows(5, calls)
    assert len(rows) == 5
    assert rows[2] == (2, 4)
    assert rows[-1] == (4, 16)
    assert rows[2] == (2, 4)  # kept, not built again
    assert calls == ["one 2", "one 4"]


def test_slices_iteration_and_equality_behave_like_a_tuple() -> None:
    calls: list[str] = []
    rows = _rows(4, calls)
    expected = ((0, 0), (1, 1), (2, 4), (3, 9))
    assert rows[1:3] == expected[1:3]
    assert rows[::-1] == expected[::-1]
    assert list(rows) == list(expected)
    assert rows == expected
    assert rows == _rows(4, [])
    assert rows != _rows(3, [])
    assert hash(rows) == hash(expected)
    assert (2, 4) in rows
    assert rows.index((3, 9)) == 3
    assert repr(rows) == repr(expected)
    assert calls.count("all") == 1


@pytest.mark.parametrize("position", [4, -5, 10])
def test_out_of_range_raises_index_error(position: int) -> None:
    with pytest.raises(IndexError, match="out of range for 4 rows"):
        _rows(4, [])[position]


def test_breakdown_rows_are_lazy_and_equal_to_built_rows() -> None:
    rng = np.random.default_rng(4)
    scores = rng.integers(0, 11, 3_000)
    keys = rng.integers(0, 300, 3_000)
    result = npskit.breakdown(scores, keys, sort="nps")
    assert isinstance(result.rows, LazyRows)
    first = result.rows[0]
    assert first == next(iter(result.rows))
    assert result[int(first.key[0])] == first
    nps = [row.nps for row in result.rows]
    assert nps == sorted(nps, reverse=True)


def test_breakdown_results_copy_and_pickle_with_their_rows() -> None:
    import copy
    import pickle

    result = npskit.breakdown([10, 9, 3, 8, 0, 10], ["a", "a", "b", "b", "c", "c"])
    assert copy.deepcopy(result) == result
    assert pickle.loads(pickle.dumps(result)) == result
