"""Margin of error and sample size of the share and mean metrics."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest

from npskit import CSAT, Histogram, Metric, margin_of_error, sample_size

sm = pytest.importorskip("statsmodels.stats.proportion")
stats = pytest.importorskip("scipy.stats")


@pytest.mark.parametrize("n", [10, 100, 400])
def test_worst_case_share_margin_is_half_the_wilson_width_at_one_half(n: int) -> None:
    low, high = sm.proportion_confint(n // 2, n, 0.05, "wilson")
    plan = margin_of_error(n, metric="csat", interval_method="wilson")
    assert plan.margin == pytest.approx(100 * (high - low) / 2, abs=1e-9)
    assert plan.worst_case
    assert json.dumps(plan.to_dict(), allow_nan=False)


@pytest.mark.parametrize("n", [10, 100])
def test_worst_case_mean_margin_is_the_t_margin_of_the_widest_spread(n: int) -> None:
    # half the answers at 1 and half at 5: s^2 = n/(n-1) * 2^2
    want = stats.t.ppf(0.975, n - 1) * math.sqrt(n / (n - 1) * 4.0 / n)
    stars = Metric.mean(low=1, high=5, name="stars")
    assert margin_of_error(n, metric=stars, interval_method="t").margin == pytest.approx(want)


def test_no_distribution_gives_a_wider_t_interval_than_the_worst_case() -> None:
    stars = Metric.mean(low=1, high=5, name="stars")
    worst = margin_of_error(30, metric=stars, interval_method="t").margin
    for weights in itertools.product(range(5), repeat=5):
        if sum(weights) == 0:
            continue
        shares = [w / sum(weights) for w in weights]
        plan = margin_of_error(30, metric=stars, interval_method="t", expected=shares)
        assert plan.margin <= worst + 1e-12


def test_expected_histogram_is_its_shares() -> None:
    h = Histogram(counts=[5, 5, 10, 40, 40], low=1)
    a = margin_of_error(200, metric=CSAT, expected=h)
    b = margin_of_error(200, metric=CSAT, expected=[0.05, 0.05, 0.1, 0.4, 0.4])
    assert a.margin == b.margin
    assert "percentage points" in str(a)


@pytest.mark.parametrize(
    ("metric", "target", "method"),
    [("csat", 5.0, "agresti-coull"), ("csat", 3.0, "clopper-pearson"), ("ces", 0.2, "t")],
)
def test_sample_size_is_the_smallest_that_reaches_the_margin(
    metric: str, target: float, method: str
) -> None:
    plan = sample_size(target, metric=metric, interval_method=method)  # type: ignore[arg-type]
    assert plan.margin <= target
    before = margin_of_error(plan.n - 1, metric=metric, interval_method=method)  # type: ignore[arg-type]
    assert before.margin > target


def test_margin_is_zero_for_a_census() -> None:
    assert margin_of_error(50, metric="csat", population=50).margin == 0.0


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: margin_of_error(10, metric="ces", interval_method="bootstrap-t"), "random"),
        (lambda: margin_of_error(10, metric="csat", expected=[0.5, 0.5]), "5 shares"),
        (lambda: margin_of_error(10, metric="csat", expected=[0.5] * 5), "add up to 1"),
        (lambda: sample_size(4.0, metric="ces"), "between 0 and 3"),
    ],
)
def test_bad_plans(call: object, match: str) -> None:
    with pytest.raises((ValueError, TypeError), match=match):
        call()  # type: ignore[operator]


def test_nps_plans_do_not_change() -> None:
    assert margin_of_error(400).interval_method == "adjusted-wald"
    assert sample_size(5).n == 1533
    assert np.isclose(margin_of_error(400, interval_method="wald").margin, 9.8, atol=1e-3)
