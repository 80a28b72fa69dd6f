"""scorecard: several metrics of the same answers side by side (issue 17).

Each row must equal confidence_interval of its own column with that metric;
the estimates are checked against plain-Python arithmetic.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import npskit
from npskit import scorecard

DATA = {
    "nps": [10, 9, 3, None, 7, 8, 10, 0],
    "csat": [5, 4, 2, 5, None, 3, 4, 1],
    "ces": [7, 6, 2, 5, 4, None, 7, 1],
}


def test_rows_match_plain_python_and_confidence_interval() -> None:
    card = scorecard(DATA)
    assert [row.metric for row in card] == ["nps", "csat", "ces"]
    nps = [v for v in DATA["nps"] if v is not None]
    assert card["nps"].estimate == pytest.approx(
        100 * (sum(v >= 9 for v in nps) - sum(v <= 6 for v in nps)) / len(nps)
    )
    csat = [v for v in DATA["csat"] if v is not None]
    assert card["csat"].estimate == pytest.approx(100 * sum(v >= 4 for v in csat) / len(csat))
    ces = [v for v in DATA["ces"] if v is not None]
    assert card["ces"].estimate == pytest.approx(sum(ces) / len(ces))
    for row in card:
        ci = npskit.confidence_interval(DATA[row.metric], metric=row.metric)  # type: ignore[call-overload]
        assert (row.low, row.high, row.interval_method) == (ci.low, ci.high, ci.interval_method)
        assert row.range_low <= row.low <= row.estimate <= row.high <= row.range_high
        assert row.n_missing == 1
    json.dumps(card.to_dict(), allow_nan=False)
    assert "CSAT" in str(card)


def test_columns_weights_and_errors() -> None:
    weights = np.linspace(0.5, 2.0, 8)
    card = scorecard(DATA, metrics=["csat", "ces-easy"], columns=["csat", "ces"], weights=weights)
    present = np.array([v is not None for v in DATA["csat"]])
    hits = np.array([v is not None and v >= 4 for v in DATA["csat"]])
    assert card["csat"].estimate == pytest.approx(
        100 * weights[hits].sum() / weights[present].sum()
    )
    assert card.weighted
    with pytest.raises(ValueError, match="distinct"):
        scorecard(DATA, metrics=["csat", "csat"])
    with pytest.raises(ValueError, match="missing"):
        scorecard(DATA, metrics=["csat"], columns={"ces": "ces"})
    with pytest.raises(ValueError, match="one column per metric"):
        scorecard(DATA, metrics=["csat"], columns=["csat", "ces"])
    with pytest.raises(npskit.InvalidScoresError):
        scorecard(DATA, metrics=["csat"], columns=["ces"])
