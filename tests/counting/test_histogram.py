"""``npskit.histogram``'s errors name the metric's scale (issue 17)."""

from __future__ import annotations

import pytest

import npskit


@pytest.mark.parametrize(
    ("metric", "hint"),
    [("csat", "metric=npskit.Metric.top_box("), ("ces", "metric=npskit.Metric.mean(")],
)
def test_an_answer_off_the_metric_scale_points_to_the_metric(metric: str, hint: str) -> None:
    with pytest.raises(npskit.InvalidScoresError) as caught:
        npskit.histogram([3, 9, 2], metric=metric)
    assert hint in str(caught.value)
    assert "Scale(" not in str(caught.value)
    assert (caught.value.count, caught.value.positions, caught.value.values) == (1, (1,), (9,))
