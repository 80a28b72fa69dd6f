"""The input rules: accepted containers, missing answers, and bad input."""

from __future__ import annotations

import datetime
from decimal import Decimal

import numpy as np
import pytest

import npskit
from npskit import InvalidScoresError, MissingAnswersError, ScoreTypeError, Tally

# Hand count for ANSWERS: detractors 0, 3, 6 (3); passives 7, 8 (2); promoters 9, 10, 10 (3).
ANSWERS = [0, 3, 6, 7, 8, 9, 10, 10]
EXPECTED = Tally(detractors=3, passives=2, promoters=3)


@pytest.mark.parametrize(
    "dtype",
    [
        np.int8,
        np.int16,
        np.int32,
        np.int64,
        np.uint8,
        np.uint16,
        np.uint32,
        np.uint64,
        np.float16,
        np.float32,
        np.float64,
    ],
)
def test_every_numeric_dtype(dtype: type) -> None:
    assert npskit.tally(np.array(ANSWERS, dtype=dtype)) == EXPECTED


def test_lists_tuples_and_non_contiguous_arrays() -> None:
    assert npskit.tally(ANSWERS) == EXPECTED
    assert npskit.tally(tuple(ANSWERS)) == EXPECTED
    strided = np.repeat(np.array(ANSWERS), 2)[::2]
    assert npskit.tally(strided) == EXPECTED
    assert npskit.tally([]) == Tally(detractors=0, passives=0, promoters=0)


def test_missing_values_in_python_objects_are_counted() -> None:
    t = npskit.tally([*ANSWERS, None, float("nan"), np.nan, Decimal("NaN")])
    assert t == Tally(detractors=3, passives=2, promoters=3, n_missing=4)
    assert npskit.tally([Decimal(9), 10.0, np.int64(3)]) == Tally(
        detractors=1, passives=0, promoters=2
    )


def test_numeric_text_and_blank_text() -> None:
    t = npskit.tally(np.array(["9", " 10 ", "", "6", "7.0"]))
    assert t == Tally(detractors=1, passives=1, promoters=2, n_missing=1)
    assert npskit.tally(["9", 10, " "]) == Tally(detractors=0, passives=0, promoters=2, n_missing=1)


def test_pandas_inputs() -> None:
    pd = pytest.importorskip("pandas")
    assert npskit.tally(pd.Series(ANSWERS)) == EXPECTED
    nullable = pd.Series([*ANSWERS, None], dtype="Int64")
    assert npskit.tally(nullable) == Tally(detractors=3, passives=2, promoters=3, n_missing=1)
    floats = pd.Series([*ANSWERS, np.nan], dtype="Float64")
    assert npskit.tally(floats).n_missing == 1
    categorical = pd.Series(pd.Categorical([*ANSWERS, None], categories=list(range(11))))
    assert npskit.tally(categorical) == Tally(detractors=3, passives=2, promoters=3, n_missing=1)
    text = pd.Series(["9", None, "3"], dtype="string")
    assert npskit.tally(text) == Tally(detractors=1, passives=0, promoters=1, n_missing=1)
    with pytest.raises(ScoreTypeError, match="boolean"):
        npskit.tally(pd.Series([True, False, None], dtype="boolean"))
    with pytest.raises(TypeError, match="one column"):
        npskit.tally(pd.DataFrame({"a": ANSWERS}))


def test_pandas_errors_report_positions_not_labels() -> None:
    pd = pytest.importorskip("pandas")
    series = pd.Series([9, 11, 3], index=[100, 200, 300])
    with pytest.raises(InvalidScoresError) as info:
        npskit.tally(series)
    assert info.value.positions == (1,)
    assert info.value.values == (11,)


def test_polars_inputs() -> None:
    pl = pytest.importorskip("polars")
    assert npskit.tally(pl.Series(ANSWERS)) == EXPECTED
    with_nulls = pl.Series([*ANSWERS, None], dtype=pl.Int64)
    assert npskit.tally(with_nulls) == Tally(detractors=3, passives=2, promoters=3, n_missing=1)
    floats = pl.Series([*ANSWERS, None, float("nan")], dtype=pl.Float64)
    assert npskit.tally(floats).n_missing == 2
    small = pl.Series([*ANSWERS, None], dtype=pl.UInt8)
    assert npskit.tally(small).n_missing == 1
    text = pl.Series(["9", None, "3"])
    assert npskit.tally(text) == Tally(detractors=1, passives=0, promoters=1, n_missing=1)
    categories = pl.Series(["9", "10", None], dtype=pl.Categorical)
    assert npskit.tally(categories) == Tally(detractors=0, passives=0, promoters=2, n_missing=1)
    with pytest.raises(ScoreTypeError, match="boolean"):
        npskit.tally(pl.Series([True, None]))


