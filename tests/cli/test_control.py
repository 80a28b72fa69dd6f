"""``npskit control``: charts, rolling windows and the target on the example file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import npskit
from npskit._cli.main import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_chart_json_matches_the_library(capsys: pytest.CaptureFixture[str]) -> None:
    data = npskit.load_example()
    expected = npskit.control_chart(data["answer"], data["date"], freq="week", chart="laney",
                                    baseline=16)  # fmt: skip
    out = json.loads(_run(capsys, "control", "--example", "--chart", "laney", "--baseline", "16",
                          "--format", "json"))  # fmt: skip
    assert out["sigma_z"] == pytest.approx(expected.sigma_z)
    assert [row["upper"] for row in out["rows"]] == pytest.approx([r.upper for r in expected])


def test_rolling_with_a_target(capsys: pytest.CaptureFixture[str]) -> None:
    data = npskit.load_example()
    expected = npskit.rolling(data["answer"], data["date"], window=30, compare_lag=7)
    out = json.loads(_run(capsys, "control", "--example", "--rolling", "30", "--compare-lag", "7",
                          "--target", "20", "--format", "json"))  # fmt: skip
    assert out["rows"][-1]["change"] == pytest.approx(expected.rows[-1].change)
    last = data["date"] >= data["date"].max() - 29
    assert out["target"]["n"] == npskit.tally(data["answer"][last]).n
    text = _run(capsys, "control", "--example", "--rolling", "30", "--target", "20")
    assert "Target, last window" in text


def test_plot_and_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    target = tmp_path / "chart.png"
    _run(capsys, "control", "--example", "--chart", "cusum", "--plot", str(target))
    assert target.stat().st_size > 1000
    assert main(["control", "--example", "--compare-lag", "3"]) == 2
    assert main(["control", "--example", "--target", "120"]) == 2
    assert main(["control", "--example", "--baseline", "1"]) == 1
