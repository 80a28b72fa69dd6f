"""Scale and Category: cut points, validation, classification."""

from __future__ import annotations

import numpy as np
import pytest

import npskit
from npskit import STANDARD_SCALE, Category, Scale


def test_standard_scale_is_reichheld_0_to_10() -> None:
    # Reichheld (2003): 0-6 detractors, 7-8 passives, 9-10 promoters.
    assert Scale(low=0, high=10, detractor_max=6, promoter_min=9) == STANDARD_SCALE
    assert STANDARD_SCALE.categories().tolist() == [-1] * 7 + [0, 0] + [1, 1]
    assert STANDARD_SCALE.n_points == 11
    assert STANDARD_SCALE.describe() == ("0-10 scale: detractors 0-6, passives 7-8, promoters 9-10")


def test_category_codes() -> None:
    assert [int(c) for c in Category] == [-1, 0, 1]
    assert Category.PROMOTER - Category.DETRACTOR == 2


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (0, Category.DETRACTOR),
        (6, Category.DETRACTOR),
        (7, Category.PASSIVE),
        (8, Category.PASSIVE),
        (9, Category.PROMOTER),
        (10, Category.PROMOTER),
    ],
)
def test_category_of_standard_answers(answer: int, expected: Category) -> None:
    assert STANDARD_SCALE.category_of(answer) is expected


def test_category_of_rejects_off_scale_answer() -> None:
    with pytest.raises(ValueError, match=r"answer 11 is outside 0\.\.10"):
        STANDARD_SCALE.category_of(11)


def test_five_point_scale_without_passives() -> None:
    scale = Scale(low=1, high=5, detractor_max=3, promoter_min=4)
    assert scale.categories().tolist() == [-1, -1, -1, 1, 1]
    assert "passives none" in scale.describe()
    one_passive = Scale(low=1, high=5, detractor_max=3, promoter_min=5)
    assert "passives 4," in one_passive.describe()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"low": 5, "high": 5},
        {"low": 0, "high": 10, "detractor_max": 9, "promoter_min": 9},
        {"low": 0, "high": 10, "detractor_max": -1},
        {"low": 0, "high": 10, "promoter_min": 11},
        {"low": 1, "high": 7, "detractor_max": 5, "promoter_min": 3},
    ],
)
def test_unordered_cut_points_raise(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="must satisfy"):
        Scale(**kwargs)


@pytest.mark.parametrize("bad", [6.5, "6", True, None])
def test_non_integer_cut_points_raise_type_error(bad: object) -> None:
    with pytest.raises(TypeError, match="detractor_max must be an integer"):
        Scale(detractor_max=bad)  # type: ignore[arg-type]


def test_numpy_integer_cut_points_are_accepted_and_stored_as_int() -> None:
    scale = Scale(low=np.int64(1), high=np.int16(7), detractor_max=4, promoter_min=6)
    assert type(scale.high) is int
    assert scale.to_dict() == {"low": 1, "high": 7, "detractor_max": 4, "promoter_min": 6}


def test_scale_is_frozen() -> None:
    with pytest.raises(AttributeError):
        STANDARD_SCALE.low = 1  # type: ignore[misc]


def test_other_scale_changes_classification() -> None:
    seven = Scale(low=1, high=7, detractor_max=4, promoter_min=7)
    # 1-4 detractors (3), 5-6 passives (2), 7 promoters (2): NPS = (2 - 3) / 7.
    answers = [1, 2, 4, 5, 6, 7, 7]
    assert npskit.nps(answers, scale=seven) == pytest.approx(100 * (2 - 3) / 7)
    with pytest.raises(npskit.InvalidScoresError, match=r"outside 1\.\.7"):
        npskit.nps([0, 7], scale=seven)
