"""tally_frame on every engine: counts equal the counts of the raw answers.

Reference values are plain-Python counting of the same rows (``_python_counts``)
and, independently, :func:`npskit.tally_by` over the same lists (a numpy
``bincount`` path that shares no code with the engine's group-by). Hand counts
are in comments.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from npskit import (
    GroupedTally,
    InvalidScoresError,
    InvalidWeightsError,
    MissingAnswersError,
    Scale,
    ScoreTypeError,
    Tally,
    tally_by,
    tally_frame,
)

pytestmark = [
    pytest.mark.engines,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
    pytest.mark.filterwarnings("ignore:Dask support is moving out of Narwhals:FutureWarning"),
]

ROWS: dict[str, list[Any]] = {
    "channel": ["web", "web", "phone", "phone", "web", None, "chat", "web"],
    "answer": [10.0, 3.0, 9.0, None, 7.0, 8.0, None, 0.0],
    "w": [1.0, 2.0, 3.0, None, 0.5, 1.0, 2.0, 4.0],
}
TYPES = {"channel": "str", "answer": "float", "w": "float", "region": "str", "a": "int"}


def _python_counts(
    answers: list[float | None], keys: list[Any], weights: list[float | None] | None = None
) -> dict[Any, list[float]]:
    """Per key: [d, p, q, missing, wd, wp, wq, sd, sp, sq], by a loop over rows."""
    out: dict[Any, list[float]] = defaultdict(lambda: [0.0] * 10)
    for i, (answer, key) in enumerate(zip(answers, keys, strict=True)):
        row = out[key]
        if answer is None:
            row[3] += 1
            continue
        k = 0 if answer <= 6 else (2 if answer >= 9 else 1)
        row[k] += 1
        if weights is not None:
            w = weights[i]
            assert w is not None
            row[4 + k] += w
            row[7 + k] += w * w
    return out


def test_counts_by_hand(engine: Any) -> None:
    g = tally_frame(engine.make(ROWS, TYPES), score="answer", by="channel")
    assert isinstance(g, GroupedTally)
    # Sorted keys, missing key last: chat, phone, web, None.
    assert g.keys == (("chat",), ("phone",), ("web",), (None,))
    # web: 10 (promoter), 3 and 0 (detractors), 7 (passive).
    assert g["web"] == Tally(detractors=2, passives=1, promoters=1)
    assert g["phone"] == Tally(detractors=0, passives=0, promoters=1, n_missing=1)
    assert g["chat"] == Tally(detractors=0, passives=0, promoters=0, n_missing=1)
    assert g[None] == Tally(detractors=0, passives=1, promoters=0)
    answers = [math.nan if a is None else a for a in ROWS["answer"]]
    assert g == tally_by(answers, "channel", data={"channel": ROWS["channel"]})


def test_total_without_keys(engine: Any) -> None:
    t = tally_frame(engine.make(ROWS, TYPES), score="answer")
    assert t == Tally(detractors=2, passives=2, promoters=2, n_missing=2)


def test_weighted(engine: Any) -> None:
    g = tally_frame(engine.make(ROWS, TYPES), score="answer", by="channel", weights="w")
    assert isinstance(g, GroupedTally)
    # web: detractors weigh 2 + 4 = 6 (squares 4 + 16 = 20); passive 0.5; promoter 1.
    web = g["web"]
    assert (web.detractors, web.passives, web.promoters) == (6.0, 0.5, 1.0)
    assert web.squared_weights == (20.0, 0.25, 1.0)
    assert web.n == 4
    # The missing answer of phone has a null weight, which is fine.
    assert g["phone"].n_missing == 1


def test_two_keys_and_integer_answers(engine: Any) -> None:
    rows = {
        "region": ["n", "s", "n", "s", "n"],
        "channel": ["a", "a", "b", "a", "a"],
        "a": [10, 0, 7, None, 9],
    }
    g = tally_frame(engine.make(rows, TYPES), score="a", by=["region", "channel"])
    assert isinstance(g, GroupedTally)
    assert g.names == ("region", "channel")
    assert g.keys == (("n", "a"), ("n", "b"), ("s", "a"))
    assert g["n", "a"] == Tally(detractors=0, passives=0, promoters=2)
    assert g["s", "a"] == Tally(detractors=1, passives=0, promoters=0, n_missing=1)


def test_invalid_answers_are_counted_not_located(engine: Any) -> None:
    rows = {"answer": [10.0, 11.0, 3.5, -1.0, None, float("inf")]}
    with pytest.raises(InvalidScoresError, match="4 invalid answers") as caught:
        tally_frame(engine.make(rows, TYPES), score="answer")
    assert caught.value.count == 4
    assert "does not report their positions" in str(caught.value)


def test_missing_answers_raise_on_request(engine: Any) -> None:
    with pytest.raises(MissingAnswersError, match="2 missing answers"):
        tally_frame(engine.make(ROWS, TYPES), score="answer", nan_policy="raise")


def test_bad_weights(engine: Any) -> None:
    rows = dict(ROWS, w=[1.0, -2.0, None, None, 0.5, 1.0, None, 4.0])
    # Row 1 is negative and row 2 null where the answer is present; rows 3
    # and 6 are null where the answer is missing, which is allowed.
    with pytest.raises(InvalidWeightsError, match="2 weights"):
        tally_frame(engine.make(rows, TYPES), score="answer", weights="w")


def test_missing_keys_raise(engine: Any) -> None:
    with pytest.raises(ValueError, match="1 row with a missing key"):
        tally_frame(engine.make(ROWS, TYPES), score="answer", by="channel", missing_keys="raise")


def test_text_answers_are_rejected(engine: Any) -> None:
    frame = engine.make({"channel": ["a"], "answer": [9.0]}, TYPES)
    with pytest.raises(ScoreTypeError, match="not a number"):
        tally_frame(frame, score="channel")
    with pytest.raises(ValueError, match="not in frame"):
        tally_frame(frame, score="nope")


_CHECKS = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]  # engines are session-wide


@pytest.mark.property
@pytest.mark.parametrize("engine", ["polars-eager", "polars", "duckdb"], indirect=True)
@given(data=st.data())
@settings(max_examples=25, deadline=None, suppress_health_check=_CHECKS)
def test_counts_equal_counts_of_raw_answers(engine: Any, data: st.DataObject) -> None:
    _check_against_raw_answers(engine, data)


@pytest.mark.property
@pytest.mark.parametrize("engine", ["dask", "spark"], indirect=True)
@given(data=st.data())
@settings(max_examples=4, deadline=None, suppress_health_check=_CHECKS)
def test_counts_equal_counts_of_raw_answers_distributed(engine: Any, data: st.DataObject) -> None:
    # Each query costs 0.3-1 s on a local cluster: fewer examples.
    _check_against_raw_answers(engine, data)


@pytest.mark.property
@pytest.mark.parametrize("engine", ["polars", "duckdb"], indirect=True)
@given(data=st.data())
@settings(max_examples=40, deadline=None, suppress_health_check=_CHECKS)
def test_integer_answers_on_every_scale(engine: Any, data: st.DataObject) -> None:
    # Integer columns take their own query on DuckDB (categories as differences
    # of one-sided counts): answers below, on and above each preset scale.
    scale = Scale.preset(data.draw(st.sampled_from(["0-10", "1-10", "1-7", "1-5", "1-3"])))
    n = data.draw(st.integers(1, 30))
    answer = st.one_of(st.none(), st.integers(scale.low - 3, scale.high + 3))
    answers = data.draw(st.lists(answer, min_size=n, max_size=n))
    keys = data.draw(st.lists(st.sampled_from(["a", "b"]), min_size=n, max_size=n))
    frame = engine.make({"channel": keys, "a": answers}, TYPES)
    invalid = sum(a is not None and not scale.low <= a <= scale.high for a in answers)
    if invalid:
        with pytest.raises(InvalidScoresError) as caught:
            tally_frame(frame, score="a", by="channel", scale=scale)
        assert caught.value.count == invalid
        return
    counted = tally_frame(frame, score="a", by="channel", scale=scale)
    assert isinstance(counted, GroupedTally)
    for (key,), part in counted:
        mine = [a for a, k in zip(answers, keys, strict=True) if k == key]
        present = [a for a in mine if a is not None]
        assert part.detractors == sum(a <= scale.detractor_max for a in present)
        assert part.promoters == sum(a >= scale.promoter_min for a in present)
        assert part.passives == len(present) - part.detractors - part.promoters
        assert part.n_missing == len(mine) - len(present)


def _check_against_raw_answers(engine: Any, data: st.DataObject) -> None:
    n = data.draw(st.integers(1, 40))
    answers = data.draw(
        st.lists(st.one_of(st.none(), st.integers(0, 10).map(float)), min_size=n, max_size=n)
    )
    keys = data.draw(st.lists(st.sampled_from(["a", "b", None]), min_size=n, max_size=n))
    weight = st.one_of(st.just(0.0), st.floats(0.01, 3.0))  # no squares that underflow
    weights = data.draw(st.lists(weight, min_size=n, max_size=n))
    frame = engine.make({"channel": keys, "answer": answers, "w": weights}, TYPES)
    expected = _python_counts(answers, keys, weights)
    counted = tally_frame(frame, score="answer", by="channel")
    weighted = tally_frame(frame, score="answer", by="channel", weights="w")
    assert isinstance(counted, GroupedTally)
    assert isinstance(weighted, GroupedTally)
    assert {k for (k,) in counted.keys} == set(expected)
    for (key,), part in counted:
        assert [part.detractors, part.passives, part.promoters, part.n_missing] == expected[key][:4]
    for (key,), part in weighted:
        row = expected[key]
        assert [part.detractors, part.passives, part.promoters] == pytest.approx(row[4:7])
        assert part.squared_weights == pytest.approx(row[7:10])
        assert part.n == sum(row[:3])


def test_import_npskit_does_not_import_narwhals() -> None:
    import subprocess
    import sys

    code = "import sys, npskit; print(sorted(m for m in sys.modules if m.startswith('narwhals')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
