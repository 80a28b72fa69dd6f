"""Welch's interval and test for the difference of two independent means, vectorised.

``m1 - m0 -+ t_nu sqrt(s1^2/n1 + s0^2/n0)`` with the Welch-Satterthwaite
degrees of freedom ``nu`` (Welch 1947, doi:10.1093/biomet/34.1-2.28), from the
``moments`` of two histograms. It is what ``scipy.stats.ttest_ind(...,
equal_var=False)`` computes from the raw answers. The paired t interval is the
one-sample t interval (:func:`npskit._stats.mean_interval.t_bounds`) of the
histogram of the differences.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from .mean_interval import _t_tail, moments

__all__ = ["welch_bounds", "welch_test"]

Floats = npt.NDArray[np.float64]


def _welch(c0: Any, c1: Any, scores: Any) -> tuple[Floats, Floats, Floats]:
    n0, m0, v0 = moments(c0, scores)
    n1, m1, v1 = moments(c1, scores)
    a0, a1 = v0 / n0, v1 / n1
    se2 = a0 + a1
    with np.errstate(invalid="ignore", divide="ignore"):
        df = se2**2 / (a0**2 / (n0 - 1) + a1**2 / (n1 - 1))
    return m1 - m0, np.sqrt(se2), df


def welch_bounds(c0: Any, c1: Any, scores: Any, alpha: float) -> tuple[Floats, Floats]:
    """Welch bounds of ``mean(c1) - mean(c0)``; NaN where a side has < 2 answers.

    Without spread on either side (``se = 0``) the interval is the difference.

    Examples
    --------
    >>> low, high = welch_bounds([[1, 1, 2]], [[0, 2, 2]], [1, 2, 3], 0.025)
    >>> round(float(low[0]), 6), round(float(high[0]), 6)
    (-1.193426, 1.693426)
    """
    from scipy.special import stdtrit

    centre, se, df = _welch(c0, c1, scores)
    with np.errstate(invalid="ignore"):
        half = np.where(se > 0, stdtrit(np.where(se > 0, df, 1.0), 1.0 - alpha) * se, 0.0)
    half = np.where(np.isnan(se), np.nan, half)
    return centre - half, centre + half


def welch_test(c0: Any, c1: Any, scores: Any, alternative: str) -> tuple[Floats, Floats, Floats]:
    """Welch's t test of equal means: ``(t, pvalue, df)`` (no spread: t = 0, p = 1 if equal)."""
    from scipy.special import stdtr

    centre, se, df = _welch(c0, c1, scores)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(se > 0, centre / np.where(se > 0, se, 1.0), np.sign(centre) * np.inf)
    t = np.where((se > 0) | (centre != 0), t, 0.0)
    t = np.where(np.isnan(se), np.nan, t)
    return t, _t_tail(t, np.where(se > 0, df, 1.0), alternative, stdtr), df
