"""Effective counts of a weighted histogram, for any per-answer score.

The generalisation of :func:`npskit._stats.effective.linearized_effective_counts`
from the three NPS scores (-1, 0, +1) to the score vector of any metric
(:meth:`npskit.Metric.scores`): 0/1 for a share, the answer itself for a mean.
Every metric is a ratio estimator ``R = sum w x / sum w``, whose linearization
(Taylor) variance (Woodruff 1971, doi:10.1080/01621459.1971.10482279; Lohr
2022, sec. 9.1) is ``n/(n-1) sum_k Q_k (x_k - R)^2 / W^2`` with ``Q_k`` the
sum of squared weights at answer point ``k``. The effective sample size
``n_lin`` is the one at which the simple-random-sample variance of the
weighted shares equals it,

``n_lin = (sum_k p_k (x_k - R)^2) W^2 / sum_k Q_k (x_k - R)^2``,

with the same small-sample correction ``(1 - 1/n_kish) / (1 - 1/n)`` as the
NPS (see :mod:`npskit._stats.effective`). For the NPS scores this is exactly
``linearized_effective_counts`` of the category sums (tested), so a metric's
intervals treat weights the way the NPS intervals do.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["linearized_effective_histogram"]

Floats = npt.NDArray[np.float64]


def linearized_effective_histogram(
    counts: Any, squared_weights: Any | None, scores: Any, responses: Any | None = None
) -> tuple[Floats, Floats]:
    """Effective counts per answer point and ``n_lin`` of every row.

    Parameters
    ----------
    counts : array_like, shape (rows, points)
        Weight sums (or plain counts) per answer point.
    squared_weights : array_like, shape (rows, points), or None
        Sums of squared weights per point; None for unweighted counts, which
        come back as they are.
    scores : array_like, shape (points,)
        The score of each answer point.
    responses : array_like, shape (rows,), optional
        Answers behind each row, for the small-sample correction.

    Returns
    -------
    effective : numpy.ndarray, shape (rows, points)
        The weighted shares times ``n_lin`` (Kish's where the scores do not
        vary; 0 for an empty row).
    n_linearized : numpy.ndarray, shape (rows,)

    Examples
    --------
    Equal weights change nothing:

    >>> eff, n = linearized_effective_histogram([[2.0, 4.0, 6.0]], [[4.0, 8.0, 12.0]], [1, 2, 3])
    >>> eff.round(12).tolist(), n.round(12).tolist()
    ([[1.0, 2.0, 3.0]], [6.0])
    """
    c: Floats = np.asarray(counts, dtype=np.float64)
    if squared_weights is None:
        return c, c.sum(axis=1)
    squares: Floats = np.asarray(squared_weights, dtype=np.float64)
    x = np.asarray(scores, dtype=np.float64)
    total = c.sum(axis=1)
    present = total > 0
    safe_total = np.where(present, total, 1.0)
    ratio = (c @ x) / safe_total
    residual2 = (x[None, :] - ratio[:, None]) ** 2
    spread = np.sum(c / safe_total[:, None] * residual2, axis=1)
    design = np.sum(squares * residual2, axis=1)
    # A row whose residuals are at rounding level (one score) has no variance.
    usable = present & (spread > 1e-15 * np.max(x**2 + 1.0)) & (design > 0)
    kish_n = np.where(
        squares.sum(axis=1) > 0, total**2 / np.where(present, squares.sum(axis=1), 1.0), 0.0
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        n_lin = np.where(usable, spread * safe_total**2 / np.where(usable, design, 1.0), kish_n)
        if responses is not None:
            answers = np.asarray(responses, dtype=np.float64)
            fits = usable & (answers > 1) & (kish_n > 1)
            factor = (1.0 - 1.0 / np.where(fits, kish_n, 2.0)) / (
                1.0 - 1.0 / np.where(fits, answers, 2.0)
            )
            n_lin = np.where(fits, n_lin * np.minimum(factor, 1.0), n_lin)
        scale = np.where(present, n_lin / safe_total, 0.0)
    effective: Floats = c * scale[:, None]
    return effective, np.where(present, n_lin, 0.0)
