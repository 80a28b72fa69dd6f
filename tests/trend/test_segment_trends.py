"""``trend(by=...)``: one trend per segment, each the trend of that segment's answers alone."""

from __future__ import annotations

import json

import numpy as np
import pytest

import npskit
from npskit import SegmentTrends, Trend, trend


def same(a: Trend, b: Trend) -> None:
    assert a.to_dict() == b.to_dict()


@pytest.mark.parametrize("freq", ["week", "month", "quarter"])
def test_each_segment_equals_its_own_trend(freq: str) -> None:
    data = npskit.load_example()
    result = trend(data["answer"], data["date"], freq=freq, by=data["channel"])  # type: ignore[arg-type]
    assert isinstance(result, SegmentTrends)
    assert [key for key, _ in result] == [("chat",), ("email",), ("phone",)]
    for (channel,), got in result:
        mask = data["channel"] == channel
        alone = trend(data["answer"][mask], data["date"][mask], freq=freq)  # type: ignore[arg-type]
        assert isinstance(alone, Trend)
        same(got, alone)


def test_segments_with_their_own_ranges_and_missing_values() -> None:
    scores = [10, 3, None, 9, 7, 0, 10, 8]
    days = np.array(
        [
            "2026-01-03",
            "2026-03-09",
            "2026-02-01",
            "NaT",
            "2026-05-30",
            "2026-05-01",
            "2026-07-14",
            "2026-07-15",
        ],
        dtype="datetime64[D]",
    )
    agents = ["a", "a", "a", "a", "b", "b", None, "c"]
    result = trend(scores, days, freq="month", by=agents)
    assert isinstance(result, SegmentTrends)
    for key, got in result:
        mask = [agent == key[0] for agent in agents]
        alone = trend(
            [s for s, m in zip(scores, mask, strict=False) if m], days[mask], freq="month"
        )
        assert isinstance(alone, Trend)
        same(got, alone)
    assert result["a"].n_missing_period == 1
    assert [row.period for row in result["a"]] == ["2026-01", "2026-02", "2026-03"]
    assert result[None].rows[0].period == "2026-07"


def test_periods_as_keys_and_a_cross_of_segments() -> None:
    data = npskit.load_example()
    months = np.datetime_as_string(data["date"].astype("datetime64[M]"))
    result = trend(data["answer"], months, by=[data["channel"], data["agent"]])
    assert isinstance(result, SegmentTrends)
    assert result.names == ("key0", "key1")
    key = result.keys[0]
    mask = (data["channel"] == key[0]) & (data["agent"] == key[1])
    alone = trend(data["answer"][mask], months[mask])
    assert isinstance(alone, Trend)
    same(result[key], alone)


def test_grouped_tally_by_segment_and_period_column() -> None:
    data = npskit.load_example()
    counts = npskit.tally_by("answer", ["channel", "agent", "date"], data=data)
    result = trend(counts, period="date", by="channel", freq="month")
    direct = trend(data["answer"], data["date"], freq="month", by=data["channel"])
    assert isinstance(result, SegmentTrends)
    assert isinstance(direct, SegmentTrends)
    assert result.keys == direct.keys
    for (a_key, a), (_, b) in zip(result, direct, strict=True):
        assert a_key
        same(a, b)
    with pytest.raises(TypeError, match="period its period column"):
        trend(counts, by="channel")
    with pytest.raises(ValueError, match="distinct key columns"):
        trend(counts, period="date", by="date")


def test_seeded_resampling_gives_the_same_tables() -> None:
    data = npskit.load_example()
    kwargs = {
        "freq": "quarter",
        "by": data["channel"],
        "compare_method": "permutation",
        "n_resamples": 200,
    }
    first = trend(data["answer"], data["date"], rng=7, **kwargs)  # type: ignore[arg-type]
    second = trend(data["answer"], data["date"], rng=7, **kwargs)  # type: ignore[arg-type]
    assert first.to_dict() == second.to_dict()


def test_result_displays() -> None:
    data = npskit.load_example()
    result = trend(data["answer"], data["date"], freq="quarter", by=data["channel"])
    assert isinstance(result, SegmentTrends)
    rows = result.to_dicts()
    assert len(rows) == sum(len(t) for _, t in result) == 6
    assert list(rows[0])[:2] == ["key", "period"]
    json.dumps(result.to_dict(), allow_nan=False)
    assert result.to_csv().count("\n") == len(rows) + 1
    assert result._repr_html_().count("<tr>") == len(rows) + 1
    assert "key = chat" in str(result)
    assert "chat" in result
    assert "fax" not in result
    with pytest.raises(KeyError, match="no segment with key 'fax'"):
        result["fax"]
    assert len(result.to_pandas()) == len(rows)
