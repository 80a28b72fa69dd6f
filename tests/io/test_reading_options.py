"""Reading options of a data file (issue 14): validation, header lines, labels, dates, scales.

Reference values are counted here in plain Python or written out by hand.
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import numpy as np
import pytest

import npskit
from npskit import InputWarning, Scale
from npskit._io.dates import check_date_options, local_time_text, parse_date_text
from npskit._io.files import count_file, tally_file
from npskit._io.labels import answers_from_labels
from npskit._io.source import DataFile, DataFileError


def test_bad_encoding_names_the_parameter() -> None:
    with pytest.raises(ValueError, match=r"encoding 'klingon' is not an encoding"):
        DataFile("x.csv", encoding="klingon")
    with pytest.raises(TypeError, match="encoding must be a string"):
        DataFile("x.csv", encoding=1)  # type: ignore[arg-type]


@pytest.mark.parametrize("rows", [0, -1])
def test_header_rows_at_least_one(rows: int) -> None:
    with pytest.raises(ValueError, match=rf"header_rows must be at least 1 .*got {rows}"):
        DataFile("x.csv", header_rows=rows)


def test_decimal_and_missing_values_are_checked() -> None:
    with pytest.raises(ValueError, match=r"decimal must be '\.' or ',', got ';'"):
        DataFile("x.csv", decimal=";")
    with pytest.raises(TypeError, match="missing_values must be a sequence of strings"):
        DataFile("x.csv", missing_values="NA")


def test_unknown_scale_preset() -> None:
    with pytest.raises(ValueError, match=r"scale preset must be one of '0-10', .* got '1-4'"):
        Scale.preset("1-4")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "cuts"),
    [("0-10", (0, 10, 6, 9)), ("1-10", (1, 10, 6, 9)), ("1-7", (1, 7, 4, 7)),
     ("1-5", (1, 5, 3, 5)), ("1-3", (1, 3, 1, 3))],
)  # fmt: skip
def test_presets_follow_the_documented_rule(name: str, cuts: tuple[int, int, int, int]) -> None:
    scale = Scale.preset(name)  # type: ignore[arg-type]
    assert (scale.low, scale.high, scale.detractor_max, scale.promoter_min) == cuts
    if name in ("1-7", "1-5"):  # Reichheld's 60% and 90% of the range, rescaled
        low, high = cuts[:2]
        assert scale.detractor_max == int(np.floor(low + 0.6 * (high - low)))
        assert scale.promoter_min == int(np.ceil(low + 0.9 * (high - low)))


def test_narrow_range_warns(tmp_path: Path) -> None:
    path = tmp_path / "five.csv"
    path.write_text("q\n1\n5\n2\n3\n", encoding="utf-8")
    with pytest.warns(InputWarning, match=r"lies in 1\.\.5.*NPS is -100.*--scale 1-5"):
        total = tally_file(DataFile(path), "q")
    assert total.detractors == 4
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        five = tally_file(DataFile(path), "q", scale=Scale.preset("1-5"))
        tally_file(DataFile(path), "q", scale=Scale())  # explicit 0-10: no warning
    assert (five.detractors, five.passives, five.promoters) == (3, 0, 1)


def test_no_warning_when_a_zero_or_promoter_is_there(tmp_path: Path) -> None:
    path = tmp_path / "ten.csv"
    path.write_text("q\n0\n5\n2\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tally_file(DataFile(path), "q")


def test_header_rows_missing_values_and_decimal(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(
        "id;q;w\r\nID;Question?;Weight\r\n1;9;1,5\r\n2;NA;2,0\r\n3;-99;\r\n4;3;0,5\r\n".encode(
            "cp1252"
        )
    )
    file = DataFile(
        path,
        delimiter=";",
        encoding="cp1252",
        header_rows=2,
        decimal=",",
        missing_values=["NA", "-99"],
    )
    total = tally_file(file, "q", weight="w")
    assert (total.detractors, total.passives, total.promoters) == (0.5, 0.0, 1.5)
    assert total.n_missing == 2


def test_header_rows_longer_than_the_file(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("q\n9\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"ends before its 3 header lines"):
        tally_file(DataFile(path, header_rows=3), "q")


def test_error_lines_count_the_header_lines(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text('q\nQuestion\n{"ImportId":"QID1"}\n9\n12\n', encoding="utf-8")
    with pytest.raises(DataFileError, match=r"line 5: q '12' is outside 0\.\.10"):
        tally_file(DataFile(path, header_rows=3), "q")


def test_labels() -> None:
    cells = np.array(
        ["10 - Extremely likely", "0 - Not at all likely", "9", " Promoters ", "neutre",
         "Criticus", "passief", "7: fine", "", "maybe"]
    )  # fmt: skip
    got = answers_from_labels(cells, Scale()).tolist()
    assert got == ["10", "0", "9", "10", "7", "0", "7", "7", "", "maybe"]
    # on a scale without passives a 'passive' label stays text, so the reader names it
    assert answers_from_labels(np.array(["Passive"]), Scale.preset("1-3")).tolist() == ["2"]
    no_passives = Scale(low=0, high=1, detractor_max=0, promoter_min=1)
    assert answers_from_labels(np.array(["Passive"]), no_passives).tolist() == ["Passive"]


def test_category_labels_count_by_category(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    texts = ["Promoter", "DETRACTOR", "Passive", "promotor", "Detractors", "Pasivo"]
    path.write_text("group,agent\n" + "".join(f"{t},a{i % 2}\n" for i, t in enumerate(texts)))
    grouped = count_file(DataFile(path), "group", ["agent"])
    a0, a1 = grouped.tallies
    assert (a0.detractors, a0.passives, a0.promoters) == (1, 1, 1)  # Promoter, Passive, Detractors
    assert (a1.detractors, a1.passives, a1.promoters) == (1, 1, 1)


def test_dates_local_time_by_default() -> None:
    assert parse_date_text("2026-01-01T00:40:39+02:00") == dt.date(2026, 1, 1)
    utc = check_date_options(None, "UTC")
    assert parse_date_text("2026-01-01T00:40:39+02:00", zone=utc) == dt.date(2025, 12, 31)
    madrid = check_date_options(None, "Europe/Madrid")
    assert parse_date_text("2025-12-31T23:30:00Z", zone=madrid) == dt.date(2026, 1, 1)
    assert parse_date_text("2025-12-31T23:30:00", zone=madrid) == dt.date(2025, 12, 31)
    assert local_time_text("2026-01-01 00:40+02:00") == "2026-01-01T00:40:00"


def test_date_formats() -> None:
    assert parse_date_text("03/04/2026", date_format="day-first") == dt.date(2026, 4, 3)
    assert parse_date_text("03/04/2026", date_format="month-first") == dt.date(2026, 3, 4)
    assert parse_date_text("3.4.2026 9:05", date_format="day-first") == dt.date(2026, 4, 3)
    assert parse_date_text("2026|04|03", date_format="%Y|%m|%d") == dt.date(2026, 4, 3)
    with pytest.raises(ValueError, match=r"'31/02/2026' is not a date written day-first"):
        parse_date_text("31/02/2026", date_format="day-first")
    with pytest.raises(ValueError, match=r"'2026-13-01' is not a date in ISO 8601"):
        parse_date_text("2026-13-01")


def test_date_options_are_checked() -> None:
    with pytest.raises(ValueError, match=r"tz 'Mars/Olympus' is not a time zone"):
        check_date_options(None, "Mars/Olympus")
    with pytest.raises(ValueError, match=r"date_format must be one of 'iso', .* got 'dd/mm'"):
        check_date_options("dd/mm", None)


def test_offset_timestamps_in_memory_keep_the_local_day() -> None:
    import npskit

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's time-zone warning must not leak
        series = npskit.trend(
            [10, 0, 9],
            ["2026-01-01T00:40:39+02:00", "2025-12-31T23:00:00-05:00", "2026-01-02T08:00:00Z"],
            freq="month",
        )
    rows = series.to_dict()["rows"]
    assert [(row["period"], row["n"]) for row in rows] == [("2025-12", 1), ("2026-01", 2)]


def test_public_tally_file_takes_the_reading_options(tmp_path: Path) -> None:
    # An Excel-Europe export: cp1252, ';', CRLF, decimal-comma weights, a missing marker.
    rows = [("9", "1,5"), ("3", "0,5"), ("-99", "2,0"), ("10", "1,0"), ("7", "2,5")]
    # The column names, then a line of question texts (skipped), then the data.
    text = "answer;poids\r\nRecommandé ?;Poids\r\n" + "".join(f"{a};{w}\r\n" for a, w in rows)
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode("cp1252"))
    result = npskit.tally_file(
        path,
        "answer",
        weight="poids",
        delimiter=";",
        encoding="cp1252",
        header_rows=2,
        decimal=",",
        missing_values=["-99"],
    )
    assert isinstance(result, npskit.Tally)
    # Independent: promoters 9 and 10 weigh 1.5 + 1.0, the detractor 0.5, the passive 2.5.
    assert (result.promoters, result.detractors, result.passives) == (2.5, 0.5, 2.5)
    assert result.n_missing == 1


def test_public_tally_file_warns_on_a_narrow_scale_and_takes_presets(tmp_path: Path) -> None:
    path = tmp_path / "stars.csv"
    path.write_text("stars\n1\n5\n4\n5\n2\n")
    with pytest.warns(npskit.InputWarning, match="1-5"):
        npskit.tally_file(path, "stars")
    five = npskit.tally_file(path, "stars", scale="1-5")
    assert (five.detractors, five.passives, five.promoters) == (2, 1, 2)
    with pytest.raises(ValueError, match="preset"):
        npskit.tally_file(path, "stars", scale="1-4")
