"""--metric, --top-box and --metric-scale through the real command line (issue 17).

Values are checked against plain-Python arithmetic over the CSV cells and
against the library verbs on the same columns.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import npskit


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "npskit", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def test_summary_side_by_side_matches_plain_python() -> None:
    result = run("summary", "--example", "--metric", "nps,csat,ces", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = {row["metric"]: row for row in json.loads(result.stdout)["rows"]}
    with npskit.example_path().open(encoding="utf-8", newline="") as stream:
        records = list(csv.DictReader(stream))
    answers = [int(r["answer"]) for r in records if r["answer"]]
    csat = [int(r["csat"]) for r in records if r["csat"]]
    ces = [int(r["ces"]) for r in records if r["ces"]]
    nps = 100 * (sum(a >= 9 for a in answers) - sum(a <= 6 for a in answers)) / len(answers)
    assert rows["nps"]["estimate"] == pytest.approx(nps)
    assert rows["csat"]["estimate"] == pytest.approx(100 * sum(v >= 4 for v in csat) / len(csat))
    assert rows["ces"]["estimate"] == pytest.approx(sum(ces) / len(ces))
    assert (rows["csat"]["column"], rows["ces"]["n"]) == ("csat", len(ces))
    text = run("summary", "--example", "--metric", "nps,csat,ces")
    assert text.returncode == 0
    assert [line.split()[0] for line in text.stdout.splitlines()[3:6]] == ["NPS", "CSAT", "CES"]


def test_nps_output_is_unchanged() -> None:
    assert (
        run("summary", "--example", "--metric", "nps").stdout == run("summary", "--example").stdout
    )
    assert (
        run("breakdown", "--example", "--metric", "nps").stdout
        == run("breakdown", "--example").stdout
    )


@pytest.mark.parametrize("metric", ["csat", "ces", "ces-easy"])
def test_breakdown_and_trend_match_the_library(metric: str) -> None:
    data = npskit.load_example()
    column = "csat" if metric == "csat" else "ces"
    out = run("breakdown", "--example", "--metric", metric, "--by", "queue", "--format", "json")
    assert out.returncode == 0, out.stderr
    payload = json.loads(out.stdout)
    expected = npskit.breakdown(column, "queue", data=data, metric=metric)  # type: ignore[call-overload]
    assert payload["metric"] == metric
    assert payload["rows"] == json.loads(json.dumps(expected.to_dicts()))
    out = run("trend", "--example", "--metric", metric, "--format", "json")
    assert out.returncode == 0, out.stderr
    series = npskit.trend(data[column], data["date"], freq="month", metric=metric)  # type: ignore[call-overload]
    assert [row["estimate"] for row in json.loads(out.stdout)["rows"]] == pytest.approx(
        [row.estimate for row in series]
    )


def test_top_box_and_metric_scale_on_a_file(tmp_path: Path) -> None:
    path = tmp_path / "survey.csv"
    sat = [7, 6, 5, 1, "", 4, 7, 3, 6, 2]
    group = ["a", "b"] * 5
    path.write_text(
        "sat,team\n" + "".join(f"{s},{g}\n" for s, g in zip(sat, group, strict=True)),
        encoding="utf-8",
    )
    out = run(
        "summary", str(path), "--metric", "csat", "--score", "sat",
        "--metric-scale", "1-7", "--top-box", "6", "--format", "json",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    (row,) = json.loads(out.stdout)["rows"]
    answered = [v for v in sat if v != ""]
    assert row["estimate"] == pytest.approx(100 * sum(int(v) >= 6 for v in answered) / 9)
    assert (row["range_low"], row["range_high"], row["n_missing"]) == (0.0, 100.0, 1)
    csv_out = run(
        "breakdown", str(path), "--metric", "ces", "--score", "sat", "--by", "team",
        "--format", "csv",
    )  # fmt: skip
    assert csv_out.returncode == 0, csv_out.stderr
    lines = csv_out.stdout.splitlines()
    assert lines[0].startswith("team,n,")
    mean_a = np.mean([int(v) for v, g in zip(sat, group, strict=True) if g == "a" and v != ""])
    assert float(lines[1].split(",")[6]) == pytest.approx(mean_a)


def test_errors_are_one_line() -> None:
    bad = run("summary", "--example", "--metric", "csat", "--score", "answer")
    assert bad.returncode == 1
    assert "outside 1..5" in bad.stderr
    assert "Traceback" not in bad.stderr
    wrong = run("summary", "--example", "--metric", "nps", "--top-box", "4")
    assert wrong.returncode == 2
    assert "--top-box" in wrong.stderr
    unknown = run("summary", "--example", "--metric", "csat,foo")
    assert unknown.returncode == 2
    assert "nps, csat, ces, ces-easy" in unknown.stderr
    method = run("breakdown", "--example", "--metric", "csat", "--interval-method", "tango")
    assert method.returncode == 2
    assert "NPS method" in method.stderr


@pytest.mark.parametrize("metric", ["csat", "ces", "ces-easy"])
def test_sample_size_matches_the_library(metric: str) -> None:
    margin = "3" if metric != "ces" else "0.1"
    out = run("sample-size", "--margin", margin, "--metric", metric, "--format", "json")
    assert out.returncode == 0, out.stderr
    plan = npskit.sample_size(float(margin), metric=metric)  # type: ignore[call-overload]
    payload = json.loads(out.stdout)
    assert (payload["n"], payload["metric"]) == (plan.n, metric)
    nps = run("sample-size", "--margin", "3", "--metric", "nps")
    assert nps.stdout == run("sample-size", "--margin", "3").stdout
