"""Excel workbooks: values, keys, weights and messages (npskit._io.excel).

Reference values are computed in plain Python from the cells the test wrote.
"""

from __future__ import annotations

import datetime
import math
from pathlib import Path
from typing import Any

import pytest

import npskit
from npskit._io.source import DataFile, DataFileError, file_kind

openpyxl = pytest.importorskip("openpyxl")


def book(path: Path, rows: list[list[Any]], *, title: str = "Data") -> Path:
    workbook = openpyxl.Workbook()
    workbook.active.title = title
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def test_dates_numbers_and_text_keys(tmp_path: Path) -> None:
    path = book(
        tmp_path / "s.xlsx",
        [
            ["answer", "day", "site"],
            [10, datetime.datetime(2026, 5, 1), 12],
            [" 3 ", datetime.datetime(2026, 5, 1), 12.0],
            [9.0, datetime.datetime(2026, 5, 2, 13, 30), " north "],
            [None, datetime.date(2026, 5, 2), None],
        ],
    )
    by_day = npskit.tally_file(path, "answer", by="day")
    assert [key for key, _ in by_day] == [
        ("2026-05-01",),
        ("2026-05-02",),
        ("2026-05-02T13:30:00",),
    ]
    by_site = npskit.tally_file(path, "answer", by="site")
    assert isinstance(by_site, npskit.GroupedTally)
    twelve = by_site["12"]
    assert twelve == npskit.Tally(detractors=1, passives=0, promoters=1, n_missing=0)
    assert [key for key, _ in by_site] == [("12",), ("north",), (None,)]


def test_weights_from_numbers_and_text(tmp_path: Path) -> None:
    rows = [[10, 1.5], [0, "2"], [8, 0.25], [None, None], [9, 1]]
    path = book(tmp_path / "w.xlsx", [["answer", "w"], *rows])
    result = npskit.tally_file(path, "answer", weight="w")
    assert isinstance(result, npskit.Tally)
    assert result.promoters == pytest.approx(2.5)
    assert result.detractors == pytest.approx(2.0)
    assert result.passives == pytest.approx(0.25)
    squares = 1.5**2 + 1 + 2**2 + 0.25**2
    assert result.effective_n == pytest.approx((2.5 + 2 + 0.25) ** 2 / squares)


@pytest.mark.parametrize(
    ("rows", "options", "message"),
    [
        (
            [["answer", "x"], [9, 1], [None, 2], [3, 3]],
            {"nan_policy": "raise"},
            r"Data', row 3: answer is empty",
        ),
        ([["answer", "w"], [9, 1], [3, -1]], {"weight": "w"}, r"Data', row 3: w -1 is not a valid"),
        ([["answer"], [9], [True]], {}, r"Data', row 3: answer True \(bool\) is not a valid"),
        ([["answer"]], {}, "has a header but no data"),
        ([], {}, "is empty: expected a header row"),
        ([["score"], [9]], {}, "has no column 'answer'; its columns are 'score'"),
    ],
)
def test_messages_name_sheet_and_row(
    tmp_path: Path, rows: list[list[Any]], options: dict[str, Any], message: str
) -> None:
    path = book(tmp_path / "bad.xlsx", rows)
    with pytest.raises(DataFileError, match=message):
        npskit.tally_file(path, "answer", **options)


def test_empty_rows_of_a_one_column_sheet(tmp_path: Path) -> None:
    # Inside the answers an empty row is a blank answer; after the last, formatting.
    path = book(tmp_path / "one.xlsx", [["answer"], [9], [None], [None], [3], [None], [None]])
    assert npskit.tally_file(path, "answer") == npskit.Tally(
        detractors=1, passives=0, promoters=1, n_missing=2
    )
    path = book(tmp_path / "two.xlsx", [["answer", "x"], [9, 1], [None, None], [3, 2]])
    assert npskit.tally_file(path, "answer").n_missing == 0


def test_a_workbook_is_known_by_its_bytes(tmp_path: Path) -> None:
    path = book(tmp_path / "export.dat", [["answer"], [10], [2]])
    assert file_kind(path) == "xlsx"
    assert npskit.tally_file(path, "answer") == npskit.Tally(
        detractors=1, passives=0, promoters=1, n_missing=0
    )


def test_a_broken_workbook_is_named(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(DataFileError, match="not a readable Excel workbook"):
        npskit.tally_file(path, "answer")


def test_drivers_columns_come_as_text(tmp_path: Path) -> None:
    from npskit._io.columns import read_columns

    path = book(tmp_path / "d.xlsx", [["answer", "speed"], [10, 4.5], [None, 3]])
    columns = read_columns(DataFile(path), ["answer", "speed"])
    assert columns["answer"].tolist() == ["10", ""]
    assert columns["speed"].tolist() == ["4.5", "3"]
    assert not math.isnan(float(columns["speed"][0]))
