"""``--plot FILE`` for the command line: drawing a result into an image file.

The subcommands add the option with :func:`add_plot_option`, check it before
reading any data with :func:`check_plot` (so that a missing matplotlib or a
bad file name fails fast), and draw with :func:`save_plot`. Figures are made
with :class:`matplotlib.figure.Figure`, not pyplot: no GUI backend is loaded
and no global figure list is kept.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from npskit._core.errors import NpskitError
from npskit._plots.style import INSTALL_HINT

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["PlotError", "add_plot_option", "check_plot", "save_plot"]

DPI = 100
_FORMATS = (".png", ".svg", ".pdf")


class PlotError(NpskitError):
    """The plot could not be made: matplotlib missing, or the file not writable."""


def _plot_path(text: str) -> str:
    if Path(text).suffix.lower() not in _FORMATS:
        raise argparse.ArgumentTypeError(
            f"must be a file name ending in {', '.join(_FORMATS)}, got {text!r}"
        )
    return text


def add_plot_option(parser: argparse.ArgumentParser, what: str, kinds: Sequence[str] = ()) -> None:
    """Add ``--plot FILE`` (and ``--plot-kind`` when there are several charts)."""
    parser.add_argument(
        "--plot",
        type=_plot_path,
        metavar="FILE.png",
        help=f"also draw {what} into FILE (.png, .svg or .pdf, {DPI} dpi); "
        f"needs matplotlib: {INSTALL_HINT} (default: no plot)",
    )
    if kinds:
        parser.add_argument(
            "--plot-kind",
            choices=kinds,
            default=kinds[0],
            help=f"which chart --plot draws (default: {kinds[0]})",
        )


def check_plot(args: argparse.Namespace) -> None:
    """Fail before any work if ``--plot`` is given and matplotlib is missing."""
    if getattr(args, "plot", None) is None:
        return
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise PlotError(
            f"--plot needs matplotlib, which is not installed: {INSTALL_HINT}"
        ) from None


def save_plot(path: str, size: tuple[float, float], draw: Callable[[Axes], Any]) -> None:
    """Draw on a new figure of ``size`` inches and save it to ``path`` at 100 dpi."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=size, layout="constrained")
    draw(figure.add_subplot())
    try:
        figure.savefig(path, dpi=DPI, metadata=None)
    except OSError as error:
        reason = error.strerror or str(error)
        raise PlotError(f"cannot write the plot to {path}: {reason}") from None
