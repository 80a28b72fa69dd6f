"""Charts of estimates with their intervals: ``plot_forest`` (segments), ``plot_trend`` (periods).

matplotlib is needed (``pip install 'npskit[plot]'``) and imported inside the
functions only; colours and axes handling are in ``_plot_style.py``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from npskit._core.grouped import GroupedTally
from npskit._core.metric import Metric
from npskit._core.validation import check_choice
from npskit._segments.breakdown import breakdown as make_breakdown
from npskit._segments.metric_results import MetricBreakdown, MetricBreakdownTotal
from npskit._segments.results import Breakdown
from npskit._trend.metric_results import MetricTrend
from npskit._trend.results import Trend

from .style import (
    FOREST_WIDTH,
    INK,
    LIGHT,
    NEGATIVE,
    POSITIVE,
    TREND_SIZE,
    axes_for,
    draw_target,
    forest_height,
    key_label,
    style_axes,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["ForestEstimate", "plot_forest", "plot_trend"]

ForestEstimate = Literal["raw", "shrunk"]
"""Which estimate :func:`plot_forest` draws per segment."""

_MARKER_SIZE = 36  # points squared, for scatter


def _level(confidence_level: float) -> str:
    return f"{100 * confidence_level:g}%"


def _limits(
    low: npt.NDArray[np.float64],
    high: npt.NDArray[np.float64],
    bounds: tuple[float, float] = (-100.0, 100.0),
) -> tuple[float, float]:
    """Axis limits around the finite interval ends, padded by 5%, within the metric's range."""
    ends = np.concatenate([low[np.isfinite(low)], high[np.isfinite(high)]])
    if ends.size == 0:
        return bounds
    first, last = float(ends.min()), float(ends.max())
    pad = max(0.05 * (last - first), 0.01 * (bounds[1] - bounds[0]))  # 2 points for NPS
    return max(bounds[0], first - pad), min(bounds[1], last + pad)


def _words(metric: Metric | None) -> tuple[str, str, tuple[float, float]]:
    """Label, unit and range of the values drawn: NPS in points unless a metric says otherwise."""
    if metric is None or metric.kind == "net":
        return "NPS", "points", (-100.0, 100.0)
    unit = "percent" if metric.kind == "share" else f"scale {metric.low}-{metric.high}"
    low, high = metric.bounds
    return metric.label, unit, (float(low), float(high))


