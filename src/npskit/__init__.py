"""npskit: Net Promoter Score analysis that is statistically right.

The public API lives here; implementation modules are private. Importing
npskit loads numpy only: scipy is loaded by the functions that need it.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from ._count import classify, nps, tally
from ._errors import (
    EmptyDataError,
    InvalidScoresError,
    InvalidWeightsError,
    MissingAnswersError,
    NpskitError,
    ScoreTypeError,
)
from ._interval import Interval
from ._scale import STANDARD_SCALE, Category, Scale
from ._tally import Shares, Tally
from ._warnings import DegenerateSampleWarning, NpskitWarning, SmallSampleWarning

try:
    __version__ = version("npskit")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "STANDARD_SCALE",
    "Category",
    "DegenerateSampleWarning",
    "EmptyDataError",
    "Interval",
    "InvalidScoresError",
    "InvalidWeightsError",
    "MissingAnswersError",
    "NpskitError",
    "NpskitWarning",
    "Scale",
    "ScoreTypeError",
    "Shares",
    "SmallSampleWarning",
    "Tally",
    "__version__",
    "classify",
    "nps",
    "tally",
]
