"""Anhøj's run and crossing limits, and the counting of runs and crossings."""

from __future__ import annotations

import math

import numpy as np
import pytest

from npskit._stats.runs import crossings_limit, longest_run_limit, runs_test


def _crossings_by_enumeration(n: int) -> int:
    """qbinom(0.05, n - 1, 0.5) summed from the binomial coefficients with exact integers."""
    trials = n - 1
    total = 2**trials
    cumulative = 0
    for k in range(trials + 1):
        cumulative += math.comb(trials, k)
        if 20 * cumulative >= total:  # P(X <= k) >= 0.05, exactly
            return k
    raise AssertionError("unreachable")


def test_limits_table_n_10_to_100() -> None:
    # Anhøj & Olesen (2014), PLoS ONE 9(11): e113825, Table 1: the limits ARE
    # the published rule (longest run > round(log2(n) + 3); crossings <
    # qbinom(0.05, n - 1, 0.5)). The table is recomputed here independently:
    # the run limit from integer bit lengths, the crossings from exact integer
    # binomial sums (scipy is not used).
    for n in range(10, 101):
        # round(log2(n) + 3): log2(n) lies between bit_length - 1 and bit_length;
        # it rounds up exactly when n > 2^(b - 1) * sqrt(2), i.e. n^2 > 2^(2b - 1).
        b = n.bit_length()
        expected_run = (b - 1) + 3 + (1 if n * n > 2 ** (2 * b - 1) else 0)
        assert longest_run_limit(n) == expected_run, n
        assert crossings_limit(n) == _crossings_by_enumeration(n), n


@pytest.mark.parametrize(
    ("n", "run", "crossings"),
    [(10, 6, 2), (24, 8, 8)],
)
def test_limits_spot_values(n: int, run: int, crossings: int) -> None:
    # Hand checks. n = 10: log2(10) = 3.32 -> round(6.32) = 6; Binomial(9, 1/2):
    # P(X <= 1) = 10/512 < 0.05 <= P(X <= 2) = 46/512 -> 2.
    # n = 24: log2(24) = 4.58 -> round(7.58) = 8; Binomial(23, 1/2):
    # P(X <= 7) = 0.0466 < 0.05 <= P(X <= 8) = 0.105 -> 8.
    assert (longest_run_limit(n), crossings_limit(n)) == (run, crossings)


def test_runs_and_crossings_counted_skipping_points_on_the_centre() -> None:
    values = [1, 2, 0, 3, -1, -2, -3, 5, 0, 6, 7, 8]
    result = runs_test(values, 0.0)
    # useful (zeros dropped): + + + - - - + + + + -> runs of 3, 3 and 4, two crossings
    assert result.n_useful == 10
    assert result.longest_run == 4
    assert result.crossings == 2


def test_a_shift_is_flagged() -> None:
    values = np.r_[np.zeros(12) - 1.0, np.zeros(12) + 1.0]
    result = runs_test(values, 0.0)
    assert result.runs_signal
    assert result.crossings_signal
