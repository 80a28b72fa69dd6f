"""Survey-tool exports, end to end: a real file of each shape, the real console script.

Each test writes a file the way the tool writes it (header lines, labels,
delimiter, encoding, line ends, decimal mark, date spelling), built from
seeded random answers, runs ``python -m npskit ... --format json`` in a
subprocess, and checks the numbers against a count done here in plain Python
(issue 14).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

QUESTION = "How likely are you to recommend us to a friend or colleague?"


def npskit(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "npskit", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def ok_json(*args: str | Path) -> dict[str, object]:
    result = npskit(*args, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    payload: dict[str, object] = json.loads(result.stdout)
    return payload


def category(answer: int, detractor_max: int = 6, promoter_min: int = 9) -> str:
    if answer <= detractor_max:
        return "detractors"
    if answer >= promoter_min:
        return "promoters"
    return "passives"


def counts(answers: list[int], detractor_max: int = 6, promoter_min: int = 9) -> dict[str, int]:
    tally = Counter(category(a, detractor_max, promoter_min) for a in answers)
    return {name: tally[name] for name in ("detractors", "passives", "promoters")}


def nps(c: dict[str, float]) -> float:
    total = c["detractors"] + c["passives"] + c["promoters"]
    return 100 * (c["promoters"] - c["detractors"]) / total


def write_csv(path: Path, rows: list[list[str]], **options: str) -> None:
    delimiter = options.get("delimiter", ",")
    encoding = options.get("encoding", "utf-8")
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=options.get("eol", "\n")).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


# -- Qualtrics: three header lines ------------------------------------------------------


def qualtrics_file(path: Path, seed: int) -> tuple[list[int], list[int | None]]:
    rng = random.Random(seed)
    answers = [rng.randint(0, 10) for _ in range(180)]
    blanks = set(rng.sample(range(180), 12))
    kept = [None if i in blanks else a for i, a in enumerate(answers)]
    group = {"detractors": "1", "passives": "2", "promoters": "3"}
    rows = [
        ["StartDate", "ResponseId", "Q1", "Q1_NPS_GROUP"],
        ["Start Date", "Response ID", QUESTION, f"{QUESTION} - Group"],
        [
            '{"ImportId":"startDate"}',
            '{"ImportId":"_recordId"}',
            '{"ImportId":"QID1"}',
            '{"ImportId":"QID1_NPS_GROUP"}',
        ],
    ]
    for i, answer in enumerate(kept):
        rows.append(
            [
                f"2026-03-{1 + i % 28:02d} 10:00:00",
                f"R_{i:05d}",
                "" if answer is None else str(answer),
                "" if answer is None else group[category(answer)],
            ]
        )
    write_csv(path, rows)
    return answers, kept


def test_qualtrics_three_header_lines(tmp_path: Path) -> None:
    path = tmp_path / "qualtrics.csv"
    _, kept = qualtrics_file(path, seed=14)
    present = [a for a in kept if a is not None]
    expected = counts(present)
    got = ok_json("summary", path, "--score", "Q1", "--header-rows", "3")
    assert {k: got[k] for k in expected} == expected
    assert got["n_missing"] == len(kept) - len(present)
    assert got["nps"] == pytest.approx(nps(expected))  # type: ignore[arg-type]
    # the NPS-group column (1/2/3) counts the same with --scale 1-3
    groups = ok_json(
        "summary", path, "--score", "Q1_NPS_GROUP", "--header-rows", "3", "--scale", "1-3"
    )
    assert {k: groups[k] for k in expected} == expected


def test_qualtrics_without_header_rows_names_the_option(tmp_path: Path) -> None:
    path = tmp_path / "qualtrics.csv"
    qualtrics_file(path, seed=15)
    result = npskit("summary", path, "--score", "Q1")
    assert result.returncode == 1
    assert "line 2" in result.stderr
    assert "Qualtrics" in result.stderr
    assert "--header-rows 3" in result.stderr


# -- SurveyMonkey: two header lines, labelled answers -----------------------------------

LABELS = {0: "0 - Not at all likely", 10: "10 - Extremely likely"}


def test_surveymonkey_two_header_lines_with_labels(tmp_path: Path) -> None:
    rng = random.Random(2026)
    answers = [rng.randint(0, 10) for _ in range(150)]
    spanish = {"detractors": "Detractor", "passives": "Pasivo", "promoters": "PROMOTOR"}
    rows = [
        ["Respondent ID", QUESTION, "NPS category"],
        ["", "Response", "Response"],
    ]
    for i, answer in enumerate(answers):
        rows.append([str(1000 + i), LABELS.get(answer, str(answer)), spanish[category(answer)]])
    path = tmp_path / "surveymonkey.csv"
    write_csv(path, rows)
    expected = counts(answers)
    got = ok_json("summary", path, "--score", QUESTION, "--header-rows", "2")
    assert {k: got[k] for k in expected} == expected
    labelled = ok_json("summary", path, "--score", "NPS category", "--header-rows", "2")
    assert {k: labelled[k] for k in expected} == expected
    assert labelled["nps"] == pytest.approx(nps(expected))  # type: ignore[arg-type]


# -- Excel in continental Europe: ;  BOM  CRLF  cp1252  1,5  31/12/2026 ------------------


@pytest.mark.parametrize(
    ("encoding", "option"),
    [("utf-8-sig", []), ("cp1252", ["--encoding", "cp1252"])],
    ids=["utf8-bom", "cp1252"],
)
def test_excel_europe_export(tmp_path: Path, encoding: str, option: list[str]) -> None:
    rng = random.Random(31)
    rows = [["Fecha", "Canal", "Puntuación", "Peso"]]
    records = []
    start = dt.date(2026, 1, 1)
    for _ in range(240):
        day = start + dt.timedelta(days=rng.randrange(120))
        answer = rng.randint(0, 10)
        weight = rng.choice([0.5, 1.25, 2.0, 0.75])
        channel = rng.choice(["Teléfono", "Correo electrónico", "Chat"])
        records.append((day, channel, answer, weight))
        rows.append([day.strftime("%d/%m/%Y"), channel, str(answer), f"{weight}".replace(".", ",")])
    path = tmp_path / "excel.csv"
    write_csv(path, rows, delimiter=";", encoding=encoding, eol="\r\n")
    assert path.read_bytes().count(b"\r\n") == len(rows)
    common = [path, "--score", "Puntuación", "--delimiter", ";", *option]
    weighted = {"detractors": 0.0, "passives": 0.0, "promoters": 0.0}
    for _, _, answer, weight in records:
        weighted[category(answer)] += weight
    got = ok_json("summary", *common, "--weight", "Peso", "--decimal", ",")
    for name, value in weighted.items():
        assert got[name] == pytest.approx(value)
    assert got["nps"] == pytest.approx(nps(weighted))  # type: ignore[arg-type]
    # day-first dates: months as a person in Madrid reads them
    trend = ok_json("trend", *common, "--date", "Fecha", "--date-format", "day-first")
    by_month: dict[str, list[int]] = {}
    for day, _, answer, _ in records:
        by_month.setdefault(day.strftime("%Y-%m"), []).append(answer)
    rows_out = trend["rows"]
    assert isinstance(rows_out, list)
    assert [row["period"] for row in rows_out] == sorted(by_month)
    for row in rows_out:
        assert {k: row[k] for k in ("detractors", "passives", "promoters")} == counts(
            by_month[row["period"]]
        )
    # the channel names keep their accents
    breakdown = ok_json("breakdown", *common, "--by", "Canal")
    rows_by = breakdown["rows"]
    assert isinstance(rows_by, list)
    assert sorted(row["Canal"] for row in rows_by) == ["Chat", "Correo electrónico", "Teléfono"]


def test_cp1252_without_encoding_names_the_option(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    write_csv(path, [["Canal", "q"], ["Teléfono", "9"]], encoding="cp1252")
    result = npskit("summary", path, "--score", "q")
    assert result.returncode == 1
    assert "--encoding cp1252" in result.stderr
    assert "line 2" in result.stderr


# -- help desk: timestamps with UTC offsets, one row per ticket and agent ----------------


def test_help_desk_offsets_and_agents(tmp_path: Path) -> None:
    rng = random.Random(7)
    rows = [["ticket", "created_at", "agent", "csat_nps"]]
    records = []
    for i in range(300):
        offset = rng.choice([-5, 0, 1, 2])
        local = dt.datetime(2025, 12, 31, 20, 0) + dt.timedelta(minutes=rng.randrange(60 * 24 * 45))
        stamp = local.replace(tzinfo=dt.timezone(dt.timedelta(hours=offset)))
        answer: int | None = rng.randint(0, 10)
        text = str(answer)
        if rng.random() < 0.05:
            answer, text = None, rng.choice(["N/A", "-"])
        agent = rng.choice(["ana", "bram", "carla"])
        records.append((stamp, agent, answer))
        rows.append([f"T{i}", stamp.isoformat(), agent, text])
    path = tmp_path / "helpdesk.csv"
    write_csv(path, rows)
    common = [path, "--score", "csat_nps", "--missing-values", "N/A,-"]
    answered = [(s, a, x) for s, a, x in records if x is not None]
    # months of the local time written in the data
    local_months: dict[str, list[int]] = {}
    utc_months: dict[str, list[int]] = {}
    for stamp, _, answer in answered:
        assert answer is not None
        local_months.setdefault(stamp.strftime("%Y-%m"), []).append(answer)
        utc = stamp.astimezone(dt.timezone.utc)
        utc_months.setdefault(utc.strftime("%Y-%m"), []).append(answer)
    result = npskit("trend", *common, "--date", "created_at", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no numpy time-zone warning leaks out
    for months, extra in ((local_months, []), (utc_months, ["--tz", "UTC"])):
        got = ok_json("trend", *common, "--date", "created_at", *extra)
        rows_out = got["rows"]
        assert isinstance(rows_out, list)
        assert [row["period"] for row in rows_out] == sorted(months)
        for row in rows_out:
            expected = counts(months[row["period"]])
            assert {k: row[k] for k in expected} == expected
    assert "2025-12" in local_months  # the data starts on 31 December, local time
    # per agent
    agents = ok_json("breakdown", *common, "--by", "agent")
    rows_by = agents["rows"]
    assert isinstance(rows_by, list)
    for row in rows_by:
        mine = [x for _, a, x in answered if a == row["agent"]]
        assert {k: row[k] for k in ("detractors", "passives", "promoters")} == counts(mine)  # type: ignore[arg-type]
        assert row["n_missing"] == sum(1 for _, a, x in records if a == row["agent"] and x is None)


# -- other scales ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("preset", "low", "high", "detractor_max", "promoter_min"),
    [("1-5", 1, 5, 3, 5), ("1-10", 1, 10, 6, 9), ("1-7", 1, 7, 4, 7)],
)
def test_other_scales(
    tmp_path: Path, preset: str, low: int, high: int, detractor_max: int, promoter_min: int
) -> None:
    rng = random.Random(high)
    answers = [rng.randint(low, high) for _ in range(200)]
    path = tmp_path / "scale.csv"
    write_csv(path, [["q"], *[[str(a)] for a in answers]])
    expected = counts(answers, detractor_max, promoter_min)
    got = ok_json("summary", path, "--score", "q", "--scale", preset)
    assert {k: got[k] for k in expected} == expected
    assert got["nps"] == pytest.approx(nps(expected))  # type: ignore[arg-type]
    assert got["scale"] == {
        "low": low,
        "high": high,
        "detractor_max": detractor_max,
        "promoter_min": promoter_min,
    }
    explicit = f"{low}-{high}:{detractor_max}:{promoter_min}"
    again = ok_json("summary", path, "--score", "q", "--scale", explicit)
    assert again["nps"] == got["nps"]


def test_one_to_five_without_scale_warns_loudly(tmp_path: Path) -> None:
    rng = random.Random(5)
    path = tmp_path / "five.csv"
    write_csv(path, [["q"], *[[str(rng.randint(1, 5))] for _ in range(50)]])
    result = npskit("summary", path, "--score", "q", "--format", "json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["nps"] == -100.0
    assert result.stderr.startswith("npskit: warning: ")
    assert "--scale 1-5" in result.stderr
    assert "NPS is -100" in result.stderr
    silenced = npskit("summary", path, "--score", "q", "--scale", "0-10")
    assert silenced.returncode == 0
    assert silenced.stderr == ""


@pytest.mark.parametrize(
    "command",
    ["summary", "breakdown", "compare", "trend", "agents", "control", "drivers", "topics"],
)
def test_scale_and_reading_options_on_every_answer_command(command: str) -> None:
    result = npskit(command, "--help")
    assert result.returncode == 0
    for option in ("--scale", "--encoding", "--header-rows", "--decimal", "--missing-values"):
        assert option in result.stdout, (command, option)


@pytest.mark.parametrize("command", ["compare", "trend", "control"])
def test_date_options_on_every_date_command(command: str) -> None:
    result = npskit(command, "--help")
    assert "--date-format FORMAT" in result.stdout
    assert "(default: iso)" in " ".join(result.stdout.split())
    assert "--tz ZONE" in result.stdout


def test_unknown_scale_preset_is_a_usage_error() -> None:
    result = npskit("summary", "--example", "--scale", "1-4")
    assert result.returncode == 2
    assert "--scale" in result.stderr
    assert "0-10, 1-10, 1-7, 1-5, 1-3" in result.stderr


def test_unknown_encoding_is_a_usage_error() -> None:
    result = npskit("summary", "--example", "--encoding", "klingon")
    assert result.returncode == 2
    assert "--encoding" in result.stderr
    assert "klingon" in result.stderr


def test_date_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "dates.csv"
    write_csv(
        path,
        [["when", "q"], ["2026-01-02T10:00:00+01:00", "9"], ["2026-01-03", "7"],
         ["02/01/2026 11:00", "3"], ["2026-01-04", "10"]],
    )  # fmt: skip
    result = npskit("trend", path, "--score", "q", "--date", "when")
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("npskit: error: ")
    assert "dates.csv, line 4: column 'when': '02/01/2026 11:00' is not a date" in line
    assert "--date-format day-first" in line
    # with a format that does not fit either, the line is named as well
    wrong = npskit("control", path, "--score", "q", "--date", "when", "--date-format", "day-first")
    assert wrong.returncode == 1
    assert "line 2" in wrong.stderr
    assert "is not a date written day-first" in wrong.stderr


def test_missing_marker_and_second_header_hints(tmp_path: Path) -> None:
    marker = tmp_path / "marker.csv"
    write_csv(marker, [["q"], ["9"], ["N/A"]])
    result = npskit("summary", marker, "--score", "q")
    assert result.returncode == 1
    assert "line 3" in result.stderr
    assert "--missing-values N/A" in result.stderr
    monkey = tmp_path / "monkey.csv"
    write_csv(monkey, [["id", QUESTION], ["", "Response"], ["1", "9"]])
    result = npskit("summary", monkey, "--score", QUESTION)
    assert result.returncode == 1
    assert "--header-rows 2" in result.stderr
    assert "SurveyMonkey" in result.stderr
