"""breakdown(metric=...) for share and mean metrics (issue 17).

References are independent: plain-Python counts, statsmodels'
``proportion_confint`` (Wilson), ``confint_proportions_2indep`` (Newcombe's
hybrid score interval, ``method="newcomb"``) and ``multipletests`` (Holm), and
scipy's one-sample t interval and Welch ``ttest_ind(equal_var=False)`` on the
answers themselves.
"""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

import npskit
from npskit import MetricBreakdown, breakdown, histogram_by

RNG = np.random.default_rng(17)
KEYS = RNG.choice(["a", "b", "c", "d"], 400).tolist()
CSAT = RNG.integers(1, 6, 400)
CES = RNG.integers(1, 8, 400)


def test_csat_rows_match_statsmodels() -> None:
    result = breakdown(CSAT, KEYS, metric="csat", interval_method="wilson")
    assert isinstance(result, MetricBreakdown)
    keys = sorted(set(KEYS))
    pvalues = []
    for key in keys:
        inside = np.array([k == key for k in KEYS])
        hits, n = int((CSAT[inside] >= 4).sum()), int(inside.sum())
        rest_hits, rest_n = int((CSAT[~inside] >= 4).sum()), int((~inside).sum())
        row = result[key]
        assert row.n == n
        assert row.estimate == pytest.approx(100 * hits / n)
        low, high = proportion_confint(hits, n, alpha=0.05, method="wilson")
        assert (row.low, row.high) == pytest.approx((100 * low, 100 * high))
        d_low, d_high = confint_proportions_2indep(
            hits, n, rest_hits, rest_n, method="newcomb", compare="diff", alpha=0.05
        )
        assert row.difference == pytest.approx(100 * (hits / n - rest_hits / rest_n))
        assert (row.difference_low, row.difference_high) == pytest.approx(
            (100 * d_low, 100 * d_high), abs=1e-9
        )
        total = float((CSAT >= 4).mean())
        assert row.impact == pytest.approx(100 * (total - rest_hits / rest_n))
        pvalues.append(row.pvalue)
    holm = multipletests(pvalues, method="holm")[1]
    assert [result[k].pvalue_adjusted for k in keys] == pytest.approx(holm)
    assert result.total.estimate == pytest.approx(100 * float((CSAT >= 4).mean()))


def test_ces_rows_match_scipy() -> None:
    result = breakdown(CES, KEYS, metric="ces", interval_method="t")
    assert isinstance(result, MetricBreakdown)
    for key in sorted(set(KEYS)):
        inside = np.array([k == key for k in KEYS])
        mine, rest = CES[inside].astype(float), CES[~inside].astype(float)
        row = result[key]
        assert row.estimate == pytest.approx(mine.mean())
        sem = mine.std(ddof=1) / math.sqrt(len(mine))
        t = stats.t.ppf(0.975, len(mine) - 1)
        assert (row.low, row.high) == pytest.approx((mine.mean() - t * sem, mine.mean() + t * sem))
        welch = stats.ttest_ind(mine, rest, equal_var=False)
        ci = welch.confidence_interval(0.95)
        assert (row.difference_low, row.difference_high) == pytest.approx((ci.low, ci.high))
        assert row.pvalue == pytest.approx(welch.pvalue)


def test_default_share_interval_is_agresti_coull() -> None:
    result = breakdown(CSAT, KEYS, metric="csat")
    assert result.interval_method == "agresti-coull"
    inside = np.array([k == "a" for k in KEYS])
    hits, n = int((CSAT[inside] >= 4).sum()), int(inside.sum())
    low, high = proportion_confint(hits, n, alpha=0.05, method="agresti_coull")
    assert (result["a"].low, result["a"].high) == pytest.approx((100 * low, 100 * high))


def test_compare_to_total_scales_by_the_rest_share() -> None:
    rest = breakdown(CSAT, KEYS, metric="csat")
    total = breakdown(CSAT, KEYS, metric="csat", compare_to="total")
    for a, b in zip(rest, total, strict=True):
        assert b.difference == pytest.approx(a.difference * (1 - a.share_of_total))
        assert b.pvalue == a.pvalue


