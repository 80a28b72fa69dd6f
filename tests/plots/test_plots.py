"""The plots: what each one draws, rendered to PNG with the Agg backend.

Expected shares and NPS values are counted by hand in the comments; the
drawing is then checked against them (bar heights and widths, marker
positions, tick labels, titles, limits, legend entries), and each figure is
saved as a PNG whose header gives the expected size in pixels.
"""

from __future__ import annotations

import math
import struct
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")  # the tests choose the backend; the library never does

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import npskit  # noqa: E402
from npskit import GroupedTally, Tally  # noqa: E402

VERMILLION, GREY, BLUE = to_rgba("#D55E00"), to_rgba("#B3B3B3"), to_rgba("#0072B2")


@pytest.fixture(autouse=True)
def _close_figures() -> Any:
    yield
    plt.close("all")


@pytest.fixture(autouse=True)
def _rcparams_untouched() -> Any:
    """No plot may change matplotlib's global settings."""
    before = dict(matplotlib.rcParams)
    yield
    after = dict(matplotlib.rcParams)
    changed = sorted(k for k in before if before[k] != after[k])
    assert not changed, f"rcParams changed: {changed[:5]}"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG header (signature, then the IHDR chunk)."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert head[12:16] == b"IHDR"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def save(ax: Any, path: Path, dpi: int = 50) -> tuple[int, int]:
    ax.figure.savefig(path, dpi=dpi)
    assert path.stat().st_size > 0
    return png_size(path)


def legend_texts(ax: Any) -> list[str]:
    return [text.get_text() for text in ax.get_legend().get_texts()]


def own_axes(width: float = 5.0, height: float = 3.0) -> Any:
    """Axes of a figure made without pyplot, as in a web server."""
    return Figure(figsize=(width, height), dpi=100).add_subplot()


# -- distribution ---------------------------------------------------------------------------

# 0, 3, 6 detractors (30%); 7, 8 passives (20%); 9, 9, 9, 10, 10 promoters (50%): NPS 20.
ANSWERS = [10, 9, 9, 8, 7, 6, 3, 10, 0, 9]
HEIGHTS = {0: 10, 3: 10, 6: 10, 7: 10, 8: 10, 9: 30, 10: 20}  # % of answers per point


def bar_heights(ax: Any) -> dict[int, float]:
    return {round(p.get_x() + p.get_width() / 2): p.get_height() for p in ax.patches}


def test_distribution_draws_one_bar_per_answer_with_its_share(tmp_path: Path) -> None:
    ax = npskit.plot_distribution(ANSWERS)
    heights = bar_heights(ax)
    assert sorted(heights) == list(range(11))
    for point in range(11):
        assert heights[point] == pytest.approx(HEIGHTS.get(point, 0))
    assert ax.get_title() == "NPS +20.0 from 10 answers"
    assert [t.get_text() for t in ax.get_xticklabels()] == [str(p) for p in range(11)]
    assert ax.get_xlim() == pytest.approx((-0.6, 10.6))
    assert ax.get_ylim()[0] == 0
    assert ax.get_ylim()[1] > 30  # room above the tallest bar
    assert legend_texts(ax) == [
        "detractors (0-6): 30.0%",
        "passives (7-8): 20.0%",
        "promoters (9-10): 50.0%",
    ]
    # one share label above each bar, rounded to whole percent
    labels = [t.get_text() for t in ax.texts]
    assert len(labels) == 11
    assert sorted(labels) == sorted(["10%"] * 5 + ["0%"] * 4 + ["30%", "20%"])
    assert save(ax, tmp_path / "distribution.png") == (320, 180)  # 6.4 x 3.6 in at 50 dpi


def test_distribution_colours_and_hatches_by_category() -> None:
    ax = npskit.plot_distribution(ANSWERS)
    by_point = {round(p.get_x() + p.get_width() / 2): p for p in ax.patches}
    for point, patch in by_point.items():
        colour, hatch = (
            (VERMILLION, "//") if point <= 6 else (GREY, "") if point <= 8 else (BLUE, "..")
        )
        assert patch.get_facecolor() == pytest.approx(colour)
        assert (patch.get_hatch() or "") == hatch


