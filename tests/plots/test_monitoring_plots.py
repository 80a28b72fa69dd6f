"""Control chart, rolling and funnel plots: what each draws, checked against the results."""

from __future__ import annotations

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")  # the tests choose the backend; the library never does

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import npskit  # noqa: E402
from npskit import Tally  # noqa: E402


def _weeks() -> dict[str, Tally]:
    weeks = {f"W{i:02d}": Tally(detractors=20, passives=30, promoters=50) for i in range(1, 9)}
    weeks["W09"] = Tally(detractors=45, passives=25, promoters=30)
    return weeks


def test_control_chart_draws_limits_and_the_signal() -> None:
    chart = npskit.control_chart(_weeks(), baseline=8)
    ax = Figure().add_subplot()
    npskit.plot_control_chart(chart, ax=ax)
    statistic = next(line for line in ax.get_lines() if line.get_marker() == "o")
    assert np.allclose(statistic.get_ydata(), [row.nps for row in chart])
    (signals,) = ax.collections[-1:]
    assert np.allclose(signals.get_offsets(), [[8, chart.rows[8].nps]])
    assert "1 signal(s)" in ax.get_title()
    with pytest.raises(TypeError):
        npskit.plot_control_chart(_weeks(), ax=ax)  # type: ignore[arg-type]


def test_cusum_draws_both_sums() -> None:
    chart = npskit.control_chart(_weeks(), chart="cusum", baseline=8)
    ax = Figure().add_subplot()
    npskit.plot_control_chart(chart, ax=ax)
    assert len([line for line in ax.get_lines() if line.get_marker() == "o"]) == 2
    assert ax.get_ylabel() == "sigmas"


def test_rolling_draws_the_target() -> None:
    data = npskit.load_example()
    table = npskit.rolling(data["answer"], data["date"], window=30)
    ax = npskit.plot_rolling(table, target=30.0)
    target = [line for line in ax.get_lines() if line.get_label() == "target +30"]
    assert len(target) == 1
    assert np.allclose(target[0].get_ydata(), 30.0)
    plt.close(ax.figure)


def test_trend_draws_the_target() -> None:
    data = npskit.load_example()
    ax = Figure().add_subplot()
    npskit.plot_trend(npskit.trend(data["answer"], data["date"], freq="month"), target=60.0, ax=ax)
    assert any(line.get_label() == "target +60" for line in ax.get_lines())
    assert ax.get_ylim()[1] >= 60.0  # the target is in view


def test_funnel_points_and_limits() -> None:
    data = npskit.load_example()
    funnel = npskit.funnel(data["answer"], data["agent"])
    ax = Figure().add_subplot()
    npskit.plot_funnel(funnel, ax=ax)
    points = ax.collections[0].get_offsets()
    assert len(points) == len(funnel)
    assert ax.get_xscale() == "log"
    curves = [line for line in ax.get_lines() if line.get_label() == "99.8% limits"]
    n, high = curves[0].get_xdata(), curves[0].get_ydata()
    assert np.allclose(high, funnel.limits(n, 0.998)[1])
