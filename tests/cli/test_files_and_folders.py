"""The command line on every input shape of issue 14, run as a real console script.

Each test writes a real file of one shape from seeded answers, runs
``python -m npskit ... --format json`` in a subprocess, and checks the
numbers against an independent count: the answers are classified in plain
Python from the rows the test generated, never through npskit.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import json
import lzma
import random
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

Row = dict[str, Any]


def run(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> dict[str, Any]:
    """``python -m npskit ARGS --format json``: the parsed JSON (the run must succeed)."""
    result = subprocess.run(
        [sys.executable, "-m", "npskit", *args, "--format", "json"],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr == b"", result.stderr.decode()
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def fail(*args: str, cwd: Path | None = None) -> str:
    """``python -m npskit ARGS``, which must fail with one ``npskit: error:`` line."""
    result = subprocess.run(
        [sys.executable, "-m", "npskit", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("npskit: error: ")
    return line


def survey(n: int, seed: int) -> list[Row]:
    """Seeded answers (about 8% missing), a channel and a month per answer."""
    rng = random.Random(seed)
    return [
        {
            "answer": None if rng.random() < 0.08 else rng.randint(0, 10),
            "channel": rng.choice(["chat", "email", "phone"]),
            "month": rng.choice(["2026-03", "2026-04", "2026-05"]),
        }
        for _ in range(n)
    ]


def category(answer: int) -> str:
    return "detractors" if answer <= 6 else "promoters" if answer >= 9 else "passives"


def by_hand(rows: list[Row]) -> dict[str, Any]:
    """Counts, missing answers and NPS of ``rows``, in plain Python."""
    counts = Counter(category(row["answer"]) for row in rows if row["answer"] is not None)
    n = sum(counts.values())
    return {
        "detractors": counts["detractors"],
        "passives": counts["passives"],
        "promoters": counts["promoters"],
        "n": n,
        "n_missing": sum(row["answer"] is None for row in rows),
        "nps": 100 * (counts["promoters"] - counts["detractors"]) / n,
    }


def csv_bytes(rows: list[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["answer", "channel", "month"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(
        {**row, "answer": "" if row["answer"] is None else row["answer"]} for row in rows
    )
    return buffer.getvalue().encode()


def check_summary(data: dict[str, Any], expected: dict[str, Any]) -> None:
    for name in ("detractors", "passives", "promoters", "n", "n_missing"):
        assert data[name] == expected[name], name
    assert data["nps"] == pytest.approx(expected["nps"], rel=1e-12)


def check_breakdown(data: dict[str, Any], rows: list[Row]) -> None:
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        groups[row["channel"]].append(row)
    found = {row["channel"]: row for row in data["rows"]}
    assert sorted(found) == sorted(groups)
    for channel, members in groups.items():
        expected = by_hand(members)
        for name in ("detractors", "passives", "promoters", "n"):
            assert found[channel][name] == expected[name], (channel, name)
        assert found[channel]["nps"] == pytest.approx(expected["nps"], rel=1e-12)


# -- Excel ------------------------------------------------------------------------------


def write_xlsx(path: Path, rows: list[Row], *, sheet: str = "Answers") -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Notes"  # the first sheet is not the data: --sheet picks it
    book.active.append(["exported by the survey tool"])
    data = book.create_sheet(sheet)
    data.append(["answer", "channel", "month"])
    for i, row in enumerate(rows):
        answer = row["answer"]
        if answer is not None and i % 7 == 0:
            answer = f" {answer} "  # numbers stored as text, with spaces
        data.append([answer, row["channel"], row["month"]])
        if i == 10:
            data.append([None, None, None])  # an empty row: skipped
    book.save(path)


def test_xlsx_summary_and_breakdown(tmp_path: Path) -> None:
    rows = survey(400, seed=14)
    path = tmp_path / "survey.xlsx"
    write_xlsx(path, rows)
    data = run("summary", str(path), "--sheet", "Answers", "--score", "answer")
    check_summary(data, by_hand(rows))
    table = run(
        "breakdown", str(path), "--sheet", "Answers", "--score", "answer", "--by", "channel"
    )
    check_breakdown(table, rows)


def test_xlsx_errors_name_sheet_and_row(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["answer"])
    for value in (10, 3, "ten", 9):
        book.active.append([value])
    book.active.title = "S1"
    path = tmp_path / "bad.xlsx"
    book.save(path)
    line = fail("summary", str(path), "--score", "answer")
    assert "bad.xlsx, sheet 'S1', row 4: answer 'ten' is not a valid answer" in line
    assert "not valid UTF-8" not in line
    line = fail("summary", str(path), "--score", "answer", "--sheet", "Other")
    assert "has no sheet 'Other'; its sheets are 'S1'" in line


def test_missing_openpyxl_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    from npskit._cli.main import main

    write_xlsx(tmp_path / "survey.xlsx", survey(20, seed=1))
    real_import = builtins.__import__

    def no_openpyxl(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.split(".")[0] == "openpyxl":
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_openpyxl)
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    status = main(["summary", str(tmp_path / "survey.xlsx"), "--score", "answer"])
    assert status == 1
    message = err.getvalue()
    assert 'pip install "npskit[xlsx]"' in message
    assert "not valid UTF-8" not in message
    assert "Traceback" not in message


# -- compression and standard input -----------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "compress"),
    [(".csv.gz", gzip.compress), (".csv.bz2", bz2.compress), (".csv.xz", lzma.compress)],
)
def test_compressed_csv(tmp_path: Path, suffix: str, compress: Any) -> None:
    rows = survey(300, seed=len(suffix))
    path = tmp_path / f"survey{suffix}"
    path.write_bytes(compress(csv_bytes(rows)))
    check_summary(run("summary", str(path), "--score", "answer"), by_hand(rows))


def test_zstd_csv_with_pyarrow(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    rows = survey(300, seed=5)
    path = tmp_path / "survey.csv.zst"
    with pa.output_stream(str(path), compression="zstd") as stream:
        stream.write(csv_bytes(rows))
    check_summary(run("summary", str(path), "--score", "answer"), by_hand(rows))


def test_standard_input_csv_gzip_and_parquet(tmp_path: Path) -> None:
    rows = survey(300, seed=3)
    expected = by_hand(rows)
    check_summary(run("summary", "-", "--score", "answer", stdin=csv_bytes(rows)), expected)
    gz = gzip.compress(csv_bytes(rows))
    check_summary(run("summary", "-", "--score", "answer", stdin=gz), expected)
    pq = pytest.importorskip("pyarrow.parquet")
    pa = pytest.importorskip("pyarrow")
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "survey.parquet")
    parquet = (tmp_path / "survey.parquet").read_bytes()  # read by its first bytes, PAR1
    check_summary(run("summary", "-", "--score", "answer", stdin=parquet), expected)


# -- several files, folders, patterns ---------------------------------------------------


def spark_folder(folder: Path, parts: list[list[Row]]) -> None:
    """Parts as Spark writes them, with its marker and checksum files."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    folder.mkdir()
    for i, rows in enumerate(parts):
        name = f"part-{i:05d}-6f1c.c000.snappy.parquet"
        pq.write_table(pa.Table.from_pylist(rows), folder / name)
        (folder / f".{name}.crc").write_bytes(b"\x00crc")
    (folder / "_SUCCESS").write_bytes(b"")