def test_distribution_from_a_histogram_draws_the_same_bars() -> None:
    counts = [1, 0, 0, 1, 0, 0, 1, 1, 1, 3, 2]  # the answers of ANSWERS, counted per point
    from_answers = bar_heights(npskit.plot_distribution(ANSWERS))
    ax = npskit.plot_distribution(counts, histogram=True)
    assert bar_heights(ax) == pytest.approx(from_answers)
    assert ax.get_title() == "NPS +20.0 from 10 answers"


def test_distribution_weighted_and_with_missing_answers() -> None:
    # 10 with weight 3 and 0 with weight 1: 75% and 25%, NPS (3 - 1) / 4 = +50;
    # the missing answer and its weight are left out. Kish n_eff = 4^2 / (9 + 1) = 1.6.
    ax = npskit.plot_distribution([10, None, 0], weights=[3.0, 7.0, 1.0])
    heights = bar_heights(ax)
    assert heights[10] == pytest.approx(75)
    assert heights[0] == pytest.approx(25)
    assert ax.get_title() == "NPS +50.0 from 2 answers (weighted, effective n 2)"
    assert ax.get_ylabel() == "% of weighted answers"


def test_distribution_on_another_scale() -> None:
    scale = npskit.Scale(low=1, high=5, detractor_max=2, promoter_min=5)
    ax = npskit.plot_distribution([1, 3, 4, 5, 5], scale=scale)  # d 1, p 2, pr 2: NPS +20
    assert sorted(bar_heights(ax)) == [1, 2, 3, 4, 5]
    assert legend_texts(ax)[0] == "detractors (1-2): 20.0%"
    assert legend_texts(ax)[2] == "promoters (5): 40.0%"


def test_distribution_draws_on_the_axes_given(tmp_path: Path) -> None:
    ax = own_axes()
    before = plt.get_fignums()
    assert npskit.plot_distribution(ANSWERS, ax=ax) is ax
    assert plt.get_fignums() == before  # no pyplot figure was made
    assert save(ax, tmp_path / "own.png", dpi=100) == (500, 300)


def test_distribution_errors() -> None:
    with pytest.raises(TypeError, match="only the three category counts"):
        npskit.plot_distribution(Tally(detractors=1, passives=2, promoters=3))
    with pytest.raises(TypeError, match="stream of chunks"):
        npskit.plot_distribution(iter([np.array([1, 2])]))
    with pytest.raises(TypeError, match="weights cannot be used with histogram"):
        npskit.plot_distribution([0] * 11, histogram=True, weights=[1] * 11)
    with pytest.raises(ValueError, match="one count per answer"):
        npskit.plot_distribution([1, 2, 3], histogram=True)
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        npskit.plot_distribution(ANSWERS, ax="left")
    with pytest.raises(npskit.InvalidScoresError):
        npskit.plot_distribution([10, 11])
    with pytest.raises(npskit.EmptyDataError):
        npskit.plot_distribution([None, None])


