"""The bundled example survey: reproducible from its script, well formed, with its designed effects.

Every check reads the CSV with the csv module and counts with plain Python, not
with npskit.
"""

from __future__ import annotations

import csv
import datetime
import re
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from itertools import repeat
from pathlib import Path

import numpy as np
import pytest

import npskit

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "make_example.py"
HEADER = [
    "date",
    "channel",
    "queue",
    "agent",
    "answer",
    "weight",
    "wait_rating",
    "resolved",
    "courtesy_rating",
    "ease_rating",
    "topics",
    "call_reason",
    "csat",
    "ces",
]
TOPICS = {"long wait", "not resolved", "billing error", "helpful agent", "app issue"}


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with npskit.example_path().open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def nps_by_hand(answers: Iterable[str], weights: Iterable[str] | None = None) -> float:
    """100 * (promoters - detractors) / answers, blanks left out."""
    pairs = zip(answers, repeat("1") if weights is None else weights, strict=False)
    total = promoters = detractors = 0.0
    for text, weight in pairs:
        if text == "":
            continue
        w = float(weight)
        total += w
        promoters += w * (int(text) >= 9)
        detractors += w * (int(text) <= 6)
    return 100 * (promoters - detractors) / total


@pytest.mark.skipif(not SCRIPT.exists(), reason="scripts/ is not shipped with the package")
def test_script_regenerates_identical_bytes(tmp_path: Path) -> None:
    out = tmp_path / "nested" / "contact_center.csv"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == npskit.example_path().read_bytes()


def test_file_is_small_and_shipped_inside_the_package() -> None:
    path = npskit.example_path()
    assert path.is_file()
    assert path.parent.name == "data"
    assert path.parent.parent == Path(npskit.__file__).parent
    assert path.stat().st_size < 400_000


def test_columns_and_ranges(rows: list[dict[str, str]]) -> None:
    with npskit.example_path().open(encoding="utf-8", newline="") as stream:
        assert next(csv.reader(stream)) == HEADER
    assert 5000 <= len(rows) <= 7000
    assert all(set(row) == set(HEADER) and None not in row.values() for row in rows)

    dates = [row["date"] for row in rows]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in dates)
    parsed = [datetime.date.fromisoformat(d) for d in dates]
    assert parsed == sorted(parsed)
    assert parsed[0] >= datetime.date(2026, 1, 1)
    assert parsed[-1] <= datetime.date(2026, 6, 30)
    assert {d.month for d in parsed} == {1, 2, 3, 4, 5, 6}

    assert {row["channel"] for row in rows} == {"phone", "chat", "email"}
    assert 4 <= len({row["queue"] for row in rows}) <= 6
    agents = {row["agent"] for row in rows}
    assert 35 <= len(agents) <= 45
    assert all(re.fullmatch(r"A\d{2}", a) for a in agents)

    answers = [row["answer"] for row in rows]
    assert all(a == "" or a in {str(k) for k in range(11)} for a in answers)
    assert 0.01 <= answers.count("") / len(answers) <= 0.06
    assert {str(k) for k in range(11)} <= set(answers)

    weights = [float(row["weight"]) for row in rows]
    assert all(0.4 <= w <= 2.5 for w in weights)


def test_agent_volumes_are_very_unequal(rows: list[dict[str, str]]) -> None:
    volumes = Counter(row["agent"] for row in rows)
    assert any(3 <= v < 10 for v in volumes.values())
    assert any(v >= 300 for v in volumes.values())


def test_load_example_matches_the_file(rows: list[dict[str, str]]) -> None:
    data = npskit.load_example()
    assert list(data) == HEADER
    assert data["date"].dtype == np.dtype("datetime64[D]")
    assert data["answer"].dtype == data["weight"].dtype == np.float64
    for name in ("channel", "queue", "agent"):
        assert data[name].dtype.kind == "U"
        assert data[name].tolist() == [row[name] for row in rows]
    assert [str(d) for d in data["date"]] == [row["date"] for row in rows]
    blank = [row["answer"] == "" for row in rows]
    assert np.isnan(data["answer"]).tolist() == blank
    present = ~np.isnan(data["answer"])
    assert data["answer"][present].tolist() == [float(r["answer"]) for r in rows if r["answer"]]
    assert data["weight"].tolist() == [float(row["weight"]) for row in rows]


# -- the effects the tutorials rely on ---------------------------------------------


def by(rows: list[dict[str, str]], key: str) -> dict[str, list[dict[str, str]]]:
    groups: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        groups[row[key]].append(row)
    return groups


def test_channels_differ_in_the_designed_order(rows: list[dict[str, str]]) -> None:
    channel = {
        name: nps_by_hand(r["answer"] for r in group) for name, group in by(rows, "channel").items()
    }
    assert channel["phone"] > channel["chat"] + 15
    assert channel["chat"] > channel["email"] + 15
    assert channel["email"] < 0 < channel["chat"]
    assert 35 <= channel["phone"] <= 55


