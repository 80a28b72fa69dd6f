"""npskit compare and npskit trend: numbers against independent counts, exit codes."""

from __future__ import annotations

import csv
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import npskit
from npskit.__main__ import main


def _nps(scores: np.ndarray) -> float:
    """NPS by hand: share of 9-10 minus share of 0-6 among present answers, in points."""
    present = scores[~np.isnan(scores)]
    return 100 * (np.mean(present >= 9) - np.mean(present <= 6))


@pytest.fixture(scope="module")
def example() -> dict[str, np.ndarray]:
    return npskit.load_example()


def _month(example: dict[str, np.ndarray], month: str) -> np.ndarray:
    months = np.array([d.isoformat()[:7] for d in example["date"].astype(dt.date)])
    return example["answer"][months == month]


def test_compare_example_defaults_to_the_last_two_months(
    example: dict[str, np.ndarray], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["compare", "--example", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    may, june = _month(example, "2026-05"), _month(example, "2026-06")
    assert payload["baseline_label"] == "2026-05"
    assert payload["current_label"] == "2026-06"
    assert payload["difference"] == pytest.approx(_nps(june) - _nps(may))
    assert payload["low"] <= payload["difference"] <= payload["high"]
    assert 0 <= payload["pvalue"] <= 1


def test_compare_text_and_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", "--example", "--baseline", "2026-04", "--current", "2026-05"]) == 0
    text = capsys.readouterr().out
    assert "2026-04 (baseline) -> 2026-05 (current)" in text
    assert "p-value" in text
    assert main(["compare", "--example", "--format", "markdown", "--compare-method", "wald"]) == 0
    markdown = capsys.readouterr().out
    assert markdown.startswith("| | period | n | NPS |")
    assert "| change |" in markdown


def test_compare_period_column_and_two_files(
    example: dict[str, np.ndarray], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "compare",
                "--example",
                "--period",
                "channel",
                "--baseline",
                "chat",
                "--current",
                "phone",
                "--format",
                "json",
                "--confidence-level",
                "0.9",
            ]
        )
        == 0
    )
    payload = json.loads(capsys.readouterr().out)
    chat = example["answer"][example["channel"] == "chat"]
    phone = example["answer"][example["channel"] == "phone"]
    assert payload["difference"] == pytest.approx(_nps(phone) - _nps(chat))
    # Two-file form with the same answers gives the same difference.
    files = []
    for name, answers in (("chat.csv", chat), ("phone.csv", phone)):
        path = tmp_path / name
        with path.open("w", newline="", encoding="utf-8") as stream:
            writer = csv.writer(stream)
            writer.writerow(["id", "answer"])
            writer.writerows((i, "" if np.isnan(a) else int(a)) for i, a in enumerate(answers))
        files.append(str(path))
    assert main(["compare", *files, "--score", "answer", "--format", "json",
                 "--confidence-level", "0.9"]) == 0  # fmt: skip
    two = json.loads(capsys.readouterr().out)
    assert two["difference"] == pytest.approx(payload["difference"])
    assert two["low"] == pytest.approx(payload["low"])
    assert two["baseline_file"] == files[0]


def test_trend_example_matches_counts(
    example: dict[str, np.ndarray], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["trend", "--example", "--format", "csv"]) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert [r["period"] for r in rows] == [f"2026-0{m}" for m in range(1, 7)]
    for row in rows:
        answers = _month(example, row["period"])
        assert int(row["n"]) == int(np.sum(~np.isnan(answers)))
        assert int(row["n_missing"]) == int(np.sum(np.isnan(answers)))
        assert float(row["nps"]) == pytest.approx(_nps(answers))
    assert rows[0]["change"] == ""
    assert rows[1]["previous"] == "2026-01"
    # The library on the same arrays gives the same table.
    library = npskit.trend(example["answer"], example["date"], freq="month")
    assert [float(r["pvalue_adjusted"]) for r in rows[1:]] == pytest.approx(
        [r.pvalue_adjusted for r in library.rows[1:]]
    )


def test_trend_formats(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trend", "--example", "--freq", "quarter", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["freq"] == "quarter"
    assert len(payload["rows"]) == 2
    assert main(["trend", "--example", "--format", "markdown", "--p-adjust", "none"]) == 0
    assert capsys.readouterr().out.startswith("| period |")
    assert main(["trend", "--example", "--period", "channel"]) == 0
    assert "phone" in capsys.readouterr().out


def test_trend_weighted_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "w.csv"
    path.write_text(
        "when,score,w\n2026-01-02,10,2\n2026-01-05,0,1\n2026-02-03,9,1\n2026-02-04,,1\n"
        "2026-02-09,5,1\n,10,1\n",
        encoding="utf-8",
    )
    argv = ["trend", str(path), "--score", "score", "--date", "when", "--weight", "w"]
    assert main([*argv, "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    # January: promoters weigh 2, detractors 1 -> NPS 100 * (2 - 1) / 3.
    assert payload["rows"][0]["nps"] == pytest.approx(100 / 3)
    assert payload["rows"][1]["n_missing"] == 1
    assert payload["n_missing_period"] == 1


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["compare", "--example", "--baseline", "2026-01", "--current", "2026-09"], "2026-09"),
        (["compare", "--example", "--period", "nope", "--baseline", "a", "--current", "b"],
         "no column 'nope'"),
        (["trend", "--example", "--date", "channel"], "is not a date"),
    ],
)  # fmt: skip
def test_data_errors_exit_1_with_one_line(
    argv: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("npskit: error:")
    assert needle in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    "argv",
    [
        ["compare"],
        ["compare", "a.csv", "b.csv", "c.csv", "--score", "x"],
        ["compare", "a.csv", "--score", "x", "--period", "p"],
        ["compare", "a.csv", "b.csv", "--score", "x", "--period", "p"],
        ["compare", "--example", "--compare-method", "magic"],
        ["trend", "--example", "--confidence-level", "1.5"],
        ["trend", "--example", "--period", "channel", "--freq", "month"],
        ["trend", "survey.csv"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert "usage:" in capsys.readouterr().err


def test_subprocess_round_trip(example: dict[str, np.ndarray]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "npskit", "trend", "--example", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)["rows"]
    assert rows[4]["nps"] == pytest.approx(_nps(_month(example, "2026-05")))
    bad = subprocess.run(
        [sys.executable, "-m", "npskit", "compare", "missing.csv", "other.csv", "--score", "a"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1
    assert bad.stderr.startswith("npskit: error: cannot open 'missing.csv'")
