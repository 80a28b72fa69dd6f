"""The counting query forms of ``tally_frame`` (``npskit._counting.frame_counts``).

Each form (sums inside the aggregation on polars, ``count(*) FILTER`` on
DuckDB, indicator columns on pandas) is checked against a plain-Python count
of the same rows, for integer and float answers, a custom scale, odd column
names, and invalid answers found only through the row count.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest

from npskit import Scale, tally_frame
from npskit._core.errors import InvalidScoresError

pytest.importorskip("narwhals")

KEY = 'team "a"'  # a name that needs quoting in SQL
ROWS: list[tuple[str | None, float | None]] = [
    ("x", 0),
    ("x", 6),
    ("x", 7),
    ("y", 8),
    ("y", 9),
    ("y", 10),
    (None, 3),
    ("x", None),
    (None, None),
    ("y", 1),
]


def _plain(rows: list[tuple[Any, Any]], low: int, dmax: int, pmin: int) -> dict[Any, list[int]]:
    counts: dict[Any, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for key, answer in rows:
        slot = counts[(key,)]
        if answer is None or answer != answer:
            slot[3] += 1
        else:
            slot[0 if answer <= dmax else 1 if answer < pmin else 2] += 1
    return dict(counts)


def _frames(kind: str) -> list[Any]:
    keys = [k for k, _ in ROWS]
    answers = [a for _, a in ROWS]
    frames = []
    pl = pytest.importorskip("polars")
    dtype = pl.Int64 if kind == "int" else pl.Float64
    frames.append(pl.LazyFrame({KEY: keys, "answer": pl.Series(answers, dtype=dtype)}))
    duckdb = pytest.importorskip("duckdb")
    sql_type = "BIGINT" if kind == "int" else "DOUBLE"
    values = ", ".join(
        f"({'NULL' if k is None else repr(k)}, CAST({'NULL' if a is None else a} AS {sql_type}))"
        for k, a in ROWS
    )
    frames.append(duckdb.sql(f'SELECT * FROM (VALUES {values}) t("team ""a""", answer)'))
    pd = pytest.importorskip("pandas")
    frames.append(pd.DataFrame({KEY: keys, "answer": pd.array(answers, dtype="Float64")}))
    return frames


@pytest.mark.parametrize("kind", ["int", "float"])
def test_every_form_matches_plain_python(kind: str) -> None:
    expected = _plain(ROWS, 0, 6, 9)
    for frame in _frames(kind):
        grouped = tally_frame(frame, score="answer", by=KEY)
        got = {key: [t.detractors, t.passives, t.promoters, t.n_missing] for key, t in grouped}
        assert got == expected, type(frame).__module__


def test_custom_scale_and_invalid_answers() -> None:
    scale = Scale(low=1, high=5, detractor_max=2, promoter_min=5)
    rows = [(k, a) for k, a in ROWS if a is None or 1 <= a <= 5]
    pl = pytest.importorskip("polars")
    frame = pl.LazyFrame({KEY: [k for k, _ in rows], "answer": [a for _, a in rows]})
    grouped = tally_frame(frame, score="answer", by=KEY, scale=scale)
    got = {key: [t.detractors, t.passives, t.promoters, t.n_missing] for key, t in grouped}
    assert got == _plain(rows, 1, 2, 5)
    for frame in _frames("int") + _frames("float"):
        # 0 and 6..10 are outside 1..5: six answers, counted from the row count alone.
        with pytest.raises(InvalidScoresError, match="6 invalid answers"):
            tally_frame(frame, score="answer", by=KEY, scale=scale)
    duckdb = pytest.importorskip("duckdb")
    halves = duckdb.sql("SELECT * FROM (VALUES ('x', 7.5), ('x', 7.0)) t(k, answer)")
    with pytest.raises(InvalidScoresError, match="1 invalid answer"):
        tally_frame(halves, score="answer", by="k")
