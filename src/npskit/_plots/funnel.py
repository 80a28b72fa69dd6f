"""``plot_funnel``: units' NPS against their number of answers, with funnel limits.

matplotlib is needed (``pip install 'npskit[plot]'``) and imported inside the
function only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from npskit._fairness.funnel_results import Funnel

from .style import INK, NEGATIVE, POSITIVE, TREND_SIZE, axes_for, key_label, style_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_funnel"]


def plot_funnel(funnel: Funnel, *, label_flagged: bool = True, ax: Axes | None = None) -> Axes:
    """A funnel plot: each unit's NPS against its answers, with 95% and 99.8% limits.

    Parameters
    ----------
    funnel : Funnel
        A :func:`npskit.funnel` result.
    label_flagged : bool, default True
        Write the key next to units outside the outer limits.
    ax : matplotlib.axes.Axes, optional
        Where to draw; by default a new pyplot figure.

    Returns
    -------
    matplotlib.axes.Axes
        Units as dots (blue above, vermillion below the outer limits, grey
        otherwise), the centre line, and the limit curves (dashed inner,
        solid outer) on a logarithmic axis of answers.

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    TypeError
        If ``funnel`` is not a Funnel.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import npskit
    >>> data = npskit.load_example()
    >>> ax = npskit.plot_funnel(npskit.funnel(data["answer"], data["agent"]))
    >>> ax.get_xlabel()
    'answers (log scale)'
    >>> plt.close(ax.figure)
    """
    if not isinstance(funnel, Funnel):
        raise TypeError(f"funnel must be a npskit.Funnel, got {type(funnel).__name__}")
    rows = [r for r in funnel.rows if r.n > 0]
    n = np.array([r.n for r in rows], dtype=np.float64)
    y = np.array([r.nps for r in rows], dtype=np.float64)
    ax = axes_for(ax, width=TREND_SIZE[0], height=TREND_SIZE[1])
    grid = np.geomspace(max(1.0, n.min() * 0.8), n.max() * 1.25, 200)
    inner, outer = funnel.levels
    for level, style in ((inner, "--"), (outer, "-")):
        low, high = funnel.limits(grid, level)
        label = f"{100 * level:g}% limits"
        ax.plot(grid, high, color=INK, linestyle=style, linewidth=0.9, label=label)
        ax.plot(grid, low, color=INK, linestyle=style, linewidth=0.9)
    ax.axhline(funnel.centre, color=INK, linewidth=0.8, alpha=0.6)
    colors = [
        POSITIVE if r.flag == "above outer" else NEGATIVE if r.flag == "below outer" else "#9A9A9A"
        for r in rows
    ]
    ax.scatter(n, y, c=colors, s=22, zorder=3)
    if label_flagged:
        for r in rows:
            if r.flag is not None and "outer" in r.flag:
                ax.annotate(key_label((r.key,)), (r.n, r.nps), xytext=(4, 2),
                            textcoords="offset points", fontsize=7)  # fmt: skip
    ax.set_xscale("log")
    style_axes(ax)
    ax.set_xlabel("answers (log scale)")
    kind = "case-mix adjusted NPS" if funnel.adjusted else "NPS"
    ax.set_ylabel(f"{kind} (points)")
    extra = "" if funnel.overdispersion == "none" else f", {funnel.overdispersion} overdispersion"
    ax.set_title(f"Funnel plot of {funnel.unit_name}{extra}", fontsize=11)
    ax.legend(loc="best", frameon=False, fontsize=8)
    return ax
