"""The rule that an interval and a test never contradict their own estimate.

Several methods are centred on something other than the estimate: the
pseudo-count methods (adjusted Wald, Agresti-Min, Bonett-Price) on the
adjusted shares, Bayesian intervals on the posterior, resampling intervals on
the resamples. For a sample far from the pseudo-counts' centre (one answer,
every answer a promoter) such an interval can exclude the very estimate it
reports: ``NPS +100, 95% CI [-48.5, +98.5]``. And a comparison centred on
the adjusted difference can call a fall a significant rise.

npskit's rule, applied once here for every method:

1. **Intervals contain the estimate.** Every bound is moved out to the
   estimate when it lies on the wrong side of it: ``low = min(low,
   estimate)``, ``high = max(high, estimate)``. This is the rule of hybrid
   intervals (the interval is the union of the method's interval and the
   point estimate); it only ever widens an interval, so coverage cannot fall,
   and intervals still nest as the confidence level rises.
2. **Tests never point away from the estimate.** A one-sided test whose
   estimate lies on H0's side (difference at most 0 for ``"greater"``, at
   least 0 for ``"less"``) gets a p-value of at least 0.5; a two-sided test
   whose statistic leans to the side opposite the estimate (or leans at all
   when the estimate is exactly 0) gets a p-value of 1. With rule 1, a test
   at any level of at least 50% rejects only when its interval excludes the
   null value.

Everything here is vectorised: arrays in, arrays out; scalars in, floats out.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["consistent_pvalue", "contain_estimate"]


def contain_estimate(low: Any, high: Any, estimate: Any) -> tuple[Any, Any]:
    """``(min(low, estimate), max(high, estimate))``, elementwise (NaN stays NaN).

    Examples
    --------
    The adjusted-Wald interval of one promoter, in shares, and its estimate 1:

    >>> contain_estimate(-0.485, 0.985, 1.0)
    (-0.485, 1.0)
    """
    lower = np.fmin(np.asarray(low, dtype=np.float64), estimate)
    upper = np.fmax(np.asarray(high, dtype=np.float64), estimate)
    missing = np.isnan(np.asarray(estimate, dtype=np.float64))
    lower = np.where(missing | np.isnan(low), np.nan, lower)
    upper = np.where(missing | np.isnan(high), np.nan, upper)
    if lower.ndim == 0:
        return float(lower), float(upper)
    return lower, upper


def consistent_pvalue(pvalue: Any, estimate: Any, lean: Any, alternative: str) -> Any:
    """The p-value after rule 2 of the module: never significant against the estimate.

    Parameters
    ----------
    pvalue : float or array
        The method's p-value.
    estimate : float or array
        The estimated difference (or NPS minus its null value): its sign is
        the direction the data point to.
    lean : float or array
        A number whose sign is the direction the method's statistic points
        to (a z statistic; a posterior probability minus 1/2). Only used for
        ``"two-sided"``.
    alternative : {"two-sided", "greater", "less"}

    Examples
    --------
    A fall of 1.5 points that the adjusted-Wald test calls a rise (p = 0.0475):

    >>> float(consistent_pvalue(0.0475, -0.015, 1.67, "greater"))
    0.5
    >>> float(consistent_pvalue(0.095, -0.015, 1.67, "two-sided"))
    1.0
    """
    p = np.asarray(pvalue, dtype=np.float64)
    e = np.asarray(estimate, dtype=np.float64)
    if alternative == "greater":
        result = np.where(e <= 0.0, np.fmax(p, 0.5), p)
    elif alternative == "less":
        result = np.where(e >= 0.0, np.fmax(p, 0.5), p)
    else:
        direction = np.sign(np.asarray(lean, dtype=np.float64))
        against = (direction != 0.0) & (direction != np.sign(e))
        result = np.where(against, 1.0, p)
    result = np.where(np.isnan(p), np.nan, result)
    return result[()] if result.ndim == 0 else result
