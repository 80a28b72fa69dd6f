"""tally_frame collects counts per group, never raw rows; engine errors become npskit errors."""

from __future__ import annotations

from typing import Any

import pytest

from npskit import NpskitError, tally_frame

pl = pytest.importorskip("polars")
pytest.importorskip("narwhals")


def test_only_the_counts_are_collected(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = 200_000
    frame = pl.LazyFrame(
        {
            "answer": [i % 11 for i in range(rows)],
            "channel": [("a", "b", "c")[i % 3] for i in range(rows)],
        }
    )
    heights: list[int] = []
    original_collect = pl.LazyFrame.collect

    def spy(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = original_collect(self, *args, **kwargs)
        heights.append(result.height)
        return result

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("tally_frame must not stream raw rows out of the engine")

    monkeypatch.setattr(pl.LazyFrame, "collect", spy)
    monkeypatch.setattr(pl.LazyFrame, "collect_batches", refuse, raising=False)
    monkeypatch.setattr(pl.LazyFrame, "sink_parquet", refuse, raising=False)
    grouped = tally_frame(frame, score="answer", by="channel")
    assert grouped.total.n == rows
    assert heights, "the counts were not collected through LazyFrame.collect"
    assert max(heights) <= 3  # one row per group, never the 200,000 rows


def test_engine_errors_name_the_column() -> None:
    frame = pl.LazyFrame({"a": ["x", "y"]}).with_columns(b=pl.col("a").cast(pl.Int64, strict=True))
    with pytest.raises(NpskitError, match=r"the polars engine failed while counting column 'b'"):
        tally_frame(frame, score="b")
