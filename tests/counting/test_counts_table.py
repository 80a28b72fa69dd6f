"""from_counts_table: both layouts, every kind of table, errors naming rows, properties.

Reference values are hand counts (in comments) or plain-Python counting of raw
answers with a dictionary (``_python_counts``), written independently of the
vectorised code under test.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import npskit
from npskit import (
    GroupedTally,
    InvalidScoresError,
    InvalidWeightsError,
    Scale,
    Tally,
    from_counts_table,
    tally_by,
)

LONG = {
    "channel": ["web", "web", "web", "phone", "phone", "phone"],
    "answer": [10, 7, 3, 9, None, 9],
    "count": [50, 30, 20, 12, 4, 8],
}


def _category(answer: int) -> int:
    return 0 if answer <= 6 else (2 if answer >= 9 else 1)


def _python_counts(
    answers: list[int | None], keys: list[Any], weights: list[float] | None = None
) -> dict[Any, list[float]]:
    """Per key: [d, p, q, missing, wd, wp, wq, sd, sp, sq], by a plain loop over answers."""
    out: dict[Any, list[float]] = defaultdict(lambda: [0.0] * 10)
    for i, (answer, key) in enumerate(zip(answers, keys, strict=True)):
        row = out[key]
        if answer is None:
            row[3] += 1
            continue
        k = _category(answer)
        row[k] += 1
        if weights is not None:
            row[4 + k] += weights[i]
            row[7 + k] += weights[i] ** 2
    return out


# -- examples -------------------------------------------------------------------------


def test_long_form_by_hand() -> None:
    # web: 50 x 10 (promoters), 30 x 7 (passives), 20 x 3 (detractors).
    # phone: 12 + 8 answers of 9 (promoters, duplicate rows summed), 4 missing.
    g = from_counts_table(LONG, by="channel", score="answer")
    assert isinstance(g, GroupedTally)
    assert g.keys == (("phone",), ("web",))
    assert g["web"] == Tally(detractors=20, passives=30, promoters=50)
    assert g["phone"] == Tally(detractors=0, passives=0, promoters=20, n_missing=4)
    assert g.total == Tally(detractors=20, passives=30, promoters=70, n_missing=4)


def test_no_keys_gives_a_tally() -> None:
    t = from_counts_table(LONG, score="answer")
    assert t == Tally(detractors=20, passives=30, promoters=70, n_missing=4)


@pytest.mark.parametrize("kind", ["dict", "numpy", "pandas", "polars", "pyarrow"])
def test_every_kind_of_table(kind: str) -> None:
    tables = {
        "dict": LONG,
        "numpy": {
            "channel": np.array(LONG["channel"]),
            "answer": np.array([10, 7, 3, 9, np.nan, 9]),
            "count": np.array(LONG["count"], dtype=np.int32),
        },
        "pandas": pd.DataFrame(LONG),
        "polars": pl.DataFrame(LONG),
        "pyarrow": pa.table(LONG),
    }
    g = from_counts_table(tables[kind], by=["channel"], score="answer")
    assert g == from_counts_table(LONG, by="channel", score="answer")


def test_category_form_with_missing_and_duplicates() -> None:
    table = {
        "region": ["north", "south", "north"],
        "d": [1, 2, 3],
        "p": [0, 5, 1],
        "q": [4, 0, 2],
        "gone": [1, 0, 2],
    }
    g = from_counts_table(table, by="region", categories=["d", "p", "q"], n_missing="gone")
    # north: rows 0 and 2 add up: d 1+3, p 0+1, q 4+2, missing 1+2.
    assert g["north"] == Tally(detractors=4, passives=1, promoters=6, n_missing=3)
    assert g["south"] == Tally(detractors=2, passives=5, promoters=0)


def test_weighted_long_form_by_hand() -> None:
    # Two answers of 10 with weights 1 and 3: sum 4, squares 1 + 9 = 10.
    # One answer of 0 with weight 2: sum 2, square 4. A missing row: weights ignored.
    table = {
        "answer": [10, 0, None],
        "count": [2, 1, 5],
        "w": [4.0, 2.0, float("nan")],
        "w2": [10.0, 4.0, float("nan")],
    }
    t = from_counts_table(table, score="answer", weight_sum="w", weight_sq_sum="w2")
    assert t == Tally(
        detractors=2.0,
        passives=0.0,
        promoters=4.0,
        n_missing=5,
        squared_weights=(4.0, 0.0, 10.0),
        responses=3,
    )
    # Kish: (2 + 4)**2 / (4 + 10) = 36 / 14.
    assert math.isclose(t.effective_n, 36 / 14)


def test_weighted_category_form() -> None:
    table = {
        "k": ["a", "a"],
        "d": [1, 1],
        "p": [0, 0],
        "q": [2, 0],
        "wd": [0.5, 1.5],
        "wp": [0.0, 0.0],
        "wq": [3.0, 0.0],
        "sd": [0.25, 2.25],
        "sp": [0.0, 0.0],
        "sq": [5.0, 0.0],
    }
    g = from_counts_table(
        table,
        by="k",
        categories=["d", "p", "q"],
        weight_sum=["wd", "wp", "wq"],
        weight_sq_sum=["sd", "sp", "sq"],
    )
    assert g["a"] == Tally(
        detractors=2.0,
        passives=0.0,
        promoters=3.0,
        squared_weights=(2.5, 0.0, 5.0),
        responses=4,
    )


def test_other_scale() -> None:
    five = Scale(low=1, high=5, detractor_max=3, promoter_min=5)
    t = from_counts_table({"a": [1, 4, 5, 5], "count": [2, 1, 3, 1]}, score="a", scale=five)
    assert t == Tally(detractors=2, passives=1, promoters=4)


def test_missing_keys_group_last_and_zero_count_groups_kept() -> None:
    table = {"k": [None, "b", "a"], "answer": [10, 3, 10], "count": [1, 0, 2]}
    g = from_counts_table(table, by="k", score="answer")
    assert g.keys == (("a",), ("b",), (None,))
    assert g["b"] == Tally(detractors=0, passives=0, promoters=0)


def test_results_flow_into_every_feature() -> None:
    g = from_counts_table(LONG, by="channel", score="answer")
    assert isinstance(g, GroupedTally)
    b = npskit.breakdown(g)
    # Total: (70 - 20) / 120 = 41.67 points.
    assert math.isclose(b.total.nps, 100 * 50 / 120)
    web, phone = g["web"], g["phone"]
    assert math.isclose(npskit.confidence_interval(web).estimate, 30.0)
    assert math.isclose(npskit.compare(phone, web).difference, 30.0 - 100.0)
    months = from_counts_table(
        {
            "month": ["2026-01", "2026-02", "2026-03"] * 2,
            "d": [5, 4, 3] * 2,
            "p": [1, 1, 1] * 2,
            "q": [4, 5, 6] * 2,
        },
        by="month",
        categories=["d", "p", "q"],
    )
    series = npskit.trend(months)
    # Each month: (2q - 2d) / 20 x 100: -10, +10, +30.
    assert [row.nps for row in series.rows] == pytest.approx([-10.0, 10.0, 30.0])


# -- errors ---------------------------------------------------------------------------


def test_answers_outside_the_scale_name_rows() -> None:
    table = dict(LONG, answer=[10, 7, 11, 9, None, 9.5])
    with pytest.raises(InvalidScoresError, match=r"2 invalid answers \(first at rows 2, 5") as e:
        from_counts_table(table, by="channel", score="answer")
    assert e.value.count == 2
    assert e.value.positions == (2, 5)


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ([1, -1, 2, 3, 4, 5], r"1 negative count \(first at row 1: -1\)"),
        ([1, 1.5, 2, 3, 4, 5], r"1 bad count .*row 1: 1.5"),
        ([1, 2, None, 3, 4, None], r"2 bad counts .*rows 2, 5"),
    ],
)
def test_bad_counts_name_rows(counts: list[Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        from_counts_table(dict(LONG, count=counts), by="channel", score="answer")


def test_missing_keys_raise() -> None:
    table = dict(LONG, channel=["a", None, "b", "a", "b", "a"])
    with pytest.raises(ValueError, match=r"1 missing key \(first at position 1\)"):
        from_counts_table(table, by="channel", score="answer", missing_keys="raise")


def test_inconsistent_weights_name_rows() -> None:
    # 2 answers with a sum of weights of 4 need a sum of squares of at least 16 / 2 = 8.
    table = {"answer": [10, 3], "count": [2, 1], "w": [4.0, 1.0], "w2": [1.0, 1.0]}
    with pytest.raises(InvalidWeightsError, match=r"inconsistent on 1 row \(first at row 0"):
        from_counts_table(table, score="answer", weight_sum="w", weight_sq_sum="w2")
    with pytest.raises(InvalidWeightsError, match=r"1 bad value \(first at row 1: -1.0\)"):
        from_counts_table(
            dict(table, w2=[8.0, -1.0]), score="answer", weight_sum="w", weight_sq_sum="w2"
        )


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({}, ValueError, "exactly one of them"),
        ({"score": "answer", "categories": ["a", "b", "c"]}, ValueError, "exactly one"),
        ({"score": "answer", "n_missing": "m"}, ValueError, "category form"),
        ({"categories": ["a", "b"]}, ValueError, "three columns"),
        ({"categories": ["a", "b", "c"], "count": "count"}, ValueError, "long form"),
        ({"score": "answer", "weight_sum": "count"}, ValueError, "both weight_sum"),
        ({"score": "nope"}, ValueError, "no column 'nope'"),
        ({"score": "answer", "by": 3}, TypeError, "column name"),
        ({"score": "answer", "missing_keys": "drop"}, ValueError, "missing_keys"),
    ],
)
def test_bad_arguments(options: dict[str, Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        from_counts_table(LONG, **options)


def test_bad_table_kind() -> None:
    with pytest.raises(TypeError, match="table must be a mapping"):
        from_counts_table([[1, 2]], score="answer")
    with pytest.raises(TypeError, match="collect the LazyFrame"):
        from_counts_table(pl.LazyFrame(LONG), score="answer")


def test_columns_of_different_length() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        from_counts_table({"answer": [1, 2], "count": [1]}, score="answer")


# -- properties ---------------------------------------------------------------------

answers_st = st.lists(st.one_of(st.none(), st.integers(0, 10)), min_size=0, max_size=60)


@pytest.mark.property
@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_counts_by_every_path_equal_counts_of_raw_answers(data: st.DataObject) -> None:
    answers = data.draw(answers_st)
    keys = data.draw(
        st.lists(
            st.sampled_from(["a", "b", "c", None]), min_size=len(answers), max_size=len(answers)
        )
    )
    expected = _python_counts(answers, keys)
    # Long form built by plain Python: one row per (key, answer) with its count,
    # split in two rows when the count is above 1 (duplicates must add up).
    cells = Counter(zip(keys, answers, strict=True))
    long: dict[str, list[Any]] = {"k": [], "answer": [], "count": []}
    for (key, answer), n in cells.items():
        parts = [n] if n == 1 else [1, n - 1]
        for part in parts:
            long["k"].append(key)
            long["answer"].append(answer)
            long["count"].append(part)
    category: dict[str, list[Any]] = {"k": [], "d": [], "p": [], "q": [], "m": []}
    for key, row in expected.items():
        category["k"].append(key)
        for name, value in zip("dpqm", row[:4], strict=True):
            category[name].append(int(value))
    paths: list[GroupedTally] = [
        tally_by([np.nan if a is None else a for a in answers], keys),
    ]
    if answers:
        paths.append(from_counts_table(long, by="k", score="answer"))  # type: ignore[arg-type]
        paths.append(
            from_counts_table(  # type: ignore[arg-type]
                category, by="k", categories=["d", "p", "q"], n_missing="m"
            )
        )
    for grouped in paths:
        assert {k[0] for k in grouped.keys} == set(expected) if answers else True
        for (key,), part in grouped:
            row = expected[key]
            assert [part.detractors, part.passives, part.promoters, part.n_missing] == row[:4]


@pytest.mark.property
@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_weighted_counts_table_equals_raw_weighted_answers(data: st.DataObject) -> None:
    answers = data.draw(st.lists(st.integers(0, 10), min_size=1, max_size=40))
    n = len(answers)
    keys = data.draw(st.lists(st.sampled_from(["x", "y"]), min_size=n, max_size=n))
    weights = data.draw(st.lists(st.floats(0.1, 5.0), min_size=n, max_size=n))
    expected = _python_counts(list(answers), keys, weights)
    cells: dict[tuple[str, int], list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for key, answer, w in zip(keys, answers, weights, strict=True):
        cell = cells[key, answer]
        cell[0] += 1
        cell[1] += w
        cell[2] += w * w
    table = {
        "k": [k for k, _ in cells],
        "answer": [a for _, a in cells],
        "count": [int(v[0]) for v in cells.values()],
        "w": [v[1] for v in cells.values()],
        "w2": [v[2] for v in cells.values()],
    }
    g = from_counts_table(table, by="k", score="answer", weight_sum="w", weight_sq_sum="w2")
    assert isinstance(g, GroupedTally)
    for (key,), part in g:
        row = expected[key]
        got = [part.detractors, part.passives, part.promoters]
        assert got == pytest.approx(row[4:7], rel=1e-12)
        assert part.squared_weights == pytest.approx(row[7:10], rel=1e-12)
        assert part.n == sum(row[:3])
