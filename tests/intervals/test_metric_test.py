"""The one-sample test of share and mean metrics (``nps_test(metric=...)``).

References: scipy's ``ttest_1samp`` and ``binomtest`` (one-sided), statsmodels'
``proportions_ztest`` with the null variance (the score test); size by exact
enumeration of the binomial.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from npskit import Histogram, Metric, nps_test

stats = pytest.importorskip("scipy.stats")
sm_proportion = pytest.importorskip("statsmodels.stats.proportion")


@pytest.mark.parametrize("side", ["two-sided", "less", "greater"])
@pytest.mark.parametrize("value", [2.5, 4.0, 6.5])
def test_t_test_matches_scipy(side: str, value: float) -> None:
    answers = [7, 7, 6, 5, 7, 1, 3, 6, 7, 7, 2, 4]
    want = stats.ttest_1samp(answers, value, alternative=side)
    got = nps_test(answers, metric="ces", value=value, alternative=side)  # type: ignore[arg-type]
    assert got.statistic == pytest.approx(float(want.statistic), abs=1e-9)
    assert got.pvalue == pytest.approx(float(want.pvalue), abs=1e-9)
    assert got.interval_method == "t"


@pytest.mark.parametrize("side", ["two-sided", "smaller", "larger"])
@pytest.mark.parametrize(("x", "n", "value"), [(7, 20, 0.5), (18, 20, 0.7), (40, 100, 0.45)])
def test_score_test_matches_statsmodels(side: str, x: int, n: int, value: float) -> None:
    z, p = sm_proportion.proportions_ztest(x, n, value, alternative=side, prop_var=value)
    ours = {"two-sided": "two-sided", "smaller": "less", "larger": "greater"}[side]
    h = Histogram(counts=[n - x, 0, 0, 0, x], low=1)
    got = nps_test(h, metric="csat", value=100 * value, alternative=ours)  # type: ignore[arg-type]
    assert got.statistic == pytest.approx(float(z), abs=1e-9)
    assert got.pvalue == pytest.approx(float(p), abs=1e-9)


@pytest.mark.parametrize(("x", "n", "value"), [(7, 20, 0.5), (18, 20, 0.7), (0, 10, 0.2)])
def test_exact_test_matches_scipy_binomtest(x: int, n: int, value: float) -> None:
    h = Histogram(counts=[n - x, 0, 0, 0, x], low=1)
    for side in ("less", "greater"):
        want = stats.binomtest(x, n, value, alternative=side).pvalue
        got = nps_test(
            h, metric="csat", value=100 * value, alternative=side, interval_method="clopper-pearson"
        )
        assert got.pvalue == pytest.approx(float(want), abs=1e-12)
    low = stats.binomtest(x, n, value, alternative="less").pvalue
    high = stats.binomtest(x, n, value, alternative="greater").pvalue
    got = nps_test(h, metric="csat", value=100 * value, interval_method="clopper-pearson")
    assert got.pvalue == pytest.approx(min(1.0, 2 * min(low, high)), abs=1e-12)


@pytest.mark.parametrize("n", [10, 30, 100])
@pytest.mark.parametrize("p0", [0.3, 0.6, 0.85])
def test_size_of_the_share_tests_by_exact_enumeration(n: int, p0: float) -> None:
    # P(reject at 5%) under H0, summed over every binomial outcome.
    pmf = stats.binom.pmf(np.arange(n + 1), n, p0)
    size = {}
    for method in ("wilson", "clopper-pearson"):
        rejects = [
            nps_test(
                Histogram(counts=[n - x, 0, 0, 0, x], low=1),
                metric="csat",
                value=100 * p0,
                interval_method=method,
            ).pvalue
            < 0.05
            for x in range(n + 1)
        ]
        size[method] = float(pmf @ np.asarray(rejects, dtype=float))
    assert size["clopper-pearson"] <= 0.05  # exact: never above the level
    assert size["wilson"] <= 0.05 + (0.05 if n == 10 else 0.03)  # score test: near the level


def test_result_names_the_metric_and_gives_its_interval() -> None:
    result = nps_test(
        [5, 4, 4, 3, 5, 1, 2, 5, 5, 5, 4], metric="csat", value=50, alternative="greater"
    )
    assert str(result).startswith("wilson test of CSAT > 50: CSAT 72.7%")
    assert json.loads(json.dumps(result.to_dict(), allow_nan=False))["metric"] == "csat"
    ci = result.confidence_interval(0.95)
    assert ci.high == 100.0
    assert (result.pvalue < 0.05) == (ci.low > 50)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"metric": "csat", "value": 100}, "strictly between 0 and 100"),
        ({"metric": "ces", "value": 0}, "strictly between 1 and 7"),
        ({"metric": "ces", "value": 4, "interval_method": "scaled-wilson"}, "interval_method"),
        ({"metric": "csat", "value": 50, "interval_method": "jeffreys"}, "interval_method"),
    ],
)
def test_bad_options(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        nps_test([1, 2, 3, 4, 5], **kwargs)  # type: ignore[arg-type]


def test_census_has_no_sampling_error() -> None:
    metric = Metric.mean(low=1, high=5, name="stars")
    result = nps_test([5, 4, 4], metric=metric, value=4.0, alternative="greater", population=3)
    assert result.pvalue == 0.0
    assert math.isinf(result.statistic)
