"""The Metric: presets, constructors, validation and the score vectors."""

from __future__ import annotations

import json

import numpy as np
import pytest

import npskit
from npskit import CES, CES_EASY, CSAT, NPS, Histogram, Metric, Scale
from npskit._core.metric import METRICS, as_metric
from npskit.typing import MetricName


def test_presets_are_what_the_issue_defines() -> None:
    assert (CSAT.kind, CSAT.low, CSAT.high, CSAT.box) == ("share", 1, 5, (4, 5))
    assert (CES.kind, CES.low, CES.high) == ("mean", 1, 7)
    assert (CES_EASY.kind, CES_EASY.box) == ("share", (5, 7))
    assert NPS.kind == "net"
    assert NPS.scale == npskit.STANDARD_SCALE
    assert set(METRICS) == set(MetricName.__args__)  # type: ignore[attr-defined]


def test_scores_per_kind() -> None:
    assert NPS.scores().tolist() == [-1.0] * 7 + [0.0, 0.0, 1.0, 1.0]
    assert CSAT.scores().tolist() == [0, 0, 0, 1, 1]
    assert CES.scores().tolist() == [1, 2, 3, 4, 5, 6, 7]
    bottom = Metric.bottom_box(low=1, high=5, cut=2, name="dissat")
    assert bottom.scores().tolist() == [1, 1, 0, 0, 0]


def test_bounds_and_factor() -> None:
    assert NPS.bounds == (-100.0, 100.0)
    assert NPS.factor == 100.0
    assert CSAT.bounds == (0.0, 100.0)
    assert CSAT.factor == 100.0
    assert CES.bounds == (1.0, 7.0)
    assert CES.factor == 1.0


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"name": "x", "kind": "share", "low": 1, "high": 5}, ValueError, "box"),
        ({"name": "x", "kind": "share", "low": 1, "high": 5, "box": (1, 5)}, ValueError, "every"),
        ({"name": "x", "kind": "share", "low": 1, "high": 5, "box": (4, 6)}, ValueError, "box"),
        ({"name": "x", "kind": "mean", "low": 5, "high": 5}, ValueError, "low < high"),
        ({"name": "x", "kind": "mean", "low": 1.5, "high": 5}, TypeError, "low"),
        ({"name": "x", "kind": "ratio", "low": 1, "high": 5}, ValueError, "kind"),
        ({"name": "x", "kind": "mean", "low": 1, "high": 5, "box": (4, 5)}, ValueError, "share"),
        ({"name": "x", "kind": "net", "low": 1, "high": 5}, TypeError, "scale"),
        ({"name": "", "kind": "mean", "low": 1, "high": 5}, TypeError, "name"),
    ],
)
def test_bad_metrics_are_refused(kwargs: dict[str, object], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        Metric(**kwargs)  # type: ignore[arg-type]


def test_round_trip_through_json() -> None:
    five = Metric.nps(Scale(low=1, high=5, detractor_max=3, promoter_min=5), name="nps5")
    for metric in (NPS, CSAT, CES, CES_EASY, five):
        text = json.dumps(metric.to_dict(), allow_nan=False)
        assert Metric.from_dict(json.loads(text)) == metric
        assert metric.describe()


def test_as_metric_names_and_scales() -> None:
    assert as_metric("csat") is CSAT
    five = Scale(low=1, high=5, detractor_max=3, promoter_min=5)
    assert as_metric("nps", five).scale == five
    with pytest.raises(ValueError, match="'nope'"):
        as_metric("nope")
    with pytest.raises(TypeError, match="metric must be"):
        as_metric(3)
    with pytest.raises(ValueError, match="carries its own scale"):
        as_metric("csat", five)


def test_format_rounds_for_display() -> None:
    assert (NPS.format(30.0), CSAT.format(80.0), CES.format(5.123)) == ("+30.0", "80.0%", "5.12")


def test_histogram_score_matches_a_hand_count() -> None:
    h = Histogram(counts=[5, 5, 10, 40, 40], low=1)
    assert h.score(CSAT) == 80.0
    assert h.mean == pytest.approx((5 + 10 + 30 + 160 + 200) / 100)
    with pytest.raises(ValueError, match=r"1\.\.5"):
        h.score(CES)
    np.testing.assert_array_equal(h.values(), [1, 2, 3, 4, 5])
