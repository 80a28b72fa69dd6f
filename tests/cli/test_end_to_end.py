"""The whole command line, end to end: the real ``npskit`` console script in a subprocess.

Every subcommand on the bundled example and on real files, every output
format, ``--plot`` images (size read from the PNG header with the standard
library), and malformed files: a missing column, a bad value (with its line
number), an empty file, the wrong delimiter and bytes that are not UTF-8.
Data errors must exit with 1 and one ``npskit: error:`` line on stderr, usage
errors with 2, and neither may show a traceback.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

SUBCOMMANDS = ("summary", "breakdown", "compare", "trend", "sample-size")


def npskit(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    script = shutil.which("npskit", path=str(Path(sys.executable).parent))
    if script is None:  # pragma: no cover - npskit not installed
        pytest.skip("the npskit console script is not installed next to sys.executable")
    return subprocess.run(
        [script, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        timeout=120,
        check=False,
    )


def assert_data_error(result: subprocess.CompletedProcess[str], *needles: str) -> str:
    """Exit 1, one stderr line 'npskit: error: ...' containing the needles, no traceback."""
    assert result.returncode == 1, (result.returncode, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("npskit: error: ")
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    assert result.stdout == ""
    return lines[0]


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert head[12:16] == b"IHDR"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


# Example invocations of each subcommand on the bundled survey.
EXAMPLE_ARGS = {
    "summary": ["summary", "--example"],
    "breakdown": ["breakdown", "--example"],
    "compare": ["compare", "--example"],
    "trend": ["trend", "--example"],
    "sample-size": ["sample-size", "--example", "--margin", "5"],
}


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_help_shows_examples_and_the_example_option(command: str) -> None:
    result = npskit(command, "--help")
    assert result.returncode == 0
    assert "examples:" in result.stdout
    assert f"npskit {command} " in result.stdout.split("examples:")[1]
    assert "--example" in result.stdout
    assert "--format" in result.stdout


FORMATS = {
    "summary": ("text", "json", "markdown", "csv"),
    "breakdown": ("text", "json", "markdown", "csv"),
    "compare": ("text", "json", "markdown"),
    "trend": ("text", "json", "markdown", "csv"),
    "sample-size": ("text", "json", "markdown"),
}


@pytest.mark.parametrize(("command", "fmt"), [(c, f) for c in SUBCOMMANDS for f in FORMATS[c]])
def test_every_subcommand_and_format_on_the_bundled_example(command: str, fmt: str) -> None:
    result = npskit(*EXAMPLE_ARGS[command], "--format", fmt)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.strip()
    if fmt == "text":
        assert not result.stdout.startswith(("|", "{"))
    elif fmt == "json":
        payload = json.loads(result.stdout)
        assert payload["command"] == command
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert rows
        assert "nps" in rows[0]
    else:
        assert result.stdout.startswith("|")
        assert "|---" in result.stdout


def test_summary_csv_matches_a_count_by_hand(tmp_path: Path) -> None:
    # 10, 9, 7, 3, blank: 1 detractor, 1 passive, 2 promoters, 1 missing; NPS 100 * 1/4 = 25
    path = tmp_path / "s.csv"
    path.write_text("answer\n10\n9\n7\n3\n \n", encoding="utf-8")
    result = npskit("summary", str(path), "--score", "answer", "--format", "csv")
    assert result.returncode == 0, result.stderr
    (row,) = csv.DictReader(io.StringIO(result.stdout))
    assert (row["detractors"], row["passives"], row["promoters"]) == ("1", "1", "2")
    assert row["n_missing"] == "1"
    assert float(row["nps"]) == 25.0


# -- plots ----------------------------------------------------------------------------------

PLOTS = [
    # command, extra arguments, expected size in pixels at 100 dpi
    (["summary", "--example"], (640, 360)),  # 6.4 x 3.6 in
    (["trend", "--example"], (640, 360)),
    (["breakdown", "--example"], (800, 240)),  # 8 in x max(2.4, 1.4 + 0.3 * 3 channels)
    (["breakdown", "--example", "--plot-kind", "shares"], (640, 266)),  # 1.3 + 0.34 * 4 bars
]


@pytest.mark.parametrize(("args", "size"), PLOTS)
def test_plot_writes_a_png_of_the_right_size(
    args: list[str], size: tuple[int, int], tmp_path: Path
) -> None:
    pytest.importorskip("matplotlib")
    image = tmp_path / "chart.png"
    result = npskit(*args, "--plot", str(image))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()  # the table is still printed
    assert image.stat().st_size > 0
    assert png_size(image) == size


def test_plot_of_agents_grows_with_the_number_of_segments(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    image = tmp_path / "agents.png"
    result = npskit("breakdown", "--example", "--by", "agent", "--plot", str(image))
    assert result.returncode == 0, result.stderr
    assert png_size(image) == (800, round(100 * (1.4 + 0.3 * 40)))  # 40 agents


def test_plot_errors(tmp_path: Path) -> None:
    unwritable = tmp_path / "no such folder" / "chart.png"
    assert_data_error(
        npskit("summary", "--example", "--plot", str(unwritable)), "cannot write the plot"
    )
    usage = npskit("trend", "--example", "--plot", str(tmp_path / "chart.jpg"))
    assert usage.returncode == 2
    assert "--plot" in usage.stderr
    assert "Traceback" not in usage.stderr


def test_plot_without_matplotlib_says_how_to_install_it(tmp_path: Path) -> None:
    # A real subprocess with matplotlib made unimportable, running the same main().
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "from npskit.__main__ import main\n"
        f"raise SystemExit(main(['summary', '--example', '--plot', {str(tmp_path / 'x.png')!r}]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    line = assert_data_error(result, "matplotlib")
    assert "pip install 'npskit[plot]'" in line
    assert not (tmp_path / "x.png").exists()


# -- malformed files ------------------------------------------------------------------------

GOOD = "date,channel,answer\n2026-04-02,phone,9\n2026-04-03,chat,3\n2026-05-04,phone,10\n"

# For each file-reading subcommand: arguments before and after FILE.
READERS = {
    "summary": (["summary"], ["--score", "answer"]),
    "breakdown": (["breakdown"], ["--score", "answer", "--by", "channel"]),
    "trend": (["trend"], ["--score", "answer", "--date", "date"]),
    "compare": (
        ["compare"],
        ["--score", "answer", "--date", "date", "--baseline", "2026-04", "--current", "2026-05"],
    ),
}


def run_on(command: str, path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    before, after = READERS[command]
    return npskit(*before, str(path), *after, *extra)


@pytest.mark.parametrize("command", READERS)
def test_missing_column(command: str, tmp_path: Path) -> None:
    path = tmp_path / "survey.csv"
    path.write_text(GOOD.replace("answer", "score"), encoding="utf-8")
    assert_data_error(run_on(command, path), "'answer'")


@pytest.mark.parametrize("command", READERS)
def test_bad_value_names_its_line(command: str, tmp_path: Path) -> None:
    path = tmp_path / "survey.csv"
    path.write_text(GOOD + "2026-05-05,chat,11\n", encoding="utf-8")  # header is line 1
    assert_data_error(run_on(command, path), "line 5", "11")


@pytest.mark.parametrize("command", READERS)
def test_empty_file(command: str, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert_data_error(run_on(command, path), "empty.csv")


@pytest.mark.parametrize("command", READERS)
def test_wrong_delimiter(command: str, tmp_path: Path) -> None:
    path = tmp_path / "semicolons.csv"
    path.write_text(GOOD.replace(",", ";"), encoding="utf-8")
    line = assert_data_error(run_on(command, path))
    assert "answer" in line
    # with the right delimiter the same file works
    fixed = run_on(command, path, "--delimiter", ";")
    assert fixed.returncode == 0, fixed.stderr


@pytest.mark.parametrize("command", READERS)
def test_bytes_that_are_not_utf8(command: str, tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(GOOD.encode() + "2026-05-06,t\xe9l\xe9phone,9\n".encode("latin-1"))
    assert_data_error(run_on(command, path), "UTF-8", "line 5")


def test_missing_file(tmp_path: Path) -> None:
    assert_data_error(run_on("summary", tmp_path / "nowhere.csv"), "nowhere.csv")


# -- usage errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["summary"],  # no FILE and no --example
        ["summary", "--example", "--confidence-level", "1.5"],
        ["breakdown", "--example", "--format", "yaml"],
        ["trend", "--example", "--freq", "fortnight"],
        ["compare", "--example", "--no-such-option"],
        ["sample-size"],  # --margin is required
        ["sample-size", "--margin", "3", "--example", "--expected", "20,30,50"],
        ["nonsense"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = npskit(*args)
    assert result.returncode == 2
    assert "usage:" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
