"""GroupedTally as a counts cube: select, sum_over, split, levels, concat and ``+``.

The reference is a plain-Python count of the rows themselves (a dictionary of
category counters per key), written independently of the numpy code under test.
"""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import npskit
from npskit import GroupedTally, Tally, tally_by

pytestmark = pytest.mark.property


def category(score: int) -> str:
    return "detractors" if score <= 6 else "promoters" if score >= 9 else "passives"


def count_by_hand(rows: list[tuple[int | None, ...]], columns: list[int]) -> dict:
    """{key: Counter of categories (and 'missing')} over the chosen key columns."""
    out: dict[tuple, Counter[str]] = {}
    for score, *keys in rows:
        key = tuple(keys[c] for c in columns)
        bucket = out.setdefault(key, Counter())
        bucket["missing" if score is None else category(score)] += 1
    return out


def as_counts(g: GroupedTally) -> dict:
    return {
        key: Counter(
            {
                "detractors": t.detractors,
                "passives": t.passives,
                "promoters": t.promoters,
                "missing": t.n_missing,
            }
        )
        for key, t in g
    }


def same(actual: dict, expected: dict) -> None:
    clean = {k: +v for k, v in actual.items()}
    assert clean == {k: +v for k, v in expected.items()}


rows_strategy = st.lists(
    st.tuples(
        st.one_of(st.integers(0, 10), st.none()),
        st.sampled_from(["ann", "bob", "cy"]),
        st.sampled_from(["05", "06", "07"]),
        st.sampled_from([1, 2]),
    ),
    min_size=1,
    max_size=80,
)


def cube_of(rows: list[tuple]) -> GroupedTally:
    data = {
        "score": [r[0] for r in rows],
        "agent": [r[1] for r in rows],
        "month": [r[2] for r in rows],
        "tier": [r[3] for r in rows],
    }
    return tally_by("score", ["agent", "month", "tier"], data=data)


@settings(max_examples=60, deadline=None)
@given(rows_strategy)
def test_sum_over_equals_counting_by_the_remaining_columns(rows: list[tuple]) -> None:
    g = cube_of(rows)
    same(as_counts(g.sum_over("agent")), count_by_hand(rows, [1, 2]))
    same(as_counts(g.sum_over("agent", "tier")), count_by_hand(rows, [1]))
    assert g.sum_over("month").names == ("agent", "tier")
    assert g.sum_over("agent").total == g.total


@settings(max_examples=60, deadline=None)
@given(rows_strategy, st.integers(1, 79))
def test_concat_of_chunks_equals_counting_everything(rows: list[tuple], cut: int) -> None:
    cut = min(cut, len(rows))
    whole = cube_of(rows)
    halves = [rows[:cut], rows[cut:]] if cut < len(rows) else [rows]
    parts = [cube_of(half) for half in halves]
    merged = GroupedTally.concat(parts)
    same(as_counts(merged), count_by_hand(rows, [0, 1, 2]))
    assert merged == whole  # same keys in the same order, same counts
    if len(parts) == 2:
        assert parts[0] + parts[1] == whole


@settings(max_examples=60, deadline=None)
@given(rows_strategy)
def test_select_equals_counting_the_selected_rows(rows: list[tuple]) -> None:
    g = cube_of(rows)
    chosen = [r for r in rows if r[2] in ("05", "07") and r[3] == 1]
    selected = g.select(month=["05", "07"], tier=1)
    same(as_counts(selected), count_by_hand(chosen, [0, 1, 2]))
    by_function = g.select(lambda key: key["agent"] == "ann")
    same(as_counts(by_function), count_by_hand([r for r in rows if r[1] == "ann"], [0, 1, 2]))


@settings(max_examples=40, deadline=None)
@given(rows_strategy)
def test_split_gives_each_levels_cube(rows: list[tuple]) -> None:
    g = cube_of(rows)
    parts = g.split("agent")
    assert tuple(parts) == g.levels("agent") == tuple(sorted({r[1] for r in rows}))
    for agent, cube in parts.items():
        assert cube.names == ("month", "tier")
        same(as_counts(cube), count_by_hand([r for r in rows if r[1] == agent], [1, 2]))


