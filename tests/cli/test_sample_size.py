"""``npskit summary --interval-method/--confidence-level`` and ``npskit sample-size``.

Reference numbers are independent: the example CSV is counted with the csv
module, the Wald and adjusted-Wald intervals are written out from their
formulas with ``statistics.NormalDist``, and sample sizes are derived by hand.
"""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
from statistics import NormalDist
from typing import Any

import pytest

from npskit import example_path
from npskit._cli.main import main


def z(level: float) -> float:
    return NormalDist().inv_cdf(0.5 + level / 2)


def example_sums(weighted: bool) -> tuple[float, float, float, float]:
    """(detractors, passives, promoters, effective n) of the example, by hand."""
    sums = [0.0, 0.0, 0.0]
    squares = 0.0
    with example_path().open(encoding="utf-8-sig", newline="") as stream:
        for row in csv.DictReader(stream):
            text = row["answer"].strip()
            if not text:
                continue
            answer = int(text)
            w = float(row["weight"]) if weighted else 1.0
            sums[0 if answer <= 6 else 2 if answer >= 9 else 1] += w
            squares += w * w
    total = sum(sums)
    return sums[0], sums[1], sums[2], total * total / squares


def linearized_n(weighted: bool) -> float:
    """Effective n of the linearization variance (issue 13), answer by answer.

    n_lin = sigma^2_w W^2 / sum_i w_i^2 (x_i - R)^2, times (1 - 1/n_kish) / (1 - 1/n).
    """
    answers = []
    with example_path().open(encoding="utf-8-sig", newline="") as stream:
        for row in csv.DictReader(stream):
            text = row["answer"].strip()
            if not text:
                continue
            value = int(text)
            x = -1.0 if value <= 6 else 1.0 if value >= 9 else 0.0
            answers.append((x, float(row["weight"]) if weighted else 1.0))
    total = sum(w for _, w in answers)
    ratio = sum(w * x for x, w in answers) / total
    spread = sum(w * (x - ratio) ** 2 for x, w in answers) / total
    design = sum((w * (x - ratio)) ** 2 for x, w in answers)
    kish = total**2 / sum(w * w for _, w in answers)
    n = len(answers)
    return spread * total**2 / design * (1 - 1 / kish) / (1 - 1 / n)


def wald_by_hand(d: float, s: float, p: float, n_eff: float, level: float) -> tuple[float, float]:
    """Wald interval in points on the shares with n_eff answers."""
    total = d + s + p
    pd, pp = d / total, p / total
    half = z(level) * math.sqrt((pp + pd - (pp - pd) ** 2) / n_eff)
    return 100 * (pp - pd - half), 100 * (pp - pd + half)


def summary_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["summary", "--example", "--format", "json", *args]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


# -- summary ---------------------------------------------------------------------


def test_summary_json_carries_the_wald_interval(capsys: pytest.CaptureFixture[str]) -> None:
    d, s, p, n = example_sums(weighted=False)
    assert (d, s, p) == (1427, 1517, 2880)
    data = summary_json(capsys, "--interval-method", "wald", "--confidence-level", "0.9")
    ci = data["confidence_interval"]
    low, high = wald_by_hand(d, s, p, n, 0.90)
    assert (ci["low"], ci["high"]) == (pytest.approx(low, abs=1e-9), pytest.approx(high, abs=1e-9))
    assert ci["interval_method"] == "wald"
    assert ci["confidence_level"] == 0.9
    assert ci["alternative"] == "two-sided"
    assert ci["n"] == 5824
    assert ci["estimate"] == pytest.approx(data["nps"])
    assert set(ci) >= {"effective_n", "n_missing", "population"}


def test_summary_default_is_adjusted_wald(capsys: pytest.CaptureFixture[str]) -> None:
    # Adjusted Wald: add 3/4 detractor, 3/2 passive, 3/4 promoter (n + 3).
    d, s, p, _ = example_sums(weighted=False)
    low, high = wald_by_hand(d + 0.75, s + 1.5, p + 0.75, d + s + p + 3, 0.95)
    ci = summary_json(capsys)["confidence_interval"]
    assert ci["interval_method"] == "adjusted-wald"
    assert ci["confidence_level"] == 0.95
    assert (ci["low"], ci["high"]) == (pytest.approx(low, abs=1e-9), pytest.approx(high, abs=1e-9))


def test_weighted_summary_reports_kish_and_uses_linearization(
    capsys: pytest.CaptureFixture[str],
) -> None:
    d, s, p, n_eff = example_sums(weighted=True)
    ci = summary_json(capsys, "--weight", "weight", "--interval-method", "wald")[
        "confidence_interval"
    ]
    low, high = wald_by_hand(d, s, p, linearized_n(weighted=True), 0.95)
    assert ci["effective_n"] == pytest.approx(n_eff, rel=1e-12)
    assert (ci["low"], ci["high"]) == (pytest.approx(low, abs=1e-8), pytest.approx(high, abs=1e-8))


def test_summary_text_prints_the_interval(capsys: pytest.CaptureFixture[str]) -> None:
    d, s, p, n = example_sums(weighted=False)
    low, high = wald_by_hand(d, s, p, n, 0.99)
    assert (
        main(["summary", "--example", "--interval-method", "wald", "--confidence-level", "0.99"])
        == 0
    )
    out = capsys.readouterr().out
    expected = f"99% confidence interval [{low:+.1f}, {high:+.1f}] (wald, rounded to 1 decimal)"
    assert expected in out.splitlines()