def test_folder_of_parquet_parts(tmp_path: Path) -> None:
    parts = [survey(250, seed=seed) for seed in (21, 22, 23, 24)]
    rows = [row for part in parts for row in part]
    spark_folder(tmp_path / "survey.parquet", parts)
    folder = str(tmp_path / "survey.parquet")
    data = run("summary", folder, "--score", "answer")
    check_summary(data, by_hand(rows))
    assert data["file"] == folder
    check_breakdown(run("breakdown", folder, "--score", "answer", "--by", "channel"), rows)


def test_several_files_and_a_quoted_pattern(tmp_path: Path) -> None:
    parts = [survey(150, seed=seed) for seed in (31, 32, 33)]
    for i, part in enumerate(parts):
        (tmp_path / f"week{i}.csv").write_bytes(csv_bytes(part))
    rows = [row for part in parts for row in part]
    names = [f"week{i}.csv" for i in range(3)]
    check_summary(run("summary", *names, "--score", "answer", cwd=tmp_path), by_hand(rows))
    # The pattern reaches npskit unexpanded (no shell here), as a quoted one would.
    check_summary(run("summary", "week*.csv", "--score", "answer", cwd=tmp_path), by_hand(rows))
    # compare: two data sets, each a pattern
    before = run("summary", "week[01].csv", "--score", "answer", cwd=tmp_path)
    check_summary(before, by_hand(parts[0] + parts[1]))
    result = run("compare", "week[01].csv", "week2.csv", "--score", "answer", cwd=tmp_path)
    assert result["difference"] == pytest.approx(
        by_hand(parts[2])["nps"] - by_hand(parts[0] + parts[1])["nps"], rel=1e-12
    )


