"""``npskit breakdown``: subprocess runs and in-process ``main()``.

Reference numbers come from reading the CSV with the stdlib ``csv`` module and
counting per segment in a plain-Python loop, then calling ``npskit.compare`` on
those tallies and adjusting with a Holm loop written here.
"""

from __future__ import annotations

import csv
import io
import json
import math
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import npskit
from npskit import Tally, compare, example_path
from npskit.__main__ import main
from npskit._io.files import count_file
from npskit._io.source import DataFile


def _category(score: int) -> int:
    return 0 if score <= 6 else (2 if score >= 9 else 1)


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def _counts(
    records: list[dict[str, str]], keys: list[str], weight: str | None = None
) -> dict[tuple[str | None, ...], list[float]]:
    """[d, s, p, missing, sq_d, sq_s, sq_p, responses] per key, by a loop over records."""
    out: dict[tuple[str | None, ...], list[float]] = defaultdict(lambda: [0.0] * 8)
    for record in records:
        key = tuple(record[k].strip() or None for k in keys)
        text = record["answer"].strip()
        if text == "":
            out[key][3] += 1
            continue
        w = 1.0 if weight is None else float(record[weight])
        k = _category(int(text))
        out[key][k] += w
        out[key][4 + k] += w * w
        out[key][7] += 1
    return out


def _tally(row: list[float], weighted: bool) -> Tally:
    if not weighted:
        return Tally(
            detractors=int(row[0]),
            passives=int(row[1]),
            promoters=int(row[2]),
            n_missing=int(row[3]),
        )
    return Tally(
        detractors=row[0],
        passives=row[1],
        promoters=row[2],
        n_missing=int(row[3]),
        squared_weights=(row[4], row[5], row[6]),
        responses=int(row[7]),
    )


def _holm(p: list[float]) -> list[float]:
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    out, running = [0.0] * m, 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["breakdown", *args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def _check_against_reference(
    payload: dict[str, Any], keys: list[str], weight: str | None = None
) -> None:
    reference = _counts(_read(example_path()), keys, weight)
    weighted = weight is not None
    ordered = sorted(reference, key=lambda k: [(v is None, v or "") for v in k])
    assert [tuple(r[k] for k in keys) for r in payload["rows"]] == ordered
    everything = [x for k in ordered for x in [reference[k]]]
    totals = [sum(row[i] for row in everything) for i in range(8)]
    raw = []
    for record, key in zip(payload["rows"], ordered, strict=True):
        segment = _tally(reference[key], weighted)
        rest = _tally([t - v for t, v in zip(totals, reference[key], strict=True)], weighted)
        assert record["n"] == pytest.approx(segment.n)
        assert record["n_missing"] == segment.n_missing
        assert record["nps"] == pytest.approx(segment.nps, abs=1e-9)
        expected = compare(rest, segment)
        assert record["difference"] == pytest.approx(expected.difference, abs=1e-9)
        assert record["pvalue"] == pytest.approx(expected.pvalue, rel=1e-6, abs=1e-300)
        assert record["impact"] == pytest.approx(_tally(totals, weighted).nps - rest.nps, abs=1e-9)
        raw.append(expected.pvalue)
    for record, adjusted in zip(payload["rows"], _holm(raw), strict=True):
        assert record["pvalue_adjusted"] == pytest.approx(adjusted, rel=1e-6, abs=1e-300)
        assert record["significant"] == (adjusted < 0.05)
    assert payload["total"]["nps"] == pytest.approx(_tally(totals, weighted).nps)


def test_example_by_channel_matches_a_plain_count(capsys: pytest.CaptureFixture[str]) -> None:
    payload = _json(capsys, "--example")
    assert payload["by"] == ["channel"]
    assert payload["options"]["p_adjust"] == "holm"
    _check_against_reference(payload, ["channel"])


def test_cross_breakdown_and_weights(capsys: pytest.CaptureFixture[str]) -> None:
    payload = _json(capsys, "--example", "--by", "channel,queue")
    assert payload["names"] == ["channel", "queue"]
    _check_against_reference(payload, ["channel", "queue"])
    weighted = _json(capsys, "--example", "--weight", "weight")
    assert weighted["options"]["weighted"] is True
    _check_against_reference(weighted, ["channel"], weight="weight")


def test_chunks_merge_to_the_whole_file(tmp_path: Path) -> None:
    # 7-row chunks of the example file give the same counts as one tally_by.
    file = DataFile(example_path(), chunk_rows=7)
    grouped = count_file(file, "answer", ["queue", "channel"], weight="weight")
    frame = npskit.load_example()
    whole = npskit.tally_by(
        frame["answer"], [frame["queue"], frame["channel"]], weights=frame["weight"]
    )
    assert grouped.keys == whole.keys
    assert np.allclose(grouped.counts, whole.counts, rtol=1e-12)
    assert np.array_equal(grouped.n_missing, whole.n_missing)
    assert np.array_equal(grouped.responses, whole.responses)
    assert grouped.squared_weights is not None
    assert np.allclose(grouped.squared_weights, whole.squared_weights, rtol=1e-12)


def test_blank_keys_are_a_segment_of_their_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.csv"
    path.write_text("answer,team\n10,b\n3, \n9,a\n,b\n8,\n10,a\n", encoding="utf-8")
    payload = _json(capsys, str(path), "--score", "answer", "--by", "team")
    assert [r["team"] for r in payload["rows"]] == ["a", "b", None]
    assert [r["n"] for r in payload["rows"]] == [2, 1, 2]
    assert payload["rows"][1]["n_missing"] == 1
    assert main(["breakdown", str(path), "--score", "answer", "--by", "team"]) == 0
    assert "(missing)" in capsys.readouterr().out


def test_formats_and_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["breakdown", "--example", "--format", "markdown"]) == 0
    markdown = capsys.readouterr().out.splitlines()
    assert markdown[0].startswith("| channel | n | nps |")
    assert markdown[-1].startswith("| **total** | 5824 |")
    assert main(["breakdown", "--example", "--format", "csv", "--sort", "n"]) == 0
    records = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["channel"] for r in records] == ["phone", "chat", "email"]  # 2553, 2021, 1250
    payload = _json(
        capsys,
        "--example",
        "--by",
        "agent",
        "--rank",
        "shrunk",
        "--min-n",
        "50",
        "--p-adjust",
        "benjamini-hochberg",
        "--interval-method",
        "agresti-min",
        "--compare-method",
        "wald",
        "--confidence-level",
        "0.9",
    )
    options = payload["options"]
    assert options["sort"] == "shrunk"
    assert options["shrinkage"] is True
    assert (options["min_n"], options["p_adjust"]) == (50, "benjamini-hochberg")
    assert (options["interval_method"], options["compare_method"]) == ("agresti-min", "wald")
    assert options["confidence_level"] == 0.9
    shrunk = [r["shrunk_nps"] for r in payload["rows"]]
    assert shrunk == sorted(shrunk, reverse=True)
    assert all(r["small"] == (r["n"] < 50) for r in payload["rows"])
    assert payload["shrinkage"]["method"] == "hierarchical-normal"
    assert main(["breakdown", "--example", "--by", "agent", "--rank", "shrunk"]) == 0
    text = capsys.readouterr().out
    assert "sorted by shrunk" in text
    assert "small" in text
    assert "rounded" in text


