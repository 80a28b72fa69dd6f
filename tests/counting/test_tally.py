"""tally, nps and classify: values, weights, streams of chunks."""

from __future__ import annotations

import numpy as np
import pytest

import npskit
from npskit import Category, EmptyDataError, InvalidScoresError, InvalidWeightsError, Tally


def test_nps_hand_example() -> None:
    # promoters 10, 9, 9, 10 (4); detractors 6, 3 (2); passives 8, 7 (2); n = 8.
    assert npskit.nps([10, 9, 9, 8, 7, 6, 3, 10]) == 25.0


def test_nps_of_tally_and_empty_data() -> None:
    assert npskit.nps(Tally(detractors=1, passives=0, promoters=3)) == 50.0
    with pytest.raises(EmptyDataError):
        npskit.nps([None, None])
    with pytest.raises(EmptyDataError):
        npskit.nps([])
    with pytest.raises(TypeError, match="weights apply to answers"):
        npskit.nps(Tally(detractors=1, passives=0, promoters=3), weights=[1.0])


def test_nps_bounds_at_the_extremes() -> None:
    assert npskit.nps([9, 10, 10]) == 100.0
    assert npskit.nps([0, 6, 1]) == -100.0
    assert npskit.nps([7, 8]) == 0.0


def test_classify_codes_and_missing() -> None:
    codes = npskit.classify([0, 6, 7, 8, 9, 10])
    assert codes.dtype == np.int8
    assert codes.tolist() == [-1, -1, 0, 0, 1, 1]
    assert codes[4] == Category.PROMOTER
    with pytest.raises(npskit.MissingAnswersError):
        npskit.classify([9, None])
    assert npskit.classify([9, None, 3.0], nan_policy="omit").tolist() == [1, -1]
    with pytest.raises(InvalidScoresError):
        npskit.classify([9, 11])
    five = npskit.Scale(low=1, high=5, detractor_max=2, promoter_min=5)
    assert npskit.classify([1, 3, 5], scale=five).tolist() == [-1, 0, 1]


def test_weighted_tally_hand_values() -> None:
    # promoters with weights 2 and 0.5, a passive with 1, a detractor with 1.5,
    # a missing answer whose weight (99) is dropped with it.
    t = npskit.tally([10, 9, 8, 0, None], weights=[2.0, 0.5, 1.0, 1.5, 99.0])
    assert (t.detractors, t.passives, t.promoters) == (1.5, 1.0, 2.5)
    assert t.squared_weights == (2.25, 1.0, 4.25)
    assert (t.responses, t.n_missing) == (4, 1)
    assert t.nps == pytest.approx(100 * (2.5 - 1.5) / 5)
    assert t.effective_n == pytest.approx(25 / 7.5)


def test_unit_weights_reproduce_counts() -> None:
    rng = np.random.default_rng(1)
    answers = rng.integers(0, 11, 1000).astype(float)
    answers[rng.random(1000) < 0.05] = np.nan
    plain = npskit.tally(answers)
    weighted = npskit.tally(answers, weights=np.ones(1000))
    assert (weighted.detractors, weighted.passives, weighted.promoters) == (
        plain.detractors,
        plain.passives,
        plain.promoters,
    )
    assert weighted.effective_n == pytest.approx(plain.n)
    assert weighted.n_missing == plain.n_missing


def test_weight_errors() -> None:
    with pytest.raises(InvalidWeightsError, match="got 3 answers and 2 weights"):
        npskit.tally([1, 2, 3], weights=[1.0, 1.0])
    with pytest.raises(InvalidWeightsError) as info:
        npskit.tally([1, 2, 3, 4], weights=[1.0, -1.0, np.nan, np.inf])
    assert "3 values that are negative, NaN or infinite" in str(info.value)
    assert "positions 1, 2, 3" in str(info.value)
    # A bad weight on a missing answer is dropped with the answer.
    t = npskit.tally([1, None], weights=[1.0, np.nan])
    assert t.n_missing == 1
    assert t.detractors == 1.0
    with pytest.raises(npskit.ScoreTypeError):
        npskit.tally([1, 2], weights=[True, False])


def test_stream_of_chunks_equals_concatenation() -> None:
    rng = np.random.default_rng(2)
    parts = [rng.integers(0, 11, size) for size in (0, 5, 1000, 1)]
    parts.append(np.array([9.0, np.nan, 3.0]))
    whole = npskit.tally(np.concatenate(parts))
    assert npskit.tally(iter(parts)) == whole
    assert npskit.tally(parts) == whole  # a list of arrays is a stream too
    assert npskit.tally(p for p in parts) == whole
    assert npskit.tally(iter([])) == Tally(detractors=0, passives=0, promoters=0)


def test_stream_errors_report_global_positions() -> None:
    chunks = [np.array([1, 2, 3]), np.array([9.0, np.nan]), np.array([4, 11])]
    with pytest.raises(InvalidScoresError) as info:
        npskit.tally(iter(chunks))
    # positions count over the whole stream: 3 + 2 + 1 = 6
    assert info.value.positions == (6,)
    assert "in chunk 2" in str(info.value)


def test_weighted_stream() -> None:
    chunks = [np.array([10, 0]), np.array([9])]
    weights = [np.array([1.0, 3.0]), np.array([2.0])]
    t = npskit.tally(iter(chunks), weights=iter(weights))
    assert (t.detractors, t.promoters, t.responses) == (3.0, 3.0, 3)
    with pytest.raises(TypeError, match="weights must be one too"):
        npskit.tally(iter(chunks), weights=[1.0, 1.0, 1.0])
    with pytest.raises(InvalidWeightsError, match="different numbers of chunks"):
        npskit.tally(iter(chunks), weights=iter(weights[:1]))