def plot_forest(
    breakdown: Any,
    *,
    estimate: ForestEstimate = "raw",
    ax: Axes | None = None,
) -> Axes:
    """Forest plot: each segment's NPS and interval against the total.

    Parameters
    ----------
    breakdown : Breakdown or GroupedTally
        A :func:`npskit.breakdown` result, drawn in its row order (sort it
        with ``breakdown(..., sort="nps")``); or :func:`npskit.tally_by`
        counts, which are passed through :func:`npskit.breakdown` with its
        defaults.
    estimate : {"raw", "shrunk"}, default "raw"
        Draw each segment's own NPS and confidence interval, or its
        shrunk NPS and its constant-coverage (FAB) confidence interval
        (needs a breakdown made with ``shrinkage=True``; see
        :func:`npskit.shrink`).
    ax : matplotlib.axes.Axes, optional
        Where to draw. By default a new figure is made with
        :mod:`matplotlib.pyplot`, its height growing with the number of
        segments.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on: per segment a horizontal interval line and a
        marker at the estimate; a dashed vertical line at the total NPS over
        a band of its interval; tick labels ``"phone  n=2553"`` (unweighted
        answers); a legend naming the marker kinds present.

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    TypeError
        If ``breakdown`` is neither a Breakdown nor a GroupedTally, or ``ax``
        is not an Axes.
    ValueError
        If ``estimate`` is not one of those allowed, or is ``"shrunk"`` for a
        breakdown without shrinkage.

    Notes
    -----
    Markers carry each segment's flags from :func:`npskit.breakdown`:

    - a **diamond** marks a segment whose difference from the rest is
      significant after the multiplicity adjustment (adjusted p-value below
      ``1 - confidence_level``), blue when above the rest and vermillion
      when below; a circle in dark grey marks one that is not;
    - a **hollow** marker marks a small segment (effective n below
      ``min_n``), whose NPS is too noisy to read much into.

    Shape and fill carry the meaning, colour repeats it, so the chart reads
    without colour vision. The total's band is its confidence interval, not
    a range segments "should" fall in: a segment's interval overlapping the
    band does not make it equal to the total; the diamonds are the test.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import npskit
    >>> data = npskit.load_example()
    >>> b = npskit.breakdown("answer", "channel", data=data, sort="nps")
    >>> ax = npskit.plot_forest(b)
    >>> [label.get_text() for label in ax.get_yticklabels()]
    ['phone  n=2553', 'chat  n=2021', 'email  n=1250']
    >>> ax.get_title()
    'NPS by channel, 95% intervals, total +24.9'
    >>> plt.close(ax.figure)
    """
    if isinstance(breakdown, GroupedTally):
        breakdown = make_breakdown(breakdown)
    if not isinstance(breakdown, (Breakdown, MetricBreakdown)):
        raise TypeError(
            "breakdown must be a npskit.Breakdown or a npskit.GroupedTally (from breakdown() "
            f"or tally_by()), or a MetricBreakdown, got {type(breakdown).__name__}"
        )
    estimate = check_choice("estimate", estimate, ("raw", "shrunk"))
    metric = breakdown.metric if isinstance(breakdown, MetricBreakdown) else None
    label, unit, bounds = _words(metric)
    rows = breakdown.rows
    if estimate == "shrunk":
        if isinstance(breakdown, MetricBreakdown) or breakdown.shrinkage is None:
            raise ValueError(
                "estimate='shrunk' needs a breakdown made with shrinkage=True, "
                f"got estimate={estimate!r} for a breakdown without shrinkage"
            )
        fields = ("shrunk_nps", "shrunk_low", "shrunk_high")
    else:
        fields = ("estimate" if metric is not None else "nps", "low", "high")
    values = np.array(
        [[math.nan if getattr(r, f) is None else getattr(r, f) for f in fields] for r in rows],
        dtype=np.float64,
    ).reshape(-1, 3)
    ax = axes_for(ax, width=FOREST_WIDTH, height=forest_height(len(rows)))
    total = breakdown.total
    total_value = total.estimate if isinstance(total, MetricBreakdownTotal) else total.nps
    level = _level(breakdown.confidence_level)
    ax.axvspan(total.low, total.high, color=LIGHT, alpha=0.35, linewidth=0, zorder=0)
    ax.axvline(total_value, color=INK, linestyle="--", linewidth=1, zorder=1)
    y = np.arange(len(rows), dtype=np.float64)
    significant = np.array([bool(r.significant) for r in rows], dtype=bool)
    small = np.array([bool(r.small) for r in rows], dtype=bool)
    above = np.array([r.difference > 0 for r in rows], dtype=bool)
    colors = np.where(significant, np.where(above, POSITIVE, NEGATIVE), INK)
    finite = np.isfinite(values[:, 0])
    ax.hlines(
        y[finite], values[finite, 1], values[finite, 2], colors=list(colors[finite]), linewidth=1.6
    )
    for marker, chosen in (("o", ~significant), ("D", significant)):
        for hollow in (False, True):
            pick = chosen & finite & (small == hollow)
            if not pick.any():
                continue
            ax.scatter(
                values[pick, 0],
                y[pick],
                s=_MARKER_SIZE,
                marker=marker,
                facecolors="white" if hollow else colors[pick],
                edgecolors=colors[pick],
                linewidths=1.4,
                zorder=3,
            )
    style_axes(ax)
    ax.grid(axis="x", color="#E6E6E6", linewidth=0.8)
    labels = [f"{key_label(r.key)}  n={r.n}" for r in rows]
    ax.set_yticks(y, labels)
    ax.set_ylim(len(rows) - 0.4, -0.6)
    ax.set_xlim(
        *_limits(np.append(values[:, 1], total.low), np.append(values[:, 2], total.high), bounds)
    )
    what = "shrunk NPS" if estimate == "shrunk" else label
    interval = "FAB" if estimate == "shrunk" else ""
    shown = f"{total_value:+.1f}" if metric is None else metric.format(total_value)
    ax.set_xlabel(f"{what} ({unit}), {level} {interval} intervals".replace("  ", " "))
    ax.set_title(
        f"{what} by {' x '.join(breakdown.names)}, {level} intervals, total {shown}",
        fontsize=11,
    )
    _forest_legend(ax, breakdown, significant, small, above, level, f"{label} {shown}")
    return ax


def _forest_legend(
    ax: Axes,
    breakdown: Any,
    significant: npt.NDArray[np.bool_],
    small: npt.NDArray[np.bool_],
    above: npt.NDArray[np.bool_],
    level: str,
    total_text: str,
) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    against = "the rest" if breakdown.compare_to == "rest" else "the total"
    alpha = f"{1 - breakdown.confidence_level:.3g}"
    handles: list[Any] = [
        Line2D([], [], color=INK, linestyle="--", linewidth=1),
        Patch(facecolor=LIGHT, alpha=0.35),
        Line2D([], [], marker="o", linestyle="none", color=INK),
    ]
    labels = [
        f"total {total_text}",
        f"total's {level} interval",
        "not significant",
    ]
    for direction, color, present in (
        ("higher", POSITIVE, significant & above),
        ("lower", NEGATIVE, significant & ~above),
    ):
        if present.any():
            handles.append(Line2D([], [], marker="D", linestyle="none", color=color))
            labels.append(f"{direction} than {against} (adjusted p < {alpha})")
    if small.any():
        handles.append(
            Line2D([], [], marker="o", linestyle="none", color=INK, markerfacecolor="white")
        )
        labels.append(f"hollow: small, effective n < {breakdown.min_n}")
    ax.legend(
        handles,
        labels,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        frameon=False,
        fontsize=8,
    )