def test_counted_histograms_and_weights() -> None:
    grouped = histogram_by(CES, KEYS, metric="ces")
    assert (
        breakdown(grouped, metric="ces").to_dicts() == breakdown(CES, KEYS, metric="ces").to_dicts()
    )
    weights = RNG.uniform(0.5, 2.0, 400)
    weighted = breakdown(CSAT, KEYS, metric="csat", weights=weights)
    for key in sorted(set(KEYS)):
        inside = np.array([k == key for k in KEYS])
        share = weights[inside] @ (CSAT[inside] >= 4) / weights[inside].sum()
        assert weighted[key].estimate == pytest.approx(100 * share)
        assert weighted[key].effective_n < weighted[key].n
    json.dumps(weighted.to_dict(), allow_nan=False)
    assert weighted.to_dict()["metric"] == "csat"


def test_nps_path_is_the_nps_breakdown() -> None:
    scores = RNG.integers(0, 11, 200)
    keys = KEYS[:200]
    assert breakdown(scores, keys, metric="nps").to_dict() == breakdown(scores, keys).to_dict()
    grouped = histogram_by(scores, keys)
    assert breakdown(grouped).to_dict() == breakdown(scores, keys).to_dict()


def test_str_names_the_metric() -> None:
    text = str(breakdown(CSAT, KEYS, metric="csat"))
    assert text.splitlines()[1].startswith("CSAT by key: 4 segments; agresti-coull intervals")
    assert "newcombe" in text
    assert "CES" in str(breakdown(CES, KEYS, metric="ces"))


def test_errors() -> None:
    with pytest.raises(ValueError, match="interval_method must be one of"):
        breakdown(CSAT, KEYS, metric="csat", interval_method="adjusted-wald")
    with pytest.raises(ValueError, match="compare_method"):
        breakdown(CES, KEYS, metric="ces", compare_method="newcombe")
    with pytest.raises(TypeError, match="Tally"):
        breakdown(npskit.tally_by([9, 3], ["a", "b"]), metric="csat")
    with pytest.raises(npskit.InvalidScoresError):
        breakdown([6, 1], ["a", "b"], metric="csat")
    with pytest.raises(ValueError, match=r"1\.\.7"):
        breakdown(histogram_by([5], ["a"], metric="csat"), metric="ces")


@pytest.mark.property
@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(["csat", "ces", "ces-easy"]),
    st.lists(st.tuples(st.integers(1, 5), st.sampled_from("xyz")), min_size=1, max_size=60),
    st.sampled_from([0.8, 0.95, 0.99]),
)
def test_intervals_lie_on_the_range_and_contain_the_estimate(
    name: str, rows: list[tuple[int, str]], level: float
) -> None:
    chosen = {"csat": npskit.CSAT, "ces": npskit.CES, "ces-easy": npskit.CES_EASY}[name]
    low_bound, high_bound = chosen.bounds
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", npskit.NpskitWarning)
        result = breakdown(
            [s for s, _ in rows], [k for _, k in rows], metric=chosen, confidence_level=level
        )
    for row in [*result, result.total]:
        assert low_bound <= row.low <= row.estimate <= row.high <= high_bound
    span = high_bound - low_bound
    for row in result:
        if not math.isnan(row.difference):
            assert -span <= row.difference_low <= row.difference <= row.difference_high <= span


@pytest.mark.parametrize(("metric", "values"), [("csat", CSAT), ("ces", CES)])
def test_weighted_vs_rest_equals_compare_one_segment_at_a_time(
    metric: str, values: np.ndarray
) -> None:
    """The vectorised vs-rest comparison equals npskit.compare run per segment."""
    weights = np.random.default_rng(8).uniform(0.5, 2.0, 400)
    result = breakdown(values, KEYS, metric=metric, weights=weights)  # type: ignore[call-overload]
    for key in sorted(set(KEYS)):
        inside = np.array([k == key for k in KEYS])
        rest = npskit.histogram(values[~inside], metric=metric, weights=weights[~inside])
        mine = npskit.histogram(values[inside], metric=metric, weights=weights[inside])
        single = npskit.compare(rest, mine, metric=metric)
        row = result[key]
        assert row.difference == pytest.approx(single.difference)
        assert (row.difference_low, row.difference_high) == pytest.approx((single.low, single.high))
        assert row.pvalue == pytest.approx(single.pvalue)
