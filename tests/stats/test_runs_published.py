"""Anhøj's run-chart limits against the table published with qicharts2.

Source: the qicharts2 vignette "qicharts2: Quality Improvement Charts for R"
(J. Anhøj, CRAN package qicharts2), Appendix 2, "Critical values for longest run
and number of crossings", n = 10..100 useful observations. The rule itself is
Anhøj & Olesen (2014), PLoS ONE 9(11): e113825,
https://doi.org/10.1371/journal.pone.0113825. Every row of that table is exact
(integer limits), so the comparison is equality.
"""

from __future__ import annotations

import pytest

from npskit._stats.runs import crossings_limit, longest_run_limit

N = list(range(10, 101))
# Upper limit for the longest run, by ranges of n, as printed.
LONGEST_RUN = {**dict.fromkeys(range(10, 12), 6), **dict.fromkeys(range(12, 23), 7)}
LONGEST_RUN |= dict.fromkeys(range(23, 46), 8) | dict.fromkeys(range(46, 91), 9)
LONGEST_RUN |= dict.fromkeys(range(91, 101), 10)
# Lower limit for the number of crossings, n = 10, 11, ..., 100, as printed.
CROSSINGS = [
    2, 2, 3, 3, 4, 4, 4, 5, 5, 6, 6, 6, 7, 7, 8, 8, 8, 9, 9, 10,  # 10..29
    10, 11, 11, 11, 12, 12, 13, 13, 14, 14, 14, 15, 15, 16, 16, 17, 17, 17, 18, 18,  # 30..49
    19, 19, 20, 20, 21, 21, 21, 22, 22, 23, 23, 24, 24, 25, 25, 25, 26, 26, 27, 27,  # 50..69
    28, 28, 29, 29, 29, 30, 30, 31, 31, 32, 32, 33, 33, 34, 34, 34, 35, 35, 36, 36,  # 70..89
    37, 37, 38, 38, 39, 39, 39, 40, 40, 41, 41,  # 90..100
]  # fmt: skip


def test_the_published_table_is_complete() -> None:
    assert len(CROSSINGS) == len(N) == len(LONGEST_RUN)


@pytest.mark.parametrize("n", N)
def test_longest_run_limit_matches_the_published_table(n: int) -> None:
    assert longest_run_limit(n) == LONGEST_RUN[n]


@pytest.mark.parametrize("n", N)
def test_crossings_limit_matches_the_published_table(n: int) -> None:
    assert crossings_limit(n) == CROSSINGS[n - 10]