def test_weighted_cubes_add_weights_and_squares() -> None:
    scores = [9, 3, 10, 7, 0]
    weights = [1.5, 2.0, 0.5, 1.0, 3.0]
    agents = ["a", "a", "b", "b", "a"]
    months = ["05", "06", "05", "06", "05"]
    g = tally_by(scores, [agents, months], weights=weights)
    per_month = g.sum_over("key0")
    may = per_month["05"]
    # Month 05: 9 (w 1.5, promoter), 10 (w 0.5, promoter), 0 (w 3.0, detractor).
    assert may.promoters == pytest.approx(2.0)
    assert may.detractors == pytest.approx(3.0)
    assert may.squared_weights == pytest.approx((9.0, 0.0, 1.5**2 + 0.5**2))
    assert may.n == 3
    first = tally_by(scores[:2], [agents[:2], months[:2]], weights=weights[:2])
    second = tally_by(scores[2:], [agents[2:], months[2:]], weights=weights[2:])
    assert (first + second).total.weight_sum == pytest.approx(sum(weights))


def test_errors_name_the_columns() -> None:
    g = tally_by([9, 3], [["a", "b"], ["05", "06"]])
    with pytest.raises(ValueError, match="'agent' is not a key column; the key columns are 'key0'"):
        g.sum_over("agent")
    with pytest.raises(ValueError, match="would leave no key column"):
        g.sum_over("key0", "key1")
    with pytest.raises(ValueError, match="needs another key column"):
        tally_by([9], ["a"]).split("key")
    with pytest.raises(ValueError, match="different key columns"):
        GroupedTally.concat([g, tally_by([9], ["a"])])
    with pytest.raises(ValueError, match="weighted and unweighted"):
        tally_by([9], ["a"]) + tally_by([9], ["a"], weights=[2.0])
    with pytest.raises(TypeError, match="got Tally"):
        GroupedTally.concat([g, Tally(detractors=1, passives=0, promoters=0)])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="got none"):
        GroupedTally.concat([])


def test_select_matches_dates_by_their_text() -> None:
    days = np.array(["2026-05-01", "2026-05-02", "2026-05-01"], dtype="datetime64[D]")
    g = tally_by([9, 3, 10], days)
    assert g.select(key="2026-05-01").total.promoters == 2
    assert g["2026-05-02"].detractors == 1  # look-up by the date's text
    assert "2026-05-03" not in g


def test_table_protocol_on_grouped_tally() -> None:
    g = tally_by([9, 3, 10, None], ["web", "phone", "=cmd", "web"])
    text = g.to_csv()
    assert "'=cmd" in text  # a spreadsheet does not run it as a formula
    assert json.dumps(g.to_dict(), allow_nan=False)
    html = g._repr_html_()
    assert html.count("<tr>") == 1 + len(g)
    assert len(repr(g).splitlines()) <= 1 + 1 + 10 + 1
    assert "| key |" in g.to_markdown()
    assert npskit.GroupedTally is GroupedTally


@pytest.mark.parametrize(
    "call",
    [
        lambda g: npskit.tally(g),
        lambda g: npskit.nps(g),
        lambda g: npskit.confidence_interval(g),
        lambda g: npskit.nps_test(g),
        lambda g: npskit.compare(g, g),
        lambda g: npskit.margin_of_error(100, expected=g),
        lambda g: npskit.sample_size(5.0, expected=g),
        lambda g: npskit.power(g, difference=5.0, n_baseline=100),
        lambda g: npskit.sample_size_compare(5.0, expected=g),
    ],
)
def test_one_tally_functions_say_what_to_do_with_a_grouped_tally(call: object) -> None:
    g = tally_by([9, 3, 10], ["a", "b", "a"])
    with pytest.raises(TypeError, match=r"is a GroupedTally \(counts per segment\).*\.total"):
        call(g)  # type: ignore[operator]