def check_one_line_error(status: int, err: str, expected: int) -> str:
    assert status == expected
    lines = err.strip().splitlines()
    assert len(lines) == 1 if expected == 1 else lines
    return lines[-1]


def test_data_errors_exit_1_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("answer,team\n10,a\n11,b\n", encoding="utf-8")
    status = main(["breakdown", str(path), "--score", "answer", "--by", "team"])
    line = check_one_line_error(status, capsys.readouterr().err, 1)
    assert line.startswith("npskit: error:")
    assert "line 3" in line
    status = main(["breakdown", str(path), "--score", "answer", "--by", "region"])
    assert "no column 'region'" in check_one_line_error(status, capsys.readouterr().err, 1)
    one = tmp_path / "one.csv"
    one.write_text("answer,team\n10,a\n3,a\n", encoding="utf-8")
    status = main(["breakdown", str(one), "--score", "answer", "--by", "team", "--rank", "shrunk"])
    assert "two segments" in check_one_line_error(status, capsys.readouterr().err, 1)
    empty = tmp_path / "empty.csv"
    empty.write_text("answer,team\n,a\n,b\n", encoding="utf-8")
    status = main(["breakdown", str(empty), "--score", "answer", "--by", "team"])
    assert "no answers" in check_one_line_error(status, capsys.readouterr().err, 1)


@pytest.mark.parametrize(
    "args",
    [
        ["breakdown", "x.csv", "--score", "answer"],  # no --by
        ["breakdown", "x.csv", "--by", "team"],  # no --score
        ["breakdown", "--example", "--by", "channel,,queue"],
        ["breakdown", "--example", "--by", "channel,channel"],
        ["breakdown", "--example", "--by", "answer"],
        ["breakdown", "--example", "--min-n", "-1"],
        ["breakdown", "--example", "--sort", "size"],
        ["breakdown", "--example", "--p-adjust", "BH"],
        ["breakdown", "--example", "--confidence-level", "95"],
        ["breakdown", "--example", "--rank", "raw"],
    ],
)
def test_usage_errors_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    assert "usage:" in capsys.readouterr().err


def test_subprocess_json() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "npskit", "breakdown", "--example", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["command"] == "breakdown"
    assert [r["channel"] for r in payload["rows"]] == ["chat", "email", "phone"]
    assert not math.isnan(payload["total"]["nps"])
    failed = subprocess.run(
        [sys.executable, "-m", "npskit", "breakdown", "--example", "--by", "nope"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert failed.returncode == 1
    assert failed.stderr.count("\n") == 1
