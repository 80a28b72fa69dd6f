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


def test_a_stream_of_chunks_counts_as_the_whole_and_names_stream_positions() -> None:
    chunks = [[5, 4, None], [1, 3], [2, 5, 5]]
    weights = [[1.0, 2.0, 1.0], [0.5, 1.0], [1.0, 1.0, 3.0]]
    flat = [answer for chunk in chunks for answer in chunk]
    flat_weights = [weight for chunk in weights for weight in chunk]
    whole = npskit.histogram(flat, metric="csat", weights=flat_weights)
    assert npskit.histogram(iter(chunks), metric="csat", weights=iter(weights)) == whole
    assert npskit.histogram(iter([]), metric="ces").counts == (0,) * 7
    with pytest.raises(npskit.InvalidScoresError) as caught:
        npskit.histogram(iter([[5, 4], [9]]), metric="csat")
    assert caught.value.positions == (2,)  # the third answer of the stream
    with pytest.raises(npskit.InvalidWeightsError, match="different numbers of chunks"):
        npskit.histogram(iter(chunks), metric="csat", weights=iter(weights[:2]))
