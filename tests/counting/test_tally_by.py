"""tally_by and GroupedTally: keys of every kind, missing keys, weights, order, properties.

Reference values come from plain-Python dictionary counting (``_dict_count``),
written independently of the vectorised engine, or from hand counts in comments.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import defaultdict
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import npskit
from npskit import GroupedTally, Scale, Tally, tally_by


def _category(score: float, scale: Scale = npskit.STANDARD_SCALE) -> int:
    if score <= scale.detractor_max:
        return 0
    if score >= scale.promoter_min:
        return 2
    return 1


def _dict_count(
    scores: list[Any], keys: list[tuple[Any, ...]], weights: list[float] | None = None
) -> dict[tuple[Any, ...], list[float]]:
    """Per key: [detractors, passives, promoters, missing, sq_d, sq_s, sq_p], by a loop."""
    out: dict[tuple[Any, ...], list[float]] = defaultdict(lambda: [0.0] * 7)
    for i, (score, key) in enumerate(zip(scores, keys, strict=True)):
        row = out[key]
        if score is None or (isinstance(score, float) and math.isnan(score)):
            row[3] += 1
            continue
        w = 1.0 if weights is None else weights[i]
        c = _category(score)
        row[c] += w
        row[4 + c] += w * w
    return dict(out)


def _as_key(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def _check_against_dict(g: GroupedTally, expected: dict[tuple[Any, ...], list[float]]) -> None:
    assert set(g.keys) == set(expected)
    for key, t in g:
        d, s, p, m, *_ = expected[key]
        assert (t.detractors, t.passives, t.promoters, t.n_missing) == (d, s, p, m)


SCORES = [10, 9, 3, None, 7, 10, 0, 8, 6, 9, 9, 2]
CHANNEL = [
    "web",
    "phone",
    "web",
    "web",
    None,
    "phone",
    "phone",
    "chat",
    "chat",
    "web",
    None,
    "chat",
]
MONTH = [1, 1, 2, 2, 1, 2, 2, 1, 1, 2, 2, 2]


def test_hand_example() -> None:
    # phone: 9, 10, 0 -> D1 S0 P2; web: 10, 3, None, 9 -> D1 S0 P2 + 1 missing;
    # chat: 8, 6, 2 -> D2 S1 P0; missing channel: 7, 9 -> S1 P1.
    g = tally_by(SCORES, CHANNEL)
    assert g.names == ("key",)
    assert g.keys == (("chat",), ("phone",), ("web",), (None,))
    assert g["phone"] == Tally(detractors=1, passives=0, promoters=2)
    assert g["web"] == Tally(detractors=1, passives=0, promoters=2, n_missing=1)
    assert g["chat"] == Tally(detractors=2, passives=1, promoters=0)
    assert g[None] == Tally(detractors=0, passives=1, promoters=1)
    assert g.total == npskit.tally(SCORES)
    np.testing.assert_allclose(g.nps, [-200 / 3, 100 / 3, 100 / 3, 50.0])


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda v: list(v), id="list"),
        pytest.param(lambda v: np.array(v, dtype=object), id="object-array"),
        pytest.param(lambda v: pd.Series(v), id="pandas"),
        pytest.param(lambda v: pd.Series(v, dtype="string"), id="pandas-string"),
        pytest.param(lambda v: pl.Series(v), id="polars"),
        pytest.param(lambda v: pl.Series(v, dtype=pl.Categorical), id="polars-categorical"),
    ],
)
def test_string_keys_every_container(make: Any) -> None:
    g = tally_by(SCORES, make(CHANNEL))
    expected = _dict_count(SCORES, [(_as_key(c),) for c in CHANNEL])
    _check_against_dict(g, expected)
    assert g.keys == (("chat",), ("phone",), ("web",), (None,))


def test_numpy_text_keys_without_missing() -> None:
    rng = np.random.default_rng(1)
    # odd and even byte widths take the padded and the zero-copy hashing paths
    for labels in (["a", "bb", "ccc", "dddd", "eeeeeeeeeee"], ["x1", "x2", "y3"]):
        keys = np.array(labels)[rng.integers(0, len(labels), 500)]
        scores = rng.integers(0, 11, 500)
        for array in (keys, keys.astype("S")):
            g = tally_by(scores, array)
            expected = _dict_count(scores.tolist(), [(str(k),) for k in keys])
            got = {(k[0].decode() if isinstance(k[0], bytes) else k[0],): t for k, t in g}
            assert set(got) == set(expected)
            for key, t in got.items():
                assert [t.detractors, t.passives, t.promoters] == expected[key][:3]
            decoded = [k[0].decode() if isinstance(k[0], bytes) else k[0] for k in g.keys]
            assert decoded == sorted(decoded)


@pytest.mark.parametrize("width", [1, 1000, 10**12])
def test_integer_keys_small_and_wide_ranges(width: int) -> None:
    rng = np.random.default_rng(width % 97)
    keys = rng.integers(-5, 40, 2000) * width
    scores = rng.integers(0, 11, 2000).astype(float)
    scores[rng.random(2000) < 0.1] = np.nan
    g = tally_by(scores, keys)
    expected = _dict_count(
        [None if math.isnan(s) else s for s in scores], [(int(k),) for k in keys]
    )
    _check_against_dict(g, expected)
    assert [k[0] for k in g.keys] == sorted(k[0] for k in g.keys)
    assert all(type(k[0]) is int for k in g.keys)


def test_boolean_and_float_keys() -> None:
    g = tally_by([10, 0, 9, 7], [True, False, True, True])
    assert g.keys == ((False,), (True,))
    assert g[True] == Tally(detractors=0, passives=1, promoters=2)
    # -0.0 and 0.0 are one key; NaN is missing
    f = tally_by([10, 0, 9, 7], np.array([0.0, -0.0, np.nan, 2.5]))
    assert f.keys == ((0.0,), (2.5,), (None,))
    assert f[0.0] == Tally(detractors=1, passives=0, promoters=1)


def test_datetime_keys_numpy_pandas_polars_python() -> None:
    days = ["2024-01-02", "2024-01-01", None, "2024-01-02", "2024-01-01"]
    scores = [10, 0, 9, 8, 10]
    # hand count: 01-01 -> 0, 10 (D1 P1); 01-02 -> 10, 8 (S1 P1); missing -> 9 (P1)
    numpy_days = np.array([d if d else "NaT" for d in days], dtype="datetime64[D]")
    pandas_days = pd.Series(pd.to_datetime(days))
    polars_days = pl.Series([dt.date.fromisoformat(d) if d else None for d in days])
    python_days = [dt.date.fromisoformat(d) if d else None for d in days]
    for column in (numpy_days, pandas_days, polars_days, python_days):
        g = tally_by(scores, column)
        assert len(g) == 3
        first, second, missing = g.tallies
        assert first == Tally(detractors=1, passives=0, promoters=1)
        assert second == Tally(detractors=0, passives=1, promoters=1)
        assert missing == Tally(detractors=0, passives=0, promoters=1)
        assert g.keys[2] == (None,)
    g = tally_by(scores, numpy_days)
    assert g.keys[0] == (np.datetime64("2024-01-01"),)
    assert json.loads(json.dumps(g.to_dict()))["groups"][0]["key"] == ["2024-01-01"]


def test_categorical_order_and_unobserved_categories() -> None:
    cat = pd.Series(
        pd.Categorical(["low", "high", "mid", "low"], categories=["high", "mid", "low", "never"])
    )
    g = tally_by([0, 10, 8, 9], cat)
    # categorical order, unobserved "never" left out
    assert g.keys == (("high",), ("mid",), ("low",))
    assert g["low"] == Tally(detractors=1, passives=0, promoters=1)
    enum = pl.Series(["low", "high", "mid", "low"], dtype=pl.Enum(["high", "mid", "low", "never"]))
    assert tally_by([0, 10, 8, 9], enum).keys == (("high",), ("mid",), ("low",))


def test_missing_keys_raise() -> None:
    with pytest.raises(ValueError, match=r"missing_keys='raise'") as info:
        tally_by(SCORES, CHANNEL, missing_keys="raise")
    assert "2 missing keys" in str(info.value)
    assert "positions 4, 10" in str(info.value)
    with pytest.raises(ValueError, match="missing_keys must be one of"):
        tally_by(SCORES, CHANNEL, missing_keys="drop")  # type: ignore[arg-type]


def test_missing_key_kinds_form_one_group() -> None:
    keys = np.array(["a", None, float("nan"), pd.NA, pd.NaT, "a"], dtype=object)
    g = tally_by([10, 9, 0, 7, 8, 3], keys)
    assert g.keys == (("a",), (None,))
    assert g[None] == Tally(detractors=1, passives=2, promoters=1)


def test_cross_breakdown_all_containers() -> None:
    expected = _dict_count(SCORES, [(_as_key(c), m) for c, m in zip(CHANNEL, MONTH, strict=True)])
    frames = [
        pd.DataFrame({"score": SCORES, "channel": CHANNEL, "month": MONTH}),
        pl.DataFrame({"score": SCORES, "channel": CHANNEL, "month": MONTH}),
        {"score": SCORES, "channel": CHANNEL, "month": MONTH},
    ]
    for frame in frames:
        g = tally_by("score", ["channel", "month"], data=frame)
        assert g.names == ("channel", "month")
        _check_against_dict(g, expected)
        # sorted by channel, then month, missing channel last
        assert g.keys == tuple(sorted(g.keys, key=lambda k: (k[0] is None, k[0] or "", k[1])))
    arrays = tally_by(SCORES, [CHANNEL, MONTH])
    assert arrays.names == ("key0", "key1")
    _check_against_dict(arrays, expected)


def test_weighted_groups() -> None:
    rng = np.random.default_rng(5)
    n = 300
    scores = rng.integers(0, 11, n).astype(float)
    scores[rng.random(n) < 0.1] = np.nan
    weights = rng.random(n) * 3
    weights[np.isnan(scores)] = np.nan  # a missing answer's weight is dropped with it
    keys = rng.integers(0, 7, n)
    g = tally_by(scores, keys, weights=weights)
    expected = _dict_count(
        [None if math.isnan(s) else s for s in scores],
        [(int(k),) for k in keys],
        weights.tolist(),
    )
    assert g.is_weighted
    for key, t in g:
        d, s, p, m, qd, qs, qp = expected[key]
        assert (t.detractors, t.passives, t.promoters) == pytest.approx((d, s, p), rel=1e-12)
        assert t.squared_weights == pytest.approx((qd, qs, qp), rel=1e-12)
        assert t.n_missing == m
    assert g.total.n == pytest.approx(npskit.tally(scores, weights=weights).n, rel=1e-12)


def test_errors() -> None:
    with pytest.raises(ValueError, match="same length"):
        tally_by([1, 2, 3], ["a", "b"])
    with pytest.raises(ValueError, match="not in data"):
        tally_by("score", "nope", data={"score": [1]})
    with pytest.raises(TypeError, match="no data= table"):
        tally_by("score", ["a"])
    with pytest.raises(TypeError, match="hashable"):
        tally_by([1, 2], np.array([{1}, {2}], dtype=object))
    with pytest.raises(npskit.InvalidScoresError):
        tally_by([11, 2], ["a", "b"])
    with pytest.raises(KeyError, match="no group with key 'z'"):
        tally_by([1, 2], ["a", "b"])["z"]


def test_unsortable_keys_keep_first_appearance() -> None:
    g = tally_by([10, 0, 9, 8], ["b", 2, "a", 2])
    assert g.keys == (("b",), (2,), ("a",))


def test_empty_input_and_all_missing_group() -> None:
    g = tally_by([], [])
    assert len(g) == 0
    assert g.total == Tally(detractors=0, passives=0, promoters=0)
    h = tally_by([None, 9], ["a", "b"])
    assert h["a"] == Tally(detractors=0, passives=0, promoters=0, n_missing=1)
    assert math.isnan(h.nps[0])


def test_outputs() -> None:
    g = tally_by(SCORES, CHANNEL)
    text = json.dumps(g.to_dict())
    assert json.loads(text)["total"]["n_missing"] == 1
    rows = g.to_dicts()
    assert rows[0] == {
        "key": "chat",
        "detractors": 2,
        "passives": 1,
        "promoters": 0,
        "n": 3,
        "weight_sum": 3,
        "n_missing": 0,
        "nps": pytest.approx(-200 / 3),
    }
    assert "4 groups by key" in str(g)
    assert repr(g).startswith("<GroupedTally by key: 4 groups")
    rebuilt = GroupedTally.from_tallies(dict(g.items()), names=["key"])
    assert rebuilt.keys == g.keys
    assert rebuilt.total == g.total


# -- properties --------------------------------------------------------------------

answers = st.lists(
    st.tuples(
        st.one_of(st.none(), st.integers(0, 10)),
        st.sampled_from(["a", "b", "c", None]),
        st.integers(0, 3),
    ),
    max_size=60,
)


@pytest.mark.property
@settings(max_examples=60, deadline=None)
@given(answers, st.randoms(use_true_random=False))
def test_property_counts_add_up_and_shuffling_changes_nothing(
    rows: list[tuple[Any, Any, int]], random: Any
) -> None:
    scores = [r[0] for r in rows]
    keys = [r[1] for r in rows]
    other = [r[2] for r in rows]
    g = tally_by(scores, [np.array(keys, dtype=object), np.array(other)])
    summed = sum(g.tallies, Tally(detractors=0, passives=0, promoters=0))
    assert summed == g.total == npskit.tally(scores)
    random.shuffle(rows)
    shuffled = tally_by(
        [r[0] for r in rows],
        [np.array([r[1] for r in rows], dtype=object), np.array([r[2] for r in rows])],
    )
    assert shuffled == g


@pytest.mark.property
@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(0, 10)), max_size=40))
def test_property_one_group_equals_tally(scores: list[Any]) -> None:
    if not scores:
        return
    g = tally_by(scores, ["only"] * len(scores))
    assert g.tallies == (npskit.tally(scores),)


def test_many_rare_keys_overflow_the_hash_table(monkeypatch: pytest.MonkeyPatch) -> None:
    # 70% of rows share one key, the rest are distinct. With the table capped at
    # 2**10 slots, it fills up and most rare keys spill to the overflow path.
    from npskit._counting import hash_table as _keys

    monkeypatch.setattr(_keys, "_MAX_TABLE_BITS", 10)
    n = 20_000
    rng = np.random.default_rng(3)
    keys = np.array(["common"] * n, dtype=object)
    rare = rng.random(n) < 0.3
    keys[rare] = [f"k{i:06d}" for i in range(int(rare.sum()))]
    scores = rng.integers(0, 11, n)
    g = tally_by(scores, keys.astype(str))
    assert len(g) == int(rare.sum()) + 1
    assert g["common"].n == n - int(rare.sum())
    assert [k[0] for k in g.keys] == sorted(k[0] for k in g.keys)
    assert g.total == npskit.tally(scores)


def test_hash_collisions_are_split_exactly() -> None:
    from npskit._counting import hash_table as _keys

    values = np.array(["b", "a", "b", "c", "a"], dtype=object)

    def check(sel: Any, reps: Any) -> Any:
        return values[sel] == values[reps]

    # every row gets the same hash: only the check tells the keys apart
    codes, reps = _keys.hash_factorize(
        len(values), lambda sel: np.zeros(len(np.arange(len(values))[sel]), np.uint64), check
    )
    groups = defaultdict(set)
    for value, code in zip(values, codes, strict=True):
        groups[int(code)].add(value)
    assert sorted(map(sorted, groups.values())) == [["a"], ["b"], ["c"]]
    assert sorted(values[reps[reps >= 0]]) == ["a", "b", "c"]


def test_text_with_trailing_nul_is_not_merged() -> None:
    # numpy's fixed-width str drops trailing NUL characters; "a" and "a\x00" must
    # stay two keys (the object path takes over).
    g = tally_by([10, 0, 9], ["a", "a\x00", "a"])
    assert len(g) == 2
    assert g["a"] == Tally(detractors=0, passives=0, promoters=2)
    assert g["a\x00"] == Tally(detractors=1, passives=0, promoters=0)
