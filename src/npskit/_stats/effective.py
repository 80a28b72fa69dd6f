"""Kish effective counts: the counts every interval method works on for weighted data.

With weight sums ``(D, S, P)`` per category and ``sum w^2`` the sum of the
squared weights, Kish's effective sample size is
``n_eff = (sum w)^2 / sum w^2`` (Kish 1965), and the effective counts are the
weighted shares times ``n_eff``. This treats the weighted shares as if they
came from a simple random sample of ``n_eff`` answers: the usual design-effect
approximation, which holds when the weights are unrelated to the answers and
ignores clustering and stratification.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["kish_effective_counts"]

Floats = npt.NDArray[np.float64]


def kish_effective_counts(counts: Any, squared_weights: Any | None) -> tuple[Floats, Floats]:
    """Effective counts and Kish's effective sample size of every row.

    Parameters
    ----------
    counts : array_like, shape (rows, 3)
        Weight sums (or plain counts) of detractors, passives and promoters.
    squared_weights : array_like, shape (rows, 3), or None
        Sums of squared weights per category; None for unweighted counts,
        which are returned as they are.

    Returns
    -------
    effective : numpy.ndarray, shape (rows, 3)
        ``counts * n_eff / n`` (0 for a row without answers).
    n_effective : numpy.ndarray, shape (rows,)
        ``n^2 / sum w^2`` (0 for a row without answers).

    Examples
    --------
    Two answers of weight 1 and one of weight 2 (all promoters):
    ``n_eff = 4^2 / 6 = 8/3``.

    >>> effective, n_eff = kish_effective_counts([[0.0, 0.0, 4.0]], [[0.0, 0.0, 6.0]])
    >>> effective.round(4).tolist(), n_eff.round(4).tolist()
    ([[0.0, 0.0, 2.6667]], [2.6667])
    """
    c: Floats = np.asarray(counts, dtype=np.float64)
    n = c.sum(axis=1)
    if squared_weights is None:
        return c, n
    squares = np.asarray(squared_weights, dtype=np.float64).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.where((squares > 0) & (n > 0), n / squares, 0.0)  # n_eff / n
    effective: Floats = c * scale[:, None]
    n_effective: Floats = n * scale
    return effective, n_effective
