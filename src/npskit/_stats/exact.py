"""The exact sign test for NPS = 0 and the interval compatible with it.

The sign test conditions on the number ``m = P + D`` of answers that are not
passives: under H0 (NPS = 0) the promoters among them follow
``Binomial(m, 1/2)``. Fay and Lumbard (2021) built a confidence interval for
the difference ``delta = p - d`` (promoter share minus detractor share) that
rejects 0 exactly when this test does. Write ``delta = phi (2 beta - 1)`` with
``phi = p + d`` the share of non-passives and ``beta = p / (p + d)`` the
promoter share among them. Each of ``phi`` and ``beta`` is a binomial
proportion with Clopper-Pearson confidence distributions (Beta laws); the
interval combines ("melds", Fay, Proschan and Brittain 2015) those
distributions:

* lower limit: the smaller of the ``alpha``-quantiles of ``T (2 B - 1)`` for
  ``T ~ Beta(m, n - m + 1)`` and for ``T ~ Beta(m + 1, n - m)``, with
  ``B ~ Beta(x, m - x + 1)``, ``x = P``;
* upper limit: the mirror image (swap promoters and detractors, negate).

Each quantile is found by Brent's method on the distribution function of the
product, which is one integral computed by adaptive quadrature. When every
shape parameter is at least ``LARGE_COUNT`` (10^6: every category holds a
million answers or more), the quantile comes instead from the first-order
Cornish-Fisher expansion of the product, whose cumulants follow in closed form
from those of the two Beta laws; its error there is below 1e-7 points, and the
numerical route would lose precision (at n = 10^15 it returned a lower bound
of 0) and time. Everything depends on the counts only. This module is our own implementation of the
method as the paper describes it.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from npskit._stats.quantiles import (
    LARGE_COUNT,
    beta_cumulants,
    beta_expectation,
    beta_quantile,
    beta_sd,
    beta_support,
    clip01,
    cornish_fisher_quantile,
    invert_cdf,
    rounding_steepness,
)

__all__ = ["exact_bounds", "sign_test", "sign_test_pvalues"]


def sign_test_pvalues(promoters: float, detractors: float) -> tuple[float, float]:
    """One-sided exact sign-test p-values ``(greater, less)`` for NPS = 0.

    ``greater`` is ``P(X >= P)`` and ``less`` is ``P(X <= P)`` for
    ``X ~ Binomial(P + D, 1/2)``, written with the regularised incomplete beta
    function, ``P(X >= x) = I_{1/2}(x, m - x + 1)``, which also accepts the
    fractional effective counts of weighted data.
    """
    from scipy.special import betainc

    m = promoters + detractors
    greater = 1.0 if promoters <= 0 else float(betainc(promoters, m - promoters + 1.0, 0.5))
    less = 1.0 if detractors <= 0 else float(betainc(detractors, m - detractors + 1.0, 0.5))
    return min(greater, 1.0), min(less, 1.0)


def sign_test(d: float, s: float, p: float, delta: float, alternative: str) -> tuple[float, float]:
    """The exact sign test of NPS = 0: ``(statistic, pvalue)``, the statistic being ``P``.

    Two-sided: twice the smaller one-sided p-value, at most 1. ``delta``
    must be 0 (the caller checks); ``s`` does not enter.
    """
    greater, less = sign_test_pvalues(p, d)
    if alternative == "greater":
        return p, greater
    if alternative == "less":
        return p, less
    return p, min(1.0, 2.0 * min(greater, less))


def exact_bounds(d: float, s: float, p: float, alpha: float) -> tuple[float, float]:
    """Lower and upper Fay-Lumbard bounds, each with tail probability ``alpha``.

    Shares, not points.
    """
    lower = _lower_bound(p, d, d + s + p, alpha)
    upper = -_lower_bound(d, p, d + s + p, alpha)
    return lower, upper


def _lower_bound(x: float, y: float, n: float, alpha: float) -> float:
    """Lower limit for ``(x - y) / n``-type differences (``x`` the 'positive' count)."""
    m = x + y
    candidates = [
        _product_quantile((m, n - m + 1.0), (x, m - x + 1.0), alpha),
        _product_quantile((m + 1.0, n - m), (x, m - x + 1.0), alpha),
    ]
    return max(-1.0, min(candidates))


def _product_quantile(
    t_shape: tuple[float, float], b_shape: tuple[float, float], alpha: float
) -> float:
    """``alpha``-quantile of ``T (2 B - 1)`` for independent Beta laws.

    A Beta law with first shape 0 is the point mass at 0 and one with second
    shape 0 the point mass at 1 (the Clopper-Pearson limits at the ends).
    """
    t_a, t_b = t_shape
    b_a, b_b = b_shape
    if t_a <= 0.0:  # T = 0
        return 0.0
    if b_a <= 0.0:  # B = 0, so the product is -T
        return -1.0 if t_b <= 0.0 else -beta_quantile(t_a, t_b, 1.0 - alpha)
    if b_b <= 0.0:  # B = 1, so the product is T
        return 1.0 if t_b <= 0.0 else beta_quantile(t_a, t_b, alpha)
    if t_b <= 0.0:  # T = 1, so the product is 2 B - 1
        return 2.0 * beta_quantile(b_a, b_b, alpha) - 1.0
    if min(t_a, t_b, b_a, b_b) >= LARGE_COUNT:
        return cornish_fisher_quantile(*_product_cumulants(t_shape, b_shape), alpha)
    constant = _one_factor_constant(t_shape, b_shape, alpha)
    if constant is not None:
        return constant
    from scipy.special import ndtri

    # Normal approximation of T (2B - 1), only to place the first bracket.
    mean_t, mean_w = t_a / (t_a + t_b), 2.0 * b_a / (b_a + b_b) - 1.0
    square_t = beta_sd(t_a, t_b) ** 2 + mean_t**2
    square_w = 4.0 * beta_sd(b_a, b_b) ** 2 + mean_w**2
    sd = math.sqrt(max(square_t * square_w - (mean_t * mean_w) ** 2, 0.0))
    guess = mean_t * mean_w + float(ndtri(alpha)) * sd
    cdf = _product_cdf(t_a, t_b, b_a, b_b)
    return invert_cdf(cdf, alpha, guess=guess, scale=sd, unit=mean_t)


def _one_factor_constant(
    t_shape: tuple[float, float], b_shape: tuple[float, float], alpha: float
) -> float | None:
    """The quantile when one factor of ``T (2 B - 1)`` is constant at float precision.

    At extreme sizes one factor can be so concentrated that its spread moves
    the product by less than ``RELATIVE`` of the other factor's spread (for
    example 10^18 passives and a few hundred other answers: ``T`` is fixed at
    about 10^-16 to within 10^-10 of itself, while ``2 B - 1`` spreads over
    percent). The product is then the other factor scaled by the constant,
    and its quantile a Beta quantile; the quadrature of the general route
    works on scales of order one and loses such laws.
    """
    m_t, m_b = t_shape[0] / sum(t_shape), b_shape[0] / sum(b_shape)
    m_w = 2.0 * m_b - 1.0
    sd_t, sd_w = beta_sd(*t_shape), 2.0 * beta_sd(*b_shape)
    from_t, from_w, joint = abs(m_w) * sd_t, m_t * sd_w, sd_t * sd_w
    if from_w + joint <= _RELATIVE * from_t:  # W constant: the quantile of T, scaled
        level = alpha if m_w > 0 else 1.0 - alpha
        return m_w * beta_quantile(*t_shape, level)
    if from_t + joint <= _RELATIVE * from_w:  # T constant: the quantile of W, scaled
        return m_t * (2.0 * beta_quantile(*b_shape, alpha) - 1.0)
    return None


_RELATIVE = 1e-6  # a factor's share of the product's spread below which it counts as constant


def _product_cumulants(
    t_shape: tuple[float, float], b_shape: tuple[float, float]
) -> tuple[float, float, float]:
    """Mean, variance and third central moment of ``T (2 B - 1)``, independent Beta laws.

    With ``T = m_t + t`` and ``W = 2 B - 1 = m_w + w`` (``t``, ``w`` centred),
    ``T W - m_t m_w = m_t w + m_w t + t w``; expanding its square and cube and
    using independence leaves only products of the factors' own central
    moments, so nothing is a difference of nearly equal numbers.
    """
    m_t, v_t, k_t = beta_cumulants(*t_shape)
    m_b, v_b, k_b = beta_cumulants(*b_shape)
    m_w, v_w, k_w = 2.0 * m_b - 1.0, 4.0 * v_b, 8.0 * k_b
    mean = m_t * m_w
    variance = m_t * m_t * v_w + m_w * m_w * v_t + v_t * v_w
    third = (
        m_t**3 * k_w
        + m_w**3 * k_t
        + k_t * k_w
        + 3.0 * m_t * k_w * v_t
        + 3.0 * m_w * k_t * v_w
        + 6.0 * m_t * m_w * v_t * v_w
    )
    return mean, variance, third


def _product_cdf(t_a: float, t_b: float, b_a: float, b_b: float) -> Callable[[float], float]:
    """Distribution function of ``T (2 B - 1)``, both factors continuous.

    ``P(T W <= v) = F_T(v)^+ + int_{|v|}^1 f_T(t) F_W(v / t) dt`` with
    ``W = 2 B - 1``, ``F_W(w) = I_{(1 + w) / 2}(b_a, b_b)`` and ``F_T(v)^+``
    the mass of ``T <= v`` (only for ``v > 0``, where ``T W <= v`` holds
    whatever ``W`` is). The integral runs over the part of ``[|v|, 1]`` where
    ``T`` has mass (see :func:`beta_support`), so that however concentrated
    ``T`` is (large n) the quadrature sees a smooth bump and the cost does not
    grow with n.
    """
    from scipy.special import betainc

    support_low, support_high = beta_support(t_a, t_b)
    steepness = rounding_steepness(b_a, b_b)

    def cdf(v: float) -> float:
        below = float(betainc(t_a, t_b, v)) if v > 0 else 0.0

        def conditional(t: float) -> float:
            return float(betainc(b_a, b_b, 0.5 * (1.0 + v / t)))

        start = max(abs(v), support_low)
        integral = beta_expectation(t_a, t_b, conditional, start, support_high, steepness=steepness)
        return clip01(below + integral)

    return cdf
