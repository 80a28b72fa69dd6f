"""Kitagawa decomposition of an NPS change: hand examples, entry/exit, properties."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import npskit
from npskit import Decomposition, Tally, decompose, tally_by


def test_hand_example_pure_mix() -> None:
    # Before: phone n=100 NPS 30, chat n=100 NPS 60 -> total 45.
    # After: phone n=300 NPS 30, chat n=100 NPS 60 -> (90 + 60 ... ) total
    # 100 * (150 + 70 - 60 - 10) / 400 = 37.5. Rates did not move: rate 0;
    # mix: phone 30 * (0.75 - 0.5) = 7.5, chat 60 * (0.25 - 0.5) = -15.
    before = {
        "phone": Tally(detractors=20, passives=30, promoters=50),
        "chat": Tally(detractors=10, passives=20, promoters=70),
    }
    after = {
        "phone": Tally(detractors=60, passives=90, promoters=150),
        "chat": Tally(detractors=10, passives=20, promoters=70),
    }
    d = decompose(before, after)
    assert (d.nps_baseline, d.nps_current, d.change) == pytest.approx((45.0, 37.5, -7.5))
    phone, chat = d.rows
    assert phone.mix == pytest.approx(7.5)
    assert chat.mix == pytest.approx(-15.0)
    assert phone.rate == chat.rate == 0.0
    assert d.mix == pytest.approx(-7.5)
    assert d.entry_exit == 0.0


def test_hand_example_mix_and_rate() -> None:
    # Before: A n=50 NPS 20 (D10 S20 P20), B n=50 NPS -20 (D20 S20 P10): total 0.
    # After: A n=20 NPS 50 (D2 S6 P12), B n=80 NPS 0 (D20 S40 P20): total 10.
    # A: w 0.5 -> 0.2, r 20 -> 50: mix (20 + 50)/2 * (-0.3) = -10.5,
    #    rate (0.5 + 0.2)/2 * 30 = 10.5.
    # B: w 0.5 -> 0.8, r -20 -> 0: mix (-10) * 0.3 = -3, rate 0.65 * 20 = 13.
    # Sum: -10.5 + 10.5 - 3 + 13 = 10 = change.
    before = {
        "A": Tally(detractors=10, passives=20, promoters=20),
        "B": Tally(detractors=20, passives=20, promoters=10),
    }
    after = {
        "A": Tally(detractors=2, passives=6, promoters=12),
        "B": Tally(detractors=20, passives=40, promoters=20),
    }
    d = decompose(before, after)
    a, b = d.rows
    assert (a.mix, a.rate, b.mix, b.rate) == pytest.approx((-10.5, 10.5, -3.0, 13.0))
    assert d.change == pytest.approx(10.0)
    assert (d.mix, d.rate) == pytest.approx((-13.5, 23.5))


def test_entry_and_exit() -> None:
    # Before: A n=100 NPS 10, X n=100 NPS -50 -> total -20.
    # After: A n=100 NPS 10, N n=100 NPS 70 -> total 40. Change 60.
    # A: w 0.5 -> 0.5, r 10 -> 10: mix 0, rate 0.
    # X exited: -0.5 * -50 = +25; N entered: 0.5 * 70 = +35. 25 + 35 = 60.
    before = {
        "A": Tally(detractors=30, passives=30, promoters=40),
        "X": Tally(detractors=60, passives=30, promoters=10),
    }
    after = {
        "A": Tally(detractors=30, passives=30, promoters=40),
        "N": Tally(detractors=5, passives=20, promoters=75),
    }
    d = decompose(before, after)
    by_key = {row.key[0]: row for row in d.rows}
    assert [row.key[0] for row in d.rows] == ["A", "X", "N"]
    assert by_key["X"].status == "exited"
    assert by_key["N"].status == "entered"
    assert by_key["X"].entry_exit == pytest.approx(25.0)
    assert by_key["N"].entry_exit == pytest.approx(35.0)
    assert math.isnan(by_key["N"].nps_baseline)
    assert d.change == pytest.approx(60.0)
    assert d.mix + d.rate + d.entry_exit == pytest.approx(d.change)


def test_grouped_tally_input_and_outputs() -> None:
    base = tally_by([10, 9, 0, 7, 3], ["a", "a", "b", "b", "b"])
    now = tally_by([10, 0, 0, 9, 8, 9], ["a", "a", "b", "b", "c", "c"])
    d = decompose(base, now)
    assert isinstance(d, Decomposition)
    assert d.nps_baseline == pytest.approx(npskit.nps([10, 9, 0, 7, 3]))
    assert d.nps_current == pytest.approx(npskit.nps([10, 0, 0, 9, 8, 9]))
    data = json.loads(json.dumps(d.to_dict()))
    assert data["method"] == "kitagawa"
    assert data["rows"][2]["nps_baseline"] is None
    rows = d.to_dicts()
    assert rows[0]["key"] == "a"
    assert "**total**" in d.to_markdown()
    assert "NPS moved" in str(d)
    assert d.to_pandas().shape == (3, len(rows[0]))
    assert d.to_polars().height == 3


def test_errors() -> None:
    t = Tally(detractors=1, passives=0, promoters=1)
    with pytest.raises(npskit.EmptyDataError, match="no answers"):
        decompose({"a": Tally(detractors=0, passives=0, promoters=0)}, {"a": t})
    with pytest.raises(TypeError, match="got one Tally"):
        decompose(t, {"a": t})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="baseline must be"):
        decompose([t], {"a": t})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="same keys"):
        decompose(tally_by([1], ["a"]), npskit.GroupedTally.from_tallies({"a": t}, names=["x"]))


# -- properties ------------------------------------------------------------------

counts = st.integers(0, 30)
period = st.dictionaries(
    st.sampled_from(["a", "b", "c", "d"]),
    st.tuples(counts, counts, counts),
    min_size=1,
)


def _tallies(spec: dict[str, tuple[int, int, int]]) -> dict[str, Tally]:
    return {k: Tally(detractors=d, passives=s, promoters=p) for k, (d, s, p) in spec.items()}


def _usable(spec: dict[str, tuple[int, int, int]]) -> bool:
    return sum(sum(v) for v in spec.values()) > 0


@pytest.mark.property
@settings(max_examples=150, deadline=None)
@given(period, period)
def test_property_components_sum_and_swapping_negates(
    first: dict[str, Any], second: dict[str, Any]
) -> None:
    if not (_usable(first) and _usable(second)):
        return
    forward = decompose(_tallies(first), _tallies(second))
    total = forward.mix + forward.rate + forward.entry_exit
    assert total == pytest.approx(forward.change, abs=1e-9)
    assert math.fsum(row.contribution for row in forward.rows) == pytest.approx(
        forward.change, abs=1e-9
    )
    backward = decompose(_tallies(second), _tallies(first))
    assert backward.change == pytest.approx(-forward.change, abs=1e-12)
    assert backward.mix == pytest.approx(-forward.mix, abs=1e-9)
    assert backward.rate == pytest.approx(-forward.rate, abs=1e-9)
    assert backward.entry_exit == pytest.approx(-forward.entry_exit, abs=1e-9)
    back_rows = {row.key: row for row in backward.rows}
    for row in forward.rows:
        other = back_rows[row.key]
        assert (other.mix, other.rate, other.entry_exit) == pytest.approx(
            (-row.mix, -row.rate, -row.entry_exit), abs=1e-12
        )


@pytest.mark.property
@settings(max_examples=60, deadline=None)
@given(period)
def test_property_identical_periods_give_zeros(spec: dict[str, Any]) -> None:
    if not _usable(spec):
        return
    d = decompose(_tallies(spec), _tallies(spec))
    assert d.change == 0.0
    for row in d.rows:
        assert row.mix == row.rate == row.entry_exit == 0.0


def test_rows_looked_up_by_key_with_answers_and_weight_sums() -> None:
    # web: 3 answers weighing 2 + 2 + 1 = 5 before, 2 answers weighing 1 + 1 = 2 after.
    before = tally_by([10, 0, 9, 7], ["web", "web", "web", "app"], weights=[2, 2, 1, 1])
    after = tally_by([10, 10, 3], ["web", "web", "app"], weights=[1, 1, 4])
    d = decompose(before, after)
    web = d["web"]
    assert web is d.rows[1]
    assert d[("app",)] is d.rows[0]
    assert (web.n_baseline, web.n_current) == (3, 2)
    assert (web.weight_sum_baseline, web.weight_sum_current) == pytest.approx((5.0, 2.0))
    assert (web.share_baseline, web.share_current) == pytest.approx((5 / 6, 2 / 6))
    with pytest.raises(KeyError, match="chat"):
        d["chat"]
    json.dumps(d.to_dict(), allow_nan=False)
    assert len(repr(d).splitlines()) <= 25