def test_may_drops_and_chat_grows(rows: list[dict[str, str]]) -> None:
    month = by([{**r, "month": r["date"][:7]} for r in rows], "month")
    april, may = month["2026-04"], month["2026-05"]
    drop = nps_by_hand(r["answer"] for r in april) - nps_by_hand(r["answer"] for r in may)
    assert 6 <= drop <= 14

    def chat_share(group: list[dict[str, str]]) -> float:
        return sum(r["channel"] == "chat" for r in group) / len(group)

    assert chat_share(may) - chat_share(april) >= 0.10
    # The drop is not only mix: within the billing queue, May is far below April.
    billing = [
        nps_by_hand(r["answer"] for r in group if r["queue"] == "billing") for group in (april, may)
    ]
    assert billing[0] - billing[1] >= 15


def test_agents_differ_and_weights_matter(rows: list[dict[str, str]]) -> None:
    agents = [
        nps_by_hand(r["answer"] for r in group)
        for group in by(rows, "agent").values()
        if len(group) >= 200
    ]
    assert len(agents) >= 8
    assert max(agents) - min(agents) >= 20
    unweighted = nps_by_hand(r["answer"] for r in rows)
    weighted = nps_by_hand((r["answer"] for r in rows), (r["weight"] for r in rows))
    assert 1 <= unweighted - weighted <= 8


def test_call_reasons_are_a_case_mix_variable(rows: list[dict[str, str]]) -> None:
    # Designed truth (scripts/make_example.py): hard reasons go with lower
    # answers, and the mix differs by agent (a routing tilt of 0.5..2).
    reasons = {"billing-dispute", "outage", "how-to", "cancellation", "upgrade"}
    assert {row["call_reason"] for row in rows} == reasons
    by_reason: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        by_reason[row["call_reason"]].append(row["answer"])
    hard = max(nps_by_hand(by_reason[r]) for r in ("billing-dispute", "outage", "cancellation"))
    easy = min(nps_by_hand(by_reason[r]) for r in ("how-to", "upgrade"))
    assert easy - hard > 30
    hard_share: dict[str, list[bool]] = defaultdict(list)
    for row in rows:
        hard_share[row["agent"]].append(row["call_reason"] in {"billing-dispute", "outage",
                                                                "cancellation"})  # fmt: skip
    shares = [sum(v) / len(v) for v in hard_share.values() if len(v) >= 100]
    assert max(shares) - min(shares) > 0.15


def test_driver_columns(rows: list[dict[str, str]]) -> None:
    # issue 16: ratings 1..5 (resolved 0/1) with about 5% blank, topic tags
    for name, allowed in (
        ("wait_rating", {"1", "2", "3", "4", "5"}),
        ("resolved", {"0", "1"}),
        ("courtesy_rating", {"1", "2", "3", "4", "5"}),
        ("ease_rating", {"1", "2", "3", "4", "5"}),
    ):
        cells = [row[name] for row in rows]
        assert set(cells) == allowed | {""}
        assert 0.03 <= cells.count("") / len(cells) <= 0.07
    tags = [t for row in rows for t in row["topics"].split(";") if t]
    assert set(tags) == TOPICS
    commented = sum(1 for row in rows if row["topics"])
    assert 0.15 <= commented / len(rows) <= 0.35


def test_load_example_driver_columns(rows: list[dict[str, str]]) -> None:
    data = npskit.load_example()
    for name in ("wait_rating", "resolved", "courtesy_rating", "ease_rating"):
        assert data[name].dtype == np.float64
        assert np.isnan(data[name]).tolist() == [row[name] == "" for row in rows]
    assert data["topics"].tolist() == [row["topics"] for row in rows]


def test_designed_driver_order(rows: list[dict[str, str]]) -> None:
    # Designed loadings: resolved 0.68 (cut to 0/1, which attenuates) > wait 0.50 >
    # ease 0.40 > courtesy 0.25,
    # so the correlations with the answer are ordered the same way.
    complete = [r for r in rows if all(r[k] for k in HEADER[4:10] if k != "weight")]
    answer = np.array([float(r["answer"]) for r in complete])
    r = {
        name: np.corrcoef(answer, [float(row[name]) for row in complete])[0, 1]
        for name in ("resolved", "wait_rating", "ease_rating", "courtesy_rating")
    }
    assert r["resolved"] > r["wait_rating"] > r["ease_rating"] > r["courtesy_rating"] > 0.1


def test_csat_and_ces_follow_the_answer(rows: list[dict[str, str]]) -> None:
    """Issue 17: CSAT 1..5 and CES 1..7, about 4% blank, higher for promoters than detractors."""
    for column, high in (("csat", 5), ("ces", 7)):
        cells = [row[column] for row in rows]
        assert {cell for cell in cells if cell} == {str(v) for v in range(1, high + 1)}
        assert 0.02 < sum(cell == "" for cell in cells) / len(cells) < 0.06
        by_group: dict[bool, list[int]] = {True: [], False: []}
        for row in rows:
            if (
                row[column]
                and row["answer"]
                and (int(row["answer"]) >= 9 or int(row["answer"]) <= 6)
            ):
                by_group[int(row["answer"]) >= 9].append(int(row[column]))
        promoters, detractors = by_group[True], by_group[False]
        assert sum(promoters) / len(promoters) > sum(detractors) / len(detractors) + 0.5
    data = npskit.load_example()
    assert data["csat"].dtype.kind == "f"
    assert int(sum(1 for row in rows if row["csat"] == "")) == int(
        sum(data["csat"] != data["csat"])
    )
