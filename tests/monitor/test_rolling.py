"""rolling: window sums against a plain loop, the overlap variance, and the test's size."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pytest

from npskit import Tally, confidence_interval, load_example, rolling, tally, tally_by


def test_windows_match_counting_each_window_directly() -> None:
    data = load_example()
    table = rolling(data["answer"], data["date"], window="30D")
    days = data["date"]
    for row in (table.rows[0], table.rows[40], table.rows[-1]):
        inside = (days >= np.datetime64(row.start)) & (days <= np.datetime64(row.end))
        direct = tally(data["answer"][inside])
        assert row.n == direct.n
        assert math.isclose(row.nps, direct.nps)
        ci = confidence_interval(direct)
        assert math.isclose(row.low, ci.low)
        assert math.isclose(row.high, ci.high)
    assert (table.rows[-1].end - table.rows[-1].start).days == 29
    assert json.dumps(table.to_dict(), allow_nan=False)
    assert table[dt.date(2026, 6, 30)] is table.rows[-1]


def test_default_compares_with_the_previous_window_without_overlap() -> None:
    data = load_example()
    table = rolling(data["answer"], data["date"], window=30)
    last = table.rows[-1]
    assert last.n_shared == 0
    assert last.previous_end == dt.date(2026, 5, 31)
    previous = table[dt.date(2026, 5, 31)]
    assert math.isclose(last.change, last.nps - previous.nps)


def test_overlapping_change_variance_by_hand() -> None:
    # Three days, window 2, lag 1: A = days 2-3, B = days 1-2, shared = day 2.
    days = {
        "2026-01-01": Tally(detractors=3, passives=2, promoters=5),
        "2026-01-02": Tally(detractors=2, passives=4, promoters=4),
        "2026-01-03": Tally(detractors=1, passives=1, promoters=8),
    }
    row = rolling(days, window=2, compare_lag=1).rows[-1]

    def var(d: float, s: float, p: float) -> float:
        n = d + s + p
        return p / n + d / n - ((p - d) / n) ** 2

    n_a = n_b = n_c = 10
    big_a, big_b = n_a + n_c, n_b + n_c
    expected = n_a * var(1, 1, 8) / big_a**2 + n_b * var(3, 2, 5) / big_b**2  # shared cancels
    sd = 100 * math.sqrt(expected)
    assert row.n_shared == 10
    assert math.isclose(row.change, 100 * ((12 - 3) / 20 - (9 - 5) / 20))
    assert math.isclose(row.change_high - row.change, 1.959963984540054 * sd, rel_tol=1e-9)


def test_cube_with_other_columns() -> None:
    data = load_example()
    cube = tally_by(data["answer"], [data["date"], data["channel"]])
    by_cube = rolling(cube, date="key0", window=7)
    direct = rolling(data["answer"], data["date"], window=7)
    assert [r.nps for r in by_cube] == [r.nps for r in direct]


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [({"window": "30M"}, ValueError), ({"window": 0}, ValueError), ({"window": 2.5}, TypeError)],
)
def test_bad_windows(kwargs: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        rolling([9, 10], ["2026-01-01", "2026-01-02"], **kwargs)  # type: ignore[arg-type]


@pytest.mark.slow
def test_overlapping_comparison_has_its_nominal_size() -> None:
    # Same shares every day: a 30-day window compared with the one ending 7
    # days earlier (23 days shared) must reject at about 5%. Treating the two
    # windows as independent would reject far less often (the variance of
    # the difference is overstated several-fold). Monte Carlo error at m =
    # 4000: sqrt(0.05 * 0.95 / 4000) = 0.0034.
    rng = np.random.default_rng(77)
    rejections = 0
    trials = 4000
    for _ in range(trials):
        counts = rng.multinomial(20, (0.25, 0.3, 0.45), size=37)
        days = {
            dt.date(2026, 1, 1) + dt.timedelta(days=i): Tally(
                detractors=int(c[0]), passives=int(c[1]), promoters=int(c[2])
            )
            for i, c in enumerate(counts)
        }
        row = rolling(days, window=30, compare_lag=7).rows[-1]
        assert row.n_shared == 23 * 20
        rejections += row.pvalue < 0.05
    assert abs(rejections / trials - 0.05) < 4 * 0.0034
