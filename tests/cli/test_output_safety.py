"""Data cannot run as a spreadsheet formula or a terminal escape; files of every kind are read."""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import lzma
import subprocess
import sys
from pathlib import Path

import pytest

from npskit._cli.main import main

SEGMENTS = ["=cmd|'/c calc'!A0", "+SUM(1)", "-x", "@y", "a|b", "plain\x1b[2J", "\rcr"]


@pytest.fixture
def tricky(tmp_path: Path) -> Path:
    path = tmp_path / "tricky.csv"
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["segment", "answer"])
        for i, segment in enumerate(SEGMENTS):
            writer.writerow([segment, str(i)])
    return path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_csv_cells_never_start_a_formula(tricky: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(
        capsys, "breakdown", str(tricky), "--score", "answer", "--by", "segment", "--format", "csv"
    )
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == len(SEGMENTS)
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")) or _is_number(cell)
    names = {row["segment"] for row in rows}
    assert "'=cmd|'/c calc'!A0" in names  # prefixed, otherwise unchanged
    assert "\x1b" not in out


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_markdown_escapes_pipes(tricky: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(
        capsys,
        "breakdown",
        str(tricky),
        "--score",
        "answer",
        "--by",
        "segment",
        "--format",
        "markdown",
    )
    widths = {line.count("|") - line.count("\\|") for line in out.splitlines() if line}
    assert len(widths) == 1  # every row has the same number of cells
    assert "a\\|b" in out


@pytest.mark.parametrize("command", ["breakdown", "summary"])
def test_text_output_carries_no_terminal_escapes(
    tricky: Path, tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    named = tmp_path / "evil\x1b[2J.csv"
    named.write_bytes(tricky.read_bytes())
    extra = ["--by", "segment"] if command == "breakdown" else []
    _, out, err = _run(capsys, command, str(named), "--score", "answer", *extra)
    assert "\x1b" not in out + err
    assert "\\x1b[2J" in out


def test_terminal_escapes_in_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("answer\n\x1b[31m11\n", encoding="utf-8")
    status, _, err = _run(capsys, "summary", str(path), "--score", "answer")
    assert status == 1
    assert "\x1b" not in err
    assert "\\x1b[31m11" in err


def test_a_200_kb_field_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "long.csv"
    path.write_text(f"answer,comment\n10,{'y' * 200_000}\n3,short\n", encoding="utf-8")
    status, out, err = _run(capsys, "summary", str(path), "--score", "answer", "--format", "json")
    assert status == 0, err
    assert '"n": 2' in out


@pytest.mark.parametrize(
    ("suffix", "compress"),
    [(".csv.gz", gzip.compress), (".csv.bz2", bz2.compress), (".xz", lzma.compress)],
)
def test_compressed_files_are_read(
    tricky: Path, tmp_path: Path, suffix: str, compress: object, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / f"survey{suffix}"
    path.write_bytes(compress(tricky.read_bytes()))  # type: ignore[operator]
    status, out, err = _run(capsys, "summary", str(path), "--score", "answer", "--format", "json")
    assert status == 0, err
    assert f'"n": {len(SEGMENTS)}' in out


def test_zstd_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "survey.csv.zst"
    path.write_bytes(b"\x28\xb5\x2f\xfd" + b"\x00" * 20)
    status, _, err = _run(capsys, "summary", str(path), "--score", "answer")
    assert status == 1
    assert "zstd-compressed" in err


@pytest.mark.parametrize("compressed", [False, True])
def test_dash_reads_standard_input(tricky: Path, compressed: bool) -> None:
    data = tricky.read_bytes()
    result = subprocess.run(
        [sys.executable, "-m", "npskit", "summary", "-", "--score", "answer", "--format", "json"],
        input=gzip.compress(data) if compressed else data,
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f'"n": {len(SEGMENTS)}'.encode() in result.stdout


def test_errors_say_when_later_lines_were_not_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "many.csv"
    rows = ["11" if i % 1000 == 5 else "7" for i in range(70_000)]
    path.write_text("answer\n" + "\n".join(rows) + "\n", encoding="utf-8")
    status, _, err = _run(capsys, "summary", str(path), "--score", "answer")
    assert status == 1
    assert "were not checked, ...)" in err


@pytest.mark.parametrize(
    "args",
    [
        ["summary", "--interval-method", "wald"],
        ["breakdown", "--by", "period", "--interval-method", "wald"],
        [
            "compare",
            "--period",
            "period",
            "--baseline",
            "2024-01",
            "--current",
            "2024-02",
            "--compare-method",
            "wald",
        ],
        ["trend", "--period", "period", "--interval-method", "wald"],
    ],
)
def test_warnings_are_printed_one_way(
    tmp_path: Path, args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    # Every answer a promoter: zero-width Wald intervals, which warn.
    path = tmp_path / "periods.csv"
    path.write_text("period,answer\n2024-01,10\n2024-01,10\n2024-02,10\n2024-02,9\n")
    status = main([args[0], str(path), "--score", "answer", *args[1:]])
    err = capsys.readouterr().err
    assert status == 0, err
    lines = [line for line in err.splitlines() if line]
    assert lines, "expected a warning"
    assert all(line.startswith("npskit: warning: ") for line in lines), err
    assert "site-packages" not in err
    assert "Warning:" not in err


def test_resample_limits_are_cli_errors(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(
        [
            "summary",
            "--example",
            "--interval-method",
            "bootstrap-percentile",
            "--n-resamples",
            "100000000",
        ]
    )
    assert status == 2
    assert "must be at most 10,000,000" in capsys.readouterr().err
    status = main(
        ["summary", "--example", "--interval-method", "bootstrap-bca", "--n-resamples", "10"]
    )
    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("npskit: error: --n-resamples must be at least 500")
