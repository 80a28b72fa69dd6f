"""Parquet files that disagree on the answer type: no engine counts 7.5 as an answer."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest

from npskit import InvalidScoresError, tally_frame

pytestmark = pytest.mark.engines


@pytest.fixture
def drifting(tmp_path: Path) -> Path:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pq.write_table(pa.table({"a": pa.array([10, 9, 3], pa.int64())}), tmp_path / "p0.parquet")
    pq.write_table(pa.table({"a": pa.array([7.5, 8.0], pa.float64())}), tmp_path / "p1.parquet")
    return tmp_path


def test_dask_checks_whole_numbers_whatever_the_declared_type(drifting: Path) -> None:
    dd = pytest.importorskip("dask.dataframe")
    pytest.importorskip("narwhals")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # narwhals' notice that Dask support is moving
        frame: Any = dd.read_parquet(str(drifting / "*.parquet"))
        assert str(frame.dtypes["a"]) == "int64"  # the first file's schema
        with pytest.raises(InvalidScoresError, match="1 invalid answer"):
            tally_frame(frame, score="a")


def test_duckdb_union_by_name_reads_the_widest_type(drifting: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    pytest.importorskip("narwhals")
    pattern = str(drifting / "*.parquet")
    # DuckDB casts every file to the first file's type unless told otherwise
    # (docs/how-to/bigger-than-laptop.md shows union_by_name).
    relation = duckdb.sql(f"select * from read_parquet('{pattern}', union_by_name=true)")
    with pytest.raises(InvalidScoresError, match="1 invalid answer"):
        tally_frame(relation, score="a")
