"""Charts of NPS over time: ``plot_control_chart`` and ``plot_rolling`` (with a target line).

matplotlib is needed (``pip install 'npskit[plot]'``) and imported inside the
functions only.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from npskit._monitor.chart_results import ControlChart
from npskit._monitor.rolling_results import Rolling

from .style import INK, LIGHT, NEGATIVE, POSITIVE, TREND_SIZE, axes_for, draw_target, style_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_control_chart", "plot_rolling"]

_TITLES = {
    "shewhart": "Shewhart chart of NPS",
    "laney": "Laney p'-style chart of NPS",
    "ewma": "EWMA of the standardised NPS",
    "cusum": "CUSUM of the standardised NPS",
}


def _column(rows: Any, name: str) -> npt.NDArray[np.float64]:
    return np.array(
        [math.nan if getattr(r, name) is None else getattr(r, name) for r in rows],
        dtype=np.float64,
    )


def plot_control_chart(chart: ControlChart, *, ax: Axes | None = None) -> Axes:
    """A control chart: the statistic per period, the centre, the limits and the signals.

    Parameters
    ----------
    chart : ControlChart
        A :func:`npskit.control_chart` result.
    ax : matplotlib.axes.Axes, optional
        Where to draw; by default a new pyplot figure.

    Returns
    -------
    matplotlib.axes.Axes
        The statistic as a line with markers; the limits as step lines; the
        centre line (the baseline NPS, or 0 for EWMA and CUSUM, which are in
        sigmas); points beyond a limit as vermillion (below) or blue (above)
        diamonds; a shaded baseline phase. The title says whether Anhøj's run
        rules signal a shift.

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    TypeError
        If ``chart`` is not a ControlChart.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import npskit
    >>> data = npskit.load_example()
    >>> chart = npskit.control_chart(data["answer"], data["date"], freq="week", baseline=16)
    >>> ax = npskit.plot_control_chart(chart)
    >>> ax.get_title()
    'Shewhart chart of NPS: 1 signal(s), run rules: no shift'
    >>> plt.close(ax.figure)
    """
    if not isinstance(chart, ControlChart):
        raise TypeError(f"chart must be a npskit.ControlChart, got {type(chart).__name__}")
    rows = chart.rows
    x = np.arange(len(rows), dtype=np.float64)
    statistic, low, high = (_column(rows, n) for n in ("statistic", "lower", "upper"))
    ax = axes_for(ax, width=TREND_SIZE[0], height=TREND_SIZE[1])
    if chart.n_baseline < len(rows):
        ax.axvspan(-0.5, chart.n_baseline - 0.5, color=LIGHT, alpha=0.25, linewidth=0,
                   label="baseline")  # fmt: skip
    centre = chart.centre if chart.chart in ("shewhart", "laney") else 0.0
    ax.axhline(centre, color=INK, linewidth=1.0, label="centre")
    ax.step(x, high, where="mid", color=NEGATIVE, linewidth=1.0, linestyle=":", label="limits")
    ax.step(x, low, where="mid", color=NEGATIVE, linewidth=1.0, linestyle=":")
    ax.plot(x, statistic, color=INK, marker="o", markersize=3.5, linewidth=1.3)
    if chart.chart == "cusum":
        lower = _column(rows, "statistic_lower")
        ax.plot(x, lower, color=INK, marker="o", markersize=3.5, linewidth=1.3, alpha=0.6)
    signal = [r.signal for r in rows]
    for word, color in (("above", POSITIVE), ("below", NEGATIVE)):
        chosen = np.array([s == word for s in signal], dtype=bool)
        if chosen.any():
            values = statistic.copy()
            if chart.chart == "cusum" and word == "below":
                values = _column(rows, "statistic_lower")
            ax.scatter(x[chosen], values[chosen], marker="D", s=40, color=color, zorder=3,
                       label=f"{word} the limits")  # fmt: skip
    style_axes(ax)
    labels = [str(r.to_dict()["period"]) for r in rows]
    step = max(1, math.ceil(len(rows) / 12))
    ax.set_xticks(x, [label if i % step == 0 else "" for i, label in enumerate(labels)])
    for tick in ax.get_xticklabels():
        tick.set_rotation(45)
        tick.set_horizontalalignment("right")
        tick.set_rotation_mode("anchor")
    ax.set_ylabel("NPS (points)" if chart.chart in ("shewhart", "laney") else "sigmas")
    runs = "shift" if chart.runs.signal else "no shift"
    ax.set_title(f"{_TITLES[chart.chart]}: {chart.n_signals} signal(s), run rules: {runs}",
                 fontsize=11)  # fmt: skip
    ax.legend(loc="best", frameon=False, fontsize=8)
    return ax


def plot_rolling(rolling: Rolling, *, target: float | None = None, ax: Axes | None = None) -> Axes:
    """Rolling NPS with its interval band, and a target line.

    Parameters
    ----------
    rolling : Rolling
        A :func:`npskit.rolling` result.
    target : float, optional
        Draw a dashed line at this NPS.
    ax : matplotlib.axes.Axes, optional
        Where to draw; by default a new pyplot figure.

    Returns
    -------
    matplotlib.axes.Axes
        NPS per window end as a line, the band between its interval's ends,
        and the target line.

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    TypeError
        If ``rolling`` is not a Rolling table.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import npskit
    >>> data = npskit.load_example()
    >>> ax = npskit.plot_rolling(npskit.rolling(data["answer"], data["date"]), target=25)
    >>> ax.get_title()
    'NPS over the last 30 days, 95% intervals'
    >>> plt.close(ax.figure)
    """
    if not isinstance(rolling, Rolling):
        raise TypeError(f"rolling must be a npskit.Rolling, got {type(rolling).__name__}")
    rows = rolling.rows
    ends = np.array([np.datetime64(r.end, "D") for r in rows], dtype="datetime64[D]")
    nps, low, high = (_column(rows, n) for n in ("nps", "low", "high"))
    ax = axes_for(ax, width=TREND_SIZE[0], height=TREND_SIZE[1])
    level = f"{100 * rolling.confidence_level:g}%"
    ax.fill_between(ends, low, high, color=LIGHT, alpha=0.5, linewidth=0,
                    label=f"{level} interval")  # fmt: skip
    ax.plot(ends, nps, color=INK, linewidth=1.5, label="NPS")
    draw_target(ax, target)
    style_axes(ax)
    ax.grid(axis="y", color="#E6E6E6", linewidth=0.8)
    for tick in ax.get_xticklabels():
        tick.set_rotation(45)
        tick.set_horizontalalignment("right")
    ax.set_xlabel("last day of the window")
    ax.set_ylabel("NPS (points)")
    ax.set_title(f"NPS over the last {rolling.window} days, {level} intervals", fontsize=11)
    ax.legend(loc="best", frameon=False, fontsize=8)
    return ax
