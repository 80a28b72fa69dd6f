"""The standard normal pieces every method shares: quantiles, tails and p-values.

Everything here is vectorised: scalars in, numpy scalars out; arrays in,
arrays out. ``alternative`` follows :mod:`scipy.stats`: ``"greater"`` means
large statistics speak against H0.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["normal_pvalue", "open_sides", "signed_ratio", "tail_probability", "z_quantile"]


def tail_probability(confidence_level: float, alternative: str) -> float:
    """The tail probability ``alpha`` of each one-sided bound of an interval.

    Half of ``1 - confidence_level`` for a two-sided interval, all of it for a
    one-sided one.
    """
    if alternative == "two-sided":
        return (1.0 - confidence_level) / 2.0
    return 1.0 - confidence_level


def z_quantile(alpha: float) -> float:
    """``Phi^{-1}(1 - alpha)``, the critical value of a one-sided bound with tail ``alpha``."""
    from scipy.special import ndtri

    return float(ndtri(1.0 - alpha))


def normal_pvalue(z: Any, alternative: str) -> Any:
    """Normal p-value of a z statistic for ``alternative``; arrays welcome.

    ``"greater"``: ``1 - Phi(z)``; ``"less"``: ``Phi(z)``; ``"two-sided"``:
    ``min(1, 2 (1 - Phi(|z|)))``. A NaN statistic (no evidence either way)
    gets a p-value of 1.
    """
    from scipy.special import ndtr

    values = np.asarray(z, dtype=np.float64)
    if alternative == "greater":
        pvalue = ndtr(-values)
    elif alternative == "less":
        pvalue = ndtr(values)
    else:
        pvalue = np.minimum(1.0, 2.0 * ndtr(-np.abs(values)))
    result = np.where(np.isnan(values), 1.0, pvalue)
    return result[()] if result.ndim == 0 else result


def signed_ratio(numerator: Any, denominator: Any) -> Any:
    """``numerator / denominator`` with 0/0 = 0 and x/0 an infinity of x's sign.

    The z statistic of a sample without sampling variance (every answer in
    one category): no difference is no evidence, any difference is certain.
    """
    top = np.asarray(numerator, dtype=np.float64)
    bottom = np.asarray(denominator, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(
            bottom > 0, top / np.where(bottom > 0, bottom, 1.0), np.copysign(np.inf, top)
        )
    result = np.where((bottom <= 0) & (top == 0), 0.0, ratio)
    return result[()] if result.ndim == 0 else result


def open_sides(low: Any, high: Any, alternative: str, *, limit: float) -> tuple[Any, Any]:
    """Clip ``[low, high]`` to ``[-limit, limit]`` and open the side H1 does not bound.

    ``"greater"`` gives ``[low, limit]``, ``"less"`` ``[-limit, high]``.
    """
    if alternative == "greater":
        high = limit
    elif alternative == "less":
        low = -limit
    return np.clip(low, -limit, limit), np.clip(high, -limit, limit)
