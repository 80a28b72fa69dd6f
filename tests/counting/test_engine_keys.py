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
