"""npskit: Net Promoter Score analysis that is statistically right.

The public API lives here; implementation modules are private. Importing
npskit is cheap: each public name is loaded from its module on first use, and
scipy only by the functions that need it.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

from ._core.errors import (
    EmptyDataError,
    InvalidScoresError,
    InvalidWeightsError,
    MissingAnswersError,
    NpskitError,
    ScoreTypeError,
)
from ._core.warnings import (
    DegenerateSampleWarning,
    InputWarning,
    NpskitWarning,
    SmallSampleWarning,
)

if TYPE_CHECKING:  # the names below are loaded on first use, see __getattr__
    from ._compare.compare import compare
    from ._compare.comparison import Comparison
    from ._compare.metric_paired import PairedMetricComparison
    from ._compare.paired_results import MarginalHomogeneityTest, PairedComparison
    from ._core.grouped import GroupedTally
    from ._core.grouped_histogram import GroupedHistogram
    from ._core.histogram import Histogram
    from ._core.interval import Interval
    from ._core.metric import CES, CES_EASY, CSAT, NPS, Metric
    from ._core.scale import STANDARD_SCALE, Category, Scale
    from ._core.tally import Shares, Tally
    from ._counting.counts_table import from_counts_table
    from ._counting.frames import tally_frame
    from ._counting.histogram import histogram
    from ._counting.histogram_by import histogram_by
    from ._counting.histogram_frame import histogram_frame
    from ._counting.tally import classify, nps, tally
    from ._counting.tally_by import tally_by
    from ._drivers.drivers import drivers, drivers_from_correlation
    from ._drivers.results import Dominance, DriverAnalysis, DriverRow
    from ._drivers.topic_results import TopicImpact, TopicRow
    from ._drivers.topics import topic_impact
    from ._fairness.case_mix import case_mix
    from ._fairness.case_mix_results import CaseMix, CaseMixRow
    from ._fairness.funnel import funnel
    from ._fairness.funnel_results import Funnel, FunnelPoint
    from ._fairness.hierarchy import Hierarchy, HierarchyRow, hierarchy
    from ._fairness.suppression import Publication, PublishedCell, suppress
    from ._intervals.confidence_interval import ConfidenceInterval, confidence_interval
    from ._intervals.nps_test import NpsTestResult, nps_test
    from ._intervals.scorecard import Scorecard, ScorecardRow, scorecard
    from ._io.examples import example_path, load_example
    from ._io.tally_file import tally_file
    from ._monitor.chart_results import ChartPoint, ControlChart, RunsSignal
    from ._monitor.control_chart import control_chart
    from ._monitor.rolling import rolling
    from ._monitor.rolling_results import Rolling, RollingWindow
    from ._monitor.target import TargetResult, target
    from ._planning.margin import MarginOfError, margin_of_error
    from ._planning.power import Power, power
    from ._planning.sample_size import SampleSize, sample_size
    from ._planning.sample_size_compare import SampleSizeComparison, sample_size_compare
    from ._plots.answers import plot_distribution, plot_shares
    from ._plots.drivers import plot_drivers, plot_topics
    from ._plots.estimates import plot_forest, plot_trend
    from ._plots.funnel import plot_funnel
    from ._plots.monitoring import plot_control_chart, plot_rolling
    from ._segments.breakdown import breakdown
    from ._segments.decompose import Decomposition, DecompositionRow, decompose
    from ._segments.metric_results import MetricBreakdown, MetricBreakdownRow, MetricBreakdownTotal
    from ._segments.results import Breakdown, BreakdownRow, BreakdownTotal
    from ._segments.shrinkage import ShrinkageResult, ShrunkSegment, shrink
    from ._stats.multiplicity import adjust_pvalues
    from ._trend.metric_results import MetricTrend, MetricTrendRow
    from ._trend.results import LinearTrendTest, OmnibusTest, Trend, TrendRow
    from ._trend.segment_results import SegmentTrends
    from ._trend.trend import trend

# Where each public name lives; the module is imported when the name is first
# used, so `import npskit` itself loads neither numpy nor scipy.
_LAZY = {
    "Breakdown": "_segments.results",
    "BreakdownRow": "_segments.results",
    "BreakdownTotal": "_segments.results",
    "CaseMix": "_fairness.case_mix_results",
    "CaseMixRow": "_fairness.case_mix_results",
    "Category": "_core.scale",
    "Comparison": "_compare.comparison",
    "PairedMetricComparison": "_compare.metric_paired",
    "ChartPoint": "_monitor.chart_results",
    "ConfidenceInterval": "_intervals.confidence_interval",
    "ControlChart": "_monitor.chart_results",
    "Decomposition": "_segments.decompose",
    "Dominance": "_drivers.results",
    "DriverAnalysis": "_drivers.results",
    "DriverRow": "_drivers.results",
    "DecompositionRow": "_segments.decompose",
    "Funnel": "_fairness.funnel_results",
    "FunnelPoint": "_fairness.funnel_results",
    "GroupedTally": "_core.grouped",
    "GroupedHistogram": "_core.grouped_histogram",
    "Histogram": "_core.histogram",
    "Metric": "_core.metric",
    "MetricBreakdown": "_segments.metric_results",
    "MetricBreakdownRow": "_segments.metric_results",
    "MetricBreakdownTotal": "_segments.metric_results",
    "MetricTrend": "_trend.metric_results",
    "MetricTrendRow": "_trend.metric_results",
    "NPS": "_core.metric",
    "CSAT": "_core.metric",
    "CES": "_core.metric",
    "CES_EASY": "_core.metric",
    "histogram": "_counting.histogram",
    "histogram_by": "_counting.histogram_by",
    "histogram_frame": "_counting.histogram_frame",
    "Hierarchy": "_fairness.hierarchy",
    "HierarchyRow": "_fairness.hierarchy",
    "Interval": "_core.interval",
    "LinearTrendTest": "_trend.results",
    "MarginOfError": "_planning.margin",
    "MarginalHomogeneityTest": "_compare.paired_results",
    "NpsTestResult": "_intervals.nps_test",
    "OmnibusTest": "_trend.results",
    "PairedComparison": "_compare.paired_results",
    "Power": "_planning.power",
    "Publication": "_fairness.suppression",
    "PublishedCell": "_fairness.suppression",
    "Rolling": "_monitor.rolling_results",
    "RollingWindow": "_monitor.rolling_results",
    "RunsSignal": "_monitor.chart_results",
    "STANDARD_SCALE": "_core.scale",
    "SampleSize": "_planning.sample_size",
    "SampleSizeComparison": "_planning.sample_size_compare",
    "Scale": "_core.scale",
    "Scorecard": "_intervals.scorecard",
    "ScorecardRow": "_intervals.scorecard",
    "SegmentTrends": "_trend.segment_results",
    "Shares": "_core.tally",
    "ShrinkageResult": "_segments.shrinkage",
    "ShrunkSegment": "_segments.shrinkage",
    "TopicImpact": "_drivers.topic_results",
    "TopicRow": "_drivers.topic_results",
    "Tally": "_core.tally",
    "TargetResult": "_monitor.target",
    "Trend": "_trend.results",
    "TrendRow": "_trend.results",
    "adjust_pvalues": "_stats.multiplicity",
    "breakdown": "_segments.breakdown",
    "case_mix": "_fairness.case_mix",
    "classify": "_counting.tally",
    "compare": "_compare.compare",
    "confidence_interval": "_intervals.confidence_interval",
    "control_chart": "_monitor.control_chart",
    "decompose": "_segments.decompose",
    "drivers": "_drivers.drivers",
    "drivers_from_correlation": "_drivers.drivers",
    "example_path": "_io.examples",
    "from_counts_table": "_counting.counts_table",
    "funnel": "_fairness.funnel",
    "hierarchy": "_fairness.hierarchy",
    "load_example": "_io.examples",
    "margin_of_error": "_planning.margin",
    "nps": "_counting.tally",
    "nps_test": "_intervals.nps_test",
    "plot_control_chart": "_plots.monitoring",
    "plot_distribution": "_plots.answers",
    "plot_drivers": "_plots.drivers",
    "plot_forest": "_plots.estimates",
    "plot_funnel": "_plots.funnel",
    "plot_rolling": "_plots.monitoring",
    "plot_shares": "_plots.answers",
    "plot_topics": "_plots.drivers",
    "plot_trend": "_plots.estimates",
    "power": "_planning.power",
    "sample_size": "_planning.sample_size",
    "sample_size_compare": "_planning.sample_size_compare",
    "scorecard": "_intervals.scorecard",
    "rolling": "_monitor.rolling",
    "shrink": "_segments.shrinkage",
    "suppress": "_fairness.suppression",
    "tally": "_counting.tally",
    "tally_by": "_counting.tally_by",
    "tally_file": "_io.tally_file",
    "tally_frame": "_counting.frames",
    "target": "_monitor.target",
    "topic_impact": "_drivers.topics",
    "trend": "_trend.trend",
}

# Tracebacks and reprs name the public path (npskit.InvalidScoresError), not the
# private module the class happens to be defined in.
for _public in (
    DegenerateSampleWarning,
    EmptyDataError,
    InputWarning,
    InvalidScoresError,
    InvalidWeightsError,
    MissingAnswersError,
    NpskitError,
    NpskitWarning,
    ScoreTypeError,
    SmallSampleWarning,
):
    _public.__module__ = __name__
del _public


def _publish() -> None:
    """Show every public class loaded so far as ``npskit.X`` (in reprs, tracebacks, docs).

    The defining module is kept in ``_npskit_home`` (the doctest collector uses
    it to find the class's examples in its own module).
    """
    for public, module in _LAZY.items():
        loaded = sys.modules.get(f"{__name__}.{module}")
        value = getattr(loaded, public, None)
        if isinstance(value, type) and value.__module__ != __name__:
            value._npskit_home = value.__module__  # type: ignore[attr-defined]
            value.__module__ = __name__


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is not None:
        value = getattr(importlib.import_module(f".{module}", __name__), name)
        _publish()
        globals()[name] = value  # later look-ups skip this function
        return value
    # __version__ is read from the package metadata on first use: importing
    # importlib.metadata costs about 30 ms.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("npskit")
        except PackageNotFoundError:  # pragma: no cover - running from a source tree
            return "0+unknown"
    raise AttributeError(f"module 'npskit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "CES",
    "CES_EASY",
    "CSAT",
    "NPS",
    "STANDARD_SCALE",
    "Breakdown",
    "BreakdownRow",
    "BreakdownTotal",
    "CaseMix",
    "CaseMixRow",
    "Category",
    "ChartPoint",
    "Comparison",
    "ConfidenceInterval",
    "ControlChart",
    "Decomposition",
    "DecompositionRow",
    "DegenerateSampleWarning",
    "Dominance",
    "DriverAnalysis",
    "DriverRow",
    "EmptyDataError",
    "Funnel",
    "FunnelPoint",
    "GroupedHistogram",
    "GroupedTally",
    "Hierarchy",
    "HierarchyRow",
    "Histogram",
    "InputWarning",
    "Interval",
    "InvalidScoresError",
    "InvalidWeightsError",
    "LinearTrendTest",
    "MarginOfError",
    "MarginalHomogeneityTest",
    "Metric",
    "MetricBreakdown",
    "MetricBreakdownRow",
    "MetricBreakdownTotal",
    "MetricTrend",
    "MetricTrendRow",
    "MissingAnswersError",
    "NpsTestResult",
    "NpskitError",
    "NpskitWarning",
    "OmnibusTest",
    "PairedComparison",
    "PairedMetricComparison",
    "Power",
    "Publication",
    "PublishedCell",
    "Rolling",
    "RollingWindow",
    "RunsSignal",
    "SampleSize",
    "SampleSizeComparison",
    "Scale",
    "ScoreTypeError",
    "Scorecard",
    "ScorecardRow",
    "SegmentTrends",
    "Shares",
    "ShrinkageResult",
    "ShrunkSegment",
    "SmallSampleWarning",
    "Tally",
    "TargetResult",
    "TopicImpact",
    "TopicRow",
    "Trend",
    "TrendRow",
    "__version__",
    "adjust_pvalues",
    "breakdown",
    "case_mix",
    "classify",
    "compare",
    "confidence_interval",
    "control_chart",
    "decompose",
    "drivers",
    "drivers_from_correlation",
    "example_path",
    "from_counts_table",
    "funnel",
    "hierarchy",
    "histogram",
    "histogram_by",
    "histogram_frame",
    "load_example",
    "margin_of_error",
    "nps",
    "nps_test",
    "plot_control_chart",
    "plot_distribution",
    "plot_drivers",
    "plot_forest",
    "plot_funnel",
    "plot_rolling",
    "plot_shares",
    "plot_topics",
    "plot_trend",
    "power",
    "rolling",
    "sample_size",
    "sample_size_compare",
    "scorecard",
    "shrink",
    "suppress",
    "tally",
    "tally_by",
    "tally_file",
    "tally_frame",
    "target",
    "topic_impact",
    "trend",
]
