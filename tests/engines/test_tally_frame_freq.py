"""``tally_frame(freq=...)``: each engine truncates dates, labels match ``tally_by`` (issue 14).

The reference is a plain-Python count per (agent, period label), the label
computed with ``datetime`` (ISO weeks by ``date.isocalendar``), from the same
rows the engine reads.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from npskit import GroupedTally, tally_by, tally_frame

pytestmark = [
    pytest.mark.engines,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
    pytest.mark.filterwarnings("ignore:Dask support is moving out of Narwhals:FutureWarning"),
]

DAYS = [
    dt.date(2025, 12, 29),  # ISO week 2026-W01, month 2025-12, year 2025
    dt.date(2026, 1, 4),
    dt.date(2026, 1, 5),
    dt.date(2026, 3, 31),
    dt.date(2026, 4, 1),
    None,
    dt.date(2026, 4, 1),
    dt.date(2026, 12, 31),
]
ROWS: dict[str, list[Any]] = {
    "agent": ["a", "a", "b", "b", "a", "a", None, "b"],
    "answer": [10.0, 3.0, 9.0, None, 7.0, 8.0, 0.0, 6.0],
    "day": DAYS,
    "at": [None if d is None else dt.datetime(d.year, d.month, d.day, 23, 59) for d in DAYS],
}
TYPES = {"agent": "str", "answer": "float", "day": "date", "at": "datetime"}


def label(day: dt.date, freq: str) -> str:
    if freq == "day":
        return day.isoformat()
    if freq == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if freq == "month":
        return f"{day.year}-{day.month:02d}"
    if freq == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def reference(freq: str) -> dict[tuple[Any, ...], list[int]]:
    counts: dict[tuple[Any, ...], list[int]] = {}
    for agent, day, answer in zip(ROWS["agent"], DAYS, ROWS["answer"], strict=True):
        row = counts.setdefault((agent, None if day is None else label(day, freq)), [0] * 4)
        row[3 if answer is None else 0 if answer <= 6 else 1 if answer <= 8 else 2] += 1
    return counts


def as_counts(grouped: GroupedTally) -> dict[tuple[Any, ...], list[int]]:
    return {key: [t.detractors, t.passives, t.promoters, t.n_missing] for key, t in grouped}


@pytest.mark.parametrize("freq", ["day", "week", "month", "quarter", "year"])
@pytest.mark.parametrize("column", ["day", "at"])
def test_periods_in_the_engine_match_a_plain_count(engine: Any, freq: str, column: str) -> None:
    frame = engine.make({k: ROWS[k] for k in ("agent", "answer", column)}, TYPES)
    got = tally_frame(frame, score="answer", by=["agent", column], freq=freq)  # type: ignore[arg-type]
    assert isinstance(got, GroupedTally)
    assert got.names == ("agent", freq)
    assert as_counts(got) == reference(freq)
    in_memory = tally_by(
        [float("nan") if a is None else a for a in ROWS["answer"]],
        ["agent", column],
        data={"agent": ROWS["agent"], column: ROWS[column]},
        freq=freq,  # type: ignore[arg-type]
    )
    assert got == in_memory


def test_freq_needs_a_date_column(engine: Any) -> None:
    frame = engine.make({k: ROWS[k] for k in ("agent", "answer")}, TYPES)
    with pytest.raises(TypeError, match="none of 'agent' does"):
        tally_frame(frame, score="answer", by="agent", freq="month")
    with pytest.raises(TypeError, match="by names no column"):
        tally_frame(frame, score="answer", freq="month")
    with pytest.raises(TypeError, match="not a date or datetime"):
        tally_frame(frame, score="answer", by="agent", freq={"agent": "month"})
