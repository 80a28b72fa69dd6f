"""trend(metric=...) for share and mean metrics (issue 17).

References: statsmodels' Wilson interval and Newcombe difference, scipy's
Welch test, the textbook Cochran-Armitage statistic for shares, and an
ordinary least-squares slope over the individual answers for means.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

import npskit
from npskit import MetricTrend, histogram_by, trend

RNG = np.random.default_rng(3)
PERIOD = np.sort(RNG.integers(0, 5, 500))
CSAT = np.where(
    RNG.random(500) < 0.55 + 0.04 * PERIOD, RNG.integers(4, 6, 500), RNG.integers(1, 4, 500)
)
CES = RNG.integers(1, 8, 500)


def test_csat_periods_and_changes_match_statsmodels() -> None:
    result = trend(CSAT, PERIOD, metric="csat", interval_method="wilson")
    assert isinstance(result, MetricTrend)
    rows = list(result)
    for i, row in enumerate(rows):
        inside = i == PERIOD
        hits, n = int((CSAT[inside] >= 4).sum()), int(inside.sum())
        assert row.estimate == pytest.approx(100 * hits / n)
        low, high = proportion_confint(hits, n, method="wilson")
        assert (row.low, row.high) == pytest.approx((100 * low, 100 * high))
        if i:
            before = i - 1 == PERIOD
            h0, n0 = int((CSAT[before] >= 4).sum()), int(before.sum())
            d_low, d_high = confint_proportions_2indep(hits, n, h0, n0, method="newcomb")
            assert row.previous == i - 1
            assert (row.change_low, row.change_high) == pytest.approx((100 * d_low, 100 * d_high))


def test_share_linear_trend_is_cochran_armitage() -> None:
    result = trend(CSAT, PERIOD, metric="csat")
    hit = (CSAT >= 4).astype(float)
    n = np.array([np.sum(i == PERIOD) for i in range(5)], dtype=float)
    x = np.array([hit[i == PERIOD].sum() for i in range(5)])
    t = np.arange(5.0)
    big_n, p = n.sum(), x.sum() / n.sum()
    z = np.sum(t * (x - n * p)) / math.sqrt(
        p * (1 - p) * (np.sum(n * t * t) - np.sum(n * t) ** 2 / big_n)
    )
    assert result.linear_trend.statistic == pytest.approx(z)
    assert result.linear_trend.pvalue == pytest.approx(2 * stats.norm.sf(abs(z)))


def test_ces_changes_are_welch_and_slope_is_ols() -> None:
    result = trend(CES, PERIOD, metric="ces")
    for i, row in enumerate(result):
        assert row.estimate == pytest.approx(CES[i == PERIOD].mean())
        if i:
            welch = stats.ttest_ind(CES[i == PERIOD], CES[i - 1 == PERIOD], equal_var=False)
            assert row.pvalue == pytest.approx(welch.pvalue)
    slope = np.polyfit(PERIOD.astype(float), CES.astype(float), 1)[0]
    assert result.linear_trend.slope == pytest.approx(slope)
    sigma2 = CES.var()
    stt = np.sum((PERIOD - PERIOD.mean()) ** 2)
    assert result.linear_trend.standard_error == pytest.approx(math.sqrt(sigma2 / stt))


def test_calendar_periods_and_counted_input() -> None:
    data = npskit.load_example()
    monthly = trend(data["csat"], data["date"], freq="month", metric="csat")
    assert [row.period for row in monthly] == [f"2026-0{m}" for m in range(1, 7)]
    assert sum(row.n for row in monthly) == int(np.sum(~np.isnan(data["csat"])))
    counted = trend(histogram_by(CES, PERIOD, metric="ces"), metric="ces")
    assert counted.to_dicts() == trend(CES, PERIOD, metric="ces").to_dicts()
    assert trend(CES, PERIOD, metric="ces").to_dict()["metric"] == "ces"


def test_empty_calendar_period_and_errors() -> None:
    dates = np.array(["2026-01-05", "2026-01-06", "2026-03-02"], dtype="datetime64[D]")
    result = trend([5, 4, 1], dates, freq="month", metric="csat")
    assert [r.estimate for r in result] == [100.0, None, 0.0]
    assert result["2026-03"].previous == "2026-01"
    with pytest.raises(TypeError, match="Tally"):
        trend(npskit.tally_by([9], ["a"]), metric="ces")
    with pytest.raises(ValueError, match="interval_method"):
        trend(CES, PERIOD, metric="ces", interval_method="wilson")


def test_nps_is_unchanged() -> None:
    scores = RNG.integers(0, 11, 200)
    periods = np.sort(RNG.integers(0, 4, 200))
    assert trend(scores, periods, metric="nps").to_dict() == trend(scores, periods).to_dict()


def test_intervals_lie_on_the_range() -> None:
    for name, values in (("csat", CSAT), ("ces", CES), ("ces-easy", CES)):
        result = trend(values, PERIOD, metric=name)  # type: ignore[call-overload]
        low, high = result.metric.bounds
        for row in result:
            assert low <= row.low <= row.estimate <= row.high <= high
