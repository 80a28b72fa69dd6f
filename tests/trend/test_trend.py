"""trend: counting and bucketing against brute force, tests against independent formulas."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import numpy as np
import pytest
from scipy import stats

import npskit
from npskit import EmptyDataError, Tally, adjust_pvalues, trend


def _tally_of(scores: np.ndarray) -> Tally:
    """Brute-force tally: count categories with comparisons, no npskit counting."""
    present = scores[~np.isnan(scores)]
    return Tally(
        detractors=int(np.sum(present <= 6)),
        passives=int(np.sum((present >= 7) & (present <= 8))),
        promoters=int(np.sum(present >= 9)),
        n_missing=int(np.sum(np.isnan(scores))),
    )


@pytest.fixture(scope="module")
def example() -> dict[str, np.ndarray]:
    return npskit.load_example()


def test_months_of_the_example_match_brute_force(example: dict[str, np.ndarray]) -> None:
    t = trend(example["answer"], example["date"], freq="month")
    months = [d.isoformat()[:7] for d in example["date"].astype(dt.date)]
    labels = sorted(set(months))
    assert [row.period for row in t] == labels
    month_of = np.array(months)
    for row in t:
        expected = _tally_of(example["answer"][month_of == row.period])
        assert row.tally == expected
        assert row.n == expected.n
        assert row.n_missing == expected.n_missing
        assert row.nps == pytest.approx(expected.nps)
        ci = npskit.confidence_interval(expected)
        assert (row.low, row.high) == pytest.approx((ci.low, ci.high))
        assert row.start == dt.date.fromisoformat(row.period + "-01")
    assert t.compare_method == npskit.compare(t.rows[0].tally, t.rows[1].tally).compare_method


def test_changes_use_compare_and_holm(example: dict[str, np.ndarray]) -> None:
    t = trend(example["answer"], example["date"], freq="month", confidence_level=0.9)
    raw = []
    for before, after in zip(t.rows[:-1], t.rows[1:], strict=True):
        reference = npskit.compare(before.tally, after.tally, confidence_level=0.9)
        assert after.previous == before.period
        assert after.change == pytest.approx(reference.difference)
        assert (after.change_low, after.change_high) == pytest.approx(
            (reference.low, reference.high)
        )
        assert after.pvalue == pytest.approx(reference.pvalue)
        raw.append(reference.pvalue)
    adjusted = adjust_pvalues(raw, p_adjust="holm")
    assert [row.pvalue_adjusted for row in t.rows[1:]] == pytest.approx(list(adjusted))
    assert [row.significant for row in t.rows[1:]] == [bool(p < 0.1) for p in adjusted]
    assert t.rows[0].change is None
    assert t.rows[0].previous is None
    assert t.rows[0].significant is None
    bh = trend(example["answer"], example["date"], freq="month", p_adjust="benjamini-hochberg")
    assert bh.p_adjust == "benjamini-hochberg"
    assert [r.pvalue_adjusted for r in bh.rows[1:]] == pytest.approx(
        list(adjust_pvalues([r.pvalue for r in bh.rows[1:]], p_adjust="benjamini-hochberg"))
    )


def _variance(t: Tally) -> float:
    p, d = t.promoters / t.n, t.detractors / t.n
    return (p + d - (p - d) ** 2) / t.n


def test_two_periods_reduce_to_the_unpooled_wald_test() -> None:
    # With k = 2: Q = (theta2 - theta1)^2 / (v1 + v2) (algebra: the weighted mean
    # sits between the two, w1 w2 / (w1 + w2) = 1 / (v1 + v2)); the WLS slope
    # over t = 0, 1 is theta2 - theta1. The linear-trend test (issue 13) takes
    # its variance under H0, from the pooled shares: se = sqrt(s0 (1/n1 + 1/n2)),
    # S_tt = n1 n2 / (n1 + n2) for two periods.
    scores = np.array([10] * 30 + [8] * 20 + [3] * 10 + [10] * 20 + [7] * 20 + [2] * 25, float)
    periods = ["a"] * 60 + ["b"] * 65
    t = trend(scores, periods)
    one, two = (
        Tally(detractors=10, passives=20, promoters=30),
        Tally(detractors=25, passives=20, promoters=20),
    )
    diff = (two.nps - one.nps) / 100
    var = _variance(one) + _variance(two)
    assert t.omnibus.df == 1
    assert t.omnibus.statistic == pytest.approx(diff**2 / var, rel=1e-12)
    assert t.omnibus.pvalue == pytest.approx(stats.chi2.sf(diff**2 / var, 1), rel=1e-9)
    assert t.linear_trend.slope == pytest.approx(100 * diff, rel=1e-12)
    pooled_d, pooled_p = 35 / 125, 50 / 125
    s0 = pooled_p + pooled_d - (pooled_p - pooled_d) ** 2
    se0 = math.sqrt(s0 * (1 / 60 + 1 / 65))
    assert t.linear_trend.standard_error == pytest.approx(100 * se0, rel=1e-12)
    assert t.linear_trend.pvalue == pytest.approx(2 * stats.norm.sf(abs(diff) / se0), rel=1e-9)


def test_omnibus_and_slope_against_numpy_least_squares(example: dict[str, np.ndarray]) -> None:
    t = trend(example["answer"], example["date"], freq="month")
    theta = np.array([row.tally.nps / 100 for row in t])
    var = np.array([_variance(row.tally) for row in t])
    # Q as sum w theta^2 - (sum w theta)^2 / sum w (expanded form).
    w = 1 / var
    q = np.sum(w * theta**2) - np.sum(w * theta) ** 2 / np.sum(w)
    assert t.omnibus.statistic == pytest.approx(q, rel=1e-9)
    assert t.omnibus.df == len(t) - 1
    # The linear trend (issue 13) weights by the variance under H0: every
    # period has the pooled shares, variance s0 / n_i. WLS by scaling rows with
    # sqrt(n) and solving with lstsq; the covariance is s0 (X' N X)^-1.
    sizes = np.array([row.tally.n for row in t], dtype=float)
    pooled = sum((row.tally for row in t), start=Tally(detractors=0, passives=0, promoters=0))
    d0, p0 = pooled.detractors / pooled.n, pooled.promoters / pooled.n
    s0 = p0 + d0 - (p0 - d0) ** 2
    x = np.column_stack([np.ones(len(t)), np.arange(len(t))])
    root = np.sqrt(sizes)[:, None]
    coef, *_ = np.linalg.lstsq(x * root, theta * root[:, 0], rcond=None)
    cov = s0 * np.linalg.inv(x.T @ (sizes[:, None] * x))
    assert t.linear_trend.slope == pytest.approx(100 * coef[1], rel=1e-9)
    assert t.linear_trend.standard_error == pytest.approx(100 * math.sqrt(cov[1, 1]), rel=1e-9)
    z = coef[1] / math.sqrt(cov[1, 1])
    assert t.linear_trend.statistic == pytest.approx(z, rel=1e-9)
    assert t.linear_trend.pvalue == pytest.approx(2 * stats.norm.sf(abs(z)), rel=1e-9)
    half = stats.norm.ppf(0.975) * math.sqrt(cov[1, 1])
    assert t.linear_trend.low == pytest.approx(100 * (coef[1] - half), rel=1e-9)


def test_gaps_empty_periods_and_missing_dates() -> None:
    scores = [10, 9, 3, None, None, 10, 0, 5, 9, 9]
    dates = np.array(
        ["2026-01-03", "2026-01-20", "2026-01-31", "2026-03-02", "2026-03-05", "2026-03-07",
         "NaT", "2026-05-01", "2026-05-02", "2026-05-30"],
        dtype="datetime64[D]",
    )  # fmt: skip
    t = trend(scores, dates, freq="month")
    assert [r.period for r in t] == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]
    assert [r.n for r in t] == [3, 0, 1, 0, 3]
    assert [r.n_missing for r in t] == [0, 0, 2, 0, 0]
    assert t.n_missing_period == 1
    assert t.rows[1].nps is None
    assert t.rows[1].low is None
    assert t.rows[1].change is None
    assert t.rows[2].previous == "2026-01"
    assert t.rows[4].previous == "2026-03"
    assert t.rows[3].previous is None
    # The trend index is calendar time: periods 0, 2, 4 carry the answers.
    assert t.omnibus.df == 2
    assert "2 answers" not in str(t)
    assert "1 answer without a period" in str(t)


def _iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _quarter(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


@pytest.mark.parametrize(
    ("freq", "label"),
    [
        ("day", dt.date.isoformat),
        ("week", _iso_week),
        ("month", lambda d: d.isoformat()[:7]),
        ("quarter", _quarter),
        ("year", lambda d: str(d.year)),
    ],
)
def test_buckets_match_python_calendar(freq: str, label: object) -> None:
    # Dates across year ends (ISO week 53 of 2020, week 1 of 2025 starting
    # 2024-12-30) and before 1970 (negative day numbers).
    rng = np.random.default_rng(1)
    days = np.concatenate(
        [np.datetime64("1968-12-25") + rng.integers(0, 20, 40), np.datetime64("2020-12-20")
         + rng.integers(0, 30, 80), np.datetime64("2024-12-26") + rng.integers(0, 10, 40)]
    ).astype("datetime64[D]")  # fmt: skip
    scores = rng.integers(0, 11, len(days)).astype(float)
    t = trend(scores, days, freq=freq)  # type: ignore[arg-type]
    labels = np.array([label(d) for d in days.astype(dt.date)])  # type: ignore[operator]
    counted = {r.period: r.tally for r in t if r.n}
    assert set(counted) == set(labels)
    for key, value in counted.items():
        assert value == _tally_of(scores[labels == key])
    starts = [r.start for r in t]
    assert starts == sorted(starts)
    assert all(label(r.start) == r.period for r in t)  # type: ignore[operator]
    if freq == "week":
        assert all(r.start is not None and r.start.weekday() == 0 for r in t)


def test_date_inputs_of_every_kind() -> None:
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    scores = [10, 9, 3, 7, 0, 10]
    days = ["2026-01-31", "2026-02-01", "2026-02-15", "2026-03-31", "2026-03-31", "2026-04-01"]
    expected = [r.tally for r in trend(scores, np.array(days, "datetime64[D]"), freq="month")]
    python_dates = [dt.date.fromisoformat(d) for d in days]
    python_datetimes = [dt.datetime(d.year, d.month, d.day, 23, 30) for d in python_dates]
    aware = pd.Series(pd.to_datetime(days)).dt.tz_localize("Europe/Paris")
    for periods in (
        days,
        python_dates,
        python_datetimes,
        pd.Series(pd.to_datetime(days)),
        aware,
        pl.Series(python_dates),
        pl.Series(python_datetimes).dt.replace_time_zone("UTC"),
    ):
        got = [r.tally for r in trend(scores, periods, freq="month")]
        assert got == expected


def test_keys_without_freq_and_weights() -> None:
    scores = np.array([10, 9, 3, 7, 0, 10, 8, 9])
    waves = ["w2", "w1", "w2", "w3", "w1", None, "w3", "w3"]
    weights = np.array([1.0, 2.0, 0.5, 1.0, 1.5, 1.0, 2.0, 0.5])
    t = trend(scores, waves, weights=weights)
    assert [r.period for r in t] == ["w1", "w2", "w3"]
    assert t.n_missing_period == 1
    w1 = t.rows[0].tally
    assert w1.promoters == 2.0
    assert w1.detractors == 1.5
    assert t.rows[0].start is None
    assert t.freq is None


def test_outputs(example: dict[str, np.ndarray]) -> None:
    t = trend(example["answer"], example["date"], freq="quarter")
    payload = json.loads(json.dumps(t.to_dict()))
    assert payload["freq"] == "quarter"
    assert len(payload["rows"]) == 2
    assert payload["rows"][1]["previous"] == "2026-Q1"
    assert set(payload["omnibus"]) == {"statistic", "df", "pvalue", "method"}
    frame = t.to_pandas()
    assert list(frame["period"]) == ["2026-Q1", "2026-Q2"]
    assert t.to_polars().shape == (2, len(frame.columns))
    markdown = t.to_markdown()
    assert markdown.splitlines()[0].startswith("| period | n | nps |")
    assert t.to_csv().splitlines()[0].startswith("period,start,n,n_missing")
    text = str(t)
    assert "2026-Q2" in text
    assert "Linear trend" in text


def test_errors() -> None:
    with pytest.raises(ValueError, match="3 answers and 2 periods"):
        trend([1, 2, 3], [1, 2])
    with pytest.raises(TypeError, match="periods must be dates"):
        trend([1, 2, 3], [1, 2, 3], freq="month")
    with pytest.raises(ValueError, match="freq must be one of"):
        trend([1, 2, 3], ["2026-01-01"] * 3, freq="months")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="p_adjust must be one of"):
        trend([1, 2, 3], [1, 2, 3], p_adjust="fdr")  # type: ignore[arg-type]
    with pytest.raises(EmptyDataError):
        trend([None, None], ["2026-01-01", None], freq="day")
    with pytest.raises(TypeError, match="got one Tally"):
        trend(Tally(detractors=1, passives=2, promoters=3))


def test_holm_keeps_false_flags_rare_in_a_stable_series() -> None:
    # Eight months of 300 answers each from the same shares (0.25, 0.25, 0.5):
    # the chance that any change is flagged must stay near or below 5%. 300
    # seeded series; the binomial standard error at 0.05 is 0.0126.
    rng = np.random.default_rng(42)
    flagged = 0
    reps = 300
    periods = np.repeat(np.arange(8), 300)
    for _ in range(reps):
        scores = rng.choice([0, 7, 10], size=len(periods), p=[0.25, 0.25, 0.5])
        t = trend(scores, periods)
        flagged += any(r.significant for r in t)
    assert flagged / reps <= 0.05 + 3 * 0.0126


def test_lookup_by_period_repr_and_strict_json() -> None:
    example = npskit.load_example()
    t = trend(example["answer"], example["date"], freq="month")
    assert t["2026-05"] is t.rows[4]
    assert t[("2026-05",)] is t.rows[4]
    with pytest.raises(KeyError, match="2027-01"):
        t["2027-01"]
    text = repr(t)
    assert len(text.splitlines()) <= 25
    assert len(text) <= 2000
    json.dumps(t.to_dict(), allow_nan=False)
    assert t.to_dict()["compare_method"] == "mover"


def test_compare_method_is_none_without_a_comparison() -> None:
    # One period with answers: nothing is compared, so no comparison method.
    t = trend([10, 9, 0], ["2026-01-03"] * 3, freq="month")
    assert t.compare_method is None
    assert t.to_dict()["compare_method"] is None
    assert "None" not in json.dumps(t.to_dict())
    assert trend([10, 0, 9, 3], [1, 1, 2, 2], compare_method="wald").compare_method == "wald"


def test_grouped_tally_with_a_period_column() -> None:
    # agent x month counted once: the trend of the month column sums over agents
    # and equals the trend of the answers by month.
    scores = [10, 9, 3, 8, 0, 10, 7, 6, 10, 2, 9, 9]
    agent = ["a", "b"] * 6
    month = ["2026-01"] * 4 + ["2026-02"] * 4 + ["2026-03"] * 4
    cube = npskit.tally_by(
        "answer", ["agent", "month"], data={"answer": scores, "agent": agent, "month": month}
    )
    direct = trend(scores, month)
    by_month = trend(cube, period="month")
    assert [r.period for r in by_month] == ["2026-01", "2026-02", "2026-03"]
    assert by_month.to_dicts() == direct.to_dicts()
    with pytest.raises(TypeError, match="period must name the period column"):
        trend(cube)
    with pytest.raises(ValueError, match="'week'"):
        trend(cube, period="week")
    with pytest.raises(TypeError, match="period names the period column"):
        trend(scores, month, period="month")


def test_int_seed_reproduces_and_periods_get_independent_streams() -> None:
    # Two periods with identical answers under a bootstrap interval: independent
    # streams give them different percentile bounds (equal by luck with
    # negligible probability at 200 resamples); an int seed reproduces the table.
    answers = [10, 9, 3, 8, 0, 10, 7, 6] * 5
    scores = answers + answers
    periods = [1] * 40 + [2] * 40
    options: dict[str, Any] = {
        "interval_method": "bootstrap-percentile",
        "compare_method": "permutation",
        "n_resamples": 200,
    }
    first = trend(scores, periods, rng=3, **options)
    assert first.to_dicts() == trend(scores, periods, rng=3, **options).to_dicts()
    one, two = first[1], first[2]
    assert (one.detractors, one.passives, one.promoters) == (
        two.detractors,
        two.passives,
        two.promoters,
    )
    assert (one.low, one.high) != (two.low, two.high)
    generated = trend(scores, periods, rng=np.random.default_rng(3), **options)
    assert generated.to_dicts() == first.to_dicts()


def test_dates_without_freq_warn_and_name_the_fix() -> None:
    days = np.array(["2026-05-01", "2026-05-02", "2026-05-02"], dtype="datetime64[D]")
    with pytest.warns(npskit.InputWarning, match="each of the 2 distinct dates is a period"):
        result = npskit.trend([9, 3, 10], days)
    assert len(result) == 2  # still one period per date, as asked
    monthly = npskit.trend([9, 3, 10], days, freq="month")  # no warning with freq
    assert len(monthly) == 1
    labels = npskit.trend([9, 3, 10], ["05", "06", "06"])  # labels are not dates: no warning
    assert len(labels) == 2


def test_shares_typed_as_points_warn() -> None:
    with pytest.warns(npskit.InputWarning, match="pass margin=3"):
        npskit.sample_size(0.03)
    with pytest.warns(npskit.InputWarning, match="pass target=20"):
        npskit.target([10, 9, 9, 7, 3] * 20, 0.2)


@pytest.mark.slow
def test_linear_trend_size_with_few_answers_per_period() -> None:
    # Issue 13, item 2: 12 periods of 20 answers, the same shares 0.05/0.15/0.8
    # every period. The old test (each period's own variance taken as known)
    # rejected 0.13 of the time at 5%; the null-variance test about 0.05
    # (scripts/trend_size_power_table.py: 0.049 +/- 0.002). 1000 seeded
    # series; tolerance 4 Monte Carlo standard errors (0.028).
    rng = np.random.default_rng(13)
    periods = np.repeat(np.arange(12), 20)
    rejections = 0
    reps = 1000
    for _ in range(reps):
        category = rng.choice(3, size=periods.size, p=[0.05, 0.15, 0.8])
        scores = np.array([0, 7, 10])[category]
        rejections += trend(scores, periods).linear_trend.pvalue < 0.05
    rate = rejections / reps
    assert abs(rate - 0.05) <= 4 * math.sqrt(0.05 * 0.95 / reps), rate
