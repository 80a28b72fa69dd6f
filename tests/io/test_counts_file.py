"""Counts tables in files (npskit._io.counts_file): layouts, places named in messages.

Expected tallies are the sums of the rows the test wrote, added by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from npskit import Tally
from npskit._io.files import count_file
from npskit._io.layout import CountsLayout
from npskit._io.source import DataFile, DataFileError


def counts(path: Path, layout: CountsLayout, keys: list[str] | None = None) -> dict[object, Tally]:
    grouped = count_file(DataFile(path, counts=layout), "", keys or [])
    return dict(iter(grouped))


def test_category_form_with_missing_and_repeated_groups(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "team,detractors,passives,promoters,missing\na,3,4,5,1\n b ,0,0,2,0\na,1,1,1,0\n,2,0,0,3\n"
    )
    found = counts(path, CountsLayout(n_missing="missing"), ["team"])
    assert found == {
        ("a",): Tally(detractors=4, passives=5, promoters=6, n_missing=1),
        ("b",): Tally(detractors=0, passives=0, promoters=2, n_missing=0),
        (None,): Tally(detractors=2, passives=0, promoters=0, n_missing=3),
    }


def test_points_form_adds_up_by_category(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    header = ",".join(str(p) for p in range(11))
    path.write_text(f"{header}\n" + ",".join(str(p + 1) for p in range(11)) + "\n")
    # 1 + 2 + ... + 7 = 28 detractors (answers 0..6), 8 + 9 passives, 10 + 11 promoters
    (total,) = counts(path, CountsLayout(points=True)).values()
    assert total == Tally(detractors=28, passives=17, promoters=21, n_missing=0)


def test_long_form_blank_answer_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_text("answer,n\n10,4\n,2\n6,1\n")
    (total,) = counts(path, CountsLayout(score="answer", count="n")).values()
    assert total == Tally(detractors=1, passives=0, promoters=4, n_missing=2)


def test_parquet_and_excel_rows_are_named(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "c.parquet"
    table = {"detractors": [1, 2, 3], "passives": [0, 0, 0], "promoters": [1, -4, 2]}
    pq.write_table(pa.table(table), path)
    with pytest.raises(DataFileError, match=r"c\.parquet, row 2: column 'promoters' holds -4"):
        counts(path, CountsLayout())
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "S"
    for row in (
        ["detractors", "passives", "promoters"],
        [1, 0, 1],
        [None, None, None],
        [2, 0.5, 1],
    ):
        book.active.append(row)
    book.save(tmp_path / "c.xlsx")
    with pytest.raises(DataFileError, match=r"sheet 'S', row 4: column 'passives' holds '0\.5'"):
        counts(tmp_path / "c.xlsx", CountsLayout())


def test_weighted_category_form_and_its_checks(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text("d,p,q,sd,sp,sq,qd,qp,qq\n2,1,1,3.0,0.5,1.0,5.0,0.25,1.0\n")
    layout = CountsLayout(
        categories=("d", "p", "q"), weight_sum=("sd", "sp", "sq"), weight_sq_sum=("qd", "qp", "qq")
    )
    (total,) = counts(path, layout).values()
    assert (total.detractors, total.passives, total.promoters) == (3.0, 0.5, 1.0)
    assert total.effective_n == pytest.approx(4.5**2 / 6.25)
    path.write_text("d,p,q,sd,sp,sq,qd,qp,qq\n2,1,1,3.0,0.5,1.0,1.0,0.25,1.0\n")
    with pytest.raises(DataFileError, match="inconsistent"):
        counts(path, layout)
    path.write_text("d,p,q,sd,sp,sq,qd,qp,qq\n2,1,1,-3.0,0.5,1.0,5.0,0.25,1.0\n")
    with pytest.raises(DataFileError, match=r"line 2: column 'sd' holds '-3\.0'"):
        counts(path, layout)


def test_missing_answers_under_raise_and_points_with_weights(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("detractors,passives,promoters,m\n1,1,1,2\n")
    with pytest.raises(DataFileError, match="holds 2 missing answers"):
        count_file(DataFile(path, counts=CountsLayout(n_missing="m")), "", [], nan_policy="raise")
    with pytest.raises(DataFileError, match="holds no sums of weights"):
        counts(path, CountsLayout(points=True, weight_sum=("a",), weight_sq_sum=("b",)))
