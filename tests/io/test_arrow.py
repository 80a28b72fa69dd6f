"""The pyarrow fast path of the CLI readers, and Parquet input.

The stdlib reader (``npskit._io.csv_file``) is the reference: every file is counted
both ways (the fast path forced by lowering the size threshold to 0) and the
results must agree; files with problems must give the stdlib reader's exact
line-numbered error. Parquet results are compared with counts of the same
values by plain Python.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

import npskit._io.files as files
from npskit import STANDARD_SCALE
from npskit.__main__ import main
from npskit._io.arrow import arrow_csv_counts
from npskit._io.chunks import merge_chunks
from npskit._io.source import DataFile

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

CSV = (
    "channel,agent,answer,weight\n"
    "web, A1 ,10,1.5\n"
    'phone,"A2",7,0.5\n'
    ",A1,,\n"
    '"web",A3,0,2\n'
    "\n"
    'chat,"A,4",9,1\n'
    "phone,A2,3,1\n"
)


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(args)
    out, err = capsys.readouterr()
    return status, out, err


def _both(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[tuple[int, str, str], tuple[int, str, str]]:
    monkeypatch.setattr(files, "ARROW_MIN_BYTES", 0)
    fast = _run(args, capsys)
    monkeypatch.setattr(files, "ARROW_MIN_BYTES", 1 << 62)
    slow = _run(args, capsys)
    return fast, slow


@pytest.mark.parametrize(
    "command",
    [
        ["summary", "--score", "answer"],
        ["summary", "--score", "answer", "--weight", "weight", "--format", "json"],
        ["breakdown", "--score", "answer", "--by", "channel", "--format", "json"],
        ["breakdown", "--score", "answer", "--by", "channel,agent", "--format", "json"],
        ["breakdown", "--score", "answer", "--by", "agent", "--weight", "weight"],
        ["trend", "--score", "answer", "--period", "channel", "--format", "json"],
    ],
)
def test_fast_path_agrees_with_the_stdlib_reader(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
) -> None:
    path = tmp_path / "survey.csv"
    path.write_text("\ufeff" + CSV, encoding="utf-8")
    args = [command[0], str(path), *command[1:]]
    fast, slow = _both(args, capsys, monkeypatch)
    if fast[0] == 2 and "unrecognized" in fast[2]:  # pragma: no cover - CLI without --period
        pytest.skip("this CLI has no trend --period option")
    assert fast == slow
    assert fast[0] == 0


@pytest.mark.parametrize(
    "body",
    [
        "answer\n10\n\n3\n7\n",  # one column: a blank line is a blank answer
        "channel,answer\nweb, 10 \nweb,9\n",  # spaces: pyarrow gives up, stdlib reads
        'channel,answer\n"web\nsite",10\nweb,"9"\n',  # a line break inside quotes
    ],
)
def test_unusual_files_agree(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    body: str,
) -> None:
    path = tmp_path / "odd.csv"
    path.write_text(body, encoding="utf-8")
    fast, slow = _both(
        ["summary", str(path), "--score", "answer", "--format", "json"], capsys, monkeypatch
    )
    assert fast == slow
    assert fast[0] == 0


def test_fast_path_is_really_taken(tmp_path: Path) -> None:
    path = tmp_path / "survey.csv"
    path.write_text(CSV, encoding="utf-8")
    parts = arrow_csv_counts(
        DataFile(path), "answer", ["agent"], weight=None, nan_policy="omit", scale=STANDARD_SCALE
    )
    counts = merge_chunks(parts)
    assert counts is not None
    # Keys are stripped text; the blank answer of A1 is missing.
    tallies = dict(zip([k for (k,) in counts.keys], counts.tallies, strict=True))
    assert set(tallies) == {"A1", "A2", "A3", "A,4"}
    assert (tallies["A1"].promoters, tallies["A1"].n_missing) == (1, 1)
    assert (tallies["A2"].passives, tallies["A2"].detractors) == (1, 1)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("channel,answer\nweb,10\nweb,eleven\n", "line 3: answer 'eleven' is not a number"),
        ("channel,answer\nweb,10\nweb,11\n", "line 3: answer '11' is outside 0..10"),
        ("channel,answer\nweb,10\nweb,9,1\n", "line 3: 3 fields where the header has 2"),
        ("channel,answer\nweb,10\nweb,9.5\n", "line 3: answer '9.5' is not a whole number"),
        ("channel,answer,answer\nweb,10,1\n", "names column 'answer' more than once"),
        ("channel,score\nweb,10\n", "has no column 'answer'"),
    ],
)
def test_errors_come_from_the_stdlib_reader(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    body: str,
    expected: str,
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(body, encoding="utf-8")
    args = ["breakdown", str(path), "--score", "answer", "--by", "channel"]
    fast, slow = _both(args, capsys, monkeypatch)
    assert fast == slow
    assert fast[0] == 1
    assert expected in fast[2]


def test_invalid_utf8_is_reported_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("channel,answer\nweb,10\ncaf\xe9,9\n".encode("latin-1"))
    fast, slow = _both(
        ["breakdown", str(path), "--score", "answer", "--by", "channel"], capsys, monkeypatch
    )
    assert fast == slow
    assert "line 3" in fast[2]


# -- Parquet ------------------------------------------------------------------------


def _parquet(tmp_path: Path, columns: dict[str, list[Any]], row_group_size: int = 3) -> Path:
    path = tmp_path / "survey.parquet"
    pq.write_table(pa.table(columns), path, row_group_size=row_group_size)
    return path


def test_parquet_summary_and_breakdown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    columns = {
        "channel": ["web", "web", "phone", None, "phone", "web", "chat"],
        "answer": [10, 3, 9, 8, None, 7, 0],
        "weight": [1.0, 2.0, 1.0, 1.0, None, 0.5, 1.0],
    }
    path = _parquet(tmp_path, columns)
    status, out, _ = _run(["summary", str(path), "--score", "answer", "--format", "json"], capsys)
    assert status == 0
    payload = json.loads(out)
    # Hand count: promoters 10, 9; passives 8, 7; detractors 3, 0; one missing.
    assert (payload["detractors"], payload["passives"], payload["promoters"]) == (2, 2, 2)
    assert payload["n_missing"] == 1
    status, out, _ = _run(
        ["breakdown", str(path), "--score", "answer", "--by", "channel", "--format", "json"],
        capsys,
    )
    assert status == 0
    rows = {row["channel"]: row for row in json.loads(out)["rows"]}
    # web: 10 (promoter), 3 (detractor), 7 (passive): NPS 0.
    assert math.isclose(rows["web"]["nps"], 0.0, abs_tol=1e-12)
    assert rows["web"]["n"] == 3
    assert None in rows  # the null channel is a segment of its own
    status, out, _ = _run(
        ["summary", str(path), "--score", "answer", "--weight", "weight", "--format", "json"],
        capsys,
    )
    weighted = json.loads(out)
    # Weighted: detractors 2 + 1 = 3, passives 1 + 0.5, promoters 1 + 1.
    assert (weighted["detractors"], weighted["passives"], weighted["promoters"]) == (
        3.0,
        1.5,
        2.0,
    )


def test_parquet_errors_name_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _parquet(tmp_path, {"answer": [10, 3, 9, 8, 12, 7]})
    status, _, err = _run(["summary", str(path), "--score", "answer"], capsys)
    assert status == 1
    # 12 is the fifth row; batches of row groups of 3 rows do not shift the count.
    assert "row 5: answer 12" in err
    status, _, err = _run(["summary", str(path), "--score", "nope"], capsys)
    assert status == 1
    assert "has no column 'nope'" in err
    status, _, err = _run(
        [
            "summary",
            str(_parquet(tmp_path, {"answer": [10, None]})),
            "--score",
            "answer",
            "--nan-policy",
            "raise",
        ],
        capsys,
    )
    assert status == 1
    assert "row 2: answer is missing" in err


def test_not_a_parquet_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "fake.parquet"
    path.write_text("answer\n10\n", encoding="utf-8")
    status, _, err = _run(["summary", str(path), "--score", "answer"], capsys)
    assert status == 1
    assert "not a readable Parquet file" in err
