"""``freq=`` in tally_by and breakdown: date keys bucketed into calendar periods (issue 14).

Reference counts are computed in plain Python from the same rows: each date's
period label by ``datetime`` arithmetic (ISO weeks by ``date.isocalendar``),
then a dictionary of category counts per (agent, period).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import npskit
from npskit import GroupedTally, breakdown, tally_by


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


def category(score: float) -> int:
    return 0 if score <= 6 else 1 if score <= 8 else 2


def reference(
    agents: list[str], days: list[dt.date | None], scores: list[float | None], freq: str
) -> dict[tuple[Any, ...], list[int]]:
    """Detractors, passives, promoters and missing answers per (agent, period)."""
    counts: dict[tuple[Any, ...], list[int]] = {}
    for agent, day, score in zip(agents, days, scores, strict=True):
        key = (agent, None if day is None else label(day, freq))
        row = counts.setdefault(key, [0, 0, 0, 0])
        row[3 if score is None else category(score)] += 1
    return counts


def as_counts(grouped: GroupedTally) -> dict[tuple[Any, ...], list[int]]:
    return {key: [t.detractors, t.passives, t.promoters, t.n_missing] for key, t in grouped}


FREQS = ["day", "week", "month", "quarter", "year"]
days_strategy = st.lists(
    st.tuples(
        st.sampled_from(["ann", "bob", "cy"]),
        st.one_of(st.none(), st.dates(dt.date(1999, 12, 1), dt.date(2027, 1, 31))),
        st.one_of(st.none(), st.integers(0, 10)),
    ),
    min_size=1,
    max_size=60,
)


@settings(max_examples=60, deadline=None)
@given(rows=days_strategy, freq=st.sampled_from(FREQS))
def test_counts_per_agent_and_period_match_a_plain_count(
    rows: list[tuple[str, dt.date | None, int | None]], freq: str
) -> None:
    agents = [r[0] for r in rows]
    days = [r[1] for r in rows]
    scores = [r[2] for r in rows]
    dates = np.array([np.datetime64("NaT") if d is None else d for d in days], "datetime64[D]")
    grouped = tally_by(scores, [np.array(agents), dates], freq=freq)  # type: ignore[arg-type]
    assert grouped.names == ("key0", freq)
    assert as_counts(grouped) == reference(agents, days, scores, freq)
    # Keys come in key order: agent, then period in time order (missing last).
    expected = sorted(
        reference(agents, days, scores, freq), key=lambda k: (k[0], k[1] is None, k[1] or "")
    )
    assert list(grouped.keys) == expected


def test_example_data_per_agent_month() -> None:
    data = npskit.load_example()
    days = [dt.date.fromisoformat(str(d)) for d in data["date"]]
    agents = [str(a) for a in data["agent"]]
    scores = [None if np.isnan(s) else float(s) for s in data["answer"]]
    grouped = tally_by("answer", ["agent", "date"], data=data, freq="month")
    assert grouped.names == ("agent", "month")
    assert as_counts(grouped) == reference(agents, days, scores, "month")


def test_pandas_and_polars_date_columns() -> None:
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    days = [dt.date(2026, 1, 31), dt.date(2026, 2, 1), None, dt.date(2026, 2, 28)]
    agents = ["a", "a", "b", "b"]
    scores = [10, 3, 9, 7]
    want = reference(agents, days, scores, "month")  # type: ignore[arg-type]
    frame = pd.DataFrame({"agent": agents, "when": pd.to_datetime(days), "score": scores})
    got = tally_by("score", ["agent", "when"], data=frame, freq="month")
    assert got.names == ("agent", "month")
    assert as_counts(got) == want
    aware = frame.assign(when=frame["when"].dt.tz_localize("Europe/Paris"))
    assert as_counts(tally_by("score", ["agent", "when"], data=aware, freq="month")) == want
    lazy = pl.DataFrame({"agent": agents, "when": days, "score": scores})
    assert as_counts(tally_by("score", ["agent", "when"], data=lazy, freq="month")) == want


def test_mapping_names_columns_and_reads_iso_text() -> None:
    data = {
        "agent": ["a", "a", "b"],
        "when": ["2026-03-31", "2026-04-01", "2026-04-30"],
        "score": [10, 0, 9],
    }
    grouped = tally_by("score", ["agent", "when"], data=data, freq={"when": "quarter"})
    assert grouped.keys == (("a", "2026-Q1"), ("a", "2026-Q2"), ("b", "2026-Q2"))
    with pytest.raises(TypeError, match="none of 'agent', 'when' does"):
        tally_by("score", ["agent", "when"], data=data, freq="month")
    with pytest.raises(ValueError, match="'date', which is not a by column"):
        tally_by("score", ["agent", "when"], data=data, freq={"date": "month"})
    with pytest.raises(ValueError, match="freq must be one of"):
        tally_by("score", ["agent", "when"], data=data, freq="fortnight")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="by column 'when' cannot be bucketed"):
        tally_by("score", "when", data={**data, "when": ["2026-13-01"] * 3}, freq={"when": "day"})


def test_period_column_keeps_its_name_when_taken() -> None:
    data = {"month": ["x", "y"], "d": np.array(["2026-01-02", "2026-02-03"], "datetime64[D]")}
    grouped = tally_by([9, 10], [data["month"], data["d"]], freq="month")
    assert grouped.names == ("key0", "month")
    named = tally_by([9, 10], ["month", "d"], data={**data, "s": [9, 10]}, freq="month")
    assert named.names == ("month", "d")


def test_breakdown_per_agent_month_matches_tally_by_counts() -> None:
    data = npskit.load_example()
    result = breakdown("answer", ["agent", "date"], data=data, freq="month")
    counts = as_counts(tally_by("answer", ["agent", "date"], data=data, freq="month"))
    assert result.names == ("agent", "month")
    assert {row.key: list(row.counts) for row in result} == {
        key: value[:3] for key, value in counts.items()
    }
    assert result["A01", "2026-03"].n == sum(counts["A01", "2026-03"][:3])


def test_breakdown_of_a_grouped_tally_by_iso_date_text() -> None:
    # The command line counts a CSV file per (agent, date text), then buckets.
    agents = ["a", "a", "b", "b", "b"]
    days = ["2026-01-05", "2026-01-20", "2026-01-05", "2026-02-01", ""]
    scores = [10, 3, 9, 9, 0]
    by_day = tally_by(scores, [agents, [d or None for d in days]])
    result = breakdown(by_day, freq={"key1": "month"})
    assert result.names == ("key0", "month")
    want = reference(
        agents, [dt.date.fromisoformat(d) if d else None for d in days], scores, "month"
    )
    assert {row.key: list(row.counts) for row in result} == {k: v[:3] for k, v in want.items()}
