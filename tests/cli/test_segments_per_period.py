"""`npskit breakdown --date --freq`, `npskit trend --by`, what `compare --example` compares.

Reference counts come from the bundled CSV read with the csv module, each
answer classified with plain comparisons and its month cut from the ISO date.
"""

from __future__ import annotations

import csv
import json
from collections import Counter

import pytest

from npskit._cli.main import main
from npskit._io.examples import example_path


def _by_hand() -> Counter[tuple[str, str, str]]:
    counts: Counter[tuple[str, str, str]] = Counter()
    with open(example_path(), newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["answer"].strip() == "":
                continue
            value = float(row["answer"])
            kind = "detractors" if value <= 6 else "passives" if value <= 8 else "promoters"
            counts[row["agent"], row["date"][:7], kind] += 1
    return counts


def test_breakdown_per_agent_and_month(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["breakdown", "--example", "--by", "agent", "--freq", "month", "--format", "json"]
    assert main(argv) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["by"] == ["agent", "date"]
    assert payload["freq"] == "month"
    counts = _by_hand()
    rows = payload["rows"]
    assert len(rows) == len({(a, m) for a, m, _ in counts})
    for row in rows:
        for kind in ("detractors", "passives", "promoters"):
            assert row[kind] == counts[row["agent"], row["month"], kind]


def test_breakdown_date_needs_freq_column(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["breakdown", "--example", "--by", "agent", "--date", "agent"]) == 2
    assert "--date must name a column other than those of --by" in capsys.readouterr().err


def test_trend_per_segment(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["trend", "--example", "--by", "channel", "--format", "json"]
    assert main(argv) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["names"] == ["channel"]
    segments = {tuple(s["key"]): s["trend"] for s in payload["segments"]}
    assert set(segments) == {("chat",), ("email",), ("phone",)}
    assert main(["trend", "--example", "--format", "json"]) == 0
    whole = json.loads(capsys.readouterr().out)
    months = [row["period"] for row in whole["rows"]]
    assert [row["period"] for row in segments["chat",]["rows"]] == months
    assert main(["trend", "--example", "--by", "channel", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("channel,period,")
    assert len(lines) == 1 + 3 * len(months)


def test_compare_example_says_what_it_compares(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", "--example"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert "comparing the last two months of column 'date', 2026-05 (baseline) and 2026-06" in first
    assert main(["compare", "--example", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert "2026-05 (baseline) and 2026-06 (current)" in payload["compared"]
    assert main(["compare", "--example", "--baseline", "2026-01", "--current", "2026-02"]) == 0
    assert "comparing the last two" not in capsys.readouterr().out
