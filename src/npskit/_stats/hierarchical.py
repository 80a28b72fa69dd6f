"""Normal hierarchical model across segments, the spread between them integrated out.

Each segment ``i`` reports an estimate ``y_i`` (an NPS as a share, ``p - d``)
with sampling variance ``v_i``; its true value ``theta_i`` is drawn from
``N(mu, tau^2)``. ``mu`` has a flat prior and is integrated out in closed
form; ``tau``, the standard deviation between segments, has a half-Cauchy
prior truncated to ``[0, 1]`` (a share in ``[-1, 1]`` cannot have a larger
standard deviation) and is integrated numerically. This is the model of
Gelman et al., *Bayesian Data Analysis* (3rd ed., sec. 5.4, "eight schools")
and Rubin (1981), doi:10.3102/10769986006004377, with the prior of Gelman
(2006), doi:10.1214/06-BA117A.

Given ``tau`` (BDA eqs. 5.17-5.21), with ``w_i = 1 / (v_i + tau^2)``:

- ``mu | tau, y ~ N(mu_hat, V_mu)``, ``mu_hat = sum w y / sum w``, ``V_mu = 1 / sum w``;
- ``p(tau | y) ∝ p(tau) sqrt(V_mu) prod_i sqrt(w_i) exp(-w_i (y_i - mu_hat)^2 / 2)``;
- ``theta_i | tau, y ~ N(mu_hat + (1 - B_i)(y_i - mu_hat), tau^2 B_i + B_i^2 V_mu)``
  with ``B_i = v_i / (v_i + tau^2)``.

So ``theta_i | y`` is a mixture of normals over ``tau``. The integral over
``tau`` is done in vectorised passes over a (nodes x segments) array: a
geometric grid on ``(0, 1]`` plus ``tau = 0`` finds where the posterior mass
lies, and Gauss-Legendre rules on that range, zoomed in until the mass spans
at least half of their 32 nodes (usually one or two passes), give the
mixture. Equal-tailed quantiles of every segment's
mixture are found together by safeguarded Newton steps on its distribution
function. No loop runs over segments.

Every ``v_i`` must be positive (a segment without answers has ``v_i = inf``
and gets the predictive law of a new segment); then every component has a
positive variance and no interval has zero width.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

__all__ = [
    "TAU_PRIOR_SCALE",
    "HierarchicalFit",
    "fit_hierarchical",
    "nps_observations",
]

Floats = npt.NDArray[np.float64]

TAU_PRIOR_SCALE = 0.25  # half-Cauchy scale, as a share: 25 NPS points
TAU_MAX = 1.0  # largest standard deviation of values in [-1, 1]
_LOCATE_NODES = 32  # geometric grid locating the posterior mass of tau
_ZOOM_NODES = 32  # Gauss-Legendre nodes of each zoom
_RESOLVED = 16  # zooming stops once the mass spans this many nodes
_MAX_ZOOMS = 8
_SPAN = 32.0  # log mass within this of the maximum is kept in a zoom: e^-32 = 1.3e-14
_NEGLIGIBLE = 1e-10  # relative weight of a node left out of the mixture
_CDF_TOLERANCE = 1e-10  # quantiles stop when every distribution function is this close
_MAX_STEPS = 100  # Halley steps or bisections (bisection alone needs about 60)
_SQRT_2PI = math.sqrt(2.0 * math.pi)
_ADJUSTED_WALD = (0.75, 1.5, 0.75)  # pseudo-counts of the adjusted-Wald interval


class HierarchicalFit(NamedTuple):
    """Result of :func:`fit_hierarchical`; shares, not points."""

    mean: Floats
    low: Floats
    high: Floats
    mu: float
    tau_mean: float
    tau_low: float
    tau_high: float


def nps_observations(counts: Floats) -> tuple[Floats, Floats]:
    """Each row's NPS share ``y`` and its sampling variance ``v`` (``inf`` without answers).

    ``y = (P - D) / n`` and ``v = sigma^2 / n``, where ``sigma^2 = p + d - (p - d)^2``
    is the variance of one answer's score at the pooled shares of all rows,
    with the adjusted-Wald pseudo-counts (3/4, 3/2, 3/4) added so that it is
    positive even when every answer is in one category. The pooled variance,
    not each row's own, keeps ``v`` independent of ``y``: with its own shares
    a row of three promoters would look precise, and extreme estimates
    would be shrunk too little (Stijnen, Hamza and Ozdemir 2010,
    doi:10.1002/sim.4040, on this bias in meta-analyses of proportions).

    Examples
    --------
    Pooled counts (1, 2, 4) plus (3/4, 3/2, 3/4) give shares (0.175, 0.35,
    0.475), so ``sigma^2 = 0.65 - 0.3^2 = 0.56``, and ``v = 0.56 / 3`` and ``0.56 / 4``:

    >>> y, v = nps_observations(np.array([[0.0, 0.0, 3.0], [1.0, 2.0, 1.0]]))
    >>> y.tolist(), v.round(4).tolist()
    ([1.0, 0.0], [0.1867, 0.14])
    """
    x = np.asarray(counts, dtype=np.float64)
    n = x.sum(axis=1)
    present = n > 0
    safe = np.where(present, n, 1.0)
    y = np.where(present, (x[:, 2] - x[:, 0]) / safe, 0.0)
    d, _, p = (x.sum(axis=0) + np.asarray(_ADJUSTED_WALD)) / (x.sum() + sum(_ADJUSTED_WALD))
    sigma2 = p + d - (p - d) ** 2
    v = np.where(present, sigma2 / safe, np.inf)
    return y, v


def fit_hierarchical(
    y: Floats, v: Floats, *, tail: float, tau_scale: float = TAU_PRIOR_SCALE
) -> HierarchicalFit:
    """Posterior means and ``tail`` / ``1 - tail`` quantiles of every ``theta_i``.

    ``v`` is ``inf`` for a segment without answers (its ``y`` is ignored).
    At least two finite ``v`` are needed. Also returns the posterior mean of
    ``mu`` and the posterior mean and equal-tailed interval of ``tau``.

    Examples
    --------
    >>> fit = fit_hierarchical(np.array([0.2, 0.4]), np.array([0.01, 0.01]), tail=0.025)
    >>> round(fit.mu, 6), bool(fit.low[0] < 0.2 < fit.high[0])
    (0.3, True)
    """
    yy = np.asarray(y, dtype=np.float64)
    vv = np.asarray(v, dtype=np.float64)
    present = np.isfinite(vv)
    yp, precision = yy[present], 1.0 / vv[present]

    # Where is the mass? tau = 0 and a geometric grid up to TAU_MAX, then
    # Gauss-Legendre nodes zoomed in until the mass spans enough of them.
    grid = np.concatenate(([0.0], np.geomspace(1e-4, TAU_MAX, _LOCATE_NODES)))
    log_density = _log_posterior(grid, yp, precision, tau_scale)[0]
    log_mass = log_density + np.log(np.gradient(grid))
    keep = np.flatnonzero(log_mass > log_mass.max() - _SPAN)
    low = float(grid[max(int(keep[0]) - 1, 0)])
    high = float(grid[min(int(keep[-1]) + 1, len(grid) - 1)])
    unit, unit_weights = np.polynomial.legendre.leggauss(_ZOOM_NODES)
    for _ in range(_MAX_ZOOMS):
        nodes = low + (high - low) * (unit + 1.0) / 2.0
        log_density, mu_hat, v_mu = _log_posterior(nodes, yp, precision, tau_scale)
        log_mass = log_density + np.log(unit_weights * (high - low) / 2.0)
        keep = np.flatnonzero(log_mass > log_mass.max() - _SPAN)
        if len(keep) >= _RESOLVED or high - low < 1e-9:
            break
        edges = np.concatenate(([low], nodes, [high]))
        low, high = float(edges[keep[0]]), float(edges[keep[-1] + 2])
    weights = np.exp(log_mass - log_mass.max())
    weights /= weights.sum()
    tau_mean = float(weights @ nodes)
    tau_low, tau_high = _tau_quantiles(
        unit, np.exp(log_density - log_density.max()), low, high, tail
    )
    keep = weights > _NEGLIGIBLE * weights.max()
    weights = weights[keep] / weights[keep].sum()
    nodes, mu_hat, v_mu = nodes[keep], mu_hat[keep], v_mu[keep]

    all_precision = np.where(present, 1.0 / vv, 0.0)
    observed = np.where(present, yy, 0.0)
    tau2 = (nodes * nodes)[:, None]
    b = 1.0 / (1.0 + tau2 * all_precision[None, :])
    centre = mu_hat[:, None] + (1.0 - b) * (observed[None, :] - mu_hat[:, None])
    scale = np.sqrt(tau2 * b + b * b * v_mu[:, None])
    mean = weights @ centre
    low_q, high_q = _mixture_quantiles(weights, centre, scale, tail)
    return HierarchicalFit(
        mean=mean,
        low=low_q,
        high=high_q,
        mu=float(weights @ mu_hat),
        tau_mean=tau_mean,
        tau_low=tau_low,
        tau_high=tau_high,
    )


def _log_posterior(
    tau: Floats, y: Floats, precision: Floats, tau_scale: float
) -> tuple[Floats, Floats, Floats]:
    """``log p(tau | y)`` up to a constant, with ``mu_hat`` and ``V_mu`` per node."""
    w = precision[None, :] / (1.0 + (tau * tau)[:, None] * precision[None, :])
    total = w.sum(axis=1)
    mu_hat = (w @ y) / total
    residual = y[None, :] - mu_hat[:, None]
    log_like = 0.5 * np.log(w).sum(axis=1) - 0.5 * (w * residual * residual).sum(axis=1)
    log_prior = -np.log1p((tau / tau_scale) ** 2)
    return log_prior + log_like - 0.5 * np.log(total), mu_hat, 1.0 / total


def _tau_quantiles(
    unit: Floats, density: Floats, low: float, high: float, tail: float
) -> tuple[float, float]:
    """Equal-tailed interval of ``tau`` from its density at the Gauss-Legendre nodes.

    The density is interpolated by the Legendre series through the nodes
    (spectrally accurate for a smooth density), integrated exactly, and the
    integral inverted on a fine grid.
    """
    series = np.polynomial.legendre.Legendre.fit(unit, density, len(unit) - 1, domain=[-1, 1])
    grid = np.linspace(-1.0, 1.0, 4001)
    cdf = np.maximum.accumulate(series.integ(lbnd=-1.0)(grid))
    ends = np.interp([tail * cdf[-1], (1.0 - tail) * cdf[-1]], cdf, grid)
    return float(low + (high - low) * (ends[0] + 1) / 2), float(
        low + (high - low) * (ends[1] + 1) / 2
    )


def _mixture_quantiles(
    weights: Floats, centre: Floats, scale: Floats, tail: float
) -> tuple[Floats, Floats]:
    """``tail`` and ``1 - tail`` quantiles of each column's normal mixture.

    Halley steps on the mixture's distribution function (its density and
    the density's slope cost nothing extra), started at the moment-matched
    normal and kept inside a bracket (a mixture's quantile lies between its
    components' quantiles); a step leaving the bracket is replaced by
    bisection, so every column converges.
    """
    from scipy.special import ndtr, ndtri

    z = float(ndtri(1.0 - tail))
    inverse = 1.0 / scale
    mean = weights @ centre
    sd = np.sqrt(np.maximum(weights @ (scale * scale + centre * centre) - mean * mean, 0.0))
    results = []
    for sign, target in ((-1.0, tail), (1.0, 1.0 - tail)):
        component = centre + sign * z * scale
        lo, hi = component.min(axis=0), component.max(axis=0)
        q = np.clip(mean + sign * z * sd, lo, hi)
        for _ in range(_MAX_STEPS):
            u = (q[None, :] - centre) * inverse
            error = weights @ ndtr(u) - target
            if np.abs(error).max() < _CDF_TOLERANCE:
                break
            lo = np.where(error < 0, q, lo)
            hi = np.where(error > 0, q, hi)
            phi = np.exp(-0.5 * u * u) * inverse
            density = (weights @ phi) / _SQRT_2PI
            slope = -(weights @ (u * phi * inverse)) / _SQRT_2PI
            denominator = 2.0 * density * density - error * slope
            step = q - 2.0 * error * density / np.where(denominator > 0, denominator, np.inf)
            inside = (step >= lo) & (step <= hi) & (denominator > 0)
            q = np.where(inside, step, (lo + hi) / 2.0)
        results.append(q)
    return results[0], results[1]
