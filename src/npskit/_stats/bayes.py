"""Equal-tailed credible interval for NPS under a Dirichlet posterior.

With a ``Dirichlet(a, a, a)`` prior on the shares of detractors, passives and
promoters and counts ``D, S, P``, the posterior is ``Dirichlet(a_d, a_s, a_p)``
with ``a_d = D + a`` and so on. Two facts about the Dirichlet law give the
posterior distribution function of ``delta = p - d`` as one integral:
the detractor share ``t`` is ``Beta(a_d, a_s + a_p)``, and given ``t`` the
promoter share of the rest, ``p / (1 - t)``, is ``Beta(a_p, a_s)``. Hence

``P(delta <= x) = int_0^1 f_d(t) I_{(x + t) / (1 - t)}(a_p, a_s) dt``

(with the argument of the regularised incomplete beta ``I`` clipped to
``[0, 1]``), computed by adaptive quadrature and inverted by Brent's method.
No sampling: the interval is deterministic.

When every posterior parameter is at least ``LARGE_COUNT`` (10^6), the
quantiles come instead from the first-order Cornish-Fisher expansion of the
posterior of ``delta``, whose mean, variance and third central moment are
closed forms of the Dirichlet parameters (below); the error there is below
1e-7 points, where the numerical route would grow slower and less precise.

When every answer is a promoter (or every one a detractor) the upper (lower)
end is moved to +1 (-1), the modification Brown, Cai and DasGupta (2001,
Statistical Science 16:101-133, doi:10.1214/ss/1009213286) make to the
Jeffreys interval at x = n (x = 0), so that the interval holds the estimate.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from npskit._stats.quantiles import (
    LARGE_COUNT,
    beta_expectation,
    beta_support,
    clip01,
    cornish_fisher_quantile,
    invert_cdf,
    rounding_steepness,
)

__all__ = ["bayes_bounds"]


def bayes_bounds(
    d: float, s: float, p: float, alpha: float, *, prior: float
) -> tuple[float, float]:
    """Lower ``alpha``- and upper ``(1 - alpha)``-quantiles of the posterior of ``p - d``.

    Shares, not points.
    """
    from scipy.special import ndtri

    a_d, a_s, a_p = d + prior, s + prior, p + prior
    if min(a_d, a_s, a_p) >= LARGE_COUNT:
        cumulants = _posterior_cumulants(a_d, a_s, a_p)
        return (
            cornish_fisher_quantile(*cumulants, alpha),
            cornish_fisher_quantile(*cumulants, 1.0 - alpha),
        )
    cdf = _posterior_cdf(a_d, a_s, a_p)
    # Posterior mean and standard deviation of p - d, only to place brackets.
    total = a_d + a_s + a_p
    mean = (a_p - a_d) / total
    variance = (a_p * (total - a_p) + a_d * (total - a_d) + 2.0 * a_p * a_d) / (
        total**2 * (total + 1.0)
    )
    sd = math.sqrt(variance)
    z = float(ndtri(alpha))
    # The size of the posterior's values: with 10^18 passives and a few other
    # answers they are near 1e-18, and the bounds are found relative to that.
    unit = abs(mean) + 10.0 * sd
    lower = invert_cdf(cdf, alpha, guess=mean + z * sd, scale=sd, unit=unit)
    upper = invert_cdf(cdf, 1.0 - alpha, guess=mean - z * sd, scale=sd, unit=unit)
    # As Brown, Cai and DasGupta (2001) do for the Jeffreys interval of a
    # proportion: when every answer sits at one end of the scale, the interval
    # reaches that end (the estimate itself), which the equal tails would miss.
    if d == 0.0 and s == 0.0:
        upper = 1.0
    if p == 0.0 and s == 0.0:
        lower = -1.0
    return lower, upper


def _posterior_cumulants(a_d: float, a_s: float, a_p: float) -> tuple[float, float, float]:
    """Mean, variance and third central moment of ``p - d`` under ``Dirichlet(a_d, a_s, a_p)``.

    For a linear combination ``L = sum c_i x_i`` of Dirichlet shares with
    means ``mu_i = a_i / a0`` write ``m_k = sum c_i^k mu_i``; then
    ``E L = m_1``, ``Var L = (m_2 - m_1^2) / (a0 + 1)`` and the third central
    moment is ``2 (m_3 - 3 m_1 m_2 + 2 m_1^3) / ((a0 + 1) (a0 + 2))`` (from the
    Dirichlet moments ``E x_i x_j x_k``; for one share it reduces to the Beta
    law's). Here ``c = (-1, 0, 1)``, so ``m_1 = m_3`` and ``m_2 = mu_p + mu_d``.
    """
    total = a_d + a_s + a_p
    mu_d, mu_p = a_d / total, a_p / total
    m1 = mu_p - mu_d
    m2 = mu_p + mu_d
    variance = (m2 - m1 * m1) / (total + 1.0)
    third = 2.0 * (m1 - 3.0 * m1 * m2 + 2.0 * m1**3) / ((total + 1.0) * (total + 2.0))
    return m1, variance, third


def _posterior_cdf(a_d: float, a_s: float, a_p: float) -> Callable[[float], float]:
    from scipy.special import betainc

    support_low, support_high = beta_support(a_d, a_s + a_p)
    steepness = rounding_steepness(a_p, a_s)

    def cdf(x: float) -> float:
        # For t <= -x the promoters cannot fall short of x + t: the integrand
        # is 0. For t >= (1 - x) / 2 they always do: it is the density, whose
        # integral is a Beta tail.
        full_from = 0.5 * (1.0 - x)
        upper_tail = 0.0 if full_from >= 1.0 else float(betainc(a_s + a_p, a_d, 1.0 - full_from))

        def conditional(t: float) -> float:
            return float(betainc(a_p, a_s, min(1.0, (x + t) / (1.0 - t))))

        start = max(-x, support_low)
        stop = min(full_from, support_high)
        integral = beta_expectation(a_d, a_s + a_p, conditional, start, stop, steepness=steepness)
        return clip01(upper_tail + integral)

    return cdf
