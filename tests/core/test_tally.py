"""Tally: construction, validation, derived quantities, merging, JSON."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import npskit
from npskit import EmptyDataError, Scale, Tally


def test_counts_and_derived_values() -> None:
    t = Tally(detractors=20, passives=30, promoters=50, n_missing=4)
    assert (t.weight_sum, t.n, t.n_missing) == (100, 100, 4)
    assert t.shares == (0.2, 0.3, 0.5)
    assert t.nps == 30.0  # 50% - 20%
    assert t.effective_n == 100.0
    assert not t.is_weighted


def test_counts_are_python_ints_and_do_not_overflow() -> None:
    # 10**12 answers per category (and far beyond int64 in the sum below).
    big = 10**12
    t = Tally(detractors=np.int64(big), passives=big, promoters=3 * big)
    assert all(type(v) is int for v in (t.detractors, t.passives, t.promoters))
    assert t.nps == 40.0  # (3 - 1) / 5
    huge = t
    for _ in range(8):  # 2**8 * 5 * 10**12 > 2**63
        huge = huge + huge
    assert huge.n == 256 * 5 * big
    assert huge.n > np.iinfo(np.int64).max / 10**4
    assert huge.nps == 40.0


def test_fractional_or_negative_counts_raise() -> None:
    with pytest.raises(ValueError, match="detractors must be a whole number"):
        Tally(detractors=2.5, passives=0, promoters=1)
    with pytest.raises(ValueError, match="promoters must be >= 0"):
        Tally(detractors=2, passives=0, promoters=-1)
    with pytest.raises(TypeError, match="passives must be a whole number"):
        Tally(detractors=2, passives="3", promoters=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be a whole number"):
        Tally(detractors=True, passives=0, promoters=1)
    # A float that is a whole number is a count.
    assert Tally(detractors=2.0, passives=0, promoters=1).detractors == 2


def test_empty_tally_is_valid_but_has_no_nps() -> None:
    t = Tally(detractors=0, passives=0, promoters=0, n_missing=3)
    assert t.n == 0
    with pytest.raises(EmptyDataError, match="3 missing answers were left out"):
        _ = t.nps
    with pytest.raises(EmptyDataError):
        _ = t.shares
    assert "NPS undefined" in str(t)


def test_weighted_tally_and_kish_effective_n() -> None:
    # Weights 1, 1, 2 on a promoter, a promoter, a detractor:
    # sums 2 (promoters) and 2 (detractors); squares 2 and 4; n_eff = 4^2 / 6.
    t = Tally(
        detractors=2.0, passives=0.0, promoters=2.0, squared_weights=(4.0, 0.0, 2.0), responses=3
    )
    assert t.is_weighted
    assert t.nps == 0.0
    assert t.effective_n == pytest.approx(16 / 6)
    assert t.n == 3


def test_weighted_tally_needs_consistent_fields() -> None:
    with pytest.raises(ValueError, match="needs responses"):
        Tally(detractors=1.5, passives=0.0, promoters=1.0, squared_weights=(2.25, 0.0, 1.0))
    with pytest.raises(ValueError, match="cannot go with"):
        Tally(
            detractors=1.5,
            passives=0.0,
            promoters=1.0,
            squared_weights=(0.0, 0.0, 1.0),
            responses=2,
        )
    with pytest.raises(ValueError, match="three sums"):
        Tally(
            detractors=1.0,
            passives=0.0,
            promoters=1.0,
            squared_weights=(1.0, 1.0),  # type: ignore[arg-type]
            responses=2,
        )
    with pytest.raises(ValueError, match="finite"):
        Tally(
            detractors=math.inf,
            passives=0.0,
            promoters=1.0,
            squared_weights=(1.0, 0.0, 1.0),
            responses=2,
        )
    with pytest.raises(ValueError, match="does not match"):
        Tally(detractors=1, passives=0, promoters=1, responses=5)


def test_merging_unweighted_with_weighted_treats_counts_as_unit_weights() -> None:
    plain = Tally(detractors=1, passives=2, promoters=3, n_missing=1)
    weighted = Tally(
        detractors=0.5,
        passives=0.0,
        promoters=4.0,
        squared_weights=(0.25, 0.0, 16.0),
        responses=2,
        n_missing=2,
    )
    merged = plain + weighted
    assert merged.is_weighted
    assert (merged.detractors, merged.passives, merged.promoters) == (1.5, 2.0, 7.0)
    assert merged.squared_weights == (1.25, 2.0, 19.0)
    assert (merged.responses, merged.n_missing) == (8, 3)
    assert merged == weighted + plain


def test_add_rejects_other_types() -> None:
    with pytest.raises(TypeError):
        _ = Tally(detractors=1, passives=0, promoters=0) + 1  # type: ignore[operator]


def test_from_histogram_standard_and_other_scale() -> None:
    # answers 0 (x1), 6 (x2), 7 (x3), 9 (x4), 10 (x1)
    t = Tally.from_histogram([1, 0, 0, 0, 0, 0, 2, 3, 0, 4, 1], n_missing=2)
    assert t == Tally(detractors=3, passives=3, promoters=5, n_missing=2)
    five = Scale(low=1, high=5, detractor_max=2, promoter_min=5)
    assert Tally.from_histogram([1, 2, 3, 4, 5], scale=five) == Tally(
        detractors=3, passives=7, promoters=5
    )
    with pytest.raises(ValueError, match="11 counts"):
        Tally.from_histogram([1, 2, 3])
    with pytest.raises(ValueError, match=r"counts\[2\] must be >= 0"):
        Tally.from_histogram([1, 2, -3, 0, 0, 0, 0, 0, 0, 0, 0])


def test_from_histogram_matches_tally_of_answers() -> None:
    rng = np.random.default_rng(7)
    answers = rng.integers(0, 11, size=500)
    histogram = np.bincount(answers, minlength=11)
    assert Tally.from_histogram(histogram) == npskit.tally(answers)


@pytest.mark.parametrize(
    "t",
    [
        Tally(detractors=3, passives=0, promoters=10**15, n_missing=7),
        Tally(
            detractors=0.1,
            passives=0.2,
            promoters=0.3,
            squared_weights=(0.01, 0.04, 0.09),
            responses=3,
            n_missing=1,
        ),
    ],
)
def test_json_round_trip(t: Tally) -> None:
    text = json.dumps(t.to_dict())
    assert Tally.from_dict(json.loads(text)) == t


def test_from_dict_rejects_unknown_and_missing_keys() -> None:
    with pytest.raises(ValueError, match="unknown keys"):
        Tally.from_dict({"detractors": 1, "passives": 1, "promoters": 1, "nps": 0})
    with pytest.raises(ValueError, match="needs the keys"):
        Tally.from_dict({"detractors": 1, "passives": 1})


def test_repr_and_str() -> None:
    t = Tally(detractors=1, passives=1, promoters=2, n_missing=1)
    assert repr(t) == "Tally(detractors=1, passives=1, promoters=2, n_missing=1)"
    text = str(t)
    assert text.splitlines()[0] == "NPS +25.0 from 4 answers; 1 missing left out"
    assert "promoters" in text
    assert "50.0%" in text
    assert "rounded" in text


def test_tally_is_immutable_and_hashable() -> None:
    t = Tally(detractors=1, passives=1, promoters=2)
    with pytest.raises(AttributeError):
        t.detractors = 5  # type: ignore[misc]
    assert hash(t) == hash(Tally(detractors=1, passives=1, promoters=2))
