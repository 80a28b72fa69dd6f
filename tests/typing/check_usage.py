"""Type-checked usage of the public API (run through mypy --strict in CI).

Nothing here runs in the test suite; mypy checks that the public names have the
types users rely on.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

import npskit
import npskit.typing
from npskit.typing import NanPolicy


def summary(answers: list[int], policy: NanPolicy = "omit") -> tuple[float, int, float]:
    t: npskit.Tally = npskit.tally(answers, nan_policy=policy)
    share: float = t.shares.promoters
    merged: npskit.Tally = t + npskit.Tally(detractors=1, passives=2, promoters=3)
    return npskit.nps(merged), merged.n_missing, share


def codes(answers: npt.NDArray[np.float64]) -> npt.NDArray[np.int8]:
    scale = npskit.Scale(low=1, high=5, detractor_max=3, promoter_min=5)
    return npskit.classify(answers, scale=scale, nan_policy="omit")


def interval_bounds(interval: npskit.Interval) -> float:
    low, high = interval
    return high - low


def methods_and_results(t: npskit.Tally, u: npskit.Tally) -> tuple[float, float, int, bool]:
    ci: npskit.ConfidenceInterval = npskit.confidence_interval(t, interval_method="tango")
    low, high = ci.confidence_interval
    change: npskit.Comparison = npskit.compare(t, u, compare_method="bootstrap-percentile", rng=1)
    paired: npskit.PairedComparison = npskit.compare([9, 3], [10, 7], paired=True)
    test: npskit.NpsTestResult = npskit.nps_test(t, interval_method="tango")
    dual: npskit.ConfidenceInterval = test.confidence_interval(confidence_level=0.9)
    power: npskit.Power = npskit.power(t, difference=10.0, n_baseline=200, compare_method="wald")
    plan: npskit.SampleSizeComparison = npskit.sample_size_compare(10.0, compare_method="mover")
    adjusted = npskit.adjust_pvalues([change.pvalue, paired.pvalue], p_adjust="holm")
    return high - low + dual.width, power.power + float(adjusted[0]), plan.n, power.exact


def metrics_side_by_side(scores: list[int]) -> tuple[float, float, float, str]:
    stars = npskit.Metric.mean(low=1, high=5, name="stars")
    counts: npskit.Histogram = npskit.histogram(scores, metric="csat")
    share: npskit.ConfidenceInterval = npskit.confidence_interval(counts, metric=npskit.CSAT)
    mean = npskit.confidence_interval(scores, metric=stars, interval_method="scaled-wilson")
    change: npskit.Comparison = npskit.compare(scores, scores, metric="ces", compare_method="welch")
    paired = npskit.compare(scores, scores, paired=True, metric="csat")
    plan: npskit.SampleSize = npskit.sample_size(5.0, metric="csat", interval_method="wilson")
    kind: npskit.typing.MetricKind = stars.kind
    return share.low + mean.high, change.pvalue + paired.pvalue, float(plan.n), kind


def top_driver(answers: list[int], ratings: npt.NDArray[np.float64]) -> tuple[str, float, int]:
    method: npskit.typing.ImportanceMethod = "shapley"
    result: npskit.DriverAnalysis = npskit.drivers(
        answers, ratings, importance_method=method, outcome="promoter", rng=1
    )
    row: npskit.DriverRow = result.rows[0]
    return row.driver, row.importance_share, row.rank


def topic_costs(answers: list[int], tags: list[str]) -> dict[str, float]:
    result: npskit.TopicImpact = npskit.topic_impact(answers, tags, shared="marginal")
    return {row.topic: row.impact for row in result}


def trends_per_agent(answers: list[int], dates: list[str], agents: list[str]) -> float:
    whole: npskit.Trend = npskit.trend(answers, dates, freq="month")
    per_agent: npskit.SegmentTrends = npskit.trend(answers, dates, freq="month", by=agents)
    counts: npskit.GroupedTally = npskit.tally_by(answers, [agents, dates], freq={"key1": "week"})
    monthly: npskit.Breakdown = npskit.breakdown(answers, [agents, dates], freq="month")
    first: npskit.Trend = per_agent.trends[0]
    return whole.linear_trend.slope + first.omnibus.statistic + counts.total.nps + len(monthly)


def read_exports(folder: str) -> float:
    counted: npskit.Tally | npskit.GroupedTally = npskit.tally_file(
        [folder, "extra.csv.gz"], "answer", by=("channel",), sheet="Answers"
    )
    total = counted if isinstance(counted, npskit.Tally) else counted.total
    return total.nps


def metric_verbs(answers: list[int], keys: list[str], months: list[str]) -> float:
    """Issue 17: the NPS keeps its result types; CSAT and CES get the metric ones."""
    nps_table: npskit.Breakdown = npskit.breakdown(answers, keys)
    csat_table: npskit.MetricBreakdown = npskit.breakdown(answers, keys, metric="csat")
    nps_series: npskit.Trend = npskit.trend(answers, months)
    ces_series: npskit.MetricTrend = npskit.trend(answers, months, metric="ces")
    counts: npskit.GroupedHistogram = npskit.histogram_by(answers, keys, metric="ces")
    card: npskit.Scorecard = npskit.scorecard({"csat": answers}, metrics=["csat"])
    first: npskit.MetricBreakdownRow = csat_table.rows[0]
    return (
        nps_table.total.nps
        + first.estimate
        + len(nps_series)
        + len(ces_series)
        + len(counts)
        + card["csat"].estimate
    )
