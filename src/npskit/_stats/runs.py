"""Anhøj's run rules: unusually long runs and unusually few crossings of the centre line.

For ``n`` useful observations (points not on the centre line), a random
process signals a shift when

- the longest run on one side of the centre line is longer than
  ``round(log2(n) + 3)``, or
- the line is crossed fewer than ``qbinom(0.05, n - 1, 0.5)`` times (the
  5% quantile of the binomial number of crossings of ``n - 1`` fair coin
  changes).

Anhøj & Olesen (2014), "Run charts revisited: a simulation study of run chart
rules for detection of non-random variation in health care processes",
PLoS ONE 9(11): e113825, doi:10.1371/journal.pone.0113825; the same limits as
qicharts2 (``longest.run.max``, ``n.crossings.min``).
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

__all__ = ["RunsTest", "crossings_limit", "longest_run_limit", "runs_test"]


class RunsTest(NamedTuple):
    """Runs and crossings of one series about its centre line, and the verdict."""

    n_useful: int
    longest_run: int
    longest_run_max: int
    crossings: int
    crossings_min: int
    runs_signal: bool
    crossings_signal: bool


def longest_run_limit(n: int) -> int:
    """Longest run a random series of ``n`` useful points may have: ``round(log2(n) + 3)``."""
    if n < 1:
        return 0
    return round(math.log2(n) + 3.0)


def crossings_limit(n: int) -> int:
    """Fewest crossings a random series of ``n`` useful points may have.

    The smallest ``k`` with ``P(X <= k) >= 0.05`` for ``X ~ Binomial(n - 1, 1/2)``
    (R's ``qbinom(0.05, n - 1, 0.5)``).
    """
    if n < 2:
        return 0
    from scipy.stats import binom

    return int(binom.ppf(0.05, n - 1, 0.5))


def runs_test(values: Any, centre: Any) -> RunsTest:
    """Longest run and crossings of ``values`` about ``centre`` (a number or one per point).

    Points exactly on the centre line, or missing (NaN), neither break nor
    make a run and are not counted as useful (as in qicharts2).
    """
    x = np.asarray(values, dtype=np.float64)
    side = np.sign(x - np.asarray(centre, dtype=np.float64))
    side = side[np.isfinite(side) & (side != 0)]
    n = int(side.size)
    if n == 0:
        return RunsTest(0, 0, 0, 0, 0, False, False)
    changes = np.flatnonzero(side[1:] != side[:-1])
    crossings = int(changes.size)
    edges = np.concatenate(([0], changes + 1, [n]))
    longest = int(np.diff(edges).max())
    run_max, cross_min = longest_run_limit(n), crossings_limit(n)
    return RunsTest(
        n_useful=n,
        longest_run=longest,
        longest_run_max=run_max,
        crossings=crossings,
        crossings_min=cross_min,
        runs_signal=longest > run_max,
        crossings_signal=crossings < cross_min,
    )
