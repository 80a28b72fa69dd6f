"""Every public name follows the vocabulary and the result protocol (walks ``npskit.__all__``).

A new public result class without a sample here fails
``test_every_public_result_has_a_sample``, so the protocol cannot drift
unnoticed: frozen, shown as ``npskit.X``, strict-JSON ``to_dict``, a one-screen
``repr``, an interval that unpacks, and the table conversions for tables.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import typing
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import npskit
import npskit.typing
from npskit._core.results import TableDisplay

SCORES = [10, 9, 9, 8, 7, 6, 3, 10, 9, 0, None, 5, 9, 10, 7]
CHANNEL = ["web", "phone", "web", "chat", "web", "phone", "chat", "web"] * 2
MONTHS = np.array(
    ["2026-04-03", "2026-04-20", "2026-05-02", "2026-05-09", "2026-05-30"] * 3,
    dtype="datetime64[D]",
)
BASE = npskit.Tally(detractors=30, passives=40, promoters=50)
NOW = npskit.Tally(detractors=25, passives=40, promoters=62)


def _breakdown() -> Any:
    return npskit.breakdown(SCORES, CHANNEL[: len(SCORES)], shrinkage=True)


def _trend() -> Any:
    return npskit.trend(SCORES, MONTHS, freq="month")


def _decomposition() -> Any:
    before = npskit.tally_by([9, 3, 10, 7, 0], ["web", "web", "chat", "chat", "phone"])
    after = npskit.tally_by([9, 10, 10, 7, 6], ["web", "web", "chat", "chat", "phone"])
    return npskit.decompose(before, after)


def _chart() -> Any:
    return npskit.control_chart(SCORES, MONTHS, freq="month")


def _rolling() -> Any:
    return npskit.rolling(SCORES, MONTHS, window=20, compare_lag=7)


AGENTS = ["ann", "bob", "cy"] * 5


def _case_mix() -> Any:
    return npskit.case_mix(SCORES, AGENTS, CHANNEL[: len(SCORES)])


def _hierarchy() -> Any:
    return npskit.hierarchy(
        npskit.tally_by(SCORES, [CHANNEL[: len(SCORES)], AGENTS]), ["key0", "key1"]
    )


def _publication() -> Any:
    return npskit.suppress(npskit.tally_by(SCORES, AGENTS), min_n=5)


def _paired() -> Any:
    before = [9, 7, 3, 10, 8, 6, 9, 10, 2, 7]
    after = [10, 9, 6, 10, 9, 7, 9, 8, 6, 9]
    return npskit.compare(before, after, paired=True)


def _drivers() -> Any:
    rng = np.random.default_rng(0)
    ratings = rng.integers(1, 6, size=(60, 2)).astype(float)
    answers = np.clip(np.round(2 * ratings.mean(1) + rng.normal(0, 1.5, 60)), 0, 10)
    return npskit.drivers(answers, ratings, dominance=True, n_resamples=20, rng=1)


def _topics() -> Any:
    return npskit.topic_impact([9, 3, 10, 7, 0, 8, 10, 2], ["a", "b;a", "", "a", "b", "", "", "b"])


SAMPLES: dict[str, Callable[[], Any]] = {
    "Tally": lambda: npskit.tally(SCORES),
    "Histogram": lambda: npskit.histogram(SCORES),
    "MetricBreakdown": lambda: npskit.breakdown(
        [1, 5, 4, 4, 2, 5, 3, 4], list("aabbabba"), metric="csat"
    ),
    "MetricTrend": lambda: npskit.trend(
        [1, 5, 4, 4, 2, 5, 3, 4], [1, 1, 1, 2, 2, 2, 3, 3], metric="ces"
    ),
    "Scorecard": lambda: npskit.scorecard(
        {"nps": [10, 9, 3, 7], "csat": [5, 4, 2, 5], "ces": [7, 6, 2, 5]}
    ),
    "GroupedHistogram": lambda: npskit.histogram_by(SCORES, CHANNEL[: len(SCORES)]),
    "PairedMetricComparison": lambda: npskit.compare(
        [1, 5, 4, 4, 2], [2, 5, 5, 3, 4], paired=True, metric="csat"
    ),
    "Shares": lambda: BASE.shares,
    "GroupedTally": lambda: npskit.tally_by(SCORES, CHANNEL[: len(SCORES)]),
    "Interval": lambda: npskit.confidence_interval(BASE).confidence_interval,
    "ConfidenceInterval": lambda: npskit.confidence_interval(SCORES),
    "NpsTestResult": lambda: npskit.nps_test(BASE, value=10.0),
    "Comparison": lambda: npskit.compare(BASE, NOW),
    "PairedComparison": _paired,
    "MarginalHomogeneityTest": lambda: _paired().marginal_homogeneity,
    "MarginOfError": lambda: npskit.margin_of_error(400),
    "SampleSize": lambda: npskit.sample_size(5.0),
    "Power": lambda: npskit.power(BASE, difference=10.0, n_baseline=300),
    "SampleSizeComparison": lambda: npskit.sample_size_compare(10.0),
    "Breakdown": _breakdown,
    "BreakdownRow": lambda: _breakdown().rows[0],
    "BreakdownTotal": lambda: _breakdown().total,
    "Trend": _trend,
    "SegmentTrends": lambda: npskit.trend(SCORES, MONTHS, freq="month", by=CHANNEL[: len(SCORES)]),
    "TrendRow": lambda: _trend().rows[-1],
    "MetricBreakdownRow": lambda: SAMPLES["MetricBreakdown"]().rows[0],
    "MetricBreakdownTotal": lambda: SAMPLES["MetricBreakdown"]().total,
    "MetricTrendRow": lambda: SAMPLES["MetricTrend"]().rows[-1],
    "ScorecardRow": lambda: SAMPLES["Scorecard"]().rows[0],
    "OmnibusTest": lambda: _trend().omnibus,
    "LinearTrendTest": lambda: _trend().linear_trend,
    "Decomposition": _decomposition,
    "DecompositionRow": lambda: _decomposition().rows[0],
    "ShrinkageResult": lambda: npskit.shrink(npskit.tally_by(SCORES, CHANNEL[: len(SCORES)])),
    "ShrunkSegment": lambda: npskit.shrink(npskit.tally_by(SCORES, CHANNEL[: len(SCORES)])).rows[0],
    "ControlChart": _chart,
    "ChartPoint": lambda: _chart().rows[0],
    "RunsSignal": lambda: _chart().runs,
    "Rolling": _rolling,
    "RollingWindow": lambda: _rolling().rows[-1],
    "TargetResult": lambda: npskit.target(SCORES, 10.0),
    "CaseMix": _case_mix,
    "CaseMixRow": lambda: _case_mix().rows[0],
    "Funnel": lambda: npskit.funnel(SCORES, AGENTS),
    "FunnelPoint": lambda: npskit.funnel(SCORES, AGENTS).rows[0],
    "Hierarchy": _hierarchy,
    "HierarchyRow": lambda: _hierarchy().rows[0],
    "Publication": _publication,
    "PublishedCell": lambda: _publication().rows[0],
    "DriverAnalysis": _drivers,
    "DriverRow": lambda: _drivers().rows[0],
    "Dominance": lambda: _drivers().dominance,
    "TopicImpact": _topics,
    "TopicRow": lambda: _topics().rows[0],
}
"""One instance of every public result class, made through the public API."""

NOT_RESULTS = {"Scale", "Category", "Metric"}
"""Public classes that are options or vocabulary, not results."""

TABLES = {
    "GroupedTally",
    "GroupedHistogram",
    "MetricBreakdown",
    "MetricTrend",
    "Scorecard",
    "Breakdown",
    "Trend",
    "Decomposition",
    "ShrinkageResult",
    "ControlChart",
    "Rolling",
    "CaseMix",
    "Funnel",
    "Hierarchy",
    "Publication",
    "DriverAnalysis",
    "TopicImpact",
}


def public_classes() -> list[str]:
    return [
        name
        for name in npskit.__all__
        if isinstance(getattr(npskit, name), type)
        and not issubclass(getattr(npskit, name), (Exception, Warning))
        and name not in NOT_RESULTS
    ]


def test_every_public_result_has_a_sample() -> None:
    assert sorted(public_classes()) == sorted(SAMPLES)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_result_protocol(name: str) -> None:
    result = SAMPLES[name]()
    cls = getattr(npskit, name)
    assert type(result) is cls
    assert cls.__module__ == "npskit", f"{name} shows {cls.__module__}"
    if dataclasses.is_dataclass(result):
        params = type(result).__dataclass_params__  # type: ignore[attr-defined]
        assert params.frozen, f"{name} is not frozen"
        first = dataclasses.fields(result)[0].name
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(result, first, None)
    else:  # NamedTuples (Shares, Interval) are immutable by construction
        assert isinstance(result, tuple)
    text = repr(result)
    assert len(text.splitlines()) <= 25, f"{name} repr is not one screen"
    assert len(text) <= 2500, f"{name} repr is not one screen"
    assert str(result)
    to_dict = getattr(result, "to_dict", None) or result._asdict
    json.dumps(to_dict(), allow_nan=False)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_tables_share_the_display_base(name: str) -> None:
    table = SAMPLES[name]()
    assert isinstance(table, TableDisplay)
    records = table.to_dicts()
    assert len(records) == len(table)
    assert table.to_csv().count("\n") == len(records) + 1
    lines = table.to_markdown().count("\n")  # header, rule, rows (and a total line)
    assert len(records) + 1 <= lines <= len(records) + 2
    assert table._repr_html_().count("<tr>") == len(records) + 1
    assert len(table.to_pandas()) == len(records)
    assert len(table.to_polars()) == len(records)


@pytest.mark.parametrize("name", sorted(TABLES - {"GroupedTally", "GroupedHistogram"}))
def test_tables_look_rows_up_by_key(name: str) -> None:
    table = SAMPLES[name]()
    row = table.rows[0]
    key = table._row_key(row)
    assert table[key] is row
    if len(key) == 1:
        assert table[key[0]] is row
    with pytest.raises(KeyError, match="no row with key"):
        table["no such key"]


def test_trend_rows_are_found_by_period_label() -> None:
    trend = _trend()
    assert trend["2026-05"].period == "2026-05"


@pytest.mark.parametrize(
    "name", sorted(n for n in SAMPLES if hasattr(SAMPLES[n](), "confidence_interval"))
)
def test_intervals_unpack(name: str) -> None:
    result = SAMPLES[name]()
    interval = result.confidence_interval
    if callable(interval):  # a test result: its dual interval at a level, as in scipy
        interval = interval().confidence_interval
    low, high = interval
    assert isinstance(interval, npskit.Interval)
    assert low <= high


def public_functions() -> list[tuple[str, inspect.Signature]]:
    return [
        (name, inspect.signature(getattr(npskit, name)))
        for name in npskit.__all__
        if inspect.isfunction(getattr(npskit, name))
    ]


FORBIDDEN = {
    "method": "say interval_method, compare_method or p_adjust",
    "alpha": "say confidence_level",
    "seed": "say rng",
    "random_state": "say rng",
    "level": "say confidence_level",
}


@pytest.mark.parametrize(("name", "signature"), public_functions(), ids=lambda v: str(v)[:20])
def test_one_word_per_thing(name: str, signature: inspect.Signature) -> None:
    for parameter in signature.parameters:
        assert parameter not in FORBIDDEN, f"{name}({parameter}=...): {FORBIDDEN[parameter]}"
    if "rng" in signature.parameters:
        assert "n_resamples" in signature.parameters, f"{name} resamples without n_resamples"


def test_every_resampling_function_takes_rng() -> None:
    resampling = {"confidence_interval", "compare", "breakdown", "trend"}
    for name in resampling:
        assert "rng" in inspect.signature(getattr(npskit, name)).parameters, name


def test_defaults_are_named_once() -> None:
    hints = typing.get_args(npskit.typing.IntervalMethod)
    # A function that takes metric= defaults to None: the metric kind's default (issue 17).
    defaults = {
        name: signature.parameters["interval_method"].default
        for name, signature in public_functions()
        if "interval_method" in signature.parameters
        and name != "nps_test"
        and "metric" not in signature.parameters
    }
    assert len(set(defaults.values())) == 1, defaults
    by_metric = {
        name: signature.parameters["interval_method"].default
        for name, signature in public_functions()
        if "interval_method" in signature.parameters and "metric" in signature.parameters
    }
    assert set(by_metric.values()) <= {None}, by_metric
    assert set(defaults.values()) <= set(hints)
    compare_defaults = {
        name: signature.parameters["compare_method"].default
        for name, signature in public_functions()
        if "compare_method" in signature.parameters
        and name != "compare"
        and "metric" not in signature.parameters
    }
    assert len(set(compare_defaults.values())) == 1, compare_defaults
    compare_by_metric = {
        name: signature.parameters["compare_method"].default
        for name, signature in public_functions()
        if "compare_method" in signature.parameters and "metric" in signature.parameters
    }
    assert set(compare_by_metric.values()) <= {None}, compare_by_metric


def test_no_result_stores_the_string_none() -> None:
    for name, make in SAMPLES.items():
        result = make()
        data = result.to_dict() if hasattr(result, "to_dict") else result._asdict()
        assert "None" not in json.dumps(data), name
