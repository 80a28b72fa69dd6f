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
from ._core.warnings import DegenerateSampleWarning, NpskitWarning, SmallSampleWarning

if TYPE_CHECKING:  # the names below are loaded on first use, see __getattr__
    from ._compare.compare import Comparison, compare
    from ._compare.paired import MarginalHomogeneityTest, PairedComparison
    from ._core.grouped import GroupedTally
    from ._core.interval import Interval
    from ._core.scale import STANDARD_SCALE, Category, Scale
    from ._core.tally import Shares, Tally
    from ._counting.counts_table import from_counts_table
    from ._counting.frames import tally_frame
    from ._counting.tally import classify, nps, tally
    from ._counting.tally_by import tally_by
    from ._drivers.drivers import drivers, drivers_from_correlation
    from ._drivers.results import Dominance, DriverAnalysis, DriverRow
    from ._drivers.topic_results import TopicImpact, TopicRow
    from ._drivers.topics import topic_impact
    from ._intervals.confidence_interval import ConfidenceInterval, confidence_interval
    from ._intervals.nps_test import NpsTestResult, nps_test
    from ._io.examples import example_path, load_example
    from ._planning.margin import MarginOfError, SampleSize, margin_of_error, sample_size
    from ._planning.power import power, sample_size_compare
    from ._plots.answers import plot_distribution, plot_shares
    from ._plots.drivers import plot_drivers, plot_topics
    from ._plots.estimates import plot_forest, plot_trend
    from ._segments.breakdown import breakdown
    from ._segments.decompose import Decomposition, DecompositionRow, decompose
    from ._segments.results import Breakdown, BreakdownRow, BreakdownTotal
    from ._segments.shrinkage import ShrinkageResult, ShrunkSegment, shrink
    from ._stats.multiplicity import adjust_pvalues
    from ._trend.results import LinearTrendTest, OmnibusTest, Trend, TrendRow
    from ._trend.trend import trend

# Where each public name lives; the module is imported when the name is first
# used, so `import npskit` itself loads neither numpy nor scipy.
_LAZY = {
    "Breakdown": "_segments.results",
    "BreakdownRow": "_segments.results",
    "BreakdownTotal": "_segments.results",
    "Category": "_core.scale",
    "Comparison": "_compare.compare",
    "ConfidenceInterval": "_intervals.confidence_interval",
    "Decomposition": "_segments.decompose",
    "Dominance": "_drivers.results",
    "DriverAnalysis": "_drivers.results",
    "DriverRow": "_drivers.results",
    "DecompositionRow": "_segments.decompose",
    "GroupedTally": "_core.grouped",
    "Interval": "_core.interval",
    "LinearTrendTest": "_trend.results",
    "MarginOfError": "_planning.margin",
    "MarginalHomogeneityTest": "_compare.paired",
    "NpsTestResult": "_intervals.nps_test",
    "OmnibusTest": "_trend.results",
    "PairedComparison": "_compare.paired",
    "STANDARD_SCALE": "_core.scale",
    "SampleSize": "_planning.margin",
    "Scale": "_core.scale",
    "Shares": "_core.tally",
    "ShrinkageResult": "_segments.shrinkage",
    "ShrunkSegment": "_segments.shrinkage",
    "TopicImpact": "_drivers.topic_results",
    "TopicRow": "_drivers.topic_results",
    "Tally": "_core.tally",
    "Trend": "_trend.results",
    "TrendRow": "_trend.results",
    "adjust_pvalues": "_stats.multiplicity",
    "breakdown": "_segments.breakdown",
    "classify": "_counting.tally",
    "compare": "_compare.compare",
    "confidence_interval": "_intervals.confidence_interval",
    "decompose": "_segments.decompose",
    "drivers": "_drivers.drivers",
    "drivers_from_correlation": "_drivers.drivers",
    "example_path": "_io.examples",
    "from_counts_table": "_counting.counts_table",
    "load_example": "_io.examples",
    "margin_of_error": "_planning.margin",
    "nps": "_counting.tally",
    "nps_test": "_intervals.nps_test",
    "plot_distribution": "_plots.answers",
    "plot_drivers": "_plots.drivers",
    "plot_forest": "_plots.estimates",
    "plot_shares": "_plots.answers",
    "plot_topics": "_plots.drivers",
    "plot_trend": "_plots.estimates",
    "power": "_planning.power",
    "sample_size": "_planning.margin",
    "sample_size_compare": "_planning.power",
    "shrink": "_segments.shrinkage",
    "tally": "_counting.tally",
    "tally_by": "_counting.tally_by",
    "tally_frame": "_counting.frames",
    "topic_impact": "_drivers.topics",
    "trend": "_trend.trend",
}

# Tracebacks and reprs name the public path (npskit.InvalidScoresError), not the
# private module the class happens to be defined in.
for _public in (
    DegenerateSampleWarning,
    EmptyDataError,
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
    "STANDARD_SCALE",
    "Breakdown",
    "BreakdownRow",
    "BreakdownTotal",
    "Category",
    "Comparison",
    "ConfidenceInterval",
    "Decomposition",
    "DecompositionRow",
    "DegenerateSampleWarning",
    "Dominance",
    "DriverAnalysis",
    "DriverRow",
    "EmptyDataError",
    "GroupedTally",
    "Interval",
    "InvalidScoresError",
    "InvalidWeightsError",
    "LinearTrendTest",
    "MarginOfError",
    "MarginalHomogeneityTest",
    "MissingAnswersError",
    "NpsTestResult",
    "NpskitError",
    "NpskitWarning",
    "OmnibusTest",
    "PairedComparison",
    "SampleSize",
    "Scale",
    "ScoreTypeError",
    "Shares",
    "ShrinkageResult",
    "ShrunkSegment",
    "SmallSampleWarning",
    "Tally",
    "TopicImpact",
    "TopicRow",
    "Trend",
    "TrendRow",
    "__version__",
    "adjust_pvalues",
    "breakdown",
    "classify",
    "compare",
    "confidence_interval",
    "decompose",
    "drivers",
    "drivers_from_correlation",
    "example_path",
    "from_counts_table",
    "load_example",
    "margin_of_error",
    "nps",
    "nps_test",
    "plot_distribution",
    "plot_drivers",
    "plot_forest",
    "plot_shares",
    "plot_topics",
    "plot_trend",
    "power",
    "sample_size",
    "sample_size_compare",
    "shrink",
    "tally",
    "tally_by",
    "tally_frame",
    "topic_impact",
    "trend",
]
