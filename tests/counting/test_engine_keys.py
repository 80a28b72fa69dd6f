"""Text keys factorised by their own engine: polars physical codes, pyarrow dictionaries."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pytest

import npskit

pl = pytest.importorskip("polars")
pa = pytest.importorskip("pyarrow")

SCORES = [10, 9, 3, None, 7, 10, 0, 8, 6, 9]
KEYS = ["web", "phone", "web", "web", None, "phone", "phone", "chat", "é-mail", "chat"]


def _expected(keys: list[Any], order: list[Any]) -> dict[Any, tuple[int, int, int, int]]:
    """Counts per key, in plain Python (the definition)."""
    tallies: dict[Any, Counter[str]] = {key: Counter() for key in order}
    for score, key in zip(SCORES, keys, strict=True):
        kind = "m" if score is None else "d" if score <= 6 else "p" if score >= 9 else "s"
        tallies[key][kind] += 1
    return {k: (c["d"], c["s"], c["p"], c["m"]) for k, c in tallies.items()}


def _as_dict(grouped: Any) -> dict[Any, tuple[int, int, int, int]]:
    return {
        key[0]: (*map(int, counts), int(missing))
        for key, counts, missing in zip(
            grouped.keys, grouped.counts, grouped.n_missing, strict=True
        )
    }


LEXICAL = ["chat", "phone", "web", "é-mail", None]


@pytest.mark.parametrize(
    "column",
    [
        pl.Series("channel", KEYS),
        pl.Series("channel", KEYS).cast(pl.Categorical),
        pa.array(KEYS),
        pa.array(KEYS, type=pa.large_string()),
        pa.chunked_array([KEYS[:4], KEYS[4:]]),
        pa.array(KEYS).dictionary_encode(),
    ],
    ids=["polars-str", "polars-cat", "arrow-str", "arrow-large", "arrow-chunked", "arrow-dict"],
)
def test_text_keys_are_lexical_with_missing_last(column: Any) -> None:
    grouped = npskit.tally_by(SCORES, column)
    assert [k[0] for k in grouped.keys] == LEXICAL
    assert _as_dict(grouped) == _expected(KEYS, LEXICAL)


def test_polars_categorical_codes_need_not_start_at_zero() -> None:
    # Other categoricals made first take the low physical codes.
    pl.Series(["zz", "yy", "xx", "ww"] * 3).cast(pl.Categorical)
    column = pl.Series(["b", "a", None, "b"]).cast(pl.Categorical)
    grouped = npskit.tally_by([10, 0, 9, 8], column)
    assert grouped.keys == (("a",), ("b",), (None,))
    assert grouped.counts.tolist() == [[1, 0, 0], [0, 1, 1], [0, 0, 1]]


def test_polars_enum_keeps_its_category_order_and_drops_unused_ones() -> None:
    column = pl.Series(KEYS, dtype=pl.Enum(["web", "unused", "phone", "é-mail", "chat"]))
    grouped = npskit.tally_by(SCORES, column)
    order = ["web", "phone", "é-mail", "chat", None]
    assert [k[0] for k in grouped.keys] == order
    assert _as_dict(grouped) == _expected(KEYS, order)


def test_arrow_dictionary_with_unused_and_null_entries() -> None:
    dictionary = pa.array(["web", None, "zz-unused", "chat"])
    indices = pa.array([0, 3, 1, None, 0], type=pa.int32())
    column = pa.DictionaryArray.from_arrays(indices, dictionary)
    grouped = npskit.tally_by([10, 9, 3, 0, 7], column)
    assert grouped.keys == (("chat",), ("web",), (None,))
    assert grouped.counts.tolist() == [[0, 0, 1], [0, 1, 1], [2, 0, 0]]


def test_all_keys_missing() -> None:
    grouped = npskit.tally_by([10, 3], pl.Series([None, None], dtype=pl.String))
    assert grouped.keys == ((None,),)
    with pytest.raises(ValueError, match="2 missing keys"):
        npskit.tally_by([10, 3], pa.array([None, None], type=pa.string()), missing_keys="raise")


def test_large_random_text_keys_match_numpy_str_keys() -> None:
    rng = np.random.default_rng(5)
    labels = np.array([f"agent_{i:03d}" for i in range(300)])
    text = labels[rng.integers(0, 300, 50_000)]
    scores = rng.integers(0, 11, len(text))
    reference = npskit.tally_by(scores, text)
    for column in (pl.Series(text), pl.Series(text).cast(pl.Categorical), pa.array(text)):
        grouped = npskit.tally_by(scores, column)
        assert grouped.keys == reference.keys
        assert np.array_equal(grouped.counts, reference.counts)


def test_polars_text_grouped_by_polars_agrees_with_the_code_path() -> None:
    rng = np.random.default_rng(8)
    labels = np.array(["b", "a", "ç", "c", ""])
    text = labels[rng.integers(0, len(labels), 5_000)].tolist()
    for i in rng.integers(0, len(text), 40).tolist():
        text[i] = None
    scores = rng.integers(1, 8, len(text)).astype(np.float64)
    scores[rng.random(len(text)) < 0.05] = np.nan
    scale = npskit.Scale(low=1, high=7, detractor_max=3, promoter_min=6)
    by_polars = npskit.tally_by(scores, pl.Series(text), scale=scale)
    by_codes = npskit.tally_by(scores, np.array(text, dtype=object), scale=scale)
    assert by_polars.keys == by_codes.keys
    assert np.array_equal(by_polars.counts, by_codes.counts)
    assert np.array_equal(by_polars.n_missing, by_codes.n_missing)
    weighted = npskit.tally_by(scores, pl.Series(text), scale=scale, weights=np.ones(len(text)))
    assert weighted.keys == by_codes.keys
    assert np.allclose(weighted.counts, by_codes.counts)
    with pytest.raises(ValueError, match="40 missing keys"):
        npskit.tally_by(scores, pl.Series(text), scale=scale, missing_keys="raise")


# -- answers validated while narrowed for polars' group-by -----------------------

INTEGER_DTYPES = ["int8", "uint8", "int16", "int32", "int64", "uint64", ">i4", ">u8"]


def _polars_keys(kind: str, keys: list[Any]) -> Any:
    column = pl.Series("channel", keys, dtype=pl.String)
    return column.cast(pl.Categorical) if kind == "cat" else column


def _definition(scores: list[int], keys: list[Any], scale: npskit.Scale) -> dict[Any, list[int]]:
    """Detractors, passives, promoters per key, answer by answer."""
    found: dict[Any, list[int]] = {}
    for score, key in zip(scores, keys, strict=True):
        row = found.setdefault(key, [0, 0, 0])
        row[0 if score <= scale.detractor_max else 2 if score >= scale.promoter_min else 1] += 1
    return found


@pytest.mark.parametrize("kind", ["str", "cat"])
@pytest.mark.parametrize("dtype", INTEGER_DTYPES)
def test_integer_answers_of_every_dtype(kind: str, dtype: str) -> None:
    rng = np.random.default_rng(21)
    scores = rng.integers(0, 11, 3_000)
    keys = [["b", "a", None, "c"][i] for i in rng.integers(0, 4, len(scores)).tolist()]
    grouped = npskit.tally_by(scores.astype(dtype), _polars_keys(kind, keys))
    expected = _definition(scores.tolist(), keys, npskit.Scale())
    assert grouped.keys == (("a",), ("b",), ("c",), (None,))
    assert {k[0]: c for k, c in zip(grouped.keys, grouped.counts.tolist(), strict=True)} == expected
    assert grouped.n_missing.tolist() == [0, 0, 0, 0]


@pytest.mark.parametrize("kind", ["str", "cat"])
def test_integer_answers_on_a_scale_wider_than_int32(kind: str) -> None:
    scale = npskit.Scale(
        low=2**31 - 10, high=2**31 + 10, detractor_max=2**31 - 5, promoter_min=2**31 + 5
    )
    scores = [2**31 - 10, 2**31 + 10, 2**31, 2**31 - 5, 2**31 + 5]
    keys = ["x", "y", "x", "y", "x"]
    grouped = npskit.tally_by(
        np.array(scores, dtype=np.int64), _polars_keys(kind, keys), scale=scale
    )
    assert grouped.counts.tolist() == [[1, 1, 1], [1, 0, 1]]
    with pytest.raises(npskit.InvalidScoresError, match="position 1"):
        npskit.tally_by(
            np.array([2**31, 0], dtype=np.int64), _polars_keys(kind, ["x", "y"]), scale=scale
        )


@pytest.mark.parametrize("kind", ["str", "cat"])
@pytest.mark.parametrize("dtype", ["int8", "uint8", "int64", "uint64", ">i4"])
@pytest.mark.parametrize("position", [0, 700, 2_999])
@pytest.mark.parametrize("bad", [11, -1, 200])
def test_invalid_answers_raise_the_error_of_tally(
    kind: str, dtype: str, position: int, bad: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from npskit._counting import kernel

    monkeypatch.setattr(kernel, "_INT_BLOCK_BYTES", 512)  # many blocks
    info = np.iinfo(dtype)
    if not info.min <= bad <= info.max:
        pytest.skip(f"{dtype} cannot hold {bad}")
    scores = np.random.default_rng(position).integers(0, 11, 3_000)
    scores[[position, (position + 1_500) % 3_000]] = bad
    answers = scores.astype(dtype)
    keys = _polars_keys(kind, ["a", "b", "c"] * 1_000)
    with pytest.raises(npskit.InvalidScoresError) as from_tally:
        npskit.tally(answers)
    with pytest.raises(npskit.InvalidScoresError) as from_groups:
        npskit.tally_by(answers, keys)
    assert str(from_groups.value) == str(from_tally.value)
    assert list(from_groups.value.positions) == np.flatnonzero(scores == bad).tolist()[:5]


def test_invalid_answers_are_named_before_missing_keys() -> None:
    keys = pl.Series(["a", None, "b"]).cast(pl.Categorical)
    with pytest.raises(npskit.InvalidScoresError, match="1 invalid value"):
        npskit.tally_by(np.array([3, 4, 12]), keys, missing_keys="raise")
    with pytest.raises(ValueError, match="1 missing key"):
        npskit.tally_by(np.array([3, 4, 10]), keys, missing_keys="raise")


@pytest.mark.parametrize(
    ("scale", "scores"),
    [
        (npskit.Scale(low=-5, high=5, detractor_max=-1, promoter_min=3), [0, 1, 2, 3, 4, 5, 0, 3]),
        (npskit.Scale(low=100, high=300, detractor_max=150, promoter_min=250), [100, 255] * 4),
    ],
    ids=["below-uint8", "above-uint8"],
)
def test_uint8_answers_on_a_scale_wider_than_uint8(scale: npskit.Scale, scores: list[int]) -> None:
    # polars cannot compare a UInt8 column with -1 or 300: the answers go as categories
    keys = ["a", "b"] * 4
    grouped = npskit.tally_by(
        np.array(scores, dtype=np.uint8), _polars_keys("str", keys), scale=scale
    )
    expected = _definition(scores, keys, scale)
    assert {k[0]: c for k, c in zip(grouped.keys, grouped.counts.tolist(), strict=True)} == expected
