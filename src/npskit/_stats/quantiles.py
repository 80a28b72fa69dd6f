"""Numerical helpers shared by the exact and Bayesian intervals.

Both need quantiles of a law whose distribution function is one integral
against a Beta density. These helpers keep that integral over the part of the
Beta law that carries mass, and invert the distribution function with Brent's
method, so the cost does not depend on the sample size.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

__all__ = [
    "LARGE_COUNT",
    "beta_cumulants",
    "beta_expectation",
    "beta_quantile",
    "beta_sd",
    "beta_support",
    "clip01",
    "cornish_fisher_quantile",
    "invert_cdf",
    "rounding_steepness",
]

TAIL = 1e-15
"""Mass of a Beta law left out in each tail of an integral against its density."""

XTOL = 1e-12
"""Absolute tolerance on a quantile (a share; 1e-10 in points)."""

LARGE_COUNT = 1e6
"""Smallest shape parameter from which quantiles come from their Cornish-Fisher expansion.

When every Beta (or Dirichlet) shape parameter of a law is at least this
large, the exact and Bayesian intervals take the quantile from the
first-order Cornish-Fisher expansion (mean, variance and third cumulant, all
in closed form) instead of numerical integration. Its error is of order
``shape**-1.5`` in shares: below 1e-7 points at this threshold for every
configuration and level tested (``tests/test_intervals_large.py`` compares
both sides of the threshold), while the numerical route loses precision and
time as the laws get more concentrated (it returned a lower bound of 0 at
n = 10^15).
"""


def beta_support(a: float, b: float) -> tuple[float, float]:
    """The interval holding all but ``TAIL`` of ``Beta(a, b)`` in each tail."""
    from scipy.special import betaincinv

    # Each end is computed where it has full relative precision: an end near
    # 0 directly, an end near 1 as 1 minus the mirrored end. (Written as
    # 1 - betaincinv(b, a, TAIL) always, the upper end of Beta(4, 10^18) was
    # 1 - 1.0 = 0, and the exact interval collapsed to a point.)
    if a <= b:
        return float(betaincinv(a, b, TAIL)), float(betaincinv(a, b, 1.0 - TAIL))
    return 1.0 - float(betaincinv(b, a, 1.0 - TAIL)), 1.0 - float(betaincinv(b, a, TAIL))


def beta_expectation(
    a: float,
    b: float,
    function: Callable[[float], float],
    low: float,
    high: float,
    *,
    steepness: float = 1.0,
) -> float:
    """``int_low^high f(t) function(t) dt`` for the ``Beta(a, b)`` density ``f``.

    The integral is taken in the standardised variable ``x = (t - mean) / sd``
    so that the quadrature sees a bump of height and width of order one
    however concentrated the law is (for counts in the billions its standard
    deviation is below 1e-5). Adaptive Gauss-Kronrod quadrature (QUADPACK's
    QAGS through :func:`scipy.integrate.quad`).

    ``steepness`` bounds the slope of ``function`` in its argument's units
    (about one over the standard deviation of the law ``function`` is the
    distribution function of). Rounding an argument by one ulp then moves
    ``function`` by about ``2e-16 * steepness``, a noise floor the absolute
    tolerance must stay above; the resulting quantile error is of order
    1e-16, far below the 1e-10 points the intervals promise.
    """
    from scipy.integrate import quad
    from scipy.special import betaln, xlog1py, xlogy

    if high <= low:
        return 0.0
    log_norm = float(betaln(a, b))
    mean = a / (a + b)
    sd = beta_sd(a, b)

    def integrand(x: float) -> float:
        t = mean + sd * x
        if not 0.0 < t < 1.0:
            return 0.0
        log_density = float(xlogy(a - 1.0, t) + xlog1py(b - 1.0, -t)) - log_norm
        return sd * math.exp(log_density) * function(t)

    # full_output: QUADPACK's notes on reaching its tolerance stay silent;
    # the tolerance is set above the integrand's rounding noise.
    result: Any = quad(
        integrand,
        (low - mean) / sd,
        (high - mean) / sd,
        epsabs=max(1e-13, 1e-14 * steepness),
        epsrel=1e-11,
        limit=200,
        full_output=1,
    )
    return float(result[0])


def beta_cumulants(a: float, b: float) -> tuple[float, float, float]:
    """Mean, variance and third central moment of ``Beta(a, b)``, in closed form.

    The third central moment is ``2 mu (1 - mu) (1 - 2 mu) / ((a + b + 1) (a + b + 2))``
    with ``mu = a / (a + b)``, written without differences of large numbers.
    """
    total = a + b
    mean = a / total
    spread = mean * (b / total)  # mu (1 - mu)
    variance = spread / (total + 1.0)
    third = 2.0 * spread * ((b - a) / total) / ((total + 1.0) * (total + 2.0))
    return mean, variance, third


def cornish_fisher_quantile(mean: float, variance: float, third: float, level: float) -> float:
    """The ``level``-quantile from the first-order Cornish-Fisher expansion.

    ``mean + sd (z + gamma (z^2 - 1) / 6)`` with ``z`` the normal quantile
    and ``gamma = third / sd^3`` the skewness (Cornish and Fisher 1938;
    Johnson, Kotz and Balakrishnan 1994, sec. 12.5). For a law that is a
    smooth function of Beta laws with shape parameters of order ``c`` the
    error is of order ``c**-1.5``.
    """
    from scipy.special import ndtri

    sd = math.sqrt(variance)
    if sd == 0.0:
        return mean
    z = float(ndtri(level))
    skewness = third / sd / sd / sd  # sd**3 underflows to 0 for sd below 1e-108
    return mean + sd * (z + skewness * (z * z - 1.0) / 6.0)


def beta_quantile(a: float, b: float, level: float) -> float:
    """The ``level``-quantile of ``Beta(a, b)``.

    From ``LARGE_COUNT`` on in both shapes, the Cornish-Fisher expansion
    (``betaincinv`` loses its precision there: at shapes of 10^18 it was off
    by 3e-8 points); below, ``scipy.special.betaincinv``.
    """
    from scipy.special import betaincinv

    if min(a, b) >= LARGE_COUNT:
        return cornish_fisher_quantile(*beta_cumulants(a, b), level)
    return float(betaincinv(a, b, level))


def rounding_steepness(a: float, b: float) -> float:
    """How much rounding an argument moves ``I_y(a, b)``, per unit of rounding in ``y``.

    For :func:`beta_expectation`'s ``steepness``: the slope of the
    distribution function is about ``1 / sd``, and one rounding of ``y`` is
    relative to ``y`` (of the size of the mean ``mu``), so the noise is
    about ``2e-16 (mu + sd) / sd``. Written as ``1 / sd`` alone, a law
    concentrated near 0 (Beta(3.5, 10^16), of the promoters among 10^16
    passives) gave an absolute tolerance of 50 on a probability.
    """
    sd = beta_sd(a, b)
    return (a / (a + b) + sd) / sd


def beta_sd(a: float, b: float) -> float:
    """Standard deviation of ``Beta(a, b)``."""
    return math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1.0)))


def invert_cdf(
    cdf: Callable[[float], float],
    level: float,
    *,
    guess: float = 0.0,
    scale: float = 1.0,
    unit: float = 1.0,
) -> float:
    """The ``level``-quantile of a continuous law on ``[-1, 1]``, by Brent's method.

    ``guess`` and ``scale`` (a normal approximation of the quantile and the
    law's standard deviation) only place the first bracket, which is widened
    fourfold until it holds the quantile; they do not affect the answer.
    ``unit`` (at most 1) is the size of the law's values: the tolerance is
    ``XTOL * unit``, so that a law of values near 1e-13 (a handful of
    non-passives among 10^18 answers) is located relative to its size.
    """
    from scipy.optimize import brentq

    if cdf(-1.0) >= level:
        return -1.0
    if cdf(1.0) <= level:
        return 1.0
    guess = min(1.0, max(-1.0, guess))
    unit = min(1.0, max(unit, 1e-300))
    step = max(scale, 1e-12 * unit)
    low, high = max(-1.0, guess - step), min(1.0, guess + step)
    while low > -1.0 and cdf(low) > level:
        step *= 4.0
        low = max(-1.0, guess - step)
    while high < 1.0 and cdf(high) < level:
        step *= 4.0
        high = min(1.0, guess + step)
    return float(brentq(lambda v: cdf(v) - level, low, high, xtol=XTOL * unit, rtol=1e-14))


def clip01(value: float) -> float:
    """``value`` clipped to ``[0, 1]`` (quadrature can overshoot by rounding)."""
    return min(1.0, max(0.0, value)) if math.isfinite(value) else value
