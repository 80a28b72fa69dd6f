"""Several files as one data set: lists, folders, glob patterns (npskit.tally_file).

Reference counts come from plain Python (a Counter over the rows the test
wrote), never from npskit.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import npskit
from npskit._io.parts import expand_paths, part_kind
from npskit._io.source import DataFileError


def category(answer: int) -> str:
    return "detractors" if answer <= 6 else "promoters" if answer >= 9 else "passives"


def write_csv(path: Path, rows: list[tuple[int | None, str]]) -> None:
    lines = ["answer,channel"] + [f"{'' if a is None else a},{c}" for a, c in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def expected(rows: list[tuple[int | None, str]]) -> npskit.Tally:
    counts = Counter(category(a) for a, _ in rows if a is not None)
    return npskit.Tally(
        detractors=counts["detractors"],
        passives=counts["passives"],
        promoters=counts["promoters"],
        n_missing=sum(a is None for a, _ in rows),
    )


def rows_of(seed: int, n: int) -> list[tuple[int | None, str]]:
    rng = random.Random(seed)
    return [
        (None if rng.random() < 0.1 else rng.randint(0, 10), rng.choice(["web", "phone"]))
        for _ in range(n)
    ]


def test_a_list_a_folder_and_a_pattern_count_the_same(tmp_path: Path) -> None:
    parts = [rows_of(seed, 80) for seed in range(4)]
    folder = tmp_path / "survey"
    (folder / "sub").mkdir(parents=True)
    paths = [folder / "a.csv", folder / "b.csv", folder / "sub" / "c.csv", folder / "d.csv"]
    for path, rows in zip(paths, parts, strict=True):
        write_csv(path, rows)
    (folder / "_SUCCESS").write_text("")
    (folder / ".a.csv.crc").write_text("x")
    (folder / "_temporary").mkdir()
    (folder / "_temporary" / "junk.bin").write_text("x")
    everything = [row for rows in parts for row in rows]
    assert npskit.tally_file(paths, "answer") == expected(everything)
    assert npskit.tally_file(folder, "answer") == expected(everything)
    assert npskit.tally_file(str(folder / "**" / "*.csv"), "answer") == expected(everything)
    assert npskit.tally_file(str(folder / "*.csv"), "answer") == expected(
        parts[0] + parts[1] + parts[3]
    )
    grouped = npskit.tally_file(folder, "answer", by="channel")
    assert isinstance(grouped, npskit.GroupedTally)
    for (channel,), part in grouped:
        assert part == expected([row for row in everything if row[1] == channel])


@settings(max_examples=15, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.integers(0, 10)), min_size=1, max_size=60),
    st.lists(st.integers(1, 59), max_size=4),
)
def test_splitting_into_parts_changes_nothing(
    tmp_path_factory: pytest.TempPathFactory, answers: list[int | None], cuts: list[int]
) -> None:
    folder = tmp_path_factory.mktemp("parts")
    rows = [(a, "x") for a in answers]
    bounds = sorted({0, len(rows), *(c for c in cuts if c < len(rows))})
    paths = []
    for i, (start, stop) in enumerate(itertools.pairwise(bounds)):
        paths.append(folder / f"part-{i}.csv")
        write_csv(paths[-1], rows[start:stop])
    # An explicit 0-10 scale: a draw of only low answers would otherwise warn.
    assert npskit.tally_file(paths, "answer", scale=npskit.Scale()) == expected(rows)


def test_expand_paths_keeps_order_and_missing_paths(tmp_path: Path) -> None:
    assert expand_paths([tmp_path / "b.csv", tmp_path / "a.csv"]) == [
        tmp_path / "b.csv",
        tmp_path / "a.csv",
    ]
    assert part_kind("x.TSV.GZ") == "csv"
    with pytest.raises(DataFileError, match="no file given"):
        expand_paths([])
    with pytest.raises(TypeError, match="got int"):
        expand_paths(3)  # type: ignore[arg-type]
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataFileError, match="holds no data file"):
        expand_paths(tmp_path / "empty")


def test_parts_are_checked_before_any_is_counted(tmp_path: Path) -> None:
    write_csv(tmp_path / "a.csv", rows_of(1, 10))
    (tmp_path / "b.csv").write_text("score\n9\n")
    with pytest.raises(DataFileError, match=r"part 2 of 2: .*b\.csv has no column 'answer'"):
        npskit.tally_file([tmp_path / "a.csv", tmp_path / "b.csv"], "answer")


def test_files_of_different_kinds_listed_one_by_one_are_read(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    first, second = rows_of(5, 50), rows_of(6, 50)
    write_csv(tmp_path / "a.csv", first)
    table = pa.table({"answer": [a for a, _ in second], "channel": [c for _, c in second]})
    pq.write_table(table, tmp_path / "b.parquet")
    total = npskit.tally_file([tmp_path / "a.csv", tmp_path / "b.parquet"], "answer")
    assert total == expected(first + second)


def test_public_arguments_are_checked(tmp_path: Path) -> None:
    write_csv(tmp_path / "a.csv", rows_of(1, 5))
    with pytest.raises(ValueError, match="nan_policy"):
        npskit.tally_file(tmp_path / "a.csv", "answer", nan_policy="drop")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        npskit.tally_file(tmp_path / "a.csv", "answer", scale=10)  # type: ignore[arg-type]
