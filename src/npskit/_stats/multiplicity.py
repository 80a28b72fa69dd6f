"""Adjusting p-values for multiple comparisons: ``adjust_pvalues``."""

from __future__ import annotations

from typing import Any, get_args

import numpy as np
import numpy.typing as npt

from npskit._core.validation import check_choice
from npskit.typing import PAdjustMethod

__all__ = ["adjust_pvalues", "adjust_repeated_pvalues"]


def adjust_pvalues(pvalues: Any, *, p_adjust: PAdjustMethod = "holm") -> npt.NDArray[np.float64]:
    """Adjust a family of p-values for multiple comparisons.

    Parameters
    ----------
    pvalues : array_like of float
        One-dimensional p-values, each in ``[0, 1]``. NaN marks a comparison
        that was not made: it stays NaN and does not count in the family.
    p_adjust : {"holm", "bonferroni", "benjamini-hochberg", "none"}, default "holm"
        ``"holm"`` and ``"bonferroni"`` control the family-wise error rate
        (the chance of at least one false rejection); ``"benjamini-hochberg"``
        controls the false discovery rate (the expected share of false
        rejections among the rejections); ``"none"`` returns the p-values
        unchanged.

    Returns
    -------
    numpy.ndarray of float64
        Adjusted p-values in the input order, capped at 1. Reject the
        hypotheses whose adjusted p-value is below the chosen level
        (e.g. 0.05).

    Raises
    ------
    ValueError
        If ``p_adjust`` is unknown, ``pvalues`` is not one-dimensional, or a
        p-value is outside ``[0, 1]`` (or infinite).
    TypeError
        If ``pvalues`` holds something other than numbers.

    Notes
    -----
    With :math:`m` p-values (NaN left out) sorted increasingly,
    :math:`p_{(1)} \\le \\dots \\le p_{(m)}`:

    - Bonferroni: :math:`\\tilde p_i = \\min(1, m p_i)`.
    - Holm [1]_ (step-down):
      :math:`\\tilde p_{(i)} = \\max_{j \\le i} \\min(1, (m - j + 1) p_{(j)})`.
      It rejects everything Bonferroni rejects, and possibly more, with the
      same family-wise guarantee and no assumption on the dependence between
      the tests.
    - Benjamini-Hochberg [2]_ (step-up):
      :math:`\\tilde p_{(i)} = \\min_{j \\ge i} \\min(1, m p_{(j)} / j)`.
      The false discovery rate guarantee holds for independent tests and for
      positively dependent ones (Benjamini & Yekutieli 2001); consecutive
      period changes share a period and are negatively correlated, where the
      guarantee is not proven, though in practice it holds closely.

    Adjusted p-values are monotone in the raw ones: a smaller raw p-value never
    gets a larger adjusted one.

    References
    ----------
    .. [1] Holm, S. (1979). A simple sequentially rejective multiple test
       procedure. *Scandinavian Journal of Statistics*, 6(2), 65-70.
       https://www.jstor.org/stable/4615733
    .. [2] Benjamini, Y., & Hochberg, Y. (1995). Controlling the false
       discovery rate: a practical and powerful approach to multiple testing.
       *Journal of the Royal Statistical Society B*, 57(1), 289-300.
       https://doi.org/10.1111/j.2517-6161.1995.tb02031.x

    Examples
    --------
    >>> from npskit import adjust_pvalues
    >>> adjust_pvalues([0.01, 0.04, 0.03, float("nan")])
    array([0.03, 0.06, 0.06,  nan])
    >>> adjust_pvalues([0.01, 0.04, 0.03], p_adjust="benjamini-hochberg")
    array([0.03, 0.04, 0.04])
    """
    chosen = check_choice("p_adjust", p_adjust, get_args(PAdjustMethod))
    try:
        raw: npt.NDArray[np.float64] = np.array(pvalues, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"pvalues must be numbers between 0 and 1, got {pvalues!r}") from None
    if raw.ndim != 1:
        raise ValueError(f"pvalues must be one-dimensional, got an array of shape {raw.shape}")
    present = ~np.isnan(raw)
    values = raw[present]
    bad = np.flatnonzero(present)[(values < 0) | (values > 1)]
    if len(bad):
        shown = ", ".join(f"{float(raw[i])!r} at position {i}" for i in bad[:5].tolist())
        raise ValueError(f"pvalues must lie in [0, 1] (or be NaN); got {shown}")
    adjusted: npt.NDArray[np.float64] = raw.copy()
    m = len(values)
    if chosen == "none" or m == 0:
        return adjusted
    adjusted[present] = _adjusted(values, None, chosen)
    return adjusted


def adjust_repeated_pvalues(
    pvalues: npt.NDArray[np.float64], repeats: npt.NDArray[np.intp], p_adjust: PAdjustMethod
) -> npt.NDArray[np.float64]:
    """:func:`adjust_pvalues` of the family in which ``pvalues[k]`` occurs ``repeats[k]`` times.

    The p-values are valid already (in ``[0, 1]`` or NaN, left out) and each
    comes back adjusted once. Equal p-values get equal adjusted ones whatever
    their order, so this is the adjustment of the family written out, value
    for value, sorting only the distinct entries.
    """
    present = ~np.isnan(pvalues)
    adjusted: npt.NDArray[np.float64] = pvalues.copy()
    if p_adjust != "none" and present.any():
        adjusted[present] = _adjusted(pvalues[present], repeats[present], p_adjust)
    return adjusted


def _adjusted(
    values: npt.NDArray[np.float64], repeats: npt.NDArray[np.intp] | None, chosen: str
) -> npt.NDArray[np.float64]:
    """Adjusted p-values of present ones (each occurring ``repeats`` times, or once)."""
    m = len(values) if repeats is None else int(repeats.sum())
    if chosen == "bonferroni":
        bonferroni: npt.NDArray[np.float64] = np.minimum(1.0, m * values)
        return bonferroni
    order = np.argsort(values, kind="stable")
    ranked = values[order]
    # The ranks an entry's copies take: first (Holm's) to last (Benjamini-Hochberg's).
    # Holm's running maximum takes a tied run's value at its first rank,
    # Benjamini-Hochberg's running minimum (from the top) at its last.
    if repeats is None:
        first = last = np.arange(1, m + 1)
    else:
        last = np.cumsum(repeats[order])
        first = last - repeats[order] + 1
    if chosen == "holm":
        steps = np.maximum.accumulate(np.minimum(1.0, (m - first + 1) * ranked))
    else:  # benjamini-hochberg
        steps = np.minimum.accumulate(np.minimum(1.0, m * ranked / last)[::-1])[::-1]
    result = np.empty(len(values))
    result[order] = steps
    return result
