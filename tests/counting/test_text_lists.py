"""Long Python sequences of text keys handed to polars or pyarrow (npskit._counting.text_lists).

The reference counts are computed here in plain Python from the definition
(detractors 0-6, passives 7-8, promoters 9-10; groups in code point order of
their text, the missing key last); every path (polars group-by, polars codes,
pyarrow dictionary, Python dict) must give them.
"""

from __future__ import annotations

import importlib.util
import math
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import npskit
from npskit._counting import text_lists

pl = pytest.importorskip("polars")
pa = pytest.importorskip("pyarrow")

PATHS = {"polars": ("polars",), "pyarrow": ("pyarrow",), "dict": ()}


def _expected(scores: Sequence[int | None], keys: Sequence[Any]) -> dict[Any, list[int]]:
    """``{key: [detractors, passives, promoters, missing]}``, NaN and None one missing key."""
    tallies: dict[Any, Counter[str]] = {}
    for score, key in zip(scores, keys, strict=True):
        key = None if key is None or (isinstance(key, float) and math.isnan(key)) else key
        kind = "m" if score is None else "d" if score <= 6 else "p" if score >= 9 else "s"
        tallies.setdefault(key, Counter())[kind] += 1
    return {k: [c["d"], c["s"], c["p"], c["m"]] for k, c in tallies.items()}


def _order(keys: Sequence[Any]) -> list[Any]:
    present = {k for k in keys if isinstance(k, str)}
    return sorted(present) + ([None] if len(present) < len(set(keys)) else [])


def _observed(grouped: Any) -> dict[Any, list[int]]:
    return {
        key[0]: [*map(int, counts), int(missing)]
        for key, counts, missing in zip(
            grouped.keys, grouped.counts, grouped.n_missing, strict=True
        )
    }