def test_a_missing_matplotlib_is_reported_with_the_install_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` now fails
    with pytest.raises(ImportError, match=r"pip install 'npskit\[plot\]'"):
        npskit.plot_distribution(ANSWERS)


# -- shares ---------------------------------------------------------------------------------

# chat: 3, 8, 0, 10 -> d 2, p 1, pr 1 (50/25/25%), NPS -25, n 4
# email: 9 -> pr 1 (0/0/100%), NPS +100, n 1
# phone: 10, 9, 7 -> d 0, p 1, pr 2 (0/33.3/66.7%), NPS +66.7, n 3
# total: d 2, p 2, pr 4 (25/25/50%), NPS +25, n 8
SEGMENT_ANSWERS = [3, 8, 0, 10, 9, 10, 9, 7]
SEGMENT_KEYS = ["chat"] * 4 + ["email"] + ["phone"] * 3
SHARES = {
    "chat": (50, 25, 25),
    "email": (0, 0, 100),
    "phone": (0, 100 / 3, 200 / 3),
    "total": (25, 25, 50),
}


def tick_names(ax: Any) -> list[str]:
    return [t.get_text().split("  ")[0] for t in ax.get_yticklabels()]


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("nps", ["email", "phone", "chat"]),
        ("n", ["chat", "phone", "email"]),
        (None, ["chat", "email", "phone"]),
    ],
)
def test_shares_stacks_three_parts_per_segment_in_order(
    sort: Any, order: list[str], tmp_path: Path
) -> None:
    grouped = npskit.tally_by(SEGMENT_ANSWERS, SEGMENT_KEYS)
    ax = npskit.plot_shares(grouped, sort=sort)
    names = [*order, "total"]
    assert tick_names(ax) == names
    sizes = {"chat": 4, "email": 1, "phone": 3, "total": 8}
    assert [t.get_text() for t in ax.get_yticklabels()] == [f"{k}  n={sizes[k]}" for k in names]
    assert len(ax.patches) == 3 * 4
    assert len(ax.containers) == 3
    ticks = list(ax.get_yticks())
    for container, colour, j in zip(ax.containers, (VERMILLION, GREY, BLUE), range(3), strict=True):
        for bar in container:
            row = names[ticks.index(pytest.approx(bar.get_y() + bar.get_height() / 2))]
            assert bar.get_width() == pytest.approx(SHARES[row][j])
            assert bar.get_facecolor() == pytest.approx(colour)
    # the first bar is at the top, the total at the bottom
    assert ax.get_ylim()[0] > ax.get_ylim()[1]
    assert ax.get_xlim() == (0, 100)
    assert legend_texts(ax) == ["detractors", "passives", "promoters"]
    nps_texts = [t.get_text() for t in ax.texts if t.get_text().startswith("NPS")]
    expected = {"chat": "NPS -25.0", "email": "NPS +100.0", "phone": "NPS +66.7"}
    assert nps_texts == [expected.get(k, "NPS +25.0") for k in names]
    assert ax.get_title() == "Detractors, passives and promoters by key"
    width, height = save(ax, tmp_path / "shares.png")
    assert width == 320
    assert height == round(50 * max(2.4, 1.3 + 0.34 * 4))


def test_shares_from_a_breakdown_matches_the_grouped_tally() -> None:
    grouped = npskit.tally_by(SEGMENT_ANSWERS, SEGMENT_KEYS)
    from_grouped = npskit.plot_shares(grouped)
    from_breakdown = npskit.plot_shares(npskit.breakdown(grouped))
    assert tick_names(from_breakdown) == tick_names(from_grouped)
    assert [p.get_width() for p in from_breakdown.patches] == pytest.approx(
        [p.get_width() for p in from_grouped.patches]
    )


def test_shares_without_total_and_with_an_empty_segment() -> None:
    grouped = GroupedTally.from_tallies(
        {
            "a": Tally(detractors=1, passives=0, promoters=3),
            "b": Tally(detractors=0, passives=0, promoters=0, n_missing=2),
            "c": Tally(detractors=3, passives=1, promoters=0),
        },
        names=["queue"],
    )
    ax = npskit.plot_shares(grouped, total=False)
    assert tick_names(ax) == ["a", "c", "b"]  # by NPS (+50, -75), no answers last
    assert len(ax.patches) == 9
    assert "no answers" in [t.get_text() for t in ax.texts]
    assert ax.get_title().endswith("by queue")


def test_shares_errors() -> None:
    with pytest.raises(TypeError, match=r"Breakdown or a npskit\.GroupedTally"):
        npskit.plot_shares([1, 2, 3])
    with pytest.raises(ValueError, match="sort"):
        npskit.plot_shares(npskit.tally_by([1], ["a"]), sort="impact")  # type: ignore[arg-type]


# -- forest ---------------------------------------------------------------------------------


def forest_data() -> GroupedTally:
    # high: NPS (150 - 10) / 200 = +70; low: (10 - 150) / 200 = -70; middle: 0;
    # tiny: 5 answers, NPS (3 - 1) / 5 = +40. The total, 100 * (243 - 241) / 805 = +0.2, sits
    # between high and low, far from both, so both differ from the rest (p << 0.001),
    # middle does not (it is the total, nearly), and tiny is small (5 < 30).
    return GroupedTally.from_tallies(
        {
            "high": Tally(detractors=10, passives=40, promoters=150),
            "low": Tally(detractors=150, passives=40, promoters=10),
            "middle": Tally(detractors=80, passives=240, promoters=80),
            "tiny": Tally(detractors=1, passives=1, promoters=3),
        },
        names=["team"],
    )


def scatter_points(ax: Any) -> list[tuple[float, float, Any, int]]:
    """(x, y, collection, index in the collection) of every scatter marker."""
    found = []
    for collection in ax.collections:
        if type(collection).__name__ != "PathCollection":
            continue
        for i, (x, y) in enumerate(collection.get_offsets()):
            found.append((float(x), float(y), collection, i))
    return found


def colour_at(colours: Any, i: int) -> Any:
    return colours[i] if len(colours) > 1 else colours[0]


def test_forest_marks_significant_and_small_segments(tmp_path: Path) -> None:
    b = npskit.breakdown(forest_data())
    by_key = {row.key[0]: row for row in b}
    assert by_key["high"].significant
    assert by_key["low"].significant
    assert not by_key["middle"].significant
    assert by_key["tiny"].small
    ax = npskit.plot_forest(b)
    assert tick_names(ax) == ["high", "low", "middle", "tiny"]
    points = scatter_points(ax)
    assert len(points) == 4
    xs = {round(y): x for x, y, _, _ in points}
    assert xs == pytest.approx({0: 70.0, 1: -70.0, 2: 0.0, 3: 40.0})
    # diamonds for the significant ones, hollow for the small one
    for _, y, collection, i in points:
        row = ["high", "low", "middle", "tiny"][round(y)]
        face = colour_at(collection.get_facecolors(), i)
        edge = colour_at(collection.get_edgecolors(), i)
        expected_edge = {"high": BLUE, "low": VERMILLION}.get(row, to_rgba("#333333"))
        assert edge == pytest.approx(expected_edge)
        assert face == pytest.approx(to_rgba("white") if row == "tiny" else expected_edge)
        vertices = len(collection.get_paths()[0].vertices)
        diamond = vertices <= 6  # a 'D' marker path has 5 vertices, a circle many more
        assert diamond == (row in {"high", "low"})
    # the total: a dashed line at +0.2 over the band of its interval
    total = npskit.tally(
        [0] * 241 + [7] * 321 + [9] * 243  # the four tallies merged, counted again
    )
    assert b.total.nps == pytest.approx(total.nps) == pytest.approx(200 / 805)
    assert [line.get_xdata()[0] for line in ax.lines] == pytest.approx([b.total.nps])
    low, high = ax.get_xlim()
    assert -100 <= low < min(r.low for r in b)
    assert max(r.high for r in b) < high <= 100
    assert ax.get_title() == "NPS by team, 95% intervals, total +0.2"
    assert legend_texts(ax) == [
        "total NPS +0.2",
        "total's 95% interval",
        "not significant",
        "higher than the rest (adjusted p < 0.05)",
        "lower than the rest (adjusted p < 0.05)",
        "hollow: small, effective n < 30",
    ]
    # 8 in wide (room for the legend at the right), 1.4 + 0.3 per segment high, at 50 dpi
    assert save(ax, tmp_path / "forest.png") == (400, round(50 * max(2.4, 1.4 + 0.3 * 4)))


def test_forest_interval_lines_span_each_interval() -> None:
    b = npskit.breakdown(forest_data(), sort="nps")
    ax = npskit.plot_forest(b)
    lines = next(c for c in ax.collections if type(c).__name__ == "LineCollection")
    spans = [tuple(segment[:, 0]) for segment in lines.get_segments()]
    assert [s[0] for s in spans] == pytest.approx([row.low for row in b])
    assert [s[1] for s in spans] == pytest.approx([row.high for row in b])
    assert tick_names(ax) == ["high", "tiny", "middle", "low"]


def test_forest_from_grouped_tally_and_shrunk_estimates() -> None:
    grouped = forest_data()
    assert tick_names(npskit.plot_forest(grouped)) == ["high", "low", "middle", "tiny"]
    b = npskit.breakdown(grouped, shrinkage=True)
    ax = npskit.plot_forest(b, estimate="shrunk")
    xs = sorted(x for x, _, _, _ in scatter_points(ax))
    assert xs == pytest.approx(sorted(row.shrunk_nps for row in b))
    assert ax.get_title().startswith("shrunk NPS by team")
    with pytest.raises(ValueError, match="shrinkage=True"):
        npskit.plot_forest(npskit.breakdown(grouped), estimate="shrunk")
    with pytest.raises(TypeError, match=r"Breakdown or a npskit\.GroupedTally"):
        npskit.plot_forest(npskit.tally([1, 2]))


def test_forest_leaves_out_the_marker_of_a_segment_without_answers() -> None:
    grouped = GroupedTally.from_tallies(
        {
            "a": Tally(detractors=10, passives=10, promoters=30),
            "b": Tally(detractors=0, passives=0, promoters=0, n_missing=4),
            "c": Tally(detractors=30, passives=10, promoters=10),
        }
    )
    ax = npskit.plot_forest(npskit.breakdown(grouped))
    assert tick_names(ax) == ["a", "b", "c"]
    assert sorted(round(y) for _, y, _, _ in scatter_points(ax)) == [0, 2]


# -- trend ----------------------------------------------------------------------------------


def trend_data() -> npskit.Trend:
    # Jan and Feb: 100 answers each, 60 promoters and 10 detractors (NPS +50);
    # March: no answers; April: 100 answers, 10 promoters and 60 detractors (NPS -50).
    # April vs February: -100 points on 100 + 100 answers, far beyond noise.
    good = [10] * 60 + [8] * 30 + [3] * 10
    bad = [10] * 10 + [8] * 30 + [3] * 60
    dates = ["2026-01-15"] * 100 + ["2026-02-15"] * 100 + ["2026-04-15"] * 100
    return npskit.trend(good + good + bad, np.array(dates, dtype="datetime64[D]"), freq="month")


def test_trend_line_band_and_significant_drop(tmp_path: Path) -> None:
    t = trend_data()
    ax = npskit.plot_trend(t)
    assert [x.get_text() for x in ax.get_xticklabels()] == [
        "2026-01",
        "2026-02",
        "2026-03",
        "2026-04",
    ]
    line = ax.lines[0]
    y = np.asarray(line.get_ydata(), dtype=float)
    assert y[[0, 1, 3]] == pytest.approx([50.0, 50.0, -50.0])
    assert math.isnan(y[2])  # a gap where March has no answers
    band = next(
        c
        for c in ax.collections
        if type(c).__name__ in {"PolyCollection", "FillBetweenPolyCollection"}
    )
    assert band.get_label() == "95% interval"
    drops = scatter_points(ax)
    assert [(round(x), y) for x, y, _, _ in drops] == [(3, pytest.approx(-50.0))]
    assert drops[0][2].get_facecolors()[0] == pytest.approx(VERMILLION)
    assert len(drops[0][2].get_paths()[0].vertices) <= 5  # a triangle, not a circle
    assert [a.get_text() for a in ax.texts] == ["-100.0"]
    assert legend_texts(ax) == ["95% interval", "NPS", "significant drop (adjusted p < 0.05)"]
    assert ax.get_title() == "NPS by month, 95% intervals"
    assert ax.get_xlabel() == "month"
    assert ax.get_ylabel() == "NPS (points)"
    low, high = ax.get_ylim()
    assert -100 <= low < min(r.low for r in t if r.low is not None)
    assert max(r.high for r in t if r.high is not None) < high <= 100
    assert save(ax, tmp_path / "trend.png", dpi=100) == (640, 360)


def test_trend_without_significant_changes_has_no_triangles() -> None:
    data = npskit.load_example()
    t = npskit.trend(data["answer"], data["date"], freq="month")
    assert not any(row.significant for row in t)
    ax = npskit.plot_trend(t)
    assert scatter_points(ax) == []
    assert legend_texts(ax) == ["95% interval", "NPS"]
    assert len(ax.lines[0].get_ydata()) == 6


def test_trend_thins_labels_of_long_series() -> None:
    data = npskit.load_example()
    t = npskit.trend(data["answer"], data["date"], freq="week")
    assert len(t) == 27  # ISO weeks 2026-W01 (from 2025-12-29) to 2026-W27
    ax = npskit.plot_trend(t, ax=own_axes())
    labels = [x.get_text() for x in ax.get_xticklabels()]
    assert len(labels) == 27
    # more than 12 periods: every third label, ceil(27 / 12) = 3
    assert [i for i, text in enumerate(labels) if text] == list(range(0, 27, 3))
    assert labels[0] == "2026-W01"
    assert ax.get_xlim() == (-0.5, 26.5)


def test_trend_errors() -> None:
    with pytest.raises(TypeError, match=r"npskit.Trend"):
        npskit.plot_trend(npskit.breakdown(forest_data()))
