"""histogram_frame: counts per answer point per group inside each engine (issue 17).

The reference is histogram_by on the same Python lists (itself checked against
plain-Python counts in tests/counting/test_histogram_by.py), and a hand count.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from npskit import Histogram, InvalidScoresError, histogram_by, histogram_frame

pytestmark = [
    pytest.mark.engines,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
    pytest.mark.filterwarnings("ignore:Dask support is moving out of Narwhals:FutureWarning"),
]

ROWS: dict[str, list[Any]] = {
    "team": ["a", "a", "b", "b", "a", None, "c", "a"],
    "csat": [5.0, 3.0, 4.0, None, 5.0, 1.0, None, 2.0],
    "w": [1.0, 2.0, 3.0, 1.0, 0.5, 1.0, 2.0, 4.0],
}
TYPES = {"team": "str", "csat": "float", "w": "float"}


def _answers() -> list[float]:
    return [math.nan if v is None else v for v in ROWS["csat"]]


def test_counts_by_hand_and_equal_to_histogram_by(engine: Any) -> None:
    g = histogram_frame(engine.make(ROWS, TYPES), score="csat", by="team", metric="csat")
    assert g.keys == (("a",), ("b",), ("c",), (None,))
    # a: 5, 3, 5, 2
    assert g["a"] == Histogram(counts=(0, 1, 1, 0, 2), low=1)
    assert g["c"] == Histogram(counts=(0, 0, 0, 0, 0), low=1, n_missing=1)
    data = {"csat": _answers(), "team": ROWS["team"]}
    assert g == histogram_by("csat", "team", data=data, metric="csat")


def test_weighted_sums(engine: Any) -> None:
    g = histogram_frame(
        engine.make(ROWS, TYPES), score="csat", by="team", metric="csat", weights="w"
    )
    expected = histogram_by(_answers(), ROWS["team"], metric="csat", weights=ROWS["w"])
    np.testing.assert_allclose(g.counts, expected.counts)
    np.testing.assert_allclose(g.squared_weights, expected.squared_weights)  # type: ignore[arg-type]
    assert g.responses.tolist() == expected.responses.tolist()


def test_invalid_answers_raise(polars_engine: Any) -> None:
    frame = polars_engine.make({"x": [1.0, 9.0]}, {"x": "float"})
    with pytest.raises(InvalidScoresError, match=r"outside 1\.\.7"):
        histogram_frame(frame, score="x", metric="ces")
