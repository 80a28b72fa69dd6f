"""suppress: primary and complementary suppression, so no hidden cell can be derived."""

from __future__ import annotations

import json

import pytest

from npskit import GroupedTally, Tally, suppress


def _cells(sizes: dict[tuple[str, str], int]) -> GroupedTally:
    return GroupedTally.from_tallies(
        {key: Tally(detractors=0, passives=0, promoters=n) for key, n in sizes.items()},
        names=["team", "agent"],
    )


def test_one_hidden_cell_per_total_gets_a_partner() -> None:
    cube = _cells({("T1", "a"): 3, ("T1", "b"): 30, ("T1", "c"): 12,
                   ("T2", "d"): 4, ("T2", "e"): 6, ("T2", "f"): 40,
                   ("T3", "g"): 50, ("T3", "h"): 60})  # fmt: skip
    table = suppress(cube, min_n=10, within=["team"])
    hidden = {cell.key: cell.reason for cell in table if not cell.published}
    assert hidden == {
        ("T1", "a"): "fewer than 10 answers",
        ("T1", "c"): "complementary: protects ('T1', 'a')",
        ("T2", "d"): "fewer than 10 answers",
        ("T2", "e"): "fewer than 10 answers",
    }
    assert table.n_hidden == 4
    assert json.dumps(table.to_dict(), allow_nan=False)


def test_no_total_has_exactly_one_hidden_cell() -> None:
    sizes = {("T1", f"a{i}"): n for i, n in enumerate([1, 15, 20, 9, 11])}
    sizes |= {("T2", f"b{i}"): n for i, n in enumerate([30, 2, 40])}
    sizes |= {("T3", "c0"): 5}
    table = suppress(_cells(sizes), min_n=10, within="team")
    for team in ("T1", "T2", "T3"):
        hidden = [c for c in table if c.key[0] == team and not c.published]
        assert len(hidden) != 1 or len([c for c in table if c.key[0] == team]) == 1
    assert "only cell" in (table[("T3", "c0")].reason or "")


def test_grand_total_by_default_and_errors() -> None:
    table = suppress(_cells({("T1", "a"): 3, ("T1", "b"): 30, ("T2", "c"): 20}), min_n=5)
    assert [c.published for c in table] == [False, True, False]
    with pytest.raises(ValueError, match="within"):
        suppress(_cells({("T1", "a"): 3}), within=["site"])
    with pytest.raises(ValueError, match="min_n"):
        suppress(_cells({("T1", "a"): 3}), min_n=0)
