"""Run every non-doctest code block of docs/how-to/bigger-than-laptop.md.

``sql`` blocks run in DuckDB over the bundled example survey, and their counts
must equal those of the raw answers counted by :func:`npskit.tally_by`.
``python`` blocks run in order, one namespace per engine they need, and what
they print must equal the ``text`` block that follows. ``console`` blocks run
the command line on the example survey saved as CSV and Parquet.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from pathlib import Path
from typing import Any

import pytest

import npskit

pytestmark = [
    pytest.mark.engines,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
    pytest.mark.filterwarnings("ignore:Dask support is moving out of Narwhals:FutureWarning"),
]

PAGE = Path(__file__).parents[2] / "docs" / "how-to" / "bigger-than-laptop.md"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def _blocks() -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in FENCE.finditer(PAGE.read_text(encoding="utf-8"))]


def _engine_of(code: str) -> str:
    for name in ("pyspark", "dask", "duckdb"):
        if name in code:
            return name
    return "duckdb"  # blocks that continue a DuckDB example


def _python_cases() -> dict[str, list[tuple[str, str | None]]]:
    """Python blocks per engine, each with the text block that follows it (if any)."""
    blocks = _blocks()
    cases: dict[str, list[tuple[str, str | None]]] = {}
    for i, (lang, code) in enumerate(blocks):
        if lang != "python":
            continue
        expected = blocks[i + 1][1] if i + 1 < len(blocks) and blocks[i + 1][0] == "text" else None
        cases.setdefault(_engine_of(code), []).append((code, expected))
    return cases


def test_every_block_is_covered() -> None:
    kinds = {lang for lang, _ in _blocks()}
    assert kinds <= {"sql", "python", "text", "pycon", "console"}
    assert set(_python_cases()) == {"duckdb", "dask", "pyspark"}


def test_sql_blocks(duckdb_engine: Any) -> None:
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    con.sql(f"CREATE VIEW survey AS SELECT * FROM read_csv('{npskit.example_path()}')")
    data = npskit.load_example()
    raw = npskit.tally_by("answer", "channel", data=data, weights="weight")
    plain = npskit.tally_by("answer", "channel", data=data)
    queries = [code for lang, code in _blocks() if lang == "sql"]
    assert len(queries) == 2
    long_form = npskit.from_counts_table(
        con.sql(queries[0]).pl(),
        by="channel",
        score="answer",
        weight_sum="weight_sum",
        weight_sq_sum="weight_sq_sum",
    )
    assert isinstance(long_form, npskit.GroupedTally)
    assert long_form.keys == raw.keys
    assert long_form.counts.ravel().tolist() == pytest.approx(raw.counts.ravel().tolist())
    assert long_form.squared_weights is not None
    assert raw.squared_weights is not None
    squares = long_form.squared_weights.ravel().tolist()
    assert squares == pytest.approx(raw.squared_weights.ravel().tolist())
    assert long_form.n_missing.tolist() == raw.n_missing.tolist()
    category_form = npskit.from_counts_table(
        con.sql(queries[1]).pl(),
        by="channel",
        categories=["detractors", "passives", "promoters"],
        n_missing="n_missing",
    )
    assert category_form == plain
    con.close()


def _run(cases: list[tuple[str, str | None]]) -> None:
    namespace: dict[str, Any] = {"__name__": "docs_example"}
    for code, expected in cases:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, str(PAGE), "exec"), namespace)  # our own docs
        if expected is not None:
            assert out.getvalue().rstrip() == expected.rstrip(), code


def test_duckdb_blocks(duckdb_engine: Any) -> None:
    _run(_python_cases()["duckdb"])


def test_dask_blocks(dask_engine: Any) -> None:
    _run(_python_cases()["dask"])


def test_spark_blocks(spark_engine: Any) -> None:
    _run(_python_cases()["pyspark"])


def test_console_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    from pyarrow import csv as pacsv

    from npskit.__main__ import main

    table = pacsv.read_csv(npskit.example_path())
    pq.write_table(table, tmp_path / "survey.parquet", row_group_size=1000)
    (tmp_path / "survey.csv").write_bytes(npskit.example_path().read_bytes())
    assert isinstance(table, pa.Table)
    monkeypatch.chdir(tmp_path)
    blocks = [code for lang, code in _blocks() if lang == "console"]
    assert blocks
    for block in blocks:
        command, *expected = block.rstrip("\n").split("\n")
        assert command.startswith("$ npskit ")
        assert main(shlex.split(command)[2:]) == 0
        assert capsys.readouterr().out.rstrip("\n").split("\n") == expected
