"""The file dispatcher: CSV (stdlib or pyarrow) and Parquet give the same counts.

Reference counts come from reading the rows with the stdlib ``csv`` module (or
from the Python lists written to Parquet) and classifying each answer with
plain comparisons, grouped in a dictionary: nothing of npskit's counting.
"""

from __future__ import annotations

import csv
import math
import random
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import npskit
import npskit._io.files as files
from npskit import GroupedTally
from npskit._io.chunks import merge_chunks
from npskit._io.files import count_file, tally_file
from npskit._io.source import DataFile, DataFileError, is_parquet


def _category(answer: int) -> int:
    return 0 if answer <= 6 else (2 if answer >= 9 else 1)


def _rows(n: int, seed: int) -> list[dict[str, Any]]:
    """Answers with blanks, keys with blanks and stray spaces, and weights."""
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        answer = None if rng.random() < 0.06 else rng.randint(0, 10)
        team = rng.choice(["a", "b", " c ", "", "d,e"])
        rows.append({"answer": answer, "team": team, "weight": round(rng.uniform(0.2, 3), 3)})
    return rows


def _write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["team", "answer", "weight"])
        for row in rows:
            answer = "" if row["answer"] is None else str(row["answer"])
            writer.writerow([row["team"], answer, row["weight"]])
    return path


def _by_hand(rows: list[dict[str, Any]], weighted: bool) -> dict[Any, list[float]]:
    """Per stripped key (None for blank): the three counts (or weight sums) and missing."""
    found: dict[Any, list[float]] = defaultdict(lambda: [0, 0, 0, 0])
    for row in rows:
        key = row["team"].strip() or None
        if row["answer"] is None:
            found[key][3] += 1
        else:
            found[key][_category(row["answer"])] += row["weight"] if weighted else 1
    return dict(found)


def _as_dict(grouped: GroupedTally) -> dict[Any, list[float]]:
    return {key: [t.detractors, t.passives, t.promoters, t.n_missing] for (key,), t in grouped}


@pytest.mark.parametrize("chunk_rows", [1, 3, 7, 64, 100_000])
def test_csv_in_chunks_equals_one_count_of_the_whole_column(
    tmp_path: Path, chunk_rows: int
) -> None:
    rows = _rows(200, seed=chunk_rows)
    path = _write_csv(tmp_path / "survey.csv", rows)
    grouped = count_file(DataFile(path, chunk_rows=chunk_rows), "answer", ["team"])
    # Exact: integer counts stay integers, and equal the plain-Python count.
    assert grouped.counts.dtype.kind == "i"
    assert _as_dict(grouped) == _by_hand(rows, weighted=False)
    # Missing (blank) keys come last, the other keys sorted.
    assert [key for (key,) in grouped.keys] == ["a", "b", "c", "d,e", None]
    # The same as tally_by on the whole columns at once.
    answers = [math.nan if r["answer"] is None else r["answer"] for r in rows]
    teams = [r["team"].strip() or None for r in rows]
    whole = npskit.tally_by(answers, teams)
    assert grouped.keys == whole.keys
    assert np.array_equal(grouped.counts, whole.counts)
    assert np.array_equal(grouped.n_missing, whole.n_missing)


@pytest.mark.parametrize("chunk_rows", [1, 5, 100_000])
def test_weighted_csv_in_chunks(tmp_path: Path, chunk_rows: int) -> None:
    rows = _rows(120, seed=11)
    path = _write_csv(tmp_path / "survey.csv", rows)
    grouped = count_file(DataFile(path, chunk_rows=chunk_rows), "answer", ["team"], weight="weight")
    assert grouped.counts.dtype == np.float64
    expected = _by_hand(rows, weighted=True)
    for key, values in _as_dict(grouped).items():
        assert values[:3] == pytest.approx(expected[key][:3], rel=1e-12)
        assert values[3] == expected[key][3]
    total = tally_file(DataFile(path, chunk_rows=chunk_rows), "answer", weight="weight")
    assert total.n == sum(r["answer"] is not None for r in rows)


def test_no_key_columns_give_one_group(tmp_path: Path) -> None:
    rows = _rows(50, seed=2)
    path = _write_csv(tmp_path / "survey.csv", rows)
    grouped = count_file(DataFile(path, chunk_rows=8), "answer")
    assert grouped.keys == ((),)
    counts = [sum(v[i] for v in _by_hand(rows, weighted=False).values()) for i in range(4)]
    total = tally_file(DataFile(path), "answer")
    assert [total.detractors, total.passives, total.promoters, total.n_missing] == counts


def test_merge_of_no_chunks_is_none() -> None:
    assert merge_chunks([]) is None


def test_pyarrow_csv_reader_agrees_with_the_stdlib_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("pyarrow")
    rows = _rows(300, seed=5)
    path = _write_csv(tmp_path / "survey.csv", rows)
    monkeypatch.setattr(files, "ARROW_MIN_BYTES", 0)
    fast = count_file(DataFile(path), "answer", ["team"], weight="weight")
    monkeypatch.setattr(files, "ARROW_MIN_BYTES", 1 << 62)
    slow = count_file(DataFile(path), "answer", ["team"], weight="weight")
    assert fast.keys == slow.keys
    assert np.allclose(fast.counts, slow.counts, rtol=1e-12)
    assert np.array_equal(fast.n_missing, slow.n_missing)


def test_parquet_and_csv_of_the_same_rows_count_alike(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    rows = _rows(90, seed=8)
    csv_path = _write_csv(tmp_path / "survey.csv", rows)
    parquet_path = tmp_path / "survey.parquet"
    table = pa.table({name: [r[name] for r in rows] for name in ("team", "answer", "weight")})
    pq.write_table(table, parquet_path, row_group_size=16)
    assert is_parquet(parquet_path)
    assert not is_parquet(csv_path)
    from_csv = count_file(DataFile(csv_path), "answer", ["team"])
    from_parquet = count_file(DataFile(parquet_path), "answer", ["team"])
    assert from_parquet == from_csv
    assert _as_dict(from_parquet) == _by_hand(rows, weighted=False)


def test_a_parquet_suffix_is_read_as_parquet(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    fake = tmp_path / "fake.parquet"
    fake.write_text("answer\n10\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="not a readable Parquet file"):
        count_file(DataFile(fake), "answer")


def test_a_missing_file_names_itself(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match=r"cannot open 'nowhere\.csv'"):
        count_file(DataFile(tmp_path / "nowhere.csv", label="nowhere.csv"), "answer")
