"""Counts never wrap around: exact Python integers, or a clear error.

Counts of about 10**18 to 10**19 were once added in int64, which wraps
silently (an NPS of 43.7 instead of 90.9). A Tally holds Python integers of
any size; a GroupedTally holds int64 arrays, so a group beyond 2**63 - 1
answers is refused by name.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

import npskit
from npskit import GroupedTally, Tally

BIG = 5 * 10**18


def _nps(d: int, p: int, q: int) -> float:
    return float(100 * Fraction(q - d, d + p + q))


def test_counts_table_total_is_exact_beyond_int64() -> None:
    table = {"d": [10**17, 10**17], "p": [0, 0], "q": [BIG, BIG]}
    total = npskit.from_counts_table(table, categories=["d", "p", "q"])
    assert isinstance(total, Tally)
    assert total.promoters == 2 * BIG
    assert total.nps == pytest.approx(_nps(2 * 10**17, 0, 2 * BIG), rel=1e-15)


def test_counts_table_total_in_uint64_is_exact() -> None:
    table = {
        "d": np.array([10**18], dtype=np.uint64),
        "p": np.array([0], dtype=np.uint64),
        "q": np.array([9 * 10**18], dtype=np.uint64),
    }
    total = npskit.from_counts_table(table, categories=["d", "p", "q"])
    assert total.nps == pytest.approx(80.0, rel=1e-15)
    assert total.n == 10**19


def test_a_count_beyond_int64_is_named() -> None:
    table = {"q": np.array([10**19], dtype=np.uint64), "d": [0], "p": [0]}
    with pytest.raises(ValueError, match=r"column 'q' has 1 count larger than .*2\*\*63"):
        npskit.from_counts_table(table, categories=["d", "p", "q"])


def test_a_group_beyond_int64_is_refused_not_wrapped() -> None:
    table = {"g": ["a", "a"], "d": [0, 0], "p": [0, 0], "q": [BIG, BIG]}
    with pytest.raises(ValueError, match="larger than 9223372036854775807"):
        npskit.from_counts_table(table, by="g", categories=["d", "p", "q"])
    # Within one row too: 10**18 detractors and 9 * 10**18 promoters.
    table = {"g": ["a"], "d": [10**18], "p": [0], "q": [9 * 10**18]}
    with pytest.raises(ValueError, match="a group's number of answers"):
        npskit.from_counts_table(table, by="g", categories=["d", "p", "q"])


def test_grouped_total_is_exact_and_concat_checks() -> None:
    a = GroupedTally.from_tallies({"a": Tally(detractors=1, passives=0, promoters=6 * 10**18)})
    b = GroupedTally.from_tallies({"b": Tally(detractors=1, passives=0, promoters=6 * 10**18)})
    both = a + b
    assert both.total.promoters == 12 * 10**18
    assert both.total.nps == pytest.approx(_nps(2, 0, 12 * 10**18), rel=1e-15)
    with pytest.raises(ValueError, match="larger than 9223372036854775807"):
        GroupedTally.concat([a, a])


def test_sum_over_checks() -> None:
    part = Tally(detractors=0, passives=0, promoters=6 * 10**18)
    cube = GroupedTally.from_tallies({("x", 1): part, ("x", 2): part}, names=("k", "m"))
    with pytest.raises(ValueError, match="larger than 9223372036854775807"):
        cube.sum_over("m")


def test_huge_tally_counts_are_refused_by_grouped_tally_not_overflowerror() -> None:
    with pytest.raises(ValueError, match="a Tally holds any count"):
        GroupedTally.from_tallies({"a": Tally(detractors=0, passives=0, promoters=10**20)})
