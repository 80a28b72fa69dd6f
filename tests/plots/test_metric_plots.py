"""Forest and trend plots of CSAT and CES label their axes with the metric (issue 17)."""

from __future__ import annotations

import pytest

import npskit

plt = pytest.importorskip("matplotlib.pyplot")


@pytest.fixture(scope="module")
def data() -> dict[str, object]:
    return npskit.load_example()


def test_forest_of_csat(data: dict[str, object]) -> None:
    result = npskit.breakdown("csat", "channel", data=data, metric="csat")
    ax = npskit.plot_forest(result)
    assert ax.get_xlabel() == "CSAT (percent), 95% intervals"
    assert ax.get_title().endswith(f"total {npskit.CSAT.format(result.total.estimate)}")
    low, high = ax.get_xlim()
    assert 0.0 <= low < min(row.low for row in result)
    assert max(row.high for row in result) < high <= 100.0
    with pytest.raises(ValueError, match="shrunk"):
        npskit.plot_forest(result, estimate="shrunk")
    plt.close(ax.figure)


def test_trend_of_ces(data: dict[str, object]) -> None:
    series = npskit.trend(data["ces"], data["date"], freq="month", metric="ces")
    ax = npskit.plot_trend(series)
    assert ax.get_ylabel() == "CES (scale 1-7)"
    assert ax.get_title() == "CES by month, 95% intervals"
    low, high = ax.get_ylim()
    assert low >= 1.0
    assert high <= 7.0
    plt.close(ax.figure)


def test_nps_labels_are_unchanged(data: dict[str, object]) -> None:
    ax = npskit.plot_forest(npskit.breakdown("answer", "channel", data=data))
    assert ax.get_xlabel() == "NPS (points), 95% intervals"
    plt.close(ax.figure)
