"""integer_blocks and integers_on_scale: range checks of integer answers, against known data."""

from __future__ import annotations

import numpy as np
import pytest

import npskit
from npskit import Scale
from npskit._counting.integers import integer_blocks, integers_on_scale, narrower_dtype

STANDARD = Scale()


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16", "int64", "uint64", ">i4"])
def test_valid_blocks_come_back_narrowed_and_whole(dtype: str) -> None:
    values = (np.arange(1_000) % 11).astype(dtype)
    out = np.empty(len(values), dtype=narrower_dtype(values.dtype, STANDARD) or values.dtype)
    blocks = list(integer_blocks(values, STANDARD, 64, out if out.dtype != values.dtype else None))
    assert all(block is not None for block in blocks)
    assert np.concatenate(blocks).tolist() == values.tolist()
    assert {block.dtype.itemsize for block in blocks} == {1}


@pytest.mark.parametrize("dtype", ["int16", "int64", "uint64", "uint8", "int8"])
@pytest.mark.parametrize("bad", [11, -1, 200, 256 + 5, 2**40])
def test_none_comes_for_the_block_with_an_answer_off_the_scale(dtype: str, bad: int) -> None:
    info = np.iinfo(dtype)
    if not info.min <= bad <= info.max:
        pytest.skip(f"{dtype} cannot hold {bad}")
    values = np.zeros(100, dtype=dtype)
    values[45] = bad  # in the third block of 20 answers
    blocks = list(integer_blocks(values, STANDARD, 20 * values.dtype.itemsize))
    # a block to narrow is checked first; a block used as it is, after its use
    used_first = narrower_dtype(values.dtype, STANDARD) is None
    expected = [False, False, False, True] if used_first else [False, False, True]
    assert [block is None for block in blocks] == expected


def test_a_scale_off_zero_checks_both_ends() -> None:
    scale = Scale(low=1, high=7, detractor_max=3, promoter_min=6)
    for bad in (0, 8):
        values = np.array([1, 7, bad, 4], dtype=np.int64)
        assert list(integer_blocks(values, scale, 16))[-1] is None
    assert all(b is not None for b in integer_blocks(np.array([1, 7, 4]), scale, 16))


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int64", "uint64", ">i2"])
def test_integers_on_scale(dtype: str) -> None:
    values = (np.arange(50) % 11).astype(dtype)
    assert integers_on_scale(values, STANDARD)
    assert integers_on_scale(values[:0], STANDARD)
    assert not integers_on_scale(values.astype(np.float64), STANDARD)
    for bad in (11, -1, 2**40):
        info = np.iinfo(dtype)
        if info.min <= bad <= info.max:
            spoiled = values.copy()
            spoiled[-1] = bad
            assert not integers_on_scale(spoiled, STANDARD), bad
    scale = Scale(low=1, high=7, detractor_max=3, promoter_min=6)
    assert integers_on_scale(np.array([1, 7, 4], dtype=dtype), scale)
    assert not integers_on_scale(np.array([1, 0], dtype=dtype), scale)
    assert not integers_on_scale(np.array([8, 1], dtype=dtype), scale)


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int64", ">i4"])
@pytest.mark.parametrize("keys", ["numpy", "polars-cat"])
def test_tally_by_raises_the_error_of_tally_for_integer_answers(dtype: str, keys: str) -> None:
    scores = np.array([3, 10, 12, 0, 99, 7] * 50, dtype=dtype)
    by: object = np.arange(len(scores)) % 3
    if keys == "polars-cat":
        pl = pytest.importorskip("polars")
        by = pl.Series([str(k) for k in np.arange(len(scores)) % 3]).cast(pl.Categorical)
    with pytest.raises(npskit.InvalidScoresError) as from_tally:
        npskit.tally(scores)
    with pytest.raises(npskit.InvalidScoresError) as from_groups:
        npskit.tally_by(scores, by)
    assert str(from_groups.value) == str(from_tally.value)
    assert list(from_groups.value.positions) == [2, 4, 8, 10, 14]
