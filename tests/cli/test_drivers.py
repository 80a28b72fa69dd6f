"""``npskit drivers`` and ``npskit topics``: in-process ``main()`` against the Python API.

The reference is the library called on the example data loaded with
``npskit.load_example`` (a different reader from the command line's).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest

import npskit
from npskit.__main__ import main

DRIVERS = ["wait_rating", "resolved", "courtesy_rating", "ease_rating"]


def test_drivers_json_matches_the_api(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["drivers", "--example", "--seed", "3", "--n-resamples", "30", "--format", "json"])
        == 0
    )
    printed = json.loads(capsys.readouterr().out)
    expected = npskit.drivers("answer", DRIVERS, data=npskit.load_example(), rng=3, n_resamples=30)
    assert printed["command"] == "drivers"
    assert printed["r2"] == pytest.approx(expected.r2)
    assert [row["driver"] for row in printed["rows"]] == [row.driver for row in expected]
    assert printed["rows"][0]["low"] == pytest.approx(expected.rows[0].low)


def test_drivers_on_a_file_with_weights_and_outcome(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "survey.csv"
    path.write_text(npskit.example_path().read_text(encoding="utf-8"), encoding="utf-8")
    status = main([
        "drivers", str(path), "--score", "answer", "--drivers", "wait_rating,ease_rating",
        "--weight", "weight", "--outcome", "detractor", "--importance-method", "shapley",
        "--n-resamples", "0", "--format", "csv",
    ])  # fmt: skip
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    data = npskit.load_example()
    expected = npskit.drivers(
        data["answer"], {"wait_rating": data["wait_rating"], "ease_rating": data["ease_rating"]},
        weights=data["weight"], outcome="detractor", importance_method="shapley", n_resamples=0,
    )  # fmt: skip
    assert [r["driver"] for r in rows] == [r.driver for r in expected]
    assert float(rows[0]["importance"]) == pytest.approx(expected.rows[0].importance)


def test_drivers_usage_and_data_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["drivers", "--example", "--drivers", "nope"]) == 1
    assert "nope" in capsys.readouterr().err
    assert main(["drivers", "--example", "--outcome", "category"]) == 2


def test_drivers_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    target = tmp_path / "drivers.png"
    assert (
        main(["drivers", "--example", "--n-resamples", "20", "--seed", "1", "--plot", str(target)])
        == 0
    )
    assert target.stat().st_size > 1000
    capsys.readouterr()


def test_topics_matches_the_api(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["topics", "--example", "--format", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    expected = npskit.topic_impact("answer", "topics", data=npskit.load_example())
    assert [row["topic"] for row in printed["rows"]] == [row.topic for row in expected]
    assert printed["rows"][0]["impact"] == pytest.approx(expected.rows[0].impact)
    assert printed["total_impact"] == pytest.approx(list(expected.total_impact))


def test_topics_by_month_and_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    target = tmp_path / "topics.png"
    assert (
        main(
            ["topics", "--example", "--date", "date", "--format", "markdown", "--plot", str(target)]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "| 2026-06 | not resolved |" in out
    data = npskit.load_example()
    months = np.datetime_as_string(data["date"], unit="M")
    expected = npskit.topic_impact("answer", "topics", data=data, period=months)
    assert len(out.strip().splitlines()) == len(expected) + 2
    assert target.stat().st_size > 1000
