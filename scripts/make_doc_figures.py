"""Render the charts of the bundled example survey into docs/images/*.png.

The tutorial and the plotting how-to show these files; each is made by the
same call the page shows, on npskit.load_example(), with matplotlib's default
settings (no style, no rcParams), so a reader who runs the page's code gets
the same chart. Saved at 100 dpi without the software-version metadata, so
that the files change only when the charts do. Run from the repository root:

    .venv/bin/python scripts/make_doc_figures.py
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # a script may choose a backend; the library never does

import matplotlib.pyplot as plt

import npskit

OUT = Path(__file__).resolve().parent.parent / "docs" / "images"
DPI = 100


def figures() -> dict[str, Callable[[], Any]]:
    """File name -> the call that draws it (the calls shown in the docs)."""
    data = npskit.load_example()
    return {
        "distribution.png": lambda: npskit.plot_distribution(data["answer"]),
        "trend-month.png": lambda: npskit.plot_trend(
            npskit.trend(data["answer"], data["date"], freq="month")
        ),
        "shares-channel.png": lambda: npskit.plot_shares(
            npskit.breakdown("answer", "channel", data=data)
        ),
        "forest-channel.png": lambda: npskit.plot_forest(
            npskit.breakdown("answer", "channel", data=data, sort="nps")
        ),
        "forest-agent.png": lambda: npskit.plot_forest(
            npskit.breakdown("answer", "agent", data=data, sort="nps")
        ),
        "forest-agent-shrunk.png": lambda: npskit.plot_forest(
            npskit.breakdown("answer", "agent", data=data, sort="shrunk"), estimate="shrunk"
        ),
        "drivers-quadrant.png": lambda: npskit.plot_drivers(
            npskit.drivers(
                "answer",
                ["wait_rating", "resolved", "courtesy_rating", "ease_rating"],
                data=data,
                weights="weight",
                rng=7,
                n_resamples=500,
            ),
            performance="top_box",
        ),
        "topics.png": lambda: npskit.plot_topics(
            npskit.topic_impact("answer", "topics", data=data, weights="weight")
        ),
    }


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, draw in figures().items():
        ax = draw()
        path = OUT / name
        ax.figure.savefig(path, dpi=DPI, metadata={"Software": None})
        plt.close(ax.figure)
        print(f"wrote {path.relative_to(OUT.parent.parent)} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
