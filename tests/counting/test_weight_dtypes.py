"""Integer weights of every dtype and library give the numbers float weights give.

Weights were once squared in their own dtype, so uint8 weights of 200 wrapped
(ten answers gave an effective n of 6250) and int32 weights of 50,000 gave a
negative sum of squares. The reference is the same weights as Python floats.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import npskit
from npskit import InvalidWeightsError

INTEGER_DTYPES = [np.uint8, np.int8, np.uint16, np.int16, np.uint32, np.int32, np.uint64, np.int64]


def _reference(answers: list[int], weights: list[int]) -> npskit.Tally:
    return npskit.tally(answers, weights=[float(w) for w in weights])


def _assert_same(got: npskit.Tally, want: npskit.Tally) -> None:
    assert got.responses == want.responses
    for name in ("detractors", "passives", "promoters"):
        assert getattr(got, name) == pytest.approx(getattr(want, name), rel=1e-12)
    assert got.squared_weights == pytest.approx(want.squared_weights, rel=1e-12)
    assert got.effective_n == pytest.approx(want.effective_n, rel=1e-12)


def test_uint8_weights_of_200_give_effective_n_10() -> None:
    t = npskit.tally(list(range(10)), weights=np.full(10, 200, dtype=np.uint8))
    assert t.effective_n == pytest.approx(10.0)
    assert t.weight_sum == 2000.0


def test_int32_weights_of_50000_are_valid() -> None:
    t = npskit.tally([1, 9], weights=np.array([50_000, 50_000], dtype=np.int32))
    assert t.squared_weights == (2.5e9, 0.0, 2.5e9)


def test_int64_weights_above_two_to_the_31_point_5() -> None:
    w = 4_000_000_000  # its square, 1.6e19, does not fit in int64
    t = npskit.tally([1, 9], weights=np.array([w, w], dtype=np.int64))
    assert t.squared_weights == (1.6e19, 0.0, 1.6e19)
    assert t.effective_n == pytest.approx(2.0)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(INTEGER_DTYPES),
    st.lists(st.tuples(st.integers(0, 10), st.integers(0, 255)), min_size=1, max_size=40),
)
def test_every_integer_dtype_equals_float_weights(
    dtype: type[np.integer], pairs: list[tuple[int, int]]
) -> None:
    info = np.iinfo(dtype)
    answers = [a for a, _ in pairs]
    # Stretch the weights towards the top of the dtype, where squaring wraps.
    weights = [min(int(w) * max(info.max // 256, 1), int(info.max)) for _, w in pairs]
    want = _reference(answers, weights)
    _assert_same(npskit.tally(answers, weights=np.array(weights, dtype=dtype)), want)
    grouped = npskit.tally_by(answers, ["a"] * len(answers), weights=np.array(weights, dtype=dtype))
    _assert_same(grouped.total, want)


@pytest.mark.parametrize("dtype", ["UInt8", "Int16", "Int32", "UInt64"])
def test_pandas_nullable_integer_weights(dtype: str) -> None:
    weights = pd.Series([200, 200, 200], dtype=dtype)
    _assert_same(npskit.tally([0, 7, 10], weights=weights), _reference([0, 7, 10], [200] * 3))


@pytest.mark.parametrize("dtype", [pl.UInt8, pl.Int16, pl.Int32])
def test_polars_integer_weights(dtype: pl.DataType) -> None:
    weights = pl.Series([200, 120, 100], dtype=dtype)
    want = _reference([0, 7, 10], [200, 120, 100])
    _assert_same(npskit.tally([0, 7, 10], weights=weights), want)


@pytest.mark.parametrize("dtype", [pa.uint8(), pa.int16(), pa.int32()])
def test_pyarrow_integer_weights(dtype: pa.DataType) -> None:
    weights = pa.array([100, 120, 100], type=dtype)
    want = _reference([0, 7, 10], [100, 120, 100])
    _assert_same(npskit.tally([0, 7, 10], weights=weights), want)


@pytest.mark.parametrize("weight", [1e200, 1e-170])
def test_weights_whose_squares_leave_float64_are_refused_by_name(weight: float) -> None:
    with pytest.raises(InvalidWeightsError, match="multiply or divide all weights") as caught:
        npskit.tally([1, 9], weights=[weight, weight])
    assert "squared_weights" not in str(caught.value)