def test_pyarrow_inputs() -> None:
    pa = pytest.importorskip("pyarrow")
    assert npskit.tally(pa.array(ANSWERS)) == EXPECTED
    assert npskit.tally(pa.array([*ANSWERS, None])).n_missing == 1
    chunked = pa.chunked_array([ANSWERS[:3], [*ANSWERS[3:], None]])
    assert npskit.tally(chunked) == Tally(detractors=3, passives=2, promoters=3, n_missing=1)
    encoded = pa.array(["9", "3", None]).dictionary_encode()
    assert npskit.tally(encoded) == Tally(detractors=1, passives=0, promoters=1, n_missing=1)
    with pytest.raises(ScoreTypeError, match="boolean"):
        npskit.tally(pa.array([True, None]))


def test_out_of_range_error_says_how_many_where_and_what() -> None:
    answers = [5, 11, 3, 3, -1, 9, 12, 4, 13, 14, 15, 16]
    with pytest.raises(InvalidScoresError) as info:
        npskit.tally(answers)
    error = info.value
    assert isinstance(error, ValueError)
    assert error.count == 7
    assert error.positions == (1, 4, 6, 8, 9)  # the first five
    assert error.values == (11, -1, 12, 13, 14)
    assert "7 invalid values" in str(error)
    assert "7 outside 0..10" in str(error)
    assert "pass scale=npskit.Scale(...)" in str(error)


def test_fractional_and_infinite_answers_are_named() -> None:
    with pytest.raises(InvalidScoresError) as info:
        npskit.tally([7.5, 9, np.inf, 3, -np.inf, 10.25, np.nan])
    message = str(info.value)
    assert info.value.count == 4
    assert "2 not whole numbers" in message
    assert "2 infinite" in message
    assert info.value.positions == (0, 2, 4, 5)


def test_out_of_range_in_unsigned_and_small_integer_dtypes() -> None:
    with pytest.raises(InvalidScoresError, match=r"outside 0\.\.10"):
        npskit.tally(np.array([3, 200], dtype=np.uint8))
    with pytest.raises(InvalidScoresError, match=r"outside 0\.\.10"):
        npskit.tally(np.array([3, -5], dtype=np.int8))


@pytest.mark.parametrize(
    ("answers", "match"),
    [
        ([True, 3], "1 boolean of type bool"),
        (np.array([True, False]), "booleans"),
        ([datetime.date(2026, 1, 1), 3], "non-number of type date"),
        (np.array(["2026-01-01"], dtype="datetime64[D]"), "not a number"),
        (np.array([1 + 2j]), "not a number"),
        ([[1, 2], [3, 4]], "one-dimensional"),
    ],
)
def test_non_numbers_raise_type_errors(answers: object, match: str) -> None:
    with pytest.raises((ScoreTypeError, ValueError), match=match):
        npskit.tally(answers)


def test_non_numeric_text_raises_with_positions() -> None:
    with pytest.raises(InvalidScoresError) as info:
        npskit.tally(["9", "ten", "", "n/a", "3"])
    assert info.value.positions == (1, 3)
    assert "2 values that are not numbers" in str(info.value)
    assert "'ten', 'n/a'" in str(info.value)


def test_scalar_input_raises() -> None:
    with pytest.raises(TypeError, match="single int"):
        npskit.tally(7)
    with pytest.raises(TypeError, match="single str"):
        npskit.tally("9")


def test_nan_policy_raise_and_unknown_policy() -> None:
    with pytest.raises(MissingAnswersError) as info:
        npskit.tally([9, None, 3, np.nan], nan_policy="raise")
    assert info.value.count == 2
    assert info.value.positions == (1, 3)
    with pytest.raises(ValueError, match="nan_policy must be one of 'omit', 'raise'"):
        npskit.tally(ANSWERS, nan_policy="propagate")  # type: ignore[arg-type]


def test_scale_must_be_a_scale() -> None:
    with pytest.raises(TypeError, match=r"npskit\.Scale"):
        npskit.tally(ANSWERS, scale=(0, 10))  # type: ignore[arg-type]


def test_numpy_scalars_in_a_list_are_answers_not_chunks() -> None:
    assert npskit.tally([np.int64(9), np.float32(3), 10]) == Tally(
        detractors=1, passives=0, promoters=2
    )
