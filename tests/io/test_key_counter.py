"""The vectorised batch counting of the pyarrow readers (``npskit._io.key_counter``).

Every count is checked against an independent plain-Python count of the same
rows: a dictionary keyed by the stripped key texts, with the category of each
answer decided by comparisons written out here. Batches are made tiny (a few
rows) so that every file is read in many batches, key values first appear in
later batches, and the running counts are merged many times.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import npskit._io.arrow as arrow
import npskit._io.files as files
import npskit._io.key_counter as key_counter
from npskit import STANDARD_SCALE, GroupedTally
from npskit.__main__ import main
from npskit._io.chunks import merge_chunks
from npskit._io.files import count_file
from npskit._io.source import DataFile, DataFileError

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

_TEAMS = ["north", " north", "south ", "\u00a0east\u2003", "", "  ", None, "west", "Ünïcode"]


def _plain_counts(
    rows: list[dict[str, Any]], keys: list[str], weight: str | None = None
) -> dict[Any, list[float]]:
    """Per key: [detractors, passives, promoters, missing] (weights for the first three)."""
    counts: dict[tuple[Any, ...], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for row in rows:
        key = []
        for name in keys:
            value = row[name]
            text = "" if value is None else str(value).strip()
            key.append(None if text == "" else text)
        answer = row["answer"]
        slot = counts[tuple(key)]
        if answer is None:
            slot[3] += 1
            continue
        w = 1.0 if weight is None else float(row[weight])
        slot[0 if answer <= 6 else 1 if answer <= 8 else 2] += w
    return dict(counts)


def _as_plain(grouped: GroupedTally) -> dict[Any, list[float]]:
    result = {}
    for i, key in enumerate(grouped.keys):
        row = [float(v) for v in grouped.counts[i]]
        result[key] = [*row, float(grouped.n_missing[i])]
    return result


def _rows(n: int, seed: int) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n):
        answer = int(rng.integers(0, 11))
        rows.append(
            {
                "team": _TEAMS[int(rng.integers(0, len(_TEAMS)))],
                "queue": None if rng.random() < 0.1 else int(rng.integers(0, 5)),
                "answer": None if rng.random() < 0.08 else answer,
                "weight": float(np.round(rng.uniform(0.5, 2.0), 3)),
            }
        )
    return rows


def _write(path: Path, rows: list[dict[str, Any]], row_group_size: int = 5) -> Path:
    table = pa.table({name: [row[name] for row in rows] for name in rows[0]})
    pq.write_table(table, path, row_group_size=row_group_size)
    return path


@pytest.fixture
def tiny_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(arrow, "_PARQUET_BATCH", 7)
    monkeypatch.setattr(key_counter, "_PENDING_ROWS", 10)


@pytest.mark.usefixtures("tiny_batches")
@pytest.mark.parametrize("keys", [["team"], ["team", "queue"], ["queue"], []])
def test_multi_part_parquet_matches_plain_python(tmp_path: Path, keys: list[str]) -> None:
    parts = [_rows(n, seed) for seed, n in enumerate([60, 1, 37])]
    paths = [_write(tmp_path / f"part-{i}.parquet", rows) for i, rows in enumerate(parts)]
    merged = merge_chunks(
        count_file(DataFile(path), "answer", keys, scale=STANDARD_SCALE) for path in paths
    )
    assert merged is not None
    expected = _plain_counts([row for rows in parts for row in rows], keys)
    if not keys:
        expected = {(): expected[()]}
    assert _as_plain(merged) == expected
    assert list(merged.keys) == sorted(expected, key=lambda k: [(v is None, v or "") for v in k])


@pytest.mark.usefixtures("tiny_batches")
def test_weighted_parquet_matches_plain_python(tmp_path: Path) -> None:
    rows = _rows(80, 7)
    path = _write(tmp_path / "survey.parquet", rows)
    grouped = count_file(DataFile(path), "answer", ["team"], weight="weight", scale=STANDARD_SCALE)
    expected = _plain_counts(rows, ["team"], "weight")
    got = _as_plain(grouped)
    assert got.keys() == expected.keys()
    for key, values in expected.items():
        assert got[key] == pytest.approx(values, rel=1e-12)
    squares: dict[Any, float] = defaultdict(float)
    for row in rows:
        if row["answer"] is not None:
            text = "" if row["team"] is None else row["team"].strip()
            squares[text or None] += row["weight"] ** 2
    assert grouped.squared_weights is not None
    for i, key in enumerate(grouped.keys):
        assert grouped.squared_weights[i].sum() == pytest.approx(squares[key[0]], rel=1e-12)


@pytest.mark.usefixtures("tiny_batches")
def test_cli_breakdown_over_many_batches(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _rows(90, 3)
    path = _write(tmp_path / "survey.parquet", rows, row_group_size=11)
    status = main(
        ["breakdown", str(path), "--score", "answer", "--by", "team,queue", "--format", "json"]
    )
    out, _ = capsys.readouterr()
    assert status == 0
    expected = _plain_counts(rows, ["team", "queue"])
    got = {(row["team"], row["queue"]): row for row in json.loads(out)["rows"]}
    assert set(got) == set(expected)
    for key, (d, p, q, _) in expected.items():
        n = d + p + q
        assert got[key]["n"] == n
        if n:
            assert math.isclose(got[key]["nps"], 100 * (q - d) / n, abs_tol=1e-9)


@pytest.mark.usefixtures("tiny_batches")
def test_errors_name_rows_in_later_batches(tmp_path: Path) -> None:
    answers: list[int | None] = [10, 3, 9, 8, 7] * 4
    answers[16] = 12
    path = _write(tmp_path / "bad.parquet", [{"answer": a, "team": "x"} for a in answers])
    with pytest.raises(DataFileError, match="row 17: answer 12"):
        count_file(DataFile(path), "answer", ["team"])
    answers[16] = None
    path = _write(tmp_path / "gap.parquet", [{"answer": a, "team": "x"} for a in answers])
    with pytest.raises(DataFileError, match="row 17: answer is missing"):
        count_file(DataFile(path), "answer", ["team"], nan_policy="raise")


def test_counter_keys_of_other_types() -> None:
    """Float and date keys are their Python text, as the stdlib reader gives them."""
    counter = key_counter.KeyCounter(
        ["score_band", "day"], weighted=False, scale=STANDARD_SCALE, nan_policy="omit"
    )
    bands = pa.array([1.5, None, 2.0, 1.5])
    days = pa.array([date(2024, 5, 1), None, None, date(2024, 5, 2)], pa.date32())
    counter.add({"score_band": bands, "day": days}, np.array([10, 3, 9, 0]), None)
    counter.add(
        {"score_band": pa.array([2.0]), "day": pa.array([None], pa.date32())}, np.array([7]), None
    )
    result = counter.result()
    assert result is not None
    assert list(result.keys) == [
        ("", ""),
        ("1.5", "2024-05-01"),
        ("1.5", "2024-05-02"),
        ("2.0", ""),
    ]
    assert [int(v) for v in result.responses] == [1, 1, 1, 2]


def test_arrow_csv_in_many_blocks_matches_plain_python(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = _rows(400, 11)
    lines = ["team,queue,answer"]
    for row in rows:
        cells = [row["team"] or "", "" if row["queue"] is None else str(row["queue"])]
        cells.append("" if row["answer"] is None else str(row["answer"]))
        lines.append(",".join(f'"{c}"' if c.strip() != c or not c.isascii() else c for c in cells))
    path = tmp_path / "survey.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(files, "ARROW_MIN_BYTES", 0)
    monkeypatch.setattr(arrow, "_BLOCK_BYTES", 256)
    monkeypatch.setattr(key_counter, "_PENDING_ROWS", 10)
    called = []
    original = arrow.arrow_csv_counts

    def spy(*args: Any, **kwargs: Any) -> Any:
        parts = list(original(*args, **kwargs))  # raises if the fast path gave up
        called.append(len(parts))
        return iter(parts)

    monkeypatch.setattr(files, "arrow_csv_counts", spy)
    grouped = count_file(DataFile(path), "answer", ["team", "queue"])
    assert called == [1]
    assert _as_plain(grouped) == _plain_counts(rows, ["team", "queue"])