def test_parts_that_lack_a_column_are_named(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    folder = tmp_path / "survey.parquet"
    folder.mkdir()
    pq.write_table(pa.table({"answer": [9, 3], "channel": ["a", "b"]}), folder / "part-0.parquet")
    pq.write_table(pa.table({"answer": [9, 3]}), folder / "part-1.parquet")
    line = fail("breakdown", str(folder), "--score", "answer", "--by", "channel")
    assert "part 2 of 2" in line
    assert "part-1.parquet has no column 'channel'" in line


def test_folder_of_mixed_kinds_and_stray_files_are_refused(tmp_path: Path) -> None:
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    (mixed / "a.csv").write_text("answer\n9\n")
    (mixed / "b.xlsx").write_bytes(b"")
    assert "more than one kind" in fail("summary", str(mixed), "--score", "answer")
    stray = tmp_path / "stray"
    stray.mkdir()
    (stray / "a.csv").write_text("answer\n9\n")
    (stray / "README.md").write_text("notes")
    assert "README.md" in fail("summary", str(stray), "--score", "answer")
    assert "matches no file" in fail("summary", str(tmp_path / "none*.csv"), "--score", "answer")


def test_legacy_xls_and_zip_are_named(tmp_path: Path) -> None:
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64)
    assert "legacy Excel (.xls)" in fail("summary", str(tmp_path / "old.xls"), "--score", "a")
    (tmp_path / "data.zip").write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    assert "zip archive" in fail("summary", str(tmp_path / "data.zip"), "--score", "a")


# -- counts tables ----------------------------------------------------------------------


def counts_of(rows: list[Row], keys: list[str]) -> dict[tuple[str, ...], Counter[str]]:
    """Counts per key and category (and missing answers), in plain Python."""
    out: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for row in rows:
        key = tuple(row[k] for k in keys)
        out[key]["missing" if row["answer"] is None else category(row["answer"])] += 1
    return out


