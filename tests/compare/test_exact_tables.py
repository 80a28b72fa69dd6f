"""The comparing-periods table is exact where enumeration is affordable (issue 13, item 5)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.stats import multinomial

from npskit import Tally, compare

TABLE = Path(__file__).resolve().parents[2] / "docs" / "explanation" / "comparing-periods-table.md"


def _rows(method: str, n: int) -> list[str]:
    return [
        line
        for line in TABLE.read_text().splitlines()
        if line.startswith(f"| {n} | {method}") and not line.startswith(f"| {n} | {method}-")
    ]


def test_small_sample_rows_are_exact_and_simulated_rows_carry_their_error() -> None:
    # At n = 10 bayes and the bootstrap are enumerated (no *, no Monte Carlo error);
    # every simulated figure elsewhere shows its standard error.
    for method in ("bayes", "bootstrap-percentile"):
        for line in _rows(method, 10):
            assert "*" not in line, line
            assert "±" not in line, line
        for line in _rows(method, 50):
            assert "*" in line, line
            assert "±" in line, line
    # Before issue 13 the table showed a Monte Carlo outlier, 0.083, for bayes at n = 10.
    assert "0.083" not in " ".join(_rows("bayes", 10))


def _tally(c: tuple[int, int, int]) -> Tally:
    return Tally(detractors=c[0], passives=c[1], promoters=c[2])


@pytest.mark.slow
def test_bayes_size_at_ten_answers_by_enumeration_through_compare() -> None:
    # Independent of the table script: every pair of samples of 10 answers from
    # shares 0.4/0.3/0.3 is compared with compare(compare_method="bayes") and
    # the rejections weighted by their trinomial probabilities. The issue's
    # independent check found 0.0545.
    shares = (0.4, 0.3, 0.3)
    outcomes = [(d, 10 - d - p, p) for d in range(11) for p in range(11 - d)]
    probs = np.array([multinomial.pmf(o, 10, shares) for o in outcomes])
    size = 0.0
    for i, a in enumerate(outcomes):
        for j, b in enumerate(outcomes):
            if probs[i] * probs[j] < 1e-12:
                continue
            result = compare(_tally(a), _tally(b), compare_method="bayes")
            size += probs[i] * probs[j] * (result.pvalue < 0.05)
    assert size == pytest.approx(0.0545, abs=5e-4)
