"""hierarchy: roll-ups add up; each level is shrunk with npskit.shrink."""

from __future__ import annotations

import json

import numpy as np
import pytest

from npskit import Tally, confidence_interval, hierarchy, load_example, shrink, tally_by


def _cube() -> object:
    data = load_example()
    agent = data["agent"]
    number = np.array([int(a[1:]) for a in agent])
    team = np.where(
        number <= 10, "T1", np.where(number <= 20, "T2", np.where(number <= 30, "T3", "T4"))
    )
    site = np.where(number <= 20, "north", "south")
    return tally_by(data["answer"], [site, team, agent, data["queue"]])


def test_counts_add_up_at_every_level() -> None:
    cube = _cube()
    result = hierarchy(cube, ["key0", "key1", "key2"])
    for row in result:
        children = result.children(row.key)
        if children:
            assert row.n == sum(c.n for c in children)
            assert row.promoters == sum(c.promoters for c in children)
            assert row.detractors == sum(c.detractors for c in children)
    assert sum(r.n for r in result if r.level == "key0") == cube.total.n
    assert json.dumps(result.to_dict(), allow_nan=False)


def test_each_level_is_shrunk_with_shrink() -> None:
    cube = _cube()
    result = hierarchy(cube, ["key0", "key1", "key2"])
    teams = shrink(cube.sum_over("key0", "key2", "key3"))
    for row in teams:
        node = next(r for r in result if r.level == "key1" and r.key[1] == row.key[0])
        assert node.shrunk_nps == pytest.approx(row.shrunk_nps)


def test_bad_levels() -> None:
    with pytest.raises(ValueError, match="levels"):
        hierarchy(_cube(), ["site"])
    with pytest.raises(TypeError):
        hierarchy({}, ["a"])  # type: ignore[arg-type]


def test_a_level_with_one_node_keeps_its_own_interval() -> None:
    # One site above two teams: the site has nothing to be shrunk towards, so it
    # keeps its raw NPS (+20: 5 promoters, 3 detractors of 10) and the default
    # adjusted-Wald interval of its own answers, never a point.
    answers = [10, 9, 3, 10, 8, 0, 9, 10, 2, 7]
    site = ["S"] * 10
    team = ["T1"] * 6 + ["T2"] * 4
    result = hierarchy(tally_by(answers, [site, team]), ["key0", "key1"])
    top = result[("S",)]
    assert top.shrunk_nps == top.raw_nps == pytest.approx(20.0)
    own = confidence_interval(Tally(detractors=3, passives=2, promoters=5))
    assert (top.low, top.high) == pytest.approx(tuple(own.confidence_interval))
    assert top.low < top.raw_nps < top.high