def write_counts(path: Path, rows: list[Row], keys: list[str]) -> None:
    with path.open("w", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow([*keys, "detractors", "passives", "promoters", "n_missing"])
        for key, counts in sorted(counts_of(rows, keys).items()):
            names = ("detractors", "passives", "promoters", "missing")
            writer.writerow([*key, *(counts[name] for name in names)])


def test_counts_table_summary_breakdown_trend_compare(tmp_path: Path) -> None:
    rows = survey(2000, seed=42)
    path = tmp_path / "counts.csv"
    write_counts(path, rows, ["channel", "month"])
    counts = ["--counts", "--n-missing", "n_missing"]
    check_summary(run("summary", str(path), *counts), by_hand(rows))
    check_breakdown(run("breakdown", str(path), *counts, "--by", "channel"), rows)
    trend = run("trend", str(path), *counts, "--period", "month")
    for found in trend["rows"]:
        expected = by_hand([row for row in rows if row["month"] == found["period"]])
        assert (found["n"], found["n_missing"]) == (expected["n"], expected["n_missing"])
        assert found["nps"] == pytest.approx(expected["nps"], rel=1e-12)
    result = run(
        "compare", str(path), *counts, "--period", "month",
        "--baseline", "2026-04", "--current", "2026-05",
    )  # fmt: skip
    before = by_hand([row for row in rows if row["month"] == "2026-04"])
    after = by_hand([row for row in rows if row["month"] == "2026-05"])
    assert (result["n_baseline"], result["n_current"]) == (before["n"], after["n"])
    assert result["difference"] == pytest.approx(after["nps"] - before["nps"], rel=1e-12)


def test_counts_table_of_answer_points_in_parquet_parts(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    rows = survey(1500, seed=8)
    folder = tmp_path / "counts.parquet"
    folder.mkdir()
    for part, channels in enumerate((["chat", "email"], ["phone"])):
        table = []
        for channel in channels:
            answers = Counter(r["answer"] for r in rows if r["channel"] == channel)
            table.append({"channel": channel, **{str(p): answers[p] for p in range(11)}})
        pq.write_table(pa.Table.from_pylist(table), folder / f"part-{part}.parquet")
    (folder / "_SUCCESS").write_bytes(b"")
    answered = [row for row in rows if row["answer"] is not None]
    check_breakdown(run("breakdown", str(folder), "--counts", "--by", "channel"), answered)


def test_counts_table_long_form_weighted(tmp_path: Path) -> None:
    # One row per channel and answer, with the sums of the weights and squared weights.
    rng = random.Random(9)
    rows = [
        {"channel": rng.choice("ab"), "answer": rng.randint(0, 10), "w": rng.uniform(0.5, 2)}
        for _ in range(500)
    ]
    groups: dict[tuple[str, int], list[float]] = defaultdict(list)
    for row in rows:
        groups[row["channel"], row["answer"]].append(row["w"])
    path = tmp_path / "counts.csv"
    with path.open("w", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["channel", "answer", "count", "w", "w2"])
        for (channel, answer), weights in sorted(groups.items()):
            squares = sum(w * w for w in weights)
            writer.writerow([channel, answer, len(weights), repr(sum(weights)), repr(squares)])
    data = run(
        "summary", str(path), "--counts", "--score", "answer",
        "--weight-sum", "w", "--weight-sq-sum", "w2",
    )  # fmt: skip
    sums = Counter[str]()
    for row in rows:
        sums[category(row["answer"])] += row["w"]
    total = sum(sums.values())
    assert data["n"] == len(rows)
    assert data["weight_sum"] == pytest.approx(total, rel=1e-12)
    assert data["nps"] == pytest.approx(100 * (sums["promoters"] - sums["detractors"]) / total)


@pytest.mark.parametrize(
    ("cell", "why"),
    [("-2", "'-2'"), ("1.5", "'1.5'"), ("", "''"), ("many", "'many'")],
)
def test_bad_counts_name_line_and_column(tmp_path: Path, cell: str, why: str) -> None:
    path = tmp_path / "counts.csv"
    path.write_text(f"channel,detractors,passives,promoters\nweb,3,4,5\nphone,1,{cell},2\n")
    line = fail("summary", str(path), "--counts")
    assert f"counts.csv, line 3: column 'passives' holds {why}" in line
    assert "whole numbers >= 0" in line


def test_a_counts_table_without_counts_says_so(tmp_path: Path) -> None:
    path = tmp_path / "counts.csv"
    path.write_text("channel,detractors,passives,promoters\nweb,3,4,5\n")
    assert "pass --counts" in fail("summary", str(path), "--score", "answer")
    path.write_text("channel,good,bad\nweb,3,4\n")
    assert "--categories D,P,Q" in fail("summary", str(path), "--counts")


def test_help_names_every_format() -> None:
    for command in ("summary", "breakdown", "compare", "trend", "agents", "control", "drivers"):
        result = subprocess.run(
            [sys.executable, "-m", "npskit", command, "--help"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        text = " ".join(result.stdout.split())
        for word in ("CSV", "Parquet", ".xlsx", "folder", "glob", "standard input", "--counts"):
            assert word in text, (command, word)
