"""The npskit command line: real subprocesses of the console script, and main() in process.

Reference numbers come from an independent count: the test reads the CSV with
the csv module and classifies each answer with plain comparisons.
"""

from __future__ import annotations

import csv
import json
import math
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import npskit
from npskit._cli.main import main
from npskit._io.csv_file import csv_chunks, csv_lines
from npskit._io.files import tally_file
from npskit._io.source import DataFile, DataFileError


def _script() -> str | None:
    return shutil.which("npskit", path=str(Path(sys.executable).parent))


LAUNCHERS = ["module", "script"]


def run(launcher: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    if launcher == "module":
        command = [sys.executable, "-m", "npskit", *args]
    else:
        script = _script()
        if script is None:  # pragma: no cover - npskit not installed
            pytest.skip("the npskit console script is not installed next to sys.executable")
        command = [script, *args]
    return subprocess.run(
        command, capture_output=True, text=True, encoding="utf-8", cwd=cwd, timeout=60, check=False
    )


def count_by_hand(path: Path, score: str, weight: str | None = None) -> dict[str, Any]:
    """Detractors, passives, promoters (or their weight sums) with plain Python."""
    sums = {"detractors": 0.0, "passives": 0.0, "promoters": 0.0}
    squares = dict.fromkeys(sums, 0.0)
    counts = dict.fromkeys(sums, 0)
    missing = 0
    with path.open(encoding="utf-8-sig", newline="") as stream:
        for row in csv.DictReader(stream):
            text = row[score].strip()
            if text == "":
                missing += 1
                continue
            answer = int(text)
            name = "detractors" if answer <= 6 else "promoters" if answer >= 9 else "passives"
            w = 1.0 if weight is None else float(row[weight])
            counts[name] += 1
            sums[name] += w
            squares[name] += w * w
    n = sum(sums.values())
    return {
        "counts": counts,
        "sums": sums,
        "squares": squares,
        "n_missing": missing,
        "weight_sum": n,
        "n": sum(counts.values()),
        "nps": 100 * (sums["promoters"] - sums["detractors"]) / n,
        "shares": {name: value / n for name, value in sums.items()},
    }


def write_survey(path: Path, n: int = 300, seed: int = 7) -> Path:
    """A survey with blanks, spaces, quoted commas and an extra column."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["id", "comment", "answer", "weight"])
        for i in range(n):
            answer = "" if rng.random() < 0.05 else str(rng.randint(0, 10))
            if answer and rng.random() < 0.1:
                answer = f" {answer} "
            comment = rng.choice(["fine", "slow, but ok", 'said "great"', ""])
            writer.writerow([i, comment, answer, f"{rng.uniform(0.4, 2.5):.3f}"])
    return path


def nps_line(text: str) -> str:
    """The rounded NPS from the line ``NPS  +12.3`` of the text output."""
    (match,) = re.findall(r"^NPS +([+-]\d+\.\d)$", text, flags=re.MULTILINE)
    return str(match)


def check_one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("npskit: error: ")
    return lines[0]


# -- results against an independent count -------------------------------------


@pytest.mark.parametrize("launcher", LAUNCHERS)
def test_summary_json_equals_a_count_by_hand(tmp_path: Path, launcher: str) -> None:
    path = write_survey(tmp_path / "survey.csv")
    result = run(launcher, "summary", str(path), "--score", "answer", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    data = json.loads(result.stdout)
    expected = count_by_hand(path, "answer")
    for name, count in expected["counts"].items():
        assert data[name] == count
    assert data["n_missing"] == expected["n_missing"]
    assert data["n"] == data["responses"] == expected["n"]
    assert data["squared_weights"] is None
    assert data["nps"] == pytest.approx(expected["nps"], rel=1e-12)
    for name, share in expected["shares"].items():
        assert data["shares"][name] == pytest.approx(share, rel=1e-12)
    assert (data["file"], data["score"], data["weight"]) == (str(path), "answer", None)
    assert npskit.Tally.from_dict(
        {k: data[k] for k in ("detractors", "passives", "promoters", "n_missing")}
    ) == npskit.Tally(
        detractors=expected["counts"]["detractors"],
        passives=expected["counts"]["passives"],
        promoters=expected["counts"]["promoters"],
        n_missing=expected["n_missing"],
    )


@pytest.mark.parametrize("launcher", LAUNCHERS)
def test_weighted_summary_json_equals_a_count_by_hand(tmp_path: Path, launcher: str) -> None:
    path = write_survey(tmp_path / "survey.csv", seed=11)
    result = run(
        launcher,
        "summary",
        str(path),
        "--score",
        "answer",
        "--weight",
        "weight",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    expected = count_by_hand(path, "answer", "weight")
    for k, name in enumerate(("detractors", "passives", "promoters")):
        assert data[name] == pytest.approx(expected["sums"][name], rel=1e-12)
        assert data["squared_weights"][k] == pytest.approx(expected["squares"][name], rel=1e-12)
    assert data["responses"] == data["n"] == expected["n"]
    assert data["n_missing"] == expected["n_missing"]
    assert data["nps"] == pytest.approx(expected["nps"], rel=1e-12)
    # Kish: (sum w)^2 / sum w^2.
    kish = expected["weight_sum"] ** 2 / math.fsum(expected["squares"].values())
    assert data["effective_n"] == pytest.approx(kish, rel=1e-12)
    assert data["weight"] == "weight"


def test_summary_text_output(tmp_path: Path) -> None:
    path = write_survey(tmp_path / "survey.csv", seed=3)
    result = run("script", "summary", str(path), "--score", "answer")
    assert result.returncode == 0, result.stderr
    expected = count_by_hand(path, "answer")
    text = result.stdout
    assert "rounded to 1 decimal" in text
    lines = text.splitlines()
    assert nps_line(text) == f"{expected['nps']:+.1f}"
    answers = next(line for line in lines if line.startswith("answers"))
    assert answers.split()[-1] == str(expected["n"])
    missing = next(line for line in lines if line.startswith("missing"))
    assert missing.split()[-1] == str(expected["n_missing"])
    for name, count in expected["counts"].items():
        row = next(line.split() for line in lines if line.strip().startswith(name))
        assert row[1:] == [str(count), f"{100 * expected['shares'][name]:.1f}%"]


def test_weighted_summary_text_says_weighted(tmp_path: Path) -> None:
    path = write_survey(tmp_path / "survey.csv", seed=5)
    result = run("module", "summary", str(path), "--score", "answer", "--weight", "weight")
    assert result.returncode == 0, result.stderr
    expected = count_by_hand(path, "answer", "weight")
    assert "weighted by column 'weight'" in result.stdout
    assert "Weighted counts, shares and NPS rounded to 1 decimal" in result.stdout
    assert nps_line(result.stdout) == f"{expected['nps']:+.1f}"


@pytest.mark.parametrize("launcher", LAUNCHERS)
def test_summary_of_the_bundled_example(launcher: str) -> None:
    result = run(launcher, "summary", "--example", "--weight", "weight", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    expected = count_by_hand(npskit.example_path(), "answer", "weight")
    assert data["score"] == "answer"
    assert data["n"] == expected["n"]
    assert data["n_missing"] == expected["n_missing"]
    assert data["nps"] == pytest.approx(expected["nps"], rel=1e-12)
    text = run(launcher, "summary", "--example")
    assert text.returncode == 0
    assert "bundled example" in text.stdout


def test_tab_delimiter_bom_and_single_column(tmp_path: Path) -> None:
    tsv = tmp_path / "survey.tsv"
    tsv.write_bytes(b"\xef\xbb\xbfid\tanswer\n1\t10\n2\t\n3\t4\n4\t9\n")
    result = run("module", "summary", str(tsv), "--score", "answer", "--delimiter", "tab")
    assert result.returncode == 0, result.stderr
    # promoters 10, 9; detractor 4; one blank: NPS = 100 * (2 - 1) / 3.
    assert "+33.3" in result.stdout
    single = tmp_path / "single.csv"
    # In a one-column file a blank line is a blank answer (missing), not skipped.
    single.write_text("answer\n10\n\n3\n", encoding="utf-8")
    data = json.loads(
        run("module", "summary", str(single), "--score", "answer", "--format", "json").stdout
    )
    assert (data["promoters"], data["detractors"], data["n_missing"]) == (1, 1, 1)


def test_blank_lines_between_records_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "gaps.csv"
    path.write_text("id,answer\n1,10\n\n2,0\n\n", encoding="utf-8")
    data = json.loads(
        run("module", "summary", str(path), "--score", "answer", "--format", "json").stdout
    )
    assert (data["promoters"], data["detractors"], data["n_missing"]) == (1, 1, 0)


# -- bad files: exit 1, one line on stderr, no traceback -------------------------


def _bad_value_file(path: Path) -> Path:
    # Line 1 is the header; record 3 holds a quoted comment spanning two lines
    # (lines 4 and 5), so records and lines part ways after it. The bad '11'
    # is on line 17: lines 2..16 hold records 1..14, line 17 record 15.
    lines = ["id,comment,answer"]
    for i in range(1, 15):
        if i == 3:
            lines.append('3,"two\nlines",8')
        else:
            lines.append(f"{i},ok,{i % 11}")
    lines.append("15,oops,11")
    lines.append("16,also bad,7.5")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


BAD_FILES: list[tuple[str, bytes | None, list[str], list[str]]] = [
    (
        "missing column",
        b"id,score,weight\n1,10,1\n",
        ["--score", "answer"],
        ["no column 'answer'", "'id', 'score', 'weight'"],
    ),
    ("empty file", b"", ["--score", "answer"], ["is empty"]),
    ("header only", b"id,answer\n", ["--score", "answer"], ["header but no data"]),
    (
        "wrong delimiter",
        b"id;answer\n1;10\n",
        ["--score", "answer"],
        ["single column", "';'", "--delimiter ';'"],
    ),
    (
        "not utf-8",
        "id,answer\n1,10\n2,caf\u00e9\n".encode("latin-1"),
        ["--score", "answer"],
        # 'id,answer\n' (10 bytes) + '1,10\n' (5) + '2,caf' (5): the byte at offset 20.
        ["line 3", "byte 20", "0xe9", "UTF-8"],
    ),
    ("nonexistent file", None, ["--score", "answer"], ["cannot open", "No such file"]),
    (
        "negative weight",
        b"id,answer,w\n1,10,1\n2,,-3\n3,9,-0.5\n",
        ["--score", "answer", "--weight", "w"],
        # line 3's weight belongs to a blank answer and is dropped with it
        ["line 4: w '-0.5' is negative"],
    ),
    (
        "weight not a number",
        b"id,answer,w\n1,10,1\n2,9,heavy\n",
        ["--score", "answer", "--weight", "w"],
        ["line 3: w 'heavy' is not a number"],
    ),
    (
        "answer not a number",
        b"id,answer\n1,10\n2,ten\n",
        ["--score", "answer"],
        ["line 3: answer 'ten' is not a number"],
    ),
    (
        "ragged row",
        b"id,answer\n1,10\n2,9,extra\n",
        ["--score", "answer"],
        ["line 3: 3 fields where the header has 2"],
    ),
    ("unclosed quote", b'id,answer\n1,"10\n2,9\n', ["--score", "answer"], ["malformed CSV"]),
    (
        "only blank answers",
        b"id,answer\n1,\n2, \n",
        ["--score", "answer"],
        ["no answers", "2 blank"],
    ),
    (
        "blank answer with nan-policy raise",
        b"id,answer\n1,10\n2,\n",
        ["--score", "answer", "--nan-policy", "raise"],
        ["line 3: answer '' is a missing answer"],
    ),
    (
        "duplicate column",
        b"answer,answer\n1,2\n",
        ["--score", "answer"],
        ["more than once", "columns 1, 2"],
    ),
    (
        "many columns, none of them the one asked for",
        (",".join(f"c{i}" for i in range(35)) + "\n" + ",".join("1" * 35) + "\n").encode(),
        ["--score", "answer"],
        ["'c0', 'c1'", "'c29' and 5 more"],
    ),
    (
        "column name with spaces",
        b"id, answer\n1, 10\n",
        ["--score", "answer"],
        ["' answer' differs only by spaces"],
    ),
    ("blank header line", b"\nid,answer\n1,10\n", ["--score", "answer"], ["line 1 is blank"]),
    (
        "infinite answer",
        b"id,answer\n1,inf\n",
        ["--score", "answer"],
        ["line 2: answer 'inf' is infinite"],
    ),
    (
        "fractional answer",
        b"id,answer\n1,7.5\n",
        ["--score", "answer"],
        ["line 2: answer '7.5' is not a whole number"],
    ),
    (
        "bad answer after a blank line",
        b"id,answer\n1,10\n\n2,-1\n",
        ["--score", "answer"],
        ["line 4: answer '-1' is outside 0..10"],
    ),
    (
        "infinite weight",
        b"id,answer,w\n1,10,inf\n",
        ["--score", "answer", "--weight", "w"],
        ["line 2: w 'inf' is infinite"],
    ),
    (
        "blank weight",
        b"id,answer,w\n1,10,1\n2,3,\n",
        ["--score", "answer", "--weight", "w"],
        ["line 3: w '' is blank"],
    ),
    (
        "utf-8 cut short at the end",
        b"id,answer\n1,10\n2,\xc3",
        ["--score", "answer"],
        # 10 + 5 + 2 bytes come before the lone lead byte
        ["line 3", "byte 17", "0xc3"],
    ),
]


@pytest.mark.parametrize(
    ("content", "options", "expected"),
    [pytest.param(c, o, e, id=name) for name, c, o, e in BAD_FILES],
)
def test_bad_file_gives_one_clear_line(
    tmp_path: Path, content: bytes | None, options: list[str], expected: list[str]
) -> None:
    path = tmp_path / "data.csv"
    if content is not None:
        path.write_bytes(content)
    line = check_one_line_error(run("module", "summary", str(path), *options))
    for fragment in expected:
        assert fragment in line


@pytest.mark.parametrize(
    ("content", "options", "expected"),
    [pytest.param(c, o, e, id=name) for name, c, o, e in BAD_FILES],
)
def test_bad_file_in_process(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    content: bytes | None,
    options: list[str],
    expected: list[str],
) -> None:
    path = tmp_path / "data.csv"
    if content is not None:
        path.write_bytes(content)
    assert main(["summary", str(path), *options]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    for fragment in expected:
        assert fragment in line


@pytest.mark.parametrize("launcher", LAUNCHERS)
def test_bad_value_names_its_file_line(tmp_path: Path, launcher: str) -> None:
    path = _bad_value_file(tmp_path / "data.csv")
    line = check_one_line_error(run(launcher, "summary", str(path), "--score", "answer"))
    assert "line 17: answer '11' is outside 0..10" in line
    assert "also on line 18" in line
    assert line.startswith(f"npskit: error: {path}, line 17")


# -- usage errors: exit 2 --------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param([], "required", id="no command"),
        pytest.param(["summary"], "FILE is required", id="no file"),
        pytest.param(["summary", "x.csv"], "--score COLUMN is required", id="no score"),
        pytest.param(["summary", "x.csv", "--example"], "not both", id="file and example"),
        pytest.param(["summary", "--example", "--format", "xml"], "invalid choice", id="format"),
        pytest.param(["summary", "--example", "--delimiter", ";;"], "one character", id="delim"),
        pytest.param(["frobnicate"], "invalid choice", id="unknown command"),
    ],
)
def test_usage_errors_exit_2(args: list[str], expected: str) -> None:
    result = run("module", *args)
    assert result.returncode == 2
    assert "usage: npskit" in result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_help_shows_examples() -> None:
    top = run("script", "--help")
    assert top.returncode == 0
    assert "npskit summary --example" in top.stdout
    sub = run("script", "summary", "--help")
    assert sub.returncode == 0
    assert "examples:" in sub.stdout
    assert "--weight weight" in sub.stdout


# -- main() in process -------------------------------------------------------------


def test_main_in_process(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["summary", "--example", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    expected = count_by_hand(npskit.example_path(), "answer")
    assert data["nps"] == pytest.approx(expected["nps"], rel=1e-12)
    assert data["promoters"] == expected["counts"]["promoters"]

    path = _bad_value_file(tmp_path / "data.csv")
    assert main(["summary", str(path), "--score", "answer"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert "line 17: answer '11'" in captured.err

    weighted = write_survey(tmp_path / "w.csv", seed=2)
    assert main(["summary", str(weighted), "--score", "answer", "--weight", "weight"]) == 0
    assert "effective n (Kish)" in capsys.readouterr().out

    zero = tmp_path / "zero.csv"
    zero.write_text("answer,w\n10,0\n3,0\n", encoding="utf-8")
    assert main(["summary", str(zero), "--score", "answer", "--weight", "w"]) == 1
    assert "add up to 0" in capsys.readouterr().err


def test_main_usage_and_version_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary"]) == 2
    assert "FILE is required" in capsys.readouterr().err
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"npskit {npskit.__version__}"
    assert main(["summary", "--help"]) == 0
    assert "usage: npskit summary" in capsys.readouterr().out


# -- the chunked reader ------------------------------------------------------------


def test_chunks_add_up_and_map_lines_across_chunks(tmp_path: Path) -> None:
    path = write_survey(tmp_path / "survey.csv", n=50, seed=13)
    expected = count_by_hand(path, "answer", "weight")
    for rows in (1, 4, 7, 50, 1000):
        file = DataFile(path, chunk_rows=rows)
        chunks = list(csv_chunks(file, ["answer"]))
        assert [c.start for c in chunks] == list(range(0, 50, rows))
        assert sum(len(c) for c in chunks) == 50
        result = tally_file(file, "answer", weight="weight")
        assert result.n_missing == expected["n_missing"]
        assert result.promoters == pytest.approx(expected["sums"]["promoters"], rel=1e-12)
    bad = _bad_value_file(tmp_path / "bad.csv")
    # Record 15 (0-based 14) sits in the fourth chunk of four records.
    with pytest.raises(DataFileError, match=r"line 17: answer '11'"):
        tally_file(DataFile(bad, chunk_rows=4), "answer")
    assert csv_lines(DataFile(bad), [0, 2, 3, 14]) == [2, 4, 6, 17]
    gaps = tmp_path / "gaps.csv"
    gaps.write_text("id,answer\n1,10\n\n\n2,0\n3,11\n", encoding="utf-8")
    # One line per chunk: the two blank lines make chunks with no record, which
    # yield nothing; the records keep their indices 0, 1, 2 and their lines.
    assert [c.start for c in csv_chunks(DataFile(gaps, chunk_rows=1), ["answer"])] == [0, 1, 2]
    for rows in (1, 2, 3):
        with pytest.raises(DataFileError, match=r"line 6: answer '11'"):
            tally_file(DataFile(gaps, chunk_rows=rows), "answer")


def test_closed_stdout_exits_quietly() -> None:
    # As in `npskit summary --example | head -1`: the reader is gone before we write.
    process = subprocess.Popen(
        [sys.executable, "-m", "npskit", "summary", "--example", "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdout.close()
    assert process.wait(timeout=60) == 1
    assert process.stderr.read() == b""
    process.stderr.close()
