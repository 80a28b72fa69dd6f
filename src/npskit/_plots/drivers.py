"""Charts of why NPS is what it is: ``plot_drivers`` (importance x performance), ``plot_topics``.

matplotlib is needed (``pip install 'npskit[plot]'``) and imported inside the
functions only (through :func:`npskit._plots.style.axes_for`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from npskit._core.validation import check_choice
from npskit._drivers.results import DriverAnalysis
from npskit._drivers.topic_results import TopicImpact

from .style import INK, LIGHT, NEGATIVE, POSITIVE, axes_for, forest_height, style_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["DRIVERS_SIZE", "Performance", "plot_drivers", "plot_topics"]

DRIVERS_SIZE = (6.4, 4.8)
Performance = Literal["mean", "top_box"]
"""What :func:`plot_drivers` puts on the vertical axis."""


def plot_drivers(
    analysis: DriverAnalysis, *, performance: Performance = "mean", ax: Axes | None = None
) -> Axes:
    """Importance x performance quadrant chart of a driver analysis.

    Each driver is a point at (share of importance, current performance),
    with a horizontal bar for the bootstrap interval of its share. Dashed
    lines at the median importance and median performance cut the chart
    into quadrants; the bottom right (important, performing poorly) is where
    to act first.

    Parameters
    ----------
    analysis : DriverAnalysis
        From :func:`npskit.drivers` (not from a correlation matrix, which has
        no performance).
    performance : {"mean", "top_box"}, default "mean"
        The mean rating or the top-box share on the vertical axis.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import npskit
    >>> data = npskit.load_example()
    >>> result = npskit.drivers(
    ...     "answer", ["wait_rating", "ease_rating"], data=data, n_resamples=50, rng=1
    ... )
    >>> ax = npskit.plot_drivers(result)
    >>> ax.get_xlabel()
    'share of importance (%)'
    """
    if not isinstance(analysis, DriverAnalysis):
        raise TypeError(f"analysis must be a DriverAnalysis, got {type(analysis).__name__}")
    field = check_choice("performance", performance, ("mean", "top_box"))
    values = np.array([getattr(row, field) for row in analysis], dtype=float)
    if not np.all(np.isfinite(values)):
        raise ValueError(
            "the analysis has no performance (it came from a correlation matrix); "
            "run npskit.drivers on the rows"
        )
    ax = axes_for(ax, width=DRIVERS_SIZE[0], height=DRIVERS_SIZE[1])
    scale = 100.0 if field == "top_box" else 1.0
    y = values * scale
    x = np.array([100 * row.importance_share for row in analysis])
    total = analysis.r2
    for row, xi, yi in zip(analysis, x, y, strict=True):
        if math.isfinite(row.low) and total > 0:
            ax.plot([100 * row.low / total, 100 * row.high / total], [yi, yi], color=LIGHT, lw=3)
        ax.scatter([xi], [yi], color=NEGATIVE if row.sign < 0 else POSITIVE, s=40, zorder=3)
        ax.annotate(row.driver, (xi, yi), xytext=(4, 4), textcoords="offset points", fontsize=9)
    ax.axvline(float(np.median(x)), color=INK, lw=0.8, ls="--")
    ax.axhline(float(np.median(y)), color=INK, lw=0.8, ls="--")
    ax.set_xlabel("share of importance (%)")
    ax.set_ylabel("top-box share (%)" if field == "top_box" else "mean rating")
    ax.set_title(
        f"Drivers of {analysis.outcome}: importance x performance "
        f"({analysis.importance_method}, {analysis.r2_kind} {analysis.r2:.2f})",
        fontsize=10,
    )
    style_axes(ax)
    return ax


def plot_topics(impact: TopicImpact, *, period: Any = None, ax: Axes | None = None) -> Axes:
    """Bar chart of topic impacts on NPS with their intervals, most negative first.

    Parameters
    ----------
    impact : TopicImpact
        From :func:`npskit.topic_impact`.
    period : optional
        Which period to draw when the result has periods (default: the last).
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import npskit
    >>> data = npskit.load_example()
    >>> ax = npskit.plot_topics(npskit.topic_impact("answer", "topics", data=data))
    >>> ax.get_xlabel()
    'impact on NPS (points)'
    """
    if not isinstance(impact, TopicImpact):
        raise TypeError(f"impact must be a TopicImpact, got {type(impact).__name__}")
    chosen = impact.periods[-1] if period is None else period
    rows = [row for row in impact if row.period == chosen]
    if not rows:
        raise ValueError(f"period {period!r} is not in the result (periods: {impact.periods!r})")
    ax = axes_for(ax, width=6.4, height=forest_height(len(rows)))
    positions = np.arange(len(rows))[::-1]
    values = np.array([row.impact for row in rows])
    ax.barh(positions, values, color=[NEGATIVE if v < 0 else POSITIVE for v in values])
    ax.errorbar(
        values,
        positions,
        xerr=[values - [r.low for r in rows], [r.high for r in rows] - values],
        fmt="none",
        ecolor=INK,
        capsize=3,
        lw=1,
    )
    ax.set_yticks(positions, [row.topic for row in rows])
    ax.axvline(0.0, color=INK, lw=0.8)
    ax.set_xlabel("impact on NPS (points)")
    where = "" if chosen is None else f", {chosen}"
    level = f"{100 * impact.confidence_level:g}%"
    ax.set_title(f"Comment topics: NPS(all) - NPS(without){where}, {level} intervals", fontsize=10)
    style_axes(ax)
    return ax
