"""Relative importance of correlated predictors: R^2 of all subsets, Shapley, dominance, weights.

Kernels on a correlation (or covariance) matrix, knowing nothing of results:

- :func:`subset_r2`: the R^2 of the linear regression on every subset of the
  predictors, ``2**p`` values indexed by bit mask (bit ``j`` set = predictor
  ``j`` in the model), computed subset size by subset size with one batched
  solve per size.
- :func:`shapley_from_subsets`: the Shapley value of each predictor in the
  game "R^2 of a subset" (LMG, Lindeman, Merenda & Gold 1980; general dominance,
  Budescu 1993; Azen & Budescu 2003), exact over all subsets. It works for any
  subset measure (R^2 or a pseudo-R^2 of a logistic fit).
- :func:`conditional_dominance` and :func:`complete_dominance`: the
  dominance statistics of Azen & Budescu (2003) from the same subset values.
- :func:`relative_weights`: Johnson's (2000) relative weights from the
  correlation matrix, by the eigen-decomposition of the predictors'
  correlation matrix.

All importances are in the units of the subset measure (shares of variance
for R^2), not points.
"""

from __future__ import annotations

import functools
from itertools import combinations

import numpy as np
import numpy.typing as npt

__all__ = [
    "MAX_PREDICTORS",
    "complete_dominance",
    "conditional_dominance",
    "correlation_from_covariance",
    "dominance_from_statistics",
    "matrix_sqrt",
    "popcount",
    "relative_weights",
    "shapley_from_subsets",
    "subset_r2",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

MAX_PREDICTORS = 20
"""Most predictors the all-subsets kernels accept (2**20 subsets, about 8 MB per array)."""


def popcount(masks: IntArray) -> IntArray:
    """Number of set bits of each mask (the size of each subset)."""
    counts = np.zeros(masks.shape, dtype=np.int64)
    work = masks.copy()
    while np.any(work):
        counts += work & 1
        work >>= 1
    return counts


def correlation_from_covariance(covariance: FloatArray) -> FloatArray:
    """The correlation matrix of a covariance matrix (positive variances needed)."""
    scale = np.sqrt(np.diag(covariance))
    correlation: FloatArray = covariance / np.outer(scale, scale)
    np.fill_diagonal(correlation, 1.0)
    return correlation


def subset_r2(cxx: FloatArray, cxy: FloatArray) -> FloatArray:
    """R^2 of the regression on every subset of predictors, indexed by bit mask.

    ``cxx`` is the predictors' correlation matrix (p x p) and ``cxy`` their
    correlations with the outcome (p). ``R^2(S) = c_S' C_SS^{-1} c_S``. The
    subsets of one size are stacked and solved in one batched call; a
    singular block (a predictor that is an exact combination of others) is
    solved by the pseudo-inverse, which gives the R^2 of the span.
    """
    p = len(cxy)
    if p > MAX_PREDICTORS:
        raise ValueError(f"at most {MAX_PREDICTORS} predictors, got {p}")
    r2 = np.zeros(1 << p)
    for members, masks in _subsets(p):
        blocks = cxx[members[:, :, None], members[:, None, :]]
        rhs = cxy[members]
        try:
            solved = np.linalg.solve(blocks, rhs[:, :, None])[:, :, 0]
        except np.linalg.LinAlgError:
            solved = np.einsum("sij,sj->si", np.linalg.pinv(blocks), rhs)
        r2[masks] = np.einsum("si,si->s", solved, rhs)
    return r2


@functools.lru_cache(maxsize=4)
def _subsets(p: int) -> tuple[tuple[IntArray, IntArray], ...]:
    """Per subset size 1..p: the members of every subset (rows) and its bit mask.

    Cached: a bootstrap asks for the same ``p`` once per resample.
    """
    out = []
    for size in range(1, p + 1):
        members = np.array(list(combinations(range(p), size)), dtype=np.int64)
        masks = np.sum(np.left_shift(1, members), axis=1)
        members.setflags(write=False)
        masks.setflags(write=False)
        out.append((members, masks))
    return tuple(out)


def _increments(values: FloatArray, p: int, j: int) -> tuple[IntArray, FloatArray]:
    """Subsets without ``j`` (masks) and the gain of adding ``j`` to each."""
    masks = np.arange(1 << p, dtype=np.int64)
    without = masks[(masks >> j) & 1 == 0]
    return without, values[without | (1 << j)] - values[without]


def conditional_dominance(values: FloatArray, p: int) -> FloatArray:
    """Average gain of each predictor over the subsets of each size (p x p).

    Row ``j``, column ``k``: the mean, over all subsets of ``k`` other
    predictors, of the increase in the measure when ``j`` is added (Azen &
    Budescu 2003's conditional dominance statistics; column 0 is the
    predictor's own measure, column ``p - 1`` its gain over all others).
    """
    table = np.zeros((p, p))
    all_sizes = popcount(np.arange(1 << p, dtype=np.int64))
    for j in range(p):
        without, gain = _increments(values, p, j)
        sizes = all_sizes[without]
        sums = np.bincount(sizes, weights=gain, minlength=p)
        counts = np.bincount(sizes, minlength=p)
        table[j] = sums / counts
    return table


def shapley_from_subsets(values: FloatArray, p: int) -> FloatArray:
    """Exact Shapley value of each predictor in the game given by ``values``.

    ``values[mask]`` is the measure of the subset ``mask`` (``values[0]`` the
    empty model, usually 0). The Shapley value is the average of the
    conditional dominance statistics over subset sizes (general dominance),
    and the values sum to ``values[-1] - values[0]``.
    """
    shapley: FloatArray = conditional_dominance(values, p).mean(axis=1)
    return shapley


def complete_dominance(values: FloatArray, p: int) -> FloatArray:
    """Complete dominance matrix (p x p): 1, 0 or 0.5 (undetermined).

    Entry ``[i, j]`` is 1 when adding ``i`` gains more than adding ``j`` to
    every subset of the other predictors (the empty one included), 0 when
    it gains less for every such subset, and 0.5 otherwise (Azen & Budescu
    2003, with their coding). The diagonal is NaN.
    """
    masks = np.arange(1 << p, dtype=np.int64)
    matrix = np.full((p, p), np.nan)
    for i in range(p):
        for j in range(i + 1, p):
            others = masks[((masks >> i) & 1 == 0) & ((masks >> j) & 1 == 0)]
            gain_i = values[others | (1 << i)] - values[others]
            gain_j = values[others | (1 << j)] - values[others]
            if np.all(gain_i > gain_j):
                matrix[i, j], matrix[j, i] = 1.0, 0.0
            elif np.all(gain_i < gain_j):
                matrix[i, j], matrix[j, i] = 0.0, 1.0
            else:
                matrix[i, j] = matrix[j, i] = 0.5
    return matrix


def dominance_from_statistics(statistics: FloatArray) -> FloatArray:
    """Conditional dominance matrix from :func:`conditional_dominance` (1, 0, 0.5)."""
    p = statistics.shape[0]
    matrix = np.full((p, p), np.nan)
    for i in range(p):
        for j in range(p):
            if i == j:
                continue
            if np.all(statistics[i] > statistics[j]):
                matrix[i, j] = 1.0
            elif np.all(statistics[i] < statistics[j]):
                matrix[i, j] = 0.0
            else:
                matrix[i, j] = 0.5
    return matrix


def matrix_sqrt(cxx: FloatArray) -> FloatArray:
    """Symmetric square root of a correlation matrix (negative eigenvalues set to 0)."""
    eigenvalues, vectors = np.linalg.eigh(cxx)
    root: FloatArray = (vectors * np.sqrt(np.clip(eigenvalues, 0.0, None))) @ vectors.T
    return root


def relative_weights(cxx: FloatArray, cxy: FloatArray) -> FloatArray:
    """Johnson's (2000) relative weights; they sum to the full model's R^2.

    With ``Lambda = cxx^{1/2}`` (the correlations between the predictors and
    their closest orthonormal counterparts ``Z``) and ``beta = cxx^{-1/2} cxy``
    (the regression of the outcome on ``Z``), the weight of predictor ``j``
    is ``sum_k Lambda_jk^2 beta_k^2``.
    """
    root = matrix_sqrt(cxx)
    beta = np.linalg.lstsq(root, cxy, rcond=None)[0]
    weights: FloatArray = (root * root) @ (beta * beta)
    return weights
