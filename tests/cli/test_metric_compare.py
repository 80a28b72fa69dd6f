"""``npskit compare --metric csat|ces|ces-easy`` through the real console script (issue 17).

Every number is checked against :func:`npskit.compare` with ``metric=``
called on the same answers read with the csv module (plain Python: the
month of a date is its first seven characters).
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

import npskit
from npskit import Metric


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "npskit", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def _records() -> list[dict[str, str]]:
    with npskit.example_path().open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def _answers(records: list[dict[str, str]], column: str, month: str) -> list[int]:
    return [int(r[column]) for r in records if r["date"][:7] == month and r[column].strip()]


def _write(path: Path, records: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    return path


def _check(payload: dict[str, object], expected: npskit.Comparison) -> None:
    for name in ("baseline", "current", "difference", "low", "high", "pvalue"):
        assert payload[name] == pytest.approx(getattr(expected, name), rel=1e-12), name
    assert payload["compare_method"] == expected.compare_method
    assert payload["n_baseline"] == expected.n_baseline
    assert payload["n_current"] == expected.n_current


@pytest.mark.parametrize(("metric", "column"), [("csat", "csat"), ("ces", "ces")])
def test_two_files_match_the_library(tmp_path: Path, metric: str, column: str) -> None:
    records = _records()
    april = _write(tmp_path / "april.csv", [r for r in records if r["date"][:7] == "2026-04"])
    may = _write(tmp_path / "may.csv", [r for r in records if r["date"][:7] == "2026-05"])
    result = run(
        "compare", str(april), str(may), "--metric", metric, "--score", column, "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    expected = npskit.compare(
        _answers(records, column, "2026-04"), _answers(records, column, "2026-05"), metric=metric
    )
    _check(payload, expected)
    assert payload["metric"] == metric
    assert payload["metric_definition"]["name"] == metric
    assert (payload["baseline_file"], payload["current_file"]) == (str(april), str(may))


@pytest.mark.parametrize(("metric", "column"), [("csat", "csat"), ("ces", "ces")])
def test_periods_of_one_file_match_the_library(tmp_path: Path, metric: str, column: str) -> None:
    records = _records()
    expected = npskit.compare(
        _answers(records, column, "2026-02"), _answers(records, column, "2026-05"), metric=metric
    )
    by_date = run(
        *("compare", str(npskit.example_path()), "--metric", metric, "--score", column),
        *("--date", "date", "--freq", "month", "--baseline", "2026-02", "--current", "2026-05"),
        *("--format", "json"),
    )
    assert by_date.returncode == 0, by_date.stderr
    _check(json.loads(by_date.stdout), expected)
    # a text period column: the month written out
    for r in records:
        r["month"] = r["date"][:7]
    path = _write(tmp_path / "survey.csv", records)
    by_period = run(
        *("compare", str(path), "--metric", metric, "--score", column, "--period", "month"),
        *("--baseline", "2026-02", "--current", "2026-05", "--format", "json"),
    )
    assert by_period.returncode == 0, by_period.stderr
    _check(json.loads(by_period.stdout), expected)


def test_example_defaults_text_and_markdown_name_the_metric() -> None:
    records = _records()
    expected = npskit.compare(
        _answers(records, "csat", "2026-05"), _answers(records, "csat", "2026-06"), metric="csat"
    )
    text = run("compare", "--example", "--metric", "csat")
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[1] == "CSAT change in column 'csat': 2026-05 (baseline) -> 2026-06 (current)"
    assert f"CSAT {expected.baseline:.1f}%" in lines[2]
    assert f"{expected.difference:+.1f} percentage points" in lines[4]
    assert f"[{expected.low:+.1f}, {expected.high:+.1f}]" in lines[4]
    assert f"{expected.pvalue:.3g} (newcombe, two-sided)" in lines[5]
    ces = npskit.compare(
        _answers(records, "ces", "2026-05"), _answers(records, "ces", "2026-06"), metric="ces"
    )
    markdown = run("compare", "--example", "--metric", "ces", "--format", "markdown")
    assert markdown.returncode == 0, markdown.stderr
    table = markdown.stdout.splitlines()
    assert table[0] == "| | period | n | CES | 95% CI | p-value |"
    assert f"| {ces.difference:+.2f} | [{ces.low:+.2f}, {ces.high:+.2f}] |" in table[4]


def test_top_box_and_metric_scale(tmp_path: Path) -> None:
    records = _records()
    top = Metric.top_box(low=1, high=5, cut=5, name="csat")
    expected = npskit.compare(
        _answers(records, "csat", "2026-03"), _answers(records, "csat", "2026-04"), metric=top
    )
    result = run(
        *("compare", "--example", "--metric", "csat", "--top-box", "5"),
        *("--baseline", "2026-03", "--current", "2026-04", "--format", "json"),
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    _check(payload, expected)
    assert payload["metric_definition"]["box"] == [5, 5]
    wide = Metric.mean(low=0, high=10, name="ces")
    expected = npskit.compare(
        _answers(records, "ces", "2026-03"), _answers(records, "ces", "2026-04"), metric=wide
    )
    result = run(
        *("compare", "--example", "--metric", "ces", "--metric-scale", "0-10"),
        *("--baseline", "2026-03", "--current", "2026-04", "--format", "json"),
    )
    assert result.returncode == 0, result.stderr
    _check(json.loads(result.stdout), expected)


def test_weighted_answers_match_weighted_histograms() -> None:
    records = _records()

    def side(month: str) -> npskit.Histogram:
        kept = [r for r in records if r["date"][:7] == month and r["csat"].strip()]
        return npskit.histogram(
            [int(r["csat"]) for r in kept],
            metric="csat",
            weights=[float(r["weight"]) for r in kept],
        )

    expected = npskit.compare(side("2026-01"), side("2026-02"), metric="csat")
    result = run(
        *("compare", "--example", "--metric", "csat", "--weight", "weight"),
        *("--baseline", "2026-01", "--current", "2026-02", "--format", "json"),
    )
    assert result.returncode == 0, result.stderr
    _check(json.loads(result.stdout), expected)


def test_errors_are_clear() -> None:
    unknown = run("compare", "--example", "--metric", "csat", "--baseline", "1999-01")
    assert unknown.returncode != 0
    missing = run(
        *("compare", "--example", "--metric", "csat"),
        *("--baseline", "1999-01", "--current", "2026-02"),
    )
    assert missing.returncode != 0
    assert "no answers in period '1999-01'" in missing.stderr
    method = run("compare", "--example", "--metric", "ces", "--compare-method", "wald")
    assert method.returncode == 2
    assert "--compare-method wald is an NPS method" in method.stderr
    top = run("compare", "--example", "--metric", "ces", "--top-box", "5")
    assert top.returncode == 2
    assert "--top-box applies to a share metric" in top.stderr


def test_the_console_block_of_the_how_to_page_is_real_output() -> None:
    page = Path(__file__).parents[2] / "docs" / "how-to" / "csat-and-ces.md"
    block = page.read_text(encoding="utf-8").split("```console\n", 1)[1].split("```", 1)[0]
    command, *shown = block.split("\n$ ", 1)[0].splitlines()
    args = command.removeprefix("$ npskit ").split()
    result = run(*args)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == shown


def test_breakdown_rank_shrunk_with_a_metric() -> None:
    result = run(
        "breakdown", "--example", "--metric", "csat", "--rank", "shrunk", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    shrunk = [row["shrunk_estimate"] for row in payload["rows"]]
    assert shrunk == sorted(shrunk, reverse=True)
    assert payload["shrinkage"]["method"] == "hierarchical-normal"