@pytest.fixture
def engines(request: pytest.FixtureRequest) -> Iterator[str]:
    """Every sequence is long enough for an engine; only the engines of the path exist."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(text_lists, "MIN_ENGINE_KEYS", 1)
        patch.setattr(text_lists, "ENGINES", PATHS[request.param])
        yield request.param


SCORES = [10, 9, 3, None, 7, 10, 0, 8, 6, 9, 5]
KEYS = ["web", "phone", "web", "web", None, "phone", "", "chat", "é-mail", "chat", "\U0001f600"]


@pytest.mark.parametrize("engines", list(PATHS), indirect=True)
@pytest.mark.parametrize("form", ["list", "tuple", "object array"])
@pytest.mark.parametrize("call", ["single", "weighted", "two keys", "histogram"])
def test_every_path_counts_by_the_definition(engines: str, form: str, call: str) -> None:
    keys: Any = {"list": KEYS, "tuple": tuple(KEYS), "object array": np.array(KEYS, object)}[form]
    expected = _expected(SCORES, KEYS)
    order = _order(KEYS)
    if call == "single":
        grouped = npskit.tally_by(SCORES, keys)
    elif call == "weighted":
        grouped = npskit.tally_by(SCORES, keys, weights=[1.0] * len(SCORES))
    elif call == "two keys":
        grouped = npskit.tally_by(SCORES, [keys, [1] * len(SCORES)])
        assert [key[1] for key in grouped.keys] == [1] * len(order)
    else:
        histogram = npskit.histogram_by(SCORES, keys)
        assert [key[0] for key in histogram.keys] == order
        for key, row in zip(histogram.keys, histogram.counts, strict=True):
            answers = [s for s, k in zip(SCORES, KEYS, strict=True) if k == key[0]]
            assert row.tolist() == [answers.count(point) for point in range(11)]
        return
    assert [key[0] for key in grouped.keys] == order
    assert _observed(grouped) == {key: expected[key] for key in order}
    assert all(type(key[0]) is str for key in grouped.keys if key[0] is not None)


@pytest.mark.parametrize("engines", ["polars", "pyarrow"], indirect=True)
def test_the_engine_takes_the_column(engines: str) -> None:
    converted = text_lists.engine_text(KEYS)
    if engines == "polars":
        assert isinstance(converted, pl.Series)
        assert converted.dtype == pl.String
    else:
        assert isinstance(converted, pa.Array)
        assert pa.types.is_string(converted.type)
    assert converted.to_list() == KEYS if engines == "polars" else converted.to_pylist() == KEYS


@pytest.mark.parametrize("engines", ["polars", "pyarrow"], indirect=True)
@pytest.mark.parametrize(
    "odd",
    [float("nan"), 3, 2.5, b"web", True, "\ud800"],
    ids=["nan", "int", "float", "bytes", "bool", "lone-surrogate"],
)
def test_keys_an_engine_refuses_stay_in_python(engines: str, odd: Any) -> None:
    keys = [*KEYS[:-1], odd]
    assert text_lists.engine_text(keys) is None
    grouped = npskit.tally_by(SCORES, keys)
    expected = _expected(SCORES, keys)
    assert _observed(grouped) == expected


@pytest.mark.parametrize("engines", ["polars"], indirect=True)
def test_first_key_a_str_subclass_or_not_text(engines: str) -> None:
    class Label(str):
        pass

    assert text_lists.engine_text([Label("web"), "phone"]) is None
    assert text_lists.engine_text([None, float("nan"), 7, "web"]) is None
    assert text_lists.engine_text([None, float("nan")]) is None
    assert text_lists.engine_text(np.array(["web", "phone"])) is None  # numpy text: hashed
    assert text_lists.engine_text(np.array([["web"]], dtype=object)) is None
    assert text_lists.engine_text({"web": 1}) is None


@pytest.mark.parametrize("engines", ["polars"], indirect=True)
def test_an_engine_that_fails_to_import_is_skipped(engines: str) -> None:
    # Installed (find_spec finds it) but broken: the next engine, else the dict.
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(sys.modules, "polars", None)  # `import polars` raises ImportError
        patch.setattr(importlib.util, "find_spec", lambda name: object())
        patch.setattr(text_lists, "ENGINES", ("polars", "pyarrow"))
        assert isinstance(text_lists.engine_text(KEYS), pa.Array)
        patch.setattr(text_lists, "ENGINES", ("polars",))
        assert text_lists.engine_text(KEYS) is None
        grouped = npskit.tally_by(SCORES, KEYS)
    assert _observed(grouped) == _expected(SCORES, KEYS)


def test_short_sequences_stay_in_python() -> None:
    assert text_lists.engine_text(["web"] * (text_lists.MIN_ENGINE_KEYS - 1)) is None


@pytest.mark.parametrize("engines", list(PATHS), indirect=True)
def test_missing_keys_raise_names_the_same_positions(engines: str) -> None:
    with pytest.raises(ValueError, match=r"missing key") as raised:
        npskit.tally_by(SCORES, KEYS, missing_keys="raise")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(text_lists, "ENGINES", ())
        with pytest.raises(ValueError, match=r"missing key") as reference:
            npskit.tally_by(SCORES, KEYS, missing_keys="raise")
    assert str(raised.value) == str(reference.value)
    assert "4" in str(raised.value)  # the position of the None key


@pytest.mark.parametrize("engines", ["polars", "pyarrow"], indirect=True)
# The fixture only sets constants, the same for every example.
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(0, 10)),
            st.one_of(st.none(), st.sampled_from(["a", "B", "b", "ä", "", "z\U0001f600", "a b"])),
        ),
        min_size=1,
        max_size=60,
    )
)
def test_random_text_keys(engines: str, rows: list[tuple[int | None, str | None]]) -> None:
    scores = [score for score, _ in rows]
    keys = [key for _, key in rows]
    grouped = npskit.tally_by(scores, keys)
    expected = _expected(scores, keys)
    order = _order(keys)
    if all(key is None for key in keys):
        order = [None]
    assert [key[0] for key in grouped.keys] == order
    assert _observed(grouped) == {key: expected[key] for key in order}
