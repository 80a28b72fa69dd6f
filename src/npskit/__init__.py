"""npskit: Net Promoter Score analysis that is statistically right.

The public API lives here; implementation modules are private. Importing
npskit is cheap: each public name is loaded from its module on first use, and
scipy only by the functions that need it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._errors import (
    EmptyDataError,
    InvalidScoresError,
    InvalidWeightsError,
    MissingAnswersError,
    NpskitError,
    ScoreTypeError,
)
from ._warnings import DegenerateSampleWarning, NpskitWarning, SmallSampleWarning

if TYPE_CHECKING:  # the names below are loaded on first use, see __getattr__
    from ._breakdown import Breakdown, BreakdownRow, BreakdownTotal, breakdown
    from ._compare import Comparison, compare
    from ._count import classify, nps, tally
    from ._counts_table import from_counts_table
    from ._datasets import example_path, load_example
    from ._decompose import Decomposition, DecompositionRow, decompose
    from ._frames import tally_frame
    from ._groups import GroupedTally, tally_by
    from ._interval import Interval
    from ._intervals import ConfidenceInterval, confidence_interval
    from ._multiplicity import adjust_pvalues
    from ._onesample_test import NpsTestResult, nps_test
    from ._paired import MarginalHomogeneityTest, PairedComparison
    from ._planning import MarginOfError, SampleSize, margin_of_error, sample_size
    from ._plots import plot_distribution, plot_shares
    from ._plots_estimates import plot_forest, plot_trend
    from ._power import power, sample_size_compare
    from ._scale import STANDARD_SCALE, Category, Scale
    from ._shrinkage import ShrinkageResult, ShrunkSegment, shrink
    from ._tally import Shares, Tally
    from ._trend import LinearTrendTest, OmnibusTest, Trend, TrendRow, trend

# Where each public name lives; the module is imported when the name is first
# used, so `import npskit` itself loads neither numpy nor scipy.
_LAZY = {
    "Breakdown": "_breakdown",
    "BreakdownRow": "_breakdown",
    "BreakdownTotal": "_breakdown",
    "Category": "_scale",
    "Comparison": "_compare",
    "ConfidenceInterval": "_intervals",
    "Decomposition": "_decompose",
    "DecompositionRow": "_decompose",
    "GroupedTally": "_groups",
    "Interval": "_interval",
    "LinearTrendTest": "_trend",
    "MarginOfError": "_planning",
    "MarginalHomogeneityTest": "_paired",
    "NpsTestResult": "_onesample_test",
    "OmnibusTest": "_trend",
    "PairedComparison": "_paired",
    "STANDARD_SCALE": "_scale",
    "SampleSize": "_planning",
    "Scale": "_scale",
    "Shares": "_tally",
    "ShrinkageResult": "_shrinkage",
    "ShrunkSegment": "_shrinkage",
    "Tally": "_tally",
    "Trend": "_trend",
    "TrendRow": "_trend",
    "adjust_pvalues": "_multiplicity",
    "breakdown": "_breakdown",
    "classify": "_count",
    "compare": "_compare",
    "confidence_interval": "_intervals",
    "decompose": "_decompose",
    "example_path": "_datasets",
    "from_counts_table": "_counts_table",
    "load_example": "_datasets",
    "margin_of_error": "_planning",
    "nps": "_count",
    "nps_test": "_onesample_test",
    "plot_distribution": "_plots",
    "plot_forest": "_plots_estimates",
    "plot_shares": "_plots",
    "plot_trend": "_plots_estimates",
    "power": "_power",
    "sample_size": "_planning",
    "sample_size_compare": "_power",
    "shrink": "_shrinkage",
    "tally": "_count",
    "tally_by": "_groups",
    "tally_frame": "_frames",
    "trend": "_trend",
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


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is not None:
        value = getattr(importlib.import_module(f".{module}", __name__), name)
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
    "Trend",
    "TrendRow",
    "__version__",
    "adjust_pvalues",
    "breakdown",
    "classify",
    "compare",
    "confidence_interval",
    "decompose",
    "example_path",
    "from_counts_table",
    "load_example",
    "margin_of_error",
    "nps",
    "nps_test",
    "plot_distribution",
    "plot_forest",
    "plot_shares",
    "plot_trend",
    "power",
    "sample_size",
    "sample_size_compare",
    "shrink",
    "tally",
    "tally_by",
    "tally_frame",
    "trend",
]
