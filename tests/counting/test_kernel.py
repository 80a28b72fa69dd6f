"""The counting kernel at block boundaries, against a plain-Python count.

The kernel walks the answers in blocks and takes a fast path that only proves
the data valid, handing anything else to the checked kernel that raises. Bugs
in such code hide at block edges (a bad value in the last, short block; a NaN
as the first answer of a block; a buffer sliced for the tail and reused), so
every test here compares with an independent count written in plain Python:
one loop over ``values.tolist()`` applying the NPS rules answer by answer.

Most tests shrink the block lengths (monkeypatched module constants) so that
many blocks fit in a small array; a few run at the real lengths.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import npskit
from npskit import InvalidScoresError, MissingAnswersError, Scale, Tally
from npskit._counting import flags as _flags
from npskit._counting import kernel as _count
from npskit._counting.inputs import as_numeric

STANDARD = Scale()
INT_DTYPES = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
FLOAT_DTYPES = ["float32", "float64"]
SMALL = 64  # block length (answers) used with the shrunk kernels


# -- the independent count -------------------------------------------------


def python_tally(values: np.ndarray[Any, Any], scale: Scale = STANDARD) -> tuple[Tally, list[int]]:
    """Tally by the NPS rules, one answer at a time; also the invalid positions."""
    detractors = passives = promoters = missing = 0
    invalid = []
    for position, value in enumerate(values.tolist()):
        if isinstance(value, float) and math.isnan(value):
            missing += 1
        elif (
            isinstance(value, float) and (math.isinf(value) or value != int(value))
        ) or not scale.low <= value <= scale.high:
            invalid.append(position)
        elif value <= scale.detractor_max:
            detractors += 1
        elif value >= scale.promoter_min:
            promoters += 1
        else:
            passives += 1
    counts = Tally(detractors=detractors, passives=passives, promoters=promoters, n_missing=missing)
    return counts, invalid


def counter_tally(values: np.ndarray[Any, Any], scale: Scale = STANDARD) -> Tally:
    """The same count for large valid arrays: tally distinct values, then classify."""
    by_value = Counter(values.tolist())
    parts = {"detractors": 0, "passives": 0, "promoters": 0, "n_missing": 0}
    for value, count in by_value.items():
        if isinstance(value, float) and math.isnan(value):
            parts["n_missing"] += count
            continue
        assert value == int(value)
        assert scale.low <= value <= scale.high
        if value <= scale.detractor_max:
            parts["detractors"] += count
        elif value >= scale.promoter_min:
            parts["promoters"] += count
        else:
            parts["passives"] += count
    return Tally(**parts)


def block_length(dtype: str) -> int:
    """The fast path's block length for this dtype (in answers)."""
    if np.dtype(dtype).kind == "f":
        return int(_count._FLOAT_BLOCK)
    return int(_count._INT_BLOCK_BYTES // np.dtype(dtype).itemsize)


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shrink every block length of the kernel to SMALL answers."""
    monkeypatch.setattr(_count, "_BLOCK", SMALL)
    monkeypatch.setattr(_count, "_FLOAT_BLOCK", SMALL)
    # integer blocks are set in bytes; 64 answers of 8 bytes, 512 of 1 byte
    monkeypatch.setattr(_count, "_INT_BLOCK_BYTES", 8 * SMALL)
    # and count every flag by rows of words, as long blocks are
    monkeypatch.setattr(_flags, "MIN_ROWS", 0)


def answers(n: int, dtype: str, seed: int, scale: Scale = STANDARD) -> np.ndarray[Any, Any]:
    rng = np.random.default_rng(seed)
    return rng.integers(scale.low, scale.high + 1, n).astype(dtype)


def edge_sizes(block: int) -> list[int]:
    return [0, 1, block - 1, block, block + 1, 3 * block - 1, 3 * block, 3 * block + 1]


# -- valid data --------------------------------------------------------------


@pytest.mark.usefixtures("small_blocks")
@pytest.mark.parametrize("dtype", INT_DTYPES + FLOAT_DTYPES)
def test_counts_at_block_edges(dtype: str) -> None:
    for n in edge_sizes(block_length(dtype)):
        values = answers(n, dtype, seed=n)
        expected, invalid = python_tally(values)
        assert not invalid
        assert npskit.tally(values) == expected, n
        assert fast_path(values) == expected, n


def fast_path(values: np.ndarray[Any, Any], scale: Scale = STANDARD) -> Tally | None:
    """The fast path's own result (None: it handed over to the checked kernel).

    Valid data must not fall back: the answers would still be right, but the
    speed would be gone without any other test noticing.
    """
    counts = _count._fast_counts(values, scale, "omit")
    if counts is None:
        return None
    detractors, promoters, missing = counts
    passives = len(values) - missing - detractors - promoters
    return Tally(detractors=detractors, passives=passives, promoters=promoters, n_missing=missing)


@pytest.mark.usefixtures("small_blocks")
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_missing_answers_at_block_edges(dtype: str) -> None:
    block = block_length(dtype)
    n = 3 * block + 1
    edges = [0, block - 1, block, 2 * block - 1, 2 * block, 3 * block - 1, 3 * block]
    for position in edges:
        values = answers(n, dtype, seed=position)
        values[position] = np.nan
        assert npskit.tally(values) == python_tally(values)[0], position
        assert fast_path(values) == python_tally(values)[0], position
    values = answers(n, dtype, seed=1)
    values[edges] = np.nan
    assert npskit.tally(values).n_missing == len(edges)
    assert npskit.tally(values) == python_tally(values)[0]
    # a whole block missing, and everything missing
    values[block : 2 * block] = np.nan
    assert npskit.tally(values) == python_tally(values)[0]
    values[:] = np.nan
    assert npskit.tally(values) == Tally(detractors=0, passives=0, promoters=0, n_missing=n)


@pytest.mark.usefixtures("small_blocks")
def test_unusual_missing_and_zero_bit_patterns() -> None:
    # A signalling NaN, a NaN with the sign bit set, and -0.0 (a whole number,
    # answer 0) in the second block; np.isnan and the plain count agree on them.
    special = np.array(
        [0x7FF0000000000001, 0xFFF8000000000000, 0x8000000000000000], dtype=np.uint64
    ).view(np.float64)
    values = answers(2 * SMALL, "float64", seed=3)
    values[SMALL : SMALL + 3] = special
    expected, invalid = python_tally(values)
    assert not invalid
    assert npskit.tally(values) == expected
    assert expected.n_missing == 2


@pytest.mark.usefixtures("small_blocks")
@pytest.mark.parametrize(
    "scale",
    [
        Scale(low=1, high=5, detractor_max=3, promoter_min=5),
        Scale(low=-3, high=3, detractor_max=-1, promoter_min=2),
        Scale(low=-128, high=127, detractor_max=0, promoter_min=100),
        Scale(low=100, high=400, detractor_max=150, promoter_min=350),  # int16 path
        Scale(low=-70000, high=70000, detractor_max=0, promoter_min=1),  # int32 path
        # beyond int32 (scales span at most 10**6 + 1 answers): no fast float path
        Scale(low=2**31 - 10, high=2**31 + 10, detractor_max=2**31 - 5, promoter_min=2**31 + 5),
    ],
)
@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16", "int64", "uint64", "float64"])
def test_other_scales(scale: Scale, dtype: str) -> None:
    info = np.iinfo(dtype) if np.dtype(dtype).kind in "iu" else None
    low = scale.low if info is None else max(scale.low, int(info.min))
    high = scale.high if info is None else min(scale.high, int(info.max))
    if low > high:
        pytest.skip(f"{dtype} holds no answer of {scale.describe()}")
    rng = np.random.default_rng(4)
    values = rng.integers(low, high + 1, 3 * SMALL + 5).astype(dtype)
    if info is None:
        values[[0, SMALL, 3 * SMALL + 4]] = np.nan
    expected = python_tally(values, scale)[0]
    assert npskit.tally(values, scale=scale) == expected
    # floats need the scale to fit in int32 for the fast path; integers never do
    assert fast_path(values, scale) == (None if scale.high > 2**31 and info is None else expected)
    if info is not None and (info.min < scale.low or info.max > scale.high):
        values[-1] = info.min if info.min < scale.low else info.max
        assert fast_path(values, scale) is None
        with pytest.raises(InvalidScoresError) as error:
            npskit.tally(values, scale=scale)
        assert error.value.positions == (len(values) - 1,)


def test_strided_byte_swapped_and_read_only_arrays() -> None:
    values = answers(1001, "int64", seed=5)
    expected = python_tally(values)[0]
    swapped = values.astype(">i8")
    assert npskit.tally(swapped) == expected
    floats = values.astype(">f8")
    floats[500] = np.nan
    assert npskit.tally(floats) == python_tally(floats)[0]
    doubled = np.repeat(values, 2)
    assert npskit.tally(doubled[::2]) == expected
    values.flags.writeable = False
    assert npskit.tally(values) == expected


# -- the real block lengths --------------------------------------------------


@pytest.mark.parametrize("dtype", ["uint8", "int16", "int64", "float32", "float64"])
def test_real_block_lengths(dtype: str) -> None:
    block = block_length(dtype)
    for n in (block - 1, block, block + 1):
        values = answers(n, dtype, seed=n)
        if values.dtype.kind == "f":
            values[[0, block - 2, n - 1]] = np.nan
        assert npskit.tally(values) == counter_tally(values), n
    values[-1] = 11  # the only invalid answer, alone in the last block
    with pytest.raises(InvalidScoresError) as error:
        npskit.tally(values)
    assert (error.value.count, error.value.positions, error.value.values) == (1, (block,), (11,))


# -- invalid data --------------------------------------------------------------


@pytest.mark.usefixtures("small_blocks")
@pytest.mark.parametrize("dtype", INT_DTYPES + FLOAT_DTYPES)
def test_invalid_answer_at_block_edges(dtype: str) -> None:
    block = block_length(dtype)
    n = 3 * block + 1
    bad = 11 if np.dtype(dtype).kind == "u" else -1
    for position in (0, block - 1, block, 2 * block, 3 * block - 1, 3 * block):
        values = answers(n, dtype, seed=position)
        values[position] = bad
        with pytest.raises(InvalidScoresError) as error:
            npskit.tally(values)
        assert error.value.count == 1
        assert error.value.positions == (position,)
        assert error.value.values == (bad,)


@pytest.mark.usefixtures("small_blocks")
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize(
    "bad", [0.5, 6.5, 10.5, 127.5, -0.5, 11.0, -1.0, 128.0, -129.0, 300.0, 1e300, -1e300, 1e-30]
)
def test_invalid_floats_in_the_last_block(dtype: str, bad: float) -> None:
    values = answers(2 * SMALL + 3, dtype, seed=6)
    values[SMALL] = np.nan
    with np.errstate(over="ignore"):  # 1e300 overflows float32 to inf, still invalid
        values[-2] = bad
    expected_value = values[-2].item()
    with pytest.raises(InvalidScoresError) as error:
        npskit.tally(values)
    assert error.value.count == 1
    assert error.value.positions == (len(values) - 2,)
    assert error.value.values == (expected_value,)


@pytest.mark.usefixtures("small_blocks")
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_infinities_raise(dtype: str) -> None:
    for bad in (np.inf, -np.inf):
        values = answers(SMALL + 1, dtype, seed=7)
        values[SMALL] = bad
        with pytest.raises(InvalidScoresError, match="1 infinite") as error:
            npskit.tally(values)
        assert error.value.positions == (SMALL,)


@pytest.mark.usefixtures("small_blocks")
@pytest.mark.parametrize("dtype", ["int8", "int64", "uint16", "float32", "float64"])
def test_errors_spread_over_blocks_report_total_and_first_positions(dtype: str) -> None:
    n = 10 * SMALL + 7
    values = answers(n, dtype, seed=8)
    positions = [3, SMALL - 1, 2 * SMALL, 4 * SMALL + 5, 5 * SMALL - 1, 7 * SMALL, n - 1]
    bad_values = [11, 12, 13, 100, 11, 12, 13]
    values[positions] = bad_values
    if values.dtype.kind == "f":
        values[[SMALL, 6 * SMALL]] = np.nan  # missing answers in between change nothing
        values[9 * SMALL] = 2.5
    invalid = python_tally(values)[1]
    with pytest.raises(InvalidScoresError) as error:
        npskit.tally(values)
    assert error.value.count == len(invalid)
    assert list(error.value.positions) == invalid[:5]
    assert list(error.value.values) == [values[p].item() for p in invalid[:5]]
    if values.dtype.kind == "f":
        assert f"{len(invalid) - 1} outside 0..10, 1 not whole numbers" in str(error.value)


@pytest.mark.usefixtures("small_blocks")
def test_nan_policy_raise_at_block_edges() -> None:
    for position in (0, SMALL - 1, SMALL, 3 * SMALL):
        values = answers(3 * SMALL + 1, "float64", seed=position)
        values[position] = np.nan
        with pytest.raises(MissingAnswersError) as error:
            npskit.tally(values, nan_policy="raise")
        assert (error.value.count, error.value.positions) == (1, (position,))
    values = answers(3 * SMALL + 1, "float64", seed=9)
    assert npskit.tally(values, nan_policy="raise") == python_tally(values)[0]


@pytest.mark.usefixtures("small_blocks")
def test_the_first_block_with_a_problem_decides_the_error() -> None:
    # Blocks are checked in order; within a block a fractional answer comes
    # before a missing one under nan_policy="raise", which comes before one
    # out of range. These are the rules of the checked kernel, kept as they were.
    values = answers(4 * SMALL, "float64", seed=10)
    values[SMALL + 1] = np.nan
    values[3 * SMALL] = 12.0
    with pytest.raises(MissingAnswersError):
        npskit.tally(values, nan_policy="raise")
    with pytest.raises(InvalidScoresError) as error:
        npskit.tally(values)  # with omit, the NaN is fine and 12 is the problem
    assert error.value.positions == (3 * SMALL,)
    values[SMALL + 2] = 12.0  # same block as the NaN: out of range comes after it
    with pytest.raises(MissingAnswersError):
        npskit.tally(values, nan_policy="raise")
    values[SMALL + 3] = 0.5  # a fractional answer in that block comes first
    with pytest.raises(InvalidScoresError) as error:
        npskit.tally(values, nan_policy="raise")
    assert error.value.positions == (SMALL + 2, SMALL + 3, 3 * SMALL)


@pytest.mark.usefixtures("small_blocks")
@pytest.mark.parametrize("dtype", [*INT_DTYPES, *FLOAT_DTYPES, ">f8", ">i4"])  # byte-swapped too
def test_fast_path_and_checked_kernel_give_the_same_result(dtype: str) -> None:
    # The fast path must never change an outcome: same tally, or same error
    # type, message and attributes as the checked kernel on its own.
    rng = np.random.default_rng(11)
    specials = [0.5, np.inf, -np.inf, 1e300, np.nan, 11, -1, 127.5, 128, -129, -0.0]
    for trial in range(40):
        n = int(rng.integers(0, 5 * SMALL))
        values = answers(n, dtype, seed=trial)
        for _ in range(int(rng.integers(0, 3)) if n else 0):
            value = specials[int(rng.integers(len(specials)))]
            with np.errstate(all="ignore"):
                cast = np.array(value).astype(dtype)
            if np.array(value) == cast or (np.isnan(value) and np.isnan(cast)):
                values[int(rng.integers(n))] = cast
        for policy in ("omit", "raise"):
            fast = outcome(_count.tally_values, values, policy)
            checked = outcome(_count._tally_checked, values, policy)
            assert fast == checked, (dtype, trial, policy)


def outcome(kernel: Any, values: np.ndarray[Any, Any], policy: str) -> object:
    try:
        return kernel(values, None, STANDARD, policy, offset=7, chunk=None)
    except InvalidScoresError as error:
        return type(error), str(error), error.count, error.positions, repr(error.values)


# -- the weighted path, classify ------------------------------------------------


def check_weighted(values: np.ndarray[Any, Any], weights: np.ndarray[Any, Any]) -> None:
    sums = {"detractors": 0.0, "passives": 0.0, "promoters": 0.0}
    missing = 0
    for value, weight in zip(values.tolist(), weights.tolist(), strict=True):
        if math.isnan(value):
            missing += 1
            continue
        name = "detractors" if value <= 6 else "promoters" if value >= 9 else "passives"
        sums[name] += weight
    t = npskit.tally(values, weights=weights)
    for name, expected in sums.items():
        assert getattr(t, name) == pytest.approx(expected, rel=1e-12)
    assert (t.n_missing, t.responses) == (missing, len(values) - missing)


@pytest.mark.usefixtures("small_blocks")
def test_weighted_tallies_across_blocks() -> None:
    values = answers(3 * SMALL + 1, "float64", seed=12)
    values[[SMALL - 1, SMALL]] = np.nan
    weights = np.random.default_rng(13).random(len(values)) + 0.5
    weights[SMALL] = np.nan  # the weight of a missing answer goes with it
    check_weighted(values, weights)


def test_weighted_tallies_at_the_real_block_length() -> None:
    block = _count._BLOCK  # the checked kernel, which tallies weighted answers
    for n in (block - 1, block, block + 1):
        values = answers(n, "float64", seed=n)
        values[[0, n - 1]] = np.nan
        check_weighted(values, np.random.default_rng(n).random(n))


@pytest.mark.usefixtures("small_blocks")
def test_classify_across_blocks() -> None:
    values = answers(2 * SMALL + 1, "float64", seed=14)
    values[SMALL] = np.nan
    codes = npskit.classify(values, nan_policy="omit")
    expected = [-1 if v <= 6 else 1 if v >= 9 else 0 for v in values.tolist() if v == v]
    assert codes.tolist() == expected


# -- property: any data, any small block length ------------------------------------


@pytest.mark.property
@settings(max_examples=150, deadline=None)
@given(
    values=st.lists(
        st.one_of(
            st.integers(0, 10).map(float),
            st.sampled_from([np.nan, -0.0, 0.5, 11.0, -1.0, np.inf, 1e300]),
        ),
        max_size=60,
    ),
    block=st.integers(1, 9),
    dtype=st.sampled_from(FLOAT_DTYPES),
)
def test_any_float_data_any_block_length(values: list[float], block: int, dtype: str) -> None:
    array = np.array(values, dtype=np.float64)
    with np.errstate(over="ignore"):
        array = array.astype(dtype)
    expected, invalid = python_tally(array)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_count, "_FLOAT_BLOCK", block)
        patch.setattr(_count, "_BLOCK", block)
        if invalid:
            with pytest.raises(InvalidScoresError) as error:
                npskit.tally(array)
            assert error.value.count == len(invalid)
            assert list(error.value.positions) == invalid[:5]
        else:
            assert npskit.tally(array) == expected


@pytest.mark.parametrize("dtype", [*INT_DTYPES, *FLOAT_DTYPES, ">f8", ">i4"])
def test_numpy_arrays_reach_the_kernel_without_a_copy(dtype: str) -> None:
    values = answers(100, dtype, seed=15)
    assert as_numeric(values) is values
    strided = values[::3]
    assert as_numeric(strided) is strided


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int32", "int64", "uint64", "float64"])
@pytest.mark.parametrize("bad", [None, -1, 11, 7.5])
def test_check_values_raises_what_tally_values_raises(dtype: str, bad: float | None) -> None:
    values = np.arange(1000) % 11
    if bad is not None:
        if (bad < 0 and dtype.startswith("u")) or (bad != int(bad) and dtype != "float64"):
            return  # not representable
        values = values.astype(np.float64)
        values[[3, 500]] = bad
    array = values.astype(dtype)
    try:
        _count.tally_values(array, None, Scale(), "omit", offset=0, chunk=None)
    except ValueError as error:
        with pytest.raises(type(error), match=re.escape(str(error))):
            _count.check_values(array, None, Scale(), "omit")
    else:
        _count.check_values(array, None, Scale(), "omit")
