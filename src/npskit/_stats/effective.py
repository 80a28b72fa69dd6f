"""Effective counts: the counts every interval method works on for weighted data.

Every method of npskit works on three category counts. Weighted data enter
them as *effective counts*: the weighted shares times an effective sample
size, chosen so that the simple-random-sample variance of the NPS at those
counts equals a variance that is right for the weighted estimate.

Two effective sample sizes are computed here:

- **Kish's** ``n_eff = (sum w)^2 / sum w^2`` (Kish 1965), the reported design
  effect of the weights (``Tally.effective_n``). It is the right divisor only
  when the weights are unrelated to the answers: with detractors up-weighted
  (design effect 1.7-3) intervals built on it cover the true NPS 86-88% of the
  time, and more answers do not help.
- **The linearization** (Taylor) one, which every method uses. The weighted
  NPS is the ratio estimator ``R = sum w x / sum w`` with scores
  ``x = -1, 0, +1``. Its linearization variance (Woodruff 1971; Lohr 2022,
  sec. 9.1) is

  ``v_lin = n/(n-1) * sum_i w_i^2 (x_i - R)^2 / W^2 = n/(n-1) * sum_c Q_c (x_c - R)^2 / W^2``

  with ``W = sum w``, and for each category ``c`` the sum of its squared
  weights ``Q_c``: the per-category sums a tally already stores. The
  effective sample size ``n_lin`` is the one at which the simple-random-sample
  variance of the weighted shares, ``v_srs = n/(n-1) * (p + d - (p - d)^2) / n_lin``,
  equals it:

  ``n_lin = (p + d - (p - d)^2) * W^2 / sum_c Q_c (x_c - R)^2``.

  **Small-sample correction.** The with-replacement factor ``n/(n-1)``
  appears in both variances and cancels, so that with equal weights
  ``n_lin = n`` exactly (weighting every answer by the same constant changes
  nothing) and each method's own small-sample treatment (pseudo-counts,
  score or exact inversion) acts on ``n_lin`` as it acts on ``n``. What does
  not cancel is the extra downward bias the residuals' estimated centre
  causes under *unequal* weights: an answer of weight ``w_i`` has leverage
  ``w_i / W`` on ``R``, so ``E[sum_i w_i^2 (x_i - R)^2]`` is about
  ``(1 - 1/n_kish)`` times its value at the true ratio, against ``(1 - 1/n)``
  for the plug-in variance the methods use at equal weights (the familiar
  unbiased weighted variance with "reliability" weights divides by
  ``V1 - V2/V1``, i.e. multiplies by ``n_kish / (n_kish - 1)``). npskit
  therefore multiplies ``n_lin`` by ``(1 - 1/n_kish) / (1 - 1/n)`` when the
  number of answers ``n`` is known: exactly 1 for equal weights, 0.99 at
  ``n = 300`` with design effect 3, 0.90 at ``n = 20`` with design effect 3.

A sample with every answer in one category has no estimated variance either
way (``0 / 0``); it keeps Kish's effective n.

References: Kish, L. (1965). *Survey Sampling*. Wiley. Woodruff, R. S.
(1971). A simple method for approximating the variance of a complicated
estimate. *JASA* 66(334), 411-414. https://doi.org/10.1080/01621459.1971.10482279.
Lohr, S. L. (2022). *Sampling: Design and Analysis*, 3rd ed., ch. 9. CRC Press.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["kish_effective_counts", "linearized_effective_counts"]

Floats = npt.NDArray[np.float64]

SCORES = np.array([-1.0, 0.0, 1.0])
"""The score of a detractor, a passive and a promoter."""


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


def linearized_effective_counts(
    counts: Any, squared_weights: Any | None, responses: Any | None = None
) -> tuple[Floats, Floats]:
    """Effective counts from the linearization variance of the weighted NPS, every row.

    Parameters
    ----------
    counts : array_like, shape (rows, 3)
        Weight sums ``W_c`` (or plain counts) of detractors, passives and promoters.
    squared_weights : array_like, shape (rows, 3), or None
        Sums of squared weights ``Q_c`` per category; None for unweighted
        counts, which are returned as they are.
    responses : array_like, shape (rows,), optional
        Number of answers behind each row; when given, ``n_lin`` gets the
        small-sample correction ``(1 - 1/n_kish) / (1 - 1/n)`` of the module
        notes (rows of at most one answer, or one effective answer, keep 1).

    Returns
    -------
    effective : numpy.ndarray, shape (rows, 3)
        The weighted shares times ``n_lin`` (Kish's effective counts where
        every answer is in one category; 0 for a row without answers).
    n_linearized : numpy.ndarray, shape (rows,)
        ``n_lin = (p + d - (p - d)^2) W^2 / sum_c Q_c (x_c - R)^2``.

    Examples
    --------
    Equal weights change nothing: 20 detractors, 30 passives, 50 promoters of
    weight 2 are 20, 30 and 50 effective answers.

    >>> weight_sums, squares = [[40.0, 60.0, 100.0]], [[80.0, 120.0, 200.0]]
    >>> effective, n_lin = linearized_effective_counts(weight_sums, squares)
    >>> effective.round(10).tolist(), n_lin.round(10).tolist()
    ([[20.0, 30.0, 50.0]], [100.0])

    Detractors up-weighted (weight 3, everyone else 1), 20/30/50 answers:
    ``W = 140``, ``R = -10/140``; ``sum_c Q_c (x_c - R)^2 = 180 (13/14)^2 +
    30 (1/14)^2 + 50 (15/14)^2 = 212.76``, weighted variance
    ``(60 + 50)/140 - (1/14)^2 = 0.78061``, so
    ``n_lin = 0.78061 * 140^2 / 212.76 = 71.91``, below Kish's
    ``140^2 / 260 = 75.38``.

    >>> effective, n_lin = linearized_effective_counts([[60.0, 30.0, 50.0]], [[180.0, 30.0, 50.0]])
    >>> round(float(n_lin[0]), 2)
    71.91
    """
    c: Floats = np.asarray(counts, dtype=np.float64)
    if squared_weights is None:
        return c, c.sum(axis=1)
    squares: Floats = np.asarray(squared_weights, dtype=np.float64)
    total = c.sum(axis=1)
    present = total > 0
    safe_total = np.where(present, total, 1.0)
    ratio = (c[:, 2] - c[:, 0]) / safe_total
    residual2 = (SCORES[None, :] - ratio[:, None]) ** 2
    spread = np.sum(c / safe_total[:, None] * residual2, axis=1)  # p + d - (p - d)^2
    design = np.sum(squares * residual2, axis=1)  # sum_c Q_c (x_c - R)^2
    usable = present & (spread > 0) & (design > 0)
    kish, kish_n = kish_effective_counts(c, squares)
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
    effective: Floats = np.where(usable[:, None], c * scale[:, None], kish)
    return effective, np.where(present, n_lin, 0.0)