def plot_trend(trend: Any, *, target: float | None = None, ax: Axes | None = None) -> Axes:
    """NPS per period with its interval band, significant changes marked.

    Parameters
    ----------
    trend : Trend
        A :func:`npskit.trend` result.
    target : float, optional
        Draw a dashed target line at this NPS (see :func:`npskit.target`).
    ax : matplotlib.axes.Axes, optional
        Where to draw. By default a new figure is made with
        :mod:`matplotlib.pyplot`.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on: the NPS of each period as a line with round
        markers (gaps at periods without answers), a band between the ends of
        each period's interval, and for each significant change a triangle
        (up, blue, for a rise; down, vermillion, for a drop) labelled with
        the change in points; one x tick per period, labelled with the
        period (every k-th label when there are more than 12).

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    TypeError
        If ``trend`` is not a Trend, or ``ax`` is not an Axes.

    Notes
    -----
    A change is marked when :func:`npskit.trend` flags it ``significant``:
    its p-value against the previous period with answers, adjusted over all
    changes of the table, is below ``1 - confidence_level``. Bands of two
    periods that overlap do not mean the change is not significant, nor the
    reverse: the band is each period's own interval; the triangles are the
    test of the change.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import npskit
    >>> data = npskit.load_example()
    >>> ax = npskit.plot_trend(npskit.trend(data["answer"], data["date"], freq="month"))
    >>> [label.get_text() for label in ax.get_xticklabels()]
    ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06']
    >>> ax.get_title()
    'NPS by month, 95% intervals'
    >>> plt.close(ax.figure)
    """
    if not isinstance(trend, (Trend, MetricTrend)):
        raise TypeError(
            "trend must be a npskit.Trend or MetricTrend (from npskit.trend()), got "
            f"{type(trend).__name__}"
        )
    metric = trend.metric if isinstance(trend, MetricTrend) else None
    label, unit, bounds = _words(metric)
    rows = trend.rows
    x = np.arange(len(rows), dtype=np.float64)

    def column(name: str) -> npt.NDArray[np.float64]:
        return np.array(
            [math.nan if getattr(r, name) is None else getattr(r, name) for r in rows],
            dtype=np.float64,
        )

    nps = column("nps" if metric is None else "estimate")
    low, high, change = column("low"), column("high"), column("change")
    ax = axes_for(ax, width=TREND_SIZE[0], height=TREND_SIZE[1])
    level = _level(trend.confidence_level)
    ax.fill_between(
        x, low, high, color=LIGHT, alpha=0.5, linewidth=0, label=f"{level} interval", zorder=1
    )
    ax.plot(x, nps, color=INK, marker="o", markersize=4, linewidth=1.5, label=label, zorder=2)
    alpha = f"{1 - trend.confidence_level:.3g}"
    flagged = np.array([r.significant is True for r in rows], dtype=bool)
    for marker, color, chosen, word in (
        ("^", POSITIVE, flagged & (change > 0), "rise"),
        ("v", NEGATIVE, flagged & (change < 0), "drop"),
    ):
        if not chosen.any():
            continue
        ax.scatter(
            x[chosen],
            nps[chosen],
            s=90,
            marker=marker,
            color=color,
            edgecolors="white",
            linewidths=0.8,
            zorder=3,
            label=f"significant {word} (adjusted p < {alpha})",
        )
        for i in np.flatnonzero(chosen):
            ax.annotate(
                f"{change[i]:+.1f}",
                (x[i], nps[i]),
                xytext=(0, 9 if word == "rise" else -14),
                textcoords="offset points",
                ha="center",
                fontsize=8,
                color=color,
            )
    draw_target(ax, target)
    if target is not None:  # keep the line in view
        low = np.append(low, target)
    style_axes(ax)
    ax.grid(axis="y", color="#E6E6E6", linewidth=0.8)
    labels = [str(r.to_dict()["period"]) for r in rows]
    step = max(1, math.ceil(len(rows) / 12))
    ax.set_xticks(x, [label if i % step == 0 else "" for i, label in enumerate(labels)])
    if len(rows) > 6:
        for tick in ax.get_xticklabels():
            tick.set_rotation(45)
            tick.set_horizontalalignment("right")
            tick.set_rotation_mode("anchor")
    ax.set_xlim(-0.5, len(rows) - 0.5)
    ax.set_ylim(*_limits(low, high, bounds))
    ax.set_xlabel(trend.freq if trend.freq else "period")
    ax.set_ylabel(f"{label} ({unit})")
    what = f"by {trend.freq}" if trend.freq else "by period"
    ax.set_title(f"{label} {what}, {level} intervals", fontsize=11)
    ax.legend(loc="best", frameon=False, fontsize=8)
    return ax
