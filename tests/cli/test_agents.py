"""``npskit agents``: the three views agree with the library on the example file."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import npskit
from npskit._cli.main import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_case_mix_json_matches_the_library(capsys: pytest.CaptureFixture[str]) -> None:
    data = npskit.load_example()
    expected = npskit.case_mix("answer", "agent", ["queue", "call_reason"], data=data)
    out = json.loads(_run(capsys, "agents", "--example", "--format", "json"))
    assert out["command"] == "agents"
    assert out["strata"] == ["queue", "call_reason"]
    got = {row["agent"]: row for row in out["rows"]}
    for row in expected:
        assert got[row.key]["expected"] == pytest.approx(row.expected)
        assert got[row.key]["pvalue_adjusted"] == pytest.approx(row.pvalue_adjusted)


def test_funnel_and_publish_views(capsys: pytest.CaptureFixture[str]) -> None:
    text = _run(capsys, "agents", "--example", "--view", "funnel", "--overdispersion", "additive")
    assert "Funnel of case-mix adjusted NPS" in text
    table = _run(capsys, "agents", "--example", "--view", "publish", "--min-n", "50",
                 "--format", "csv")  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(table)))
    assert len(rows) == 40
    hidden = [row for row in rows if row["published"] == "False"]
    assert all(row["n"] == "" for row in hidden)
    assert len(hidden) != 1


def test_plot_and_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    target = tmp_path / "funnel.png"
    _run(capsys, "agents", "--example", "--plot", str(target))
    assert target.stat().st_size > 1000
    assert main(["agents", "--example", "--strata", "agent"]) == 2
    assert main(["agents", "--example", "--view", "case-mix", "--unit", "queue",
                 "--strata", "nope"]) == 1  # fmt: skip
    assert "nope" in capsys.readouterr().err
