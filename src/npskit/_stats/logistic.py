"""Weighted logistic regression for binary outcomes, and its relative-importance kernels.

- :func:`weighted_correlation`: weighted means, correlation matrix and
  standard deviations of the columns of a matrix (the one weighted moment
  kernel of the driver analysis, linear or logistic).
- :func:`fit_logistic`: maximum (weighted) likelihood by Newton's method.
- :func:`subset_mcfadden`: McFadden's pseudo-R^2 ``1 - LL(S) / LL(empty)``
  of the logistic fit on every subset of the predictors, indexed by bit mask
  (the game whose Shapley value is the binary-outcome LMG).
- :func:`logistic_relative_weights`: Tonidandel & LeBreton's (2010)
  relative weights for a binary outcome: the logistic regression on the
  orthogonal counterparts ``Z`` of the predictors, its coefficients
  standardised with Menard's (2004) ``R_O / sd(logit)``, shared back with
  ``Lambda^2``. They sum to ``R^2_O``, the squared correlation between the
  outcome and the fitted probabilities.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .relative_importance import MAX_PREDICTORS, matrix_sqrt

__all__ = [
    "fit_logistic",
    "logistic_relative_weights",
    "subset_mcfadden",
    "weighted_correlation",
]

FloatArray = npt.NDArray[np.float64]

_MAX_ITERATIONS = 60
_TOLERANCE = 1e-10


def weighted_correlation(
    columns: FloatArray, weights: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Weighted means, correlation matrix and standard deviations of ``columns`` (n x k).

    Moments divide by the weight sum (no small-sample correction: the
    correlations do not depend on it). A constant column has standard
    deviation 0 and correlations NaN.
    """
    total = float(np.sum(weights))
    means = weights @ columns / total
    centred = columns - means
    covariance = (centred * weights[:, None]).T @ centred / total
    sd = np.sqrt(np.diag(covariance))
    with np.errstate(invalid="ignore", divide="ignore"):
        correlation = covariance / np.outer(sd, sd)
    return means, correlation, sd


def fit_logistic(
    design: FloatArray, y: FloatArray, weights: FloatArray
) -> tuple[FloatArray, float]:
    """Coefficients and log-likelihood of the weighted logistic regression.

    ``design`` includes the intercept column. Newton's method from zero; it
    stops after a step below ``1e-10`` or 60 steps (under separation the
    coefficients grow without bound and the log-likelihood approaches 0).
    """
    from scipy.special import expit

    beta = np.zeros(design.shape[1])
    for _ in range(_MAX_ITERATIONS):
        mu = expit(design @ beta)
        gradient = design.T @ (weights * (y - mu))
        hessian = (design * (weights * mu * (1.0 - mu))[:, None]).T @ design
        try:
            step = np.linalg.solve(hessian, gradient)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(hessian, gradient, rcond=None)[0]
        beta = beta + step
        if float(np.max(np.abs(step))) < _TOLERANCE:
            break
    return beta, _log_likelihood(design @ beta, y, weights)


def _log_likelihood(eta: FloatArray, y: FloatArray, weights: FloatArray) -> float:
    # log(mu) = -log(1 + exp(-eta)), log(1 - mu) = -log(1 + exp(eta)), stably
    return float(
        -np.sum(weights * (y * np.logaddexp(0.0, -eta) + (1 - y) * np.logaddexp(0.0, eta)))
    )


def subset_mcfadden(x: FloatArray, y: FloatArray, weights: FloatArray) -> FloatArray:
    """McFadden's pseudo-R^2 of the logistic fit on every subset of the columns of ``x``.

    Indexed by bit mask as :func:`npskit._stats.relative_importance.subset_r2`;
    entry 0 (intercept only) is 0. Costs ``2**p`` Newton fits on ``n`` rows.
    """
    n, p = x.shape
    if p > MAX_PREDICTORS:
        raise ValueError(f"at most {MAX_PREDICTORS} predictors, got {p}")
    share = float(weights @ y / np.sum(weights))
    null = float(np.sum(weights * (y * np.log(share) + (1 - y) * np.log1p(-share))))
    values = np.zeros(1 << p)
    ones = np.ones((n, 1))
    for mask in range(1, 1 << p):
        chosen = [j for j in range(p) if (mask >> j) & 1]
        _, loglik = fit_logistic(np.hstack([ones, x[:, chosen]]), y, weights)
        values[mask] = 1.0 - loglik / null
    return values


def logistic_relative_weights(
    x: FloatArray, y: FloatArray, weights: FloatArray
) -> tuple[FloatArray, float]:
    """Tonidandel & LeBreton (2010) relative weights and the ``R^2_O`` they sum to.

    ``x`` holds the predictors (n x p), ``y`` the 0/1 outcome. Weighted
    moments throughout.
    """
    from scipy.special import expit

    means, cxx, sd = weighted_correlation(x, weights)
    standardised = (x - means) / sd
    root = matrix_sqrt(cxx)
    z = np.linalg.lstsq(root, standardised.T, rcond=None)[0].T  # x = z @ root
    design = np.hstack([np.ones((len(y), 1)), z])
    coefficients, _ = fit_logistic(design, y, weights)
    eta = design @ coefficients
    _, moments, spread = weighted_correlation(np.column_stack([y, expit(eta), eta]), weights)
    r2 = float(moments[0, 1] ** 2)
    beta = coefficients[1:] * np.sqrt(r2) / spread[2]
    relative: FloatArray = (root * root) @ (beta * beta)
    return relative, r2
