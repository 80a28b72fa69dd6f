"""One fit of the driver analysis: importances of the attributes for one sample of rows.

:func:`fit_importance` takes the complete rows (attributes ``x``, outcome
``y``, weights ``w``) and returns what the result reports for that sample;
the bootstrap calls it once per resample. Which kernel runs:

============  ===================================  ====================================
outcome       ``"relative-weights"``               ``"shapley"`` (LMG, general dominance)
============  ===================================  ====================================
score         Johnson (2000) on the weighted        exact Shapley of R^2 over all subsets
              correlation matrix; sums to R^2       of the weighted correlation matrix
promoter,     Tonidandel & LeBreton (2010); sums    exact Shapley of McFadden's pseudo-R^2
detractor     to R^2_O = cor(y, fitted p)^2         of weighted logistic fits (2**p fits)
============  ===================================  ====================================
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from npskit._stats.logistic import (
    fit_logistic,
    logistic_relative_weights,
    subset_mcfadden,
    weighted_correlation,
)
from npskit._stats.relative_importance import relative_weights, shapley_from_subsets, subset_r2

__all__ = ["MAX_LOGISTIC_SHAPLEY", "Fit", "fit_from_correlation", "fit_importance"]

FloatArray = npt.NDArray[np.float64]

MAX_LOGISTIC_SHAPLEY = 12
"""Most drivers for Shapley on a binary outcome (``2**12`` logistic fits per sample)."""


@dataclass(frozen=True, slots=True)
class Fit:
    """Importances and the full model of one sample."""

    importance: FloatArray
    total: float
    correlation: FloatArray
    beta: FloatArray
    subsets: FloatArray | None


def fit_from_correlation(correlation: FloatArray, method: str, *, subsets_needed: bool) -> Fit:
    """Linear-outcome importances from a correlation matrix, outcome first."""
    cxx, cxy = correlation[1:, 1:], correlation[0, 1:]
    beta = np.asarray(np.linalg.lstsq(cxx, cxy, rcond=None)[0], dtype=np.float64)
    if method == "shapley":
        subsets = subset_r2(cxx, cxy)
        shapley = shapley_from_subsets(subsets, len(cxy))
        return Fit(shapley, float(subsets[-1]), cxy.copy(), beta, subsets)
    extra = subset_r2(cxx, cxy) if subsets_needed else None
    return Fit(relative_weights(cxx, cxy), float(cxy @ beta), cxy.copy(), beta, extra)


def fit_importance(
    x: FloatArray, y: FloatArray, w: FloatArray, method: str, binary: bool, *, subsets_needed: bool
) -> Fit:
    """Importances of the columns of ``x`` for ``y`` (0-10 answers, or 0/1 if ``binary``)."""
    means, correlation, sd = weighted_correlation(np.column_stack([y, x]), w)
    if not binary:
        return fit_from_correlation(correlation, method, subsets_needed=subsets_needed)
    standardised = (x - means[1:]) / sd[1:]
    design = np.column_stack([np.ones(len(y)), standardised])
    beta = fit_logistic(design, y, w)[0][1:]
    cxy = correlation[0, 1:].copy()
    if method == "shapley":
        subsets = subset_mcfadden(standardised, y, w)
        shapley = shapley_from_subsets(subsets, x.shape[1])
        return Fit(shapley, float(subsets[-1]), cxy, beta, subsets)
    extra = subset_mcfadden(standardised, y, w) if subsets_needed else None
    importance, total = logistic_relative_weights(x, y, w)
    return Fit(importance, total, cxy, beta, extra)
