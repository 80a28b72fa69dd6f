"""Colours, hatches and axes handling shared by the plotting functions.

matplotlib is imported inside the functions only, so importing npskit (and
this module) never loads it. Nothing here changes matplotlib's global state
(``rcParams``, styles): every colour, hatch and font size is passed explicitly
to the artist that uses it.

The palette is Okabe and Ito's colour-blind-safe set (Okabe, M., & Ito, K.
(2008). *Color Universal Design (CUD): How to make figures and presentations
that are friendly to colorblind people*. https://jfly.uni-koeln.de/color/):
vermillion for detractors, blue for promoters, and a neutral grey for passives.
Vermillion and blue stay distinct under protanopia, deuteranopia and
tritanopia, and they differ in lightness too, so they survive greyscale
printing. Where a meaning rests on colour, a second cue carries it as well:
hatching on the category bars, marker shape and fill in the forest and trend
plots.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "CATEGORY_COLORS",
    "CATEGORY_HATCHES",
    "DISTRIBUTION_SIZE",
    "EDGE",
    "FOREST_WIDTH",
    "INK",
    "INSTALL_HINT",
    "LIGHT",
    "NEGATIVE",
    "PASSIVE",
    "POSITIVE",
    "SHARES_WIDTH",
    "TREND_SIZE",
    "axes_for",
    "category_legend_label",
    "draw_target",
    "forest_height",
    "key_label",
    "require_matplotlib",
    "shares_height",
    "style_axes",
]

NEGATIVE = "#D55E00"  # Okabe-Ito vermillion: detractors, significant drops
POSITIVE = "#0072B2"  # Okabe-Ito blue: promoters, significant rises
PASSIVE = "#B3B3B3"  # neutral grey: passives
INK = "#333333"  # text-dark grey: estimates that are not flagged, reference lines
LIGHT = "#9DC3E6"  # light blue: interval bands
EDGE = "white"  # bar edges, and the colour of the hatching drawn on the bars

CATEGORY_COLORS = {"detractors": NEGATIVE, "passives": PASSIVE, "promoters": POSITIVE}
# Hatching repeats the category for readers who cannot tell the colours apart
# and for greyscale prints: diagonal lines on detractors, dots on promoters.
CATEGORY_HATCHES = {"detractors": "//", "passives": "", "promoters": ".."}

INSTALL_HINT = "pip install 'npskit[plot]'"

# Figure sizes in inches of the charts on new figures (and of the CLI's --plot).
DISTRIBUTION_SIZE = (6.4, 3.6)
TREND_SIZE = (6.4, 3.6)
SHARES_WIDTH = 6.4
FOREST_WIDTH = 8.0  # room for the legend at the right


def shares_height(bars: int) -> float:
    """Height of a shares chart with this many bars (the total included)."""
    return max(2.4, 1.3 + 0.34 * bars)


def forest_height(rows: int) -> float:
    """Height of a forest plot with this many segments."""
    return max(2.4, 1.4 + 0.3 * rows)


def require_matplotlib() -> None:
    """Import matplotlib, or raise ImportError saying how to install it."""
    try:
        import matplotlib  # noqa: F401
    except ImportError as error:
        raise ImportError(
            f"npskit's plots need matplotlib, which is not installed: {INSTALL_HINT}"
        ) from error


def axes_for(ax: object, *, width: float, height: float) -> Axes:
    """``ax`` after checking it, or the axes of a new pyplot figure of that size.

    A new figure goes through :mod:`matplotlib.pyplot`, as pandas and seaborn
    do, so that it shows in notebooks and with ``plt.show()``; it uses the
    constrained layout so that labels are not cut off when saved.
    """
    require_matplotlib()
    from matplotlib.axes import Axes

    if ax is not None:
        if not isinstance(ax, Axes):
            raise TypeError(f"ax must be a matplotlib Axes or None, got {ax!r}")
        return ax
    import matplotlib.pyplot as plt

    figure = plt.figure(figsize=(width, height), layout="constrained")
    new: Axes = figure.add_subplot()
    return new


def category_legend_label(name: str, first: int, last: int, share: float | None) -> str:
    """``"detractors 0-6: 24.5%"``; the share is left out when there is none."""
    span = str(first) if first == last else f"{first}-{last}"
    if share is None or math.isnan(share):
        return f"{name} ({span})"
    return f"{name} ({span}): {100 * share:.1f}%"


def key_label(key: tuple[Any, ...]) -> str:
    """A segment's key as text: ``"phone"``, ``"phone x 2026-05"``, ``"(missing)"``."""
    return " x ".join("(missing)" if value is None else str(value) for value in key)


def style_axes(ax: Axes) -> None:
    """Quiet frame: no top and right spines, light grid behind the data."""
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    ax.set_axisbelow(True)


def draw_target(ax: Axes, target: float | None) -> None:
    """A dashed horizontal line at ``target`` points, labelled for the legend."""
    if target is None:
        return
    ax.axhline(target, color=POSITIVE, linestyle="--", linewidth=1.2, label=f"target {target:+g}")
