"""npskit: Net Promoter Score analysis that is statistically right.

The public API lives here; implementation modules are private. Importing
npskit loads numpy only: scipy is loaded by the functions that need it.
"""

from __future__ import annotations

from typing import Any

from ._breakdown import Breakdown, BreakdownRow, BreakdownTotal, breakdown
from ._compare import Comparison, compare
from ._count import classify, nps, tally
from ._counts_table import from_counts_table
from ._datasets import example_path, load_example
from ._decompose import Decomposition, DecompositionRow, decompose
from ._errors import (
    EmptyDataError,
    InvalidScoresError,
    InvalidWeightsError,
    MissingAnswersError,
    NpskitError,
    ScoreTypeError,
)
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
from ._warnings import DegenerateSampleWarning, NpskitWarning, SmallSampleWarning

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
    # __version__ is read from the package metadata on first use: importing
    # importlib.metadata costs about 30 ms, a quarter of `import npskit`.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("npskit")
        except PackageNotFoundError:  # pragma: no cover - running from a source tree
            return "0+unknown"
    raise AttributeError(f"module 'npskit' has no attribute {name!r}")


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
