"""plot_drivers and plot_topics: what they draw, and what they refuse."""

from __future__ import annotations

import numpy as np
import pytest

import npskit

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")


@pytest.fixture(scope="module")
def analysis() -> npskit.DriverAnalysis:
    data = npskit.load_example()
    return npskit.drivers(
        "answer", ["wait_rating", "resolved", "ease_rating"], data=data, n_resamples=30, rng=1
    )


def test_quadrant_points_are_share_and_performance(analysis: npskit.DriverAnalysis) -> None:
    import matplotlib.pyplot as plt

    ax = npskit.plot_drivers(analysis, performance="top_box")
    points = np.vstack([c.get_offsets() for c in ax.collections])
    expected = [(100 * r.importance_share, 100 * r.top_box) for r in analysis]
    np.testing.assert_allclose(points, expected)
    assert [t.get_text() for t in ax.texts] == [r.driver for r in analysis]
    assert ax.get_ylabel() == "top-box share (%)"
    plt.close("all")


def test_quadrant_refuses_a_correlation_matrix_result() -> None:
    result = npskit.drivers_from_correlation(np.eye(3) + 0.2 - 0.2 * np.eye(3), ["y", "a", "b"])
    with pytest.raises(ValueError, match="no performance"):
        npskit.plot_drivers(result)
    with pytest.raises(TypeError, match="DriverAnalysis"):
        npskit.plot_drivers("not a result")  # type: ignore[arg-type]


def test_topic_bars_and_periods() -> None:
    import matplotlib.pyplot as plt

    answers = [9, 3, 10, 7, 0, 8, 10, 2, 6, 9]
    tags = ["a", "b", "", "a", "b", "", "", "b;a", "", ""]
    period = ["p1"] * 5 + ["p2"] * 5
    result = npskit.topic_impact(answers, tags, period=period)
    ax = npskit.plot_topics(result, period="p1")
    widths = sorted(bar.get_width() for bar in ax.patches)
    assert widths == pytest.approx(sorted(row.impact for row in result if row.period == "p1"))
    with pytest.raises(ValueError, match="not in the result"):
        npskit.plot_topics(result, period="p9")
    plt.close("all")