def test_summary_bootstrap_is_reproducible(capsys: pytest.CaptureFixture[str]) -> None:
    first = summary_json(capsys, "--interval-method", "bootstrap-bca", "--seed", "0")
    second = summary_json(capsys, "--interval-method", "bootstrap-bca", "--seed", "0")
    assert first == second


@pytest.mark.parametrize(
    "args",
    [
        ["--interval-method", "Wald"],
        ["--interval-method", "mover"],
        ["--confidence-level", "95"],
        ["--confidence-level", "0"],
        ["--confidence-level", "high"],
    ],
)
def test_summary_bad_interval_options(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    assert main(["summary", "--example", *args]) == 2
    assert "usage:" in capsys.readouterr().err


# -- sample-size -------------------------------------------------------------------


def sample_size_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["sample-size", "--format", "json", *args]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def test_sample_size_wald_worst_case(capsys: pytest.CaptureFixture[str]) -> None:
    # ceil(1.959964^2 / 0.05^2) = ceil(1536.58) = 1537.
    data = sample_size_json(capsys, "--margin", "5", "--interval-method", "wald")
    assert data["command"] == "sample-size"
    assert data["n"] == 1537
    assert data["margin"] == pytest.approx(100 * z(0.95) / math.sqrt(1537), rel=1e-12)
    assert data["worst_case"] is True
    assert data["expected"] == {"detractors": 0.5, "passives": 0.0, "promoters": 0.5}


@pytest.mark.parametrize("expected", ["20,30,50", "0.2,0.3,0.5", " 20, 30 ,50"])
def test_sample_size_expected_as_shares_or_percentages(
    capsys: pytest.CaptureFixture[str], expected: str
) -> None:
    # Variance 0.2 + 0.5 - 0.3^2 = 0.61: ceil(3.841459 * 0.61 / 0.0025) = ceil(937.32) = 938.
    data = sample_size_json(
        capsys, "--margin", "5", "--expected", expected, "--interval-method", "wald"
    )
    assert data["n"] == 938
    assert data["expected"]["promoters"] == pytest.approx(0.5)


def test_sample_size_population_and_level(capsys: pytest.CaptureFixture[str]) -> None:
    # Cochran: n0 = 1536.58, N = 2000: n0 / (1 + (n0 - 1)/N) = 869.21 -> 870.
    data = sample_size_json(
        capsys, "--margin", "5", "--interval-method", "wald", "--population", "2000"
    )
    assert (data["n"], data["population"]) == (870, 2000)
    # z(0.90)^2 / 0.03^2 = 2.705543 / 0.0009 = 3006.16 -> 3007.
    data = sample_size_json(
        capsys, "--margin", "3", "--interval-method", "wald", "--confidence-level", "0.9"
    )
    assert (data["n"], data["confidence_level"]) == (3007, 0.9)


def test_sample_size_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sample-size", "--margin", "5", "--interval-method", "wald"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Sample size for an NPS margin of error of ±5 points"
    assert "answers needed    1537" in out
    assert "margin at that n  ±5.00 points" in out
    assert any(line.startswith("expected shares   worst case") for line in out)


def test_sample_size_degenerate_wald_warns_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["sample-size", "--margin", "5", "--interval-method", "wald", "--expected", "0,0,1"])
        == 0
    )
    captured = capsys.readouterr()
    assert captured.err.startswith("npskit: warning: the expected shares put every answer")
    assert "answers needed    1" in captured.out.splitlines()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "--margin"),
        (["--margin", "0"], "strictly between 0 and 100"),
        (["--margin", "100"], "strictly between 0 and 100"),
        (["--margin", "five"], "must be a number of points"),
        (["--margin", "5", "--expected", "20,30"], "three non-negative numbers"),
        (["--margin", "5", "--expected", "20,30,40"], "must add up to 1"),
        (["--margin", "5", "--expected", "0.5,-0.1,0.6"], "three non-negative numbers"),
        (["--margin", "5", "--population", "0"], "at least 1"),
        (["--margin", "5", "--population", "1e3"], "whole number"),
        (["--margin", "5", "--interval-method", "bootstrap-bca"], "invalid choice"),
        (["--margin", "1e-7", "--interval-method", "wald"], "no sample size up to"),
    ],
)
def test_sample_size_usage_errors(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["sample-size", *args]) == 2
    assert message in capsys.readouterr().err


def test_sample_size_subprocess() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "npskit", "sample-size", "--margin", "5", "--format", "json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    data = json.loads(result.stdout)

    # Adjusted Wald, worst case: counts n/2 + 3/4, 3/2, n/2 + 3/4 give variance
    # (n + 3/2)/(n + 3) on n + 3 answers, so the margin is
    # 100 z sqrt(n + 3/2) / (n + 3); check the crossing with that formula.
    def margin(n: int) -> float:
        return 100 * z(0.95) * math.sqrt(n + 1.5) / (n + 3)

    n = data["n"]
    assert margin(n) <= 5 < margin(n - 1)
    assert data["margin"] == pytest.approx(margin(n), rel=1e-12)


def test_summary_subprocess_text() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "npskit", "summary", "--example", "--interval-method", "tango"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "95% confidence interval [" in result.stdout
    assert "(tango, rounded to 1 decimal)" in result.stdout
