"""read_columns: whole columns of CSV and Parquet files, for analyses that need rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import npskit
from npskit._io.columns import read_columns
from npskit._io.source import DataFile, DataFileError


def test_csv_columns_are_the_cells_as_text() -> None:
    columns = read_columns(DataFile(npskit.example_path()), ["answer", "topics", "answer"])
    assert list(columns) == ["answer", "topics"]
    data = npskit.load_example()
    assert columns["topics"].tolist() == data["topics"].tolist()
    answers = np.where(columns["answer"] == "", "nan", columns["answer"]).astype(float)
    np.testing.assert_array_equal(answers, data["answer"])


def test_parquet_columns(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "survey.parquet"
    pq.write_table(pa.table({"answer": [9.0, None, 3.0], "tags": ["a", None, "b;c"]}), path)
    columns = read_columns(DataFile(path), ["answer", "tags"])
    assert np.isnan(columns["answer"][1])
    assert columns["tags"].tolist() == ["a", None, "b;c"]
    with pytest.raises(DataFileError):
        read_columns(DataFile(path), ["nope"])


def test_missing_csv_column() -> None:
    with pytest.raises(DataFileError, match="nope"):
        read_columns(DataFile(npskit.example_path()), ["nope"])
