"""Run the code blocks of docs/how-to/files-and-folders.md and check what they show.

The ``python`` block writes the page's files into a temporary folder; every
``console`` command then runs there (``npskit`` as ``python -m npskit``,
through a shell, so pipes work) and its output must be the one on the page.
The ``sql`` block runs in DuckDB, when installed, and must return the counts
table the script wrote.
"""

from __future__ import annotations

import csv
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import npskit

PAGE = Path(__file__).parents[2] / "docs" / "how-to" / "files-and-folders.md"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def _blocks(kind: str) -> list[str]:
    text = PAGE.read_text(encoding="utf-8")
    return [m.group(2) for m in FENCE.finditer(text) if m.group(1) == kind]


def _commands() -> list[tuple[str, str]]:
    """Each ``$ command`` of the console blocks with the output shown below it."""
    found: list[tuple[str, str]] = []
    for block in _blocks("console"):
        for chunk in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]:
            command, _, output = chunk.partition("\n")
            found.append((command, output))
    return found


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("pyarrow")
    pytest.importorskip("openpyxl")
    folder = tmp_path_factory.mktemp("files-and-folders")
    (script,) = _blocks("python")
    subprocess.run([sys.executable, "-c", script], cwd=folder, check=True, timeout=120)
    return folder


@pytest.mark.parametrize(("command", "output"), _commands(), ids=lambda text: text[:60])
def test_console_commands(files: Path, command: str, output: str) -> None:
    if command.startswith("zcat") and shutil.which("zcat") is None:  # pragma: no cover
        pytest.skip("zcat is not installed")
    npskit_command = f"{shlex.quote(sys.executable)} -m npskit"
    shell = re.sub(r"(^|\| )npskit ", rf"\g<1>{npskit_command} ", command)
    result = subprocess.run(
        shell, shell=True, cwd=files, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.stdout + result.stderr == output


def test_the_sql_returns_the_counts_table(files: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    (query,) = _blocks("sql")
    con = duckdb.connect()
    con.sql(f"CREATE VIEW survey AS SELECT * FROM read_csv('{npskit.example_path()}')")
    rows = [[str(value) for value in row] for row in con.sql(query).fetchall()]
    with (files / "counts.csv").open(newline="", encoding="utf-8") as stream:
        written = list(csv.reader(stream))[1:]
    assert rows == written


def test_every_block_is_run() -> None:
    text = PAGE.read_text(encoding="utf-8")
    kinds = {m.group(1) for m in FENCE.finditer(text)}
    assert kinds == {"python", "console", "sql", "pycon"}
    assert len(_commands()) >= 9
