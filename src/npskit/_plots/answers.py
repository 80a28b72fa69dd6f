"""Charts of the answers and of the category shares: ``plot_distribution``, ``plot_shares``.

matplotlib is needed (``pip install 'npskit[plot]'``) and imported inside the
functions only. The charts of estimates (forest, trend) are in
``_plots_estimates.py``; colours and axes handling in ``_plot_style.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from npskit._core.grouped import GroupedTally
from npskit._core.scale import STANDARD_SCALE, Scale
from npskit._core.tally import Tally
from npskit._core.validation import check_choice
from npskit._counting.inputs import as_numeric, is_chunk_stream
from npskit._counting.tally import tally
from npskit._segments.results import Breakdown
from npskit.typing import NanPolicy

from .style import (
    CATEGORY_COLORS,
    CATEGORY_HATCHES,
    DISTRIBUTION_SIZE,
    EDGE,
    INK,
    SHARES_WIDTH,
    axes_for,
    category_legend_label,
    key_label,
    shares_height,
    style_axes,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["ShareSort", "draw_distribution", "plot_distribution", "plot_shares"]

ShareSort = Literal["nps", "n"]
"""What :func:`plot_shares` can sort the segments by."""

_NAMES = ("detractors", "passives", "promoters")


def plot_distribution(
    scores: Any,
    *,
    weights: Any = None,
    histogram: bool = False,
    scale: Scale = STANDARD_SCALE,
    nan_policy: NanPolicy = "omit",
    ax: Axes | None = None,
) -> Axes:
    """Bar chart of the answers 0..10, coloured by category, with the NPS in the title.

    Parameters
    ----------
    scores : array_like
        The answers, as for :func:`npskit.tally` (one array, not a stream of
        chunks); or, with ``histogram=True``, the number of answers at each
        point of the scale (eleven counts for 0..10).
    weights : array_like, optional
        Survey weights, one per answer: bars show weighted shares. Not with
        ``histogram=True``.
    histogram : bool, default False
        Read ``scores`` as counts per scale point instead of answers.
    scale : Scale, default the standard 0-10 scale
        The answer scale and its cut points.
    nan_policy : {"omit", "raise"}, default "omit"
        As for :func:`npskit.tally`.
    ax : matplotlib.axes.Axes, optional
        Where to draw. By default a new figure is made with
        :mod:`matplotlib.pyplot`.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on: one bar per scale point (in three containers, one
        per category, each with a legend entry giving the category's share),
        the share of each point above its bar, and the title
        ``"NPS +24.9 from 5824 answers"`` (NPS rounded to 1 decimal).

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    TypeError
        If ``scores`` is a :class:`npskit.Tally` (it has no counts per
        answer) or a stream of chunks, ``weights`` is given with
        ``histogram=True``, or ``ax`` is not an Axes.
    EmptyDataError
        If there are no answers.
    InvalidScoresError, MissingAnswersError, ScoreTypeError, InvalidWeightsError
        As for :func:`npskit.tally` (with ``histogram=True``, ValueError for
        counts that are not one whole number per scale point).

    Notes
    -----
    Bars are percentages of all answers present (of the total weight when
    weighted), so the three categories' bars add up to their shares, and
    the NPS is the promoters' bars minus the detractors' bars. Colours are
    Okabe and Ito's colour-blind-safe vermillion (detractors) and blue
    (promoters), with grey passives; detractor bars are also hatched with
    lines and promoter bars with dots, so the categories are told apart
    without colour. Nothing of matplotlib's global state is changed.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import npskit
    >>> ax = npskit.plot_distribution([10, 9, 9, 8, 7, 6, 3, 10, 0, 9])
    >>> ax.get_title()
    'NPS +20.0 from 10 answers'
    >>> len(ax.patches), [text.get_text() for text in ax.get_legend().get_texts()]
    (11, ['detractors (0-6): 30.0%', 'passives (7-8): 20.0%', 'promoters (9-10): 50.0%'])
    >>> plt.close(ax.figure)
    """
    check_choice("nan_policy", nan_policy, ("omit", "raise"))
    if not isinstance(scale, Scale):
        raise TypeError(f"scale must be a npskit.Scale, got {scale!r}")
    counts, summary = _histogram(scores, weights, histogram, scale, nan_policy)
    _ = summary.nps  # raises EmptyDataError when there are no answers, before drawing
    ax = axes_for(ax, width=DISTRIBUTION_SIZE[0], height=DISTRIBUTION_SIZE[1])
    draw_distribution(ax, counts, summary, scale)
    return ax


def draw_distribution(
    ax: Axes, counts: npt.NDArray[np.float64], summary: Tally, scale: Scale
) -> None:
    """Draw the bars of :func:`plot_distribution` from counts (or weights) per scale point."""
    nps = summary.nps
    percent = 100 * counts / counts.sum()
    points = scale.values()
    codes = scale.categories()
    for code, name in zip((-1, 0, 1), _NAMES, strict=True):
        chosen = codes == code
        if not chosen.any():  # a scale without passives
            continue
        where = points[chosen]
        label = category_legend_label(
            name, int(where[0]), int(where[-1]), float(percent[chosen].sum()) / 100
        )
        bars = ax.bar(
            where,
            percent[chosen],
            width=0.8,
            color=CATEGORY_COLORS[name],
            hatch=CATEGORY_HATCHES[name],
            edgecolor=EDGE,
            linewidth=0.6,
            label=label,
            zorder=2,
        )
        ax.bar_label(
            bars, labels=[f"{v:.0f}%" for v in percent[chosen]], padding=2, fontsize=8, color=INK
        )
    style_axes(ax)
    ax.grid(axis="y", color="#E6E6E6", linewidth=0.8)
    ax.set_xticks(points, [str(p) for p in points])
    ax.set_xlim(scale.low - 0.6, scale.high + 0.6)
    ax.set_ylim(0, max(float(percent.max()) * 1.18, 1.0))
    ax.set_xlabel("answer")
    ax.set_ylabel("% of weighted answers" if summary.is_weighted else "% of answers")
    ax.set_title(_distribution_title(summary, nps), fontsize=11)
    ax.legend(loc="upper left", frameon=False, fontsize=8)


def _distribution_title(summary: Tally, nps: float) -> str:
    title = f"NPS {nps:+.1f} from {summary.n} answers"
    if summary.is_weighted:
        title += f" (weighted, effective n {summary.effective_n:.0f})"
    return title


def _histogram(
    scores: Any, weights: Any, histogram: bool, scale: Scale, nan_policy: NanPolicy
) -> tuple[npt.NDArray[np.float64], Tally]:
    """Count (or weight) per scale point, and the tally of the same answers."""
    if isinstance(scores, Tally):
        raise TypeError(
            "plot_distribution needs the answers (or histogram=True with one count per "
            "answer); a Tally holds only the three category counts"
        )
    if not isinstance(histogram, bool):
        raise TypeError(f"histogram must be True or False, got {histogram!r}")
    if histogram:
        if weights is not None:
            raise TypeError("weights cannot be used with histogram=True: weight the counts first")
        summary = Tally.from_histogram(scores, scale=scale)
        return np.array(np.asarray(scores, dtype=object).ravel(), dtype=np.float64), summary
    if is_chunk_stream(scores):
        raise TypeError(
            "plot_distribution needs one array of answers, not a stream of chunks; "
            "count the chunks into a histogram and pass histogram=True"
        )
    values = as_numeric(scores)
    summary = tally(values, weights=weights, scale=scale, nan_policy=nan_policy)
    present = ~np.isnan(values) if values.dtype.kind == "f" else np.ones(len(values), dtype=bool)
    index = values[present].astype(np.intp) - scale.low
    weight_values = None
    if weights is not None:
        weight_values = as_numeric(weights, name="weights")[present].astype(np.float64)
    counts = np.bincount(index, weights=weight_values, minlength=scale.n_points)
    return counts.astype(np.float64), summary


def plot_shares(
    segments: Any,
    *,
    sort: ShareSort | None = "nps",
    total: bool = True,
    ax: Axes | None = None,
) -> Axes:
    """Stacked 100% bars of detractors, passives and promoters per segment.

    Parameters
    ----------
    segments : Breakdown or GroupedTally
        A :func:`npskit.breakdown` result or :func:`npskit.tally_by` counts.
    sort : {"nps", "n"} or None, default "nps"
        Order of the bars from the top: by NPS or by number of answers, the
        largest first (segments without answers last); None keeps the order
        of ``segments``.
    total : bool, default True
        Add a bar for all answers together, below the segments.
    ax : matplotlib.axes.Axes, optional
        Where to draw. By default a new figure is made with
        :mod:`matplotlib.pyplot`, its height growing with the number of bars.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on: one horizontal bar per segment (and the total),
        split into the three shares (three bar containers, one per category,
        each with a legend entry); tick labels ``"phone  n=2553"`` with the
        unweighted number of answers; the NPS of each bar at its right end and
        each share of at least 8% written in its part of the bar.

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    TypeError
        If ``segments`` is neither a Breakdown nor a GroupedTally, or ``ax``
        is not an Axes.
    ValueError
        If ``sort`` is not one of those allowed.

    Notes
    -----
    Shares are of the answers present (of the weight when weighted). The
    NPS is the blue part minus the vermillion part; a bar with more grey has
    more passives, which the NPS ignores. Detractors are hatched with lines
    and promoters with dots, so the parts read without colour.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import npskit
    >>> answers = [10, 9, 3, 8, 10, 0]
    >>> segments = npskit.tally_by(answers, ["web", "phone", "web", "web", "phone", "web"])
    >>> ax = npskit.plot_shares(segments)
    >>> [label.get_text() for label in ax.get_yticklabels()]
    ['phone  n=2', 'web  n=4', 'total  n=6']
    >>> len(ax.patches)  # 3 bars x 3 categories
    9
    >>> plt.close(ax.figure)
    """
    if sort is not None:
        sort = check_choice("sort", sort, ("nps", "n"))
    if isinstance(segments, Breakdown):
        labels = [key_label(row.key) for row in segments.rows]
        counts = np.array([row.counts for row in segments.rows], dtype=np.float64).reshape(-1, 3)
        answers = [row.n for row in segments.rows]
        names, whole = segments.names, segments.total
        grand = (*map(float, (whole.detractors, whole.passives, whole.promoters)),)
        grand_n = whole.n
    elif isinstance(segments, GroupedTally):
        labels = [key_label(key) for key in segments.keys]
        counts = np.asarray(segments.counts, dtype=np.float64).reshape(-1, 3)
        answers = [int(n) for n in segments.responses]
        names, whole_tally = segments.names, segments.total
        grand, grand_n = _counts(whole_tally), whole_tally.n
    else:
        raise TypeError(
            "segments must be a npskit.Breakdown or a npskit.GroupedTally (from breakdown() "
            f"or tally_by()), got {type(segments).__name__}"
        )
    if not isinstance(total, bool):
        raise TypeError(f"total must be True or False, got {total!r}")
    order = _share_order(counts, answers, sort)
    labels = [labels[i] for i in order]
    answers = [answers[i] for i in order]
    counts = counts[order]
    if total:
        labels.append("total")
        answers.append(grand_n)
        counts = np.vstack([counts, np.array(grand, dtype=np.float64)])
    ax = axes_for(ax, width=SHARES_WIDTH, height=shares_height(len(labels)))
    _draw_shares(ax, labels, answers, counts, names, total)
    return ax


def _counts(t: Tally) -> tuple[float, float, float]:
    return (float(t.detractors), float(t.passives), float(t.promoters))


def _share_order(
    counts: npt.NDArray[np.float64], answers: list[int], sort: ShareSort | None
) -> npt.NDArray[np.intp]:
    n = counts.sum(axis=1)
    if sort is None:
        return np.arange(len(n))
    if sort == "n":
        return np.argsort(-np.asarray(answers, dtype=np.float64), kind="stable")
    with np.errstate(invalid="ignore", divide="ignore"):
        nps = np.where(n > 0, (counts[:, 2] - counts[:, 0]) / n, np.nan)
    # NaN last: sort by (is nan, -nps), stable so ties keep the given order.
    return np.lexsort((-np.nan_to_num(nps, nan=0.0), np.isnan(nps)))


def _draw_shares(
    ax: Axes,
    labels: list[str],
    answers: list[int],
    counts: npt.NDArray[np.float64],
    names: tuple[str, ...],
    total: bool,
) -> None:
    n = counts.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        percent = np.where(n[:, None] > 0, 100 * counts / n[:, None], 0.0)
    y = np.arange(len(labels), dtype=np.float64)
    if total:
        y[-1] += 0.35  # a little space between the segments and the total
    left = np.zeros(len(labels))
    for j, name in enumerate(_NAMES):
        ax.barh(
            y,
            percent[:, j],
            left=left,
            height=0.7,
            color=CATEGORY_COLORS[name],
            hatch=CATEGORY_HATCHES[name],
            edgecolor=EDGE,
            linewidth=0.6,
            label=name,
            zorder=2,
        )
        for i in np.flatnonzero(percent[:, j] >= 8):
            ax.text(
                left[i] + percent[i, j] / 2,
                y[i],
                f"{percent[i, j]:.0f}%",
                ha="center",
                va="center",
                fontsize=7,
                color="white" if name != "passives" else INK,
                # a plain box under the text keeps it readable on the hatching
                bbox={
                    "boxstyle": "round,pad=0.15",
                    "facecolor": CATEGORY_COLORS[name],
                    "edgecolor": "none",
                },
                zorder=3,
            )
        left += percent[:, j]
    for row in range(len(labels)):
        nps = "no answers" if n[row] == 0 else f"NPS {percent[row, 2] - percent[row, 0]:+.1f}"
        ax.text(101.5, y[row], nps, ha="left", va="center", fontsize=8, color=INK)
    style_axes(ax)
    ax.set_yticks(y, [f"{label}  n={count}" for label, count in zip(labels, answers, strict=True)])
    ax.set_ylim(y[-1] + 0.6, -0.6)  # first bar at the top
    ax.set_xlim(0, 100)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel("% of answers")
    title = f"Detractors, passives and promoters by {' x '.join(names)}"
    ax.set_title(title, fontsize=11, pad=20)  # room for the legend between title and bars
    ax.legend(
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncols=3,
        frameon=False,
        fontsize=8,
        borderaxespad=0.2,
    )
