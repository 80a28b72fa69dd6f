# ruff: noqa: N803  (count arguments are named D, S, P as in the formulas)
"""Write independent high-precision reference values for npskit's NPS intervals and tests.

Run from the repository root (takes a few minutes on two cores)::

    .venv/bin/python scripts/reference_intervals.py

It writes ``tests/reference/nps_intervals.json`` and ``tests/reference/nps_tests.json``,
read by ``tests/test_reference_intervals.py``. Everything is computed with mpmath at
``DPS`` significant digits, from the published definitions, and deliberately written
differently from the library: no code is shared with ``src/npskit``. numpy and scipy are
used only for starting values of root searches (then refined in mpmath) and for the
seeded Monte Carlo and double-precision coverage cross-checks; every value written is an
mpmath value.

Notation: a tally has D detractors, S passives and P promoters, n = D + S + P; the NPS
is Delta = p - d with p, d the promoter and detractor shares. A one-sample NPS is the
difference of two paired proportions whose discordant cells are the promoters and the
detractors (the passives are the concordant cells), which is how the paired-proportion
methods (Tango, Fay & Lumbard) apply.

Interval conventions, identical for every method: at confidence level c, ``"two-sided"``
puts (1 - c) / 2 in each tail; ``"greater"`` gives [low, 100] with low the one-sided
bound at level c; ``"less"`` gives [-100, high]. Ends are clipped to [-100, 100].

Sources
-------
Wald, adjusted Wald: Rocks, B. (2016). Interval estimation for the "net promoter score".
    The American Statistician 70(4), 365-372. doi:10.1080/00031305.2016.1158124
    (pseudo-counts +3/4, +3/2, +3/4 after Sauro & Lewis); Agresti, A. & Min, Y. (2005),
    Stat Med 24:729-740, doi:10.1002/sim.1781 (+1/2 to each of the four cells of the
    paired table); Bonett, D. G. & Price, R. M. (2012), J Educ Behav Stat 37:479-488,
    doi:10.3102/1076998611411915 (+1 to each discordant cell).
Tango: Tango, T. (1998). Equivalence test and confidence interval for the difference in
    proportions for the paired-sample design. Stat Med 17:891-908.
    doi:10.1002/(SICI)1097-0258(19980430)17:8<891::AID-SIM780>3.0.CO;2-B
Exact: Fay, M. P. & Lumbard, K. (2021). Confidence intervals for difference in
    proportions for matched pairs compatible with exact McNemar's or sign tests.
    Stat Med 40:1147-1159. doi:10.1002/sim.8829 (R: exact2x2::mcnemarExactDP), built on
    the melding of Fay, Proschan & Brittain (2015), Biometrics 71:146-156,
    doi:10.1111/biom.12231.
Bayes: Dirichlet posterior with Jeffreys prior a = 1/2 on the three shares.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import math
import time
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import mpmath as mp
import numpy as np

DPS = 30
mp.mp.dps = DPS

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "tests" / "reference"

LEVELS = ("0.90", "0.95", "0.99")
ALTERNATIVES = ("two-sided", "greater", "less")

# (detractors, passives, promoters) and a label saying why the tally is in the set.
TALLIES: list[tuple[int, int, int, str]] = [
    (20, 30, 50, "ordinary, n = 100"),
    (7, 11, 12, "ordinary, n = 30"),
    (130, 170, 200, "ordinary, n = 500"),
    (45, 25, 30, "ordinary, negative NPS, n = 100"),
    (1, 2, 2, "small, n = 5"),
    (0, 1, 4, "small, n = 5, no detractors"),
    (3, 3, 4, "small, n = 10"),
    (6, 2, 2, "small, n = 10, negative NPS"),
    (0, 0, 10, "boundary: all promoters"),
    (12, 0, 0, "boundary: all detractors"),
    (4, 0, 6, "boundary: no passives"),
    (3, 7, 0, "boundary: zero promoters"),
    (0, 20, 0, "boundary: all passives"),
    (250_000, 300_000, 450_000, "large, n = 10^6"),
]

WALD_PSEUDO: dict[str, tuple[str, str, str]] = {
    "wald": ("0", "0", "0"),
    "adjusted-wald": ("0.75", "1.5", "0.75"),
    "agresti-min": ("0.5", "1", "0.5"),
    "bonett-price": ("1", "0", "1"),
}

BAYES_PRIOR = mp.mpf("0.5")
ONE = mp.mpf(1)


# ---------------------------------------------------------------------------------------
# Small helpers


def normal_quantile(prob: mp.mpf) -> mp.mpf:
    """Standard normal quantile, Phi^{-1}(prob) = sqrt(2) erfinv(2 prob - 1)."""
    return mp.sqrt(2) * mp.erfinv(2 * prob - 1)


def tails(level: mp.mpf, alternative: str) -> tuple[mp.mpf | None, mp.mpf | None]:
    """Probability left below the low end and above the high end (None: end is +/-1)."""
    if alternative == "two-sided":
        return (1 - level) / 2, (1 - level) / 2
    if alternative == "greater":
        return 1 - level, None
    return None, 1 - level


def clip(x: mp.mpf) -> mp.mpf:
    return max(-ONE, min(ONE, x))


# ---------------------------------------------------------------------------------------
# Wald and adjusted Wald


def wald_family(
    D: int, S: int, P: int, pseudo: tuple[str, str, str], level: mp.mpf, alternative: str
) -> tuple[mp.mpf, mp.mpf]:
    """Wald interval on the counts after adding pseudo-counts (D, S, P)."""
    d_add, s_add, p_add = (mp.mpf(v) for v in pseudo)
    Dc, Sc, Pc = D + d_add, S + s_add, P + p_add
    n = Dc + Sc + Pc
    p, d = Pc / n, Dc / n
    centre = p - d
    se = mp.sqrt((p + d - centre**2) / n)
    lo_tail, hi_tail = tails(level, alternative)
    low = -ONE if lo_tail is None else clip(centre - normal_quantile(1 - lo_tail) * se)
    high = ONE if hi_tail is None else clip(centre + normal_quantile(1 - hi_tail) * se)
    return low, high


# ---------------------------------------------------------------------------------------
# Tango's score interval, restricted MLE found numerically


def restricted_mle(D: int, S: int, P: int, delta: mp.mpf) -> tuple[mp.mpf, mp.mpf]:
    """Maximise the trinomial log-likelihood subject to p - d = delta; return (p, d).

    With d the free parameter, l(d) = P log(d + delta) + D log d + S log(1 - 2d - delta)
    on lo <= d <= hi, lo = max(0, -delta), hi = (1 - delta) / 2 (terms with a zero count
    are absent). l is concave, so the maximum is where its derivative changes sign; we
    locate it by bisection on the derivative (no closed form is used).
    """
    lo = max(mp.mpf(0), -delta)
    hi = (1 - delta) / 2
    if hi - lo <= 0:
        return lo + delta, lo

    def score(d: mp.mpf) -> mp.mpf:
        total = mp.mpf(0)
        if P:
            total += P / (d + delta)
        if D:
            total += D / d
        if S:
            total -= 2 * S / (1 - 2 * d - delta)
        return total

    def score_at(d: mp.mpf) -> mp.mpf:
        # the derivative at an end of the range: +/- infinity if a log term blows up there
        if d == lo and ((P and d + delta == 0) or (D and d == 0)):
            return mp.inf
        if d == hi and S:
            return -mp.inf
        return score(d)

    if score_at(lo) <= 0:
        return lo + delta, lo
    if score_at(hi) >= 0:
        return hi + delta, hi
    a, b = lo, hi
    for _ in range(400):
        mid = (a + b) / 2
        if score(mid) > 0:
            a = mid
        else:
            b = mid
        if b - a < mp.mpf(10) ** (-DPS + 3):
            break
    d_hat = (a + b) / 2
    return d_hat + delta, d_hat


def tango_z(D: int, S: int, P: int, delta: mp.mpf) -> mp.mpf:
    """Tango's score statistic Z(delta) = (P - D - n delta) / sqrt(n (p~ + d~ - delta^2))."""
    n = D + S + P
    p_r, d_r = restricted_mle(D, S, P, delta)
    num = P - D - n * delta
    var = n * (p_r + d_r - delta**2)
    if var <= mp.mpf(10) ** (-DPS + 5):
        if num == 0:
            return mp.mpf(0)
        return mp.inf if num > 0 else -mp.inf
    return num / mp.sqrt(var)


def bisect_decreasing(
    f: Callable[[mp.mpf], mp.mpf], a: mp.mpf, b: mp.mpf, target: mp.mpf
) -> mp.mpf:
    """Root of f(x) = target on [a, b] for f decreasing through target (f(a) > target)."""
    for _ in range(200):
        mid = (a + b) / 2
        if f(mid) > target:
            a = mid
        else:
            b = mid
        if b - a < mp.mpf("1e-22"):
            break
    return (a + b) / 2


def tango(D: int, S: int, P: int, level: mp.mpf, alternative: str) -> tuple[mp.mpf, mp.mpf]:
    n = D + S + P
    est = mp.mpf(P - D) / n
    lo_tail, hi_tail = tails(level, alternative)
    low, high = -ONE, ONE
    if lo_tail is not None:
        z = normal_quantile(1 - lo_tail)
        if tango_z(D, S, P, -ONE) > z:
            low = bisect_decreasing(lambda x: tango_z(D, S, P, x), -ONE, est, z)
            assert abs(tango_z(D, S, P, low) - z) < mp.mpf("1e-12") * max(1, math.sqrt(n))
    if hi_tail is not None:
        z = normal_quantile(1 - hi_tail)
        if tango_z(D, S, P, ONE) < -z:
            high = bisect_decreasing(lambda x: tango_z(D, S, P, x), est, ONE, -z)
            assert abs(tango_z(D, S, P, high) + z) < mp.mpf("1e-12") * max(1, math.sqrt(n))
    return low, high


# ---------------------------------------------------------------------------------------
# Beta distributions and the product T (2B - 1) of independent betas


def log_beta_fn(a: mp.mpf, b: mp.mpf) -> mp.mpf:
    return mp.loggamma(a) + mp.loggamma(b) - mp.loggamma(a + b)


def _beta_cf(a: mp.mpf, b: mp.mpf, x: mp.mpf) -> mp.mpf:
    """Continued fraction for the incomplete beta function (modified Lentz)."""
    tiny = mp.mpf(10) ** (-3 * DPS)
    tol = mp.mpf(10) ** (-DPS + 3)
    c = ONE
    dd = 1 - (a + b) * x / (a + 1)
    dd = 1 / (dd if abs(dd) > tiny else tiny)
    h = dd
    for m in range(1, 200_000):
        for coef in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            dd = 1 + coef * dd
            dd = 1 / (dd if abs(dd) > tiny else tiny)
            c = 1 + coef / c
            if abs(c) < tiny:
                c = tiny
            h *= dd * c
        if abs(dd * c - 1) < tol:
            return h
    raise RuntimeError("incomplete beta continued fraction did not converge")


def beta_cdf(a: mp.mpf, b: mp.mpf, x: mp.mpf, y: mp.mpf | None = None) -> mp.mpf:
    """Regularised incomplete beta I_x(a, b) for a, b > 0; y = 1 - x if known exactly."""
    if y is None:
        y = 1 - x
    if x <= 0:
        return mp.mpf(0)
    if y <= 0:
        return ONE
    log_front = a * mp.log(x) + b * mp.log(y) - log_beta_fn(a, b)
    if x < (a + 1) / (a + b + 2):
        return mp.exp(log_front) * _beta_cf(a, b, x) / a
    return 1 - mp.exp(log_front) * _beta_cf(b, a, y) / b


_GL_CACHE: dict[int, list[tuple[mp.mpf, mp.mpf]]] = {}


def gauss_legendre(order: int) -> list[tuple[mp.mpf, mp.mpf]]:
    """Gauss-Legendre nodes and weights on [-1, 1], by Newton's method on P_order."""
    if order in _GL_CACHE:
        return _GL_CACHE[order]
    nodes = []
    for i in range(1, order + 1):
        x = mp.cos(mp.pi * (i - mp.mpf("0.25")) / (order + mp.mpf("0.5")))
        for _ in range(100):
            p0, p1 = ONE, x
            for k in range(2, order + 1):
                p0, p1 = p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k
            dp = order * (x * p1 - p0) / (x**2 - 1)
            step = p1 / dp
            x -= step
            if abs(step) < mp.mpf(10) ** (-DPS - 5):
                break
        p0, p1 = ONE, x
        for k in range(2, order + 1):
            p0, p1 = p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k
        dp = order * (x * p1 - p0) / (x**2 - 1)
        nodes.append((x, 2 / ((1 - x**2) * dp**2)))
    _GL_CACHE[order] = nodes
    return nodes


class Beta:
    """A beta law; shape 0 on one side means a point mass (Beta(0, b) = 0, Beta(a, 0) = 1)."""

    def __init__(self, a: mp.mpf | int, b: mp.mpf | int) -> None:
        self.a, self.b = mp.mpf(a), mp.mpf(b)
        if self.a == 0 and self.b == 0:
            raise ValueError("Beta(0, 0)")
        self.log_norm = log_beta_fn(self.a, self.b) if self.point is None else None

    @property
    def point(self) -> mp.mpf | None:
        if self.a == 0:
            return mp.mpf(0)
        if self.b == 0:
            return ONE
        return None

    @property
    def mean(self) -> mp.mpf:
        return self.a / (self.a + self.b)

    @property
    def sd(self) -> mp.mpf:
        s = self.a + self.b
        return mp.sqrt(self.a * self.b / (s**2 * (s + 1)))

    @property
    def large(self) -> bool:
        return min(self.a, self.b) >= 20

    def cdf(self, x: mp.mpf, y: mp.mpf | None = None) -> mp.mpf:
        """P(X <= x); pass y = 1 - x when it is known more accurately than 1 - x."""
        if self.point is not None:
            return ONE if x >= self.point else mp.mpf(0)
        return beta_cdf(self.a, self.b, x, y)

    def pdf(self, x: mp.mpf, y: mp.mpf | None = None) -> mp.mpf:
        if y is None:
            y = 1 - x
        if x <= 0 or y <= 0:
            return mp.mpf(0)
        return mp.exp((self.a - 1) * mp.log(x) + (self.b - 1) * mp.log(y) - self.log_norm)

    def quantile(self, prob: mp.mpf) -> mp.mpf:
        if self.point is not None:
            return self.point
        from scipy.special import betaincinv

        x0 = mp.mpf(float(betaincinv(float(self.a), float(self.b), float(prob))))
        return refine_root(lambda x: self.cdf(x) - prob, x0, self.pdf)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        if self.point is not None:
            return np.full(size, float(self.point))
        return rng.beta(float(self.a), float(self.b), size)


def refine_root(
    f: Callable[[mp.mpf], mp.mpf],
    x0: mp.mpf,
    slope: Callable[[mp.mpf], mp.mpf] | None = None,
    tol: mp.mpf | None = None,
) -> mp.mpf:
    """Polish a double-precision root with secant steps in mpmath (to 1e-18 by default)."""
    if tol is None:
        tol = mp.mpf("1e-18")
    h = mp.mpf("1e-9") * max(abs(x0), mp.mpf("1e-3"))
    x_prev, x = x0 - h, x0
    f_prev, fx = f(x_prev), f(x)
    for _ in range(40):
        if fx == 0:
            return x
        if fx == f_prev:
            if slope is None:
                raise RuntimeError("flat secant step")
            step = fx / slope(x)
        else:
            step = fx * (x - x_prev) / (fx - f_prev)
        x_prev, f_prev = x, fx
        x = x - step
        fx = f(x)
        if abs(step) < tol:
            return x
    raise RuntimeError(f"root refinement did not converge from {x0}")


class Product:
    """Law of T (2B - 1) for independent betas T (a share in [0, 1]) and B."""

    def __init__(self, T: Beta, B: Beta) -> None:
        self.T, self.B = T, B

    def _integrand_nodes(self, t: mp.mpf) -> list[mp.mpf]:
        """Break points for the integral over tau on [|t|, 1]."""
        lo = abs(t)
        pts = [lo, ONE]
        if self.T.large:
            mu, sd = self.T.mean, self.T.sd
            for k in range(-16, 17, 4):
                x = mu + k * sd
                if lo < x < 1:
                    pts.append(x)
        return sorted(set(pts))

    def cdf(self, t: mp.mpf) -> mp.mpf:
        """P(T (2B - 1) <= t) = [t > 0] F_T(t) + int_{|t|}^1 f_T(tau) F_B((1 + t/tau)/2)."""
        T, B = self.T, self.B
        if t <= -1:
            return mp.mpf(0)
        if t >= 1:
            return ONE

        total = T.cdf(t) if t > 0 else mp.mpf(0)
        pts = self._integrand_nodes(t)
        if T.large and B.large:
            return total + self._narrow_integral(t, pts)
        if len(pts) == 2:
            pts.insert(1, (pts[0] + pts[1]) / 2)
        a, b = pts[0], pts[-1]  # |t| and 1

        def g(tau: mp.mpf, tau_above: mp.mpf, tau_below: mp.mpf) -> mp.mpf:
            """Integrand given tau, tau - |t| and 1 - tau (each computed without cancellation).

            u = (1 + t / tau) / 2 and 1 - u = (1 - t / tau) / 2; the one that vanishes at
            tau = |t| is (tau - |t|) / (2 tau).
            """
            if tau <= 0:
                return mp.mpf(0)
            near = tau_above / (2 * tau)
            if t < 0:
                u, v = near, 1 - near
            elif t > 0:
                u, v = 1 - near, near
            else:
                u = v = mp.mpf("0.5")
            return T.pdf(tau, tau_below) * B.cdf(u, v)

        # The beta densities may have algebraic singularities at the ends (shapes < 1, and
        # F_B behaves like (tau - |t|)^shape near tau = |t|). Substituting tau = |t| + w^2
        # on the first panel and tau = 1 - w^2 on the last makes the integrand smooth there,
        # and computing tau - |t| and 1 - tau from w keeps full precision next to the ends.
        def first(w: mp.mpf) -> mp.mpf:
            return 2 * w * g(a + w**2, w**2, (1 - a) - w**2)

        def last(w: mp.mpf) -> mp.mpf:
            return 2 * w * g(b - w**2, (b - a) - w**2, w**2)

        def middle(tau: mp.mpf) -> mp.mpf:
            return g(tau, tau - a, 1 - tau)

        pieces = [(first, [mp.mpf(0), mp.sqrt(pts[1] - a)])]
        pieces += [(middle, pts[1:-1])] if len(pts) > 3 else []
        pieces += [(last, [mp.mpf(0), mp.sqrt(b - pts[-2])])]
        for f, interval in pieces:
            value, err = mp.quad(f, interval, error=True)
            assert err < mp.mpf("1e-22"), (err, self.T.a, self.T.b, self.B.a, self.B.b, t)
            total += value
        return total

    def _narrow_integral(self, t: mp.mpf, pts: list[mp.mpf]) -> mp.mpf:
        """The integral for large shapes (narrow, smooth laws), by Gauss-Legendre panels.

        Outside the mean of T +/- 16 sd the density of T is below 1e-50 of its peak and
        is dropped. F_B is needed at every node u_i = (1 + t / tau_i) / 2: it is computed
        once by the continued fraction at the smallest u_i and then accumulated by
        8-point Gauss-Legendre integrals of the density of B between consecutive u_i
        (each gap is a small fraction of the sd of B, so these are exact to the working
        precision). This avoids hundreds of slow continued fractions per evaluation.
        """
        T, B = self.T, self.B
        mu, sd = T.mean, T.sd
        window_lo, window_hi = mu - 16 * sd, mu + 16 * sd
        taus, weights = [], []
        for a, b in itertools.pairwise(pts):
            if b <= window_lo or a >= window_hi:
                continue
            a, b = max(a, window_lo), min(b, window_hi)
            half, centre = (b - a) / 2, (a + b) / 2
            for x, w in gauss_legendre(24):
                taus.append(centre + half * x)
                weights.append(half * w)
        if not taus:
            return mp.mpf(0)
        us = [min(ONE, max(mp.mpf(0), (1 + t / tau) / 2)) for tau in taus]
        order = sorted(range(len(us)), key=lambda i: us[i])
        f_b = [mp.mpf(0)] * len(us)
        running = B.cdf(us[order[0]])
        f_b[order[0]] = running
        rule = gauss_legendre(8)
        for prev, cur in itertools.pairwise(order):
            a, b = us[prev], us[cur]
            if b > a:
                half, centre = (b - a) / 2, (a + b) / 2
                running += half * mp.fsum(w * B.pdf(centre + half * x) for x, w in rule)
            f_b[cur] = running
        return mp.fsum(w * T.pdf(tau) * fb for w, tau, fb in zip(weights, taus, f_b, strict=True))

    def quantile(self, prob: mp.mpf) -> mp.mpf:
        T, B = self.T, self.B
        if T.point == 0:
            return mp.mpf(0)
        if B.point is not None:
            sign = 2 * B.point - 1  # +1 or -1
            return T.quantile(prob) if sign > 0 else -T.quantile(1 - prob)
        if T.point == 1:
            return 2 * B.quantile(prob) - 1
        x0 = mp.mpf(self._double_quantile(float(prob)))
        return refine_root(lambda t: self.cdf(t) - prob, x0)

    def _double_quantile(self, prob: float) -> float:
        """Starting value: the same integral in double precision with scipy."""
        from scipy import integrate, optimize, special, stats

        aT, bT, aB, bB = (float(v) for v in (self.T.a, self.T.b, self.B.a, self.B.b))
        t_law = stats.beta(aT, bT)
        mu, sd = float(self.T.mean), float(self.T.sd)
        lo_w, hi_w = max(0.0, mu - 16 * sd), min(1.0, mu + 16 * sd)

        def cdf(t: float) -> float:
            lo = max(abs(t), lo_w)
            head = float(t_law.cdf(t)) if t > 0 else 0.0
            if lo >= hi_w:
                return head

            def g(tau: float) -> float:
                u = min(1.0, max(0.0, (1 + t / tau) / 2))
                return float(t_law.pdf(tau) * special.betainc(aB, bB, u))

            body = integrate.quad(g, lo, hi_w, epsabs=1e-14, epsrel=1e-13, limit=400)[0]
            return head + body

        with warnings.catch_warnings():
            # quad may report round-off near the target accuracy; this is only a start value
            warnings.simplefilter("ignore", integrate.IntegrationWarning)
            return float(
                optimize.brentq(lambda t: cdf(t) - prob, -1.0, 1.0, xtol=1e-15, rtol=1e-15)
            )

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return self.T.sample(rng, size) * (2 * self.B.sample(rng, size) - 1)


# ---------------------------------------------------------------------------------------
# Fay & Lumbard (2021) exact interval and the Bayesian interval


def exact_laws(D: int, S: int, P: int) -> dict[str, Product]:
    """Melded Clopper-Pearson confidence distributions (Fay & Lumbard 2021).

    Delta = tau (2 beta - 1), tau = p + d the discordant (non-passive) share and
    beta = p / (p + d) the promoter share among them. With m = P + D non-passives out
    of n, and x = P promoters among them, the lower and upper Clopper-Pearson confidence
    distributions are tau_L ~ Beta(m, n - m + 1), tau_U ~ Beta(m + 1, n - m),
    beta_L ~ Beta(x, m - x + 1), beta_U ~ Beta(x + 1, m - x) (shape 0: point mass).
    Because Delta is increasing in beta but increasing or decreasing in tau depending
    on the sign of 2 beta - 1, the lower limit is the smaller of the alpha-quantiles of
    tau_L (2 beta_L - 1) and tau_U (2 beta_L - 1), and the upper limit the larger of
    the (1 - alpha)-quantiles of tau_L (2 beta_U - 1) and tau_U (2 beta_U - 1).
    """
    n, m, x = D + S + P, D + P, P
    tau_l, tau_u = Beta(m, n - m + 1), Beta(m + 1, n - m)
    # with m = 0 (all passives) these are the point masses beta_L = 0 and beta_U = 1
    beta_l, beta_u = Beta(x, m - x + 1), Beta(x + 1, m - x)
    return {
        "LL": Product(tau_l, beta_l),
        "UL": Product(tau_u, beta_l),
        "LU": Product(tau_l, beta_u),
        "UU": Product(tau_u, beta_u),
    }


def exact(D: int, S: int, P: int, level: mp.mpf, alternative: str) -> tuple[mp.mpf, mp.mpf]:
    laws = exact_laws(D, S, P)
    lo_tail, hi_tail = tails(level, alternative)
    low = -ONE if lo_tail is None else min(Q(laws["LL"], lo_tail), Q(laws["UL"], lo_tail))
    high = ONE if hi_tail is None else max(Q(laws["LU"], 1 - hi_tail), Q(laws["UU"], 1 - hi_tail))
    return low, high


def bayes_law(D: int, S: int, P: int, a: mp.mpf = BAYES_PRIOR) -> Product:
    """p - d under Dirichlet(D + a, S + a, P + a), written as T (2B - 1).

    By the aggregation property of the Dirichlet law, T = p + d ~ Beta(P + D + 2a, S + a)
    and B = p / (p + d) ~ Beta(P + a, D + a) are independent, and p - d = T (2B - 1).
    """
    return Product(Beta(P + D + 2 * a, S + a), Beta(P + a, D + a))


def bayes(D: int, S: int, P: int, level: mp.mpf, alternative: str) -> tuple[mp.mpf, mp.mpf]:
    law = bayes_law(D, S, P)
    lo_tail, hi_tail = tails(level, alternative)
    low = -ONE if lo_tail is None else Q(law, lo_tail)
    high = ONE if hi_tail is None else Q(law, 1 - hi_tail)
    return low, high


_QUANTILES: dict[tuple[str, str, str, str, str], mp.mpf] = {}


def Q(law: Product, prob: mp.mpf) -> mp.mpf:
    key = (str(law.T.a), str(law.T.b), str(law.B.a), str(law.B.b), mp.nstr(prob, 25))
    if key not in _QUANTILES:
        _QUANTILES[key] = law.quantile(prob)
    return _QUANTILES[key]


# ---------------------------------------------------------------------------------------
# One-sample tests


def normal_cdf(x: mp.mpf) -> mp.mpf:
    return mp.erfc(-x / mp.sqrt(2)) / 2


def z_pvalue(z: mp.mpf, alternative: str) -> mp.mpf:
    if alternative == "greater":
        return 1 - normal_cdf(z)
    if alternative == "less":
        return normal_cdf(z)
    return mp.erfc(abs(z) / mp.sqrt(2))


@functools.cache
def _sign_test_tails(P: int, D: int) -> tuple[mp.mpf, mp.mpf]:
    """(P(X >= P), P(X <= P)) for X ~ Binomial(P + D, 1/2), by summing every term.

    The terms come from the recurrence b(k + 1) = b(k) (m - k) / (k + 1) from
    b(0) = 2^-m (mpmath has no exponent underflow), so m = 10^6 takes seconds.
    """
    m = P + D
    term = mp.mpf(2) ** (-m)
    probs = [term]
    for k in range(m):
        term = term * (m - k) / (k + 1)
        probs.append(term)
    return mp.fsum(probs[P:]), mp.fsum(probs[: P + 1])


def sign_test_pvalue(P: int, D: int, alternative: str) -> mp.mpf:
    """Exact sign test of H0: p = d given the P + D non-passives."""
    upper, lower = _sign_test_tails(P, D)
    if alternative == "greater":
        return upper
    if alternative == "less":
        return lower
    return min(ONE, 2 * min(upper, lower))


# ---------------------------------------------------------------------------------------
# Checks that do not depend on the library


def check_hand_derivations() -> None:
    z = normal_quantile(mp.mpf("0.975"))
    # Tango, all promoters: p~ = (1 + delta)/2, d~ = (1 - delta)/2, so
    # Z = sqrt(n) sqrt((1 - delta)/(1 + delta)); Z = z gives delta = (n - z^2)/(n + z^2).
    n = 10
    low, high = tango(0, 0, n, mp.mpf("0.95"), "two-sided")
    assert abs(low - (n - z**2) / (n + z**2)) < mp.mpf("1e-20")
    assert high == 1
    # Exact, all passives: beta_L = 0 and beta_U = 1 are point masses, tau_U ~ Beta(1, n),
    # so the interval is +/- the (1 - alpha/2)-quantile of Beta(1, n): 1 - (alpha/2)^(1/n).
    n = 20
    low, high = exact(0, n, 0, mp.mpf("0.95"), "two-sided")
    edge = 1 - mp.mpf("0.025") ** (ONE / n)
    assert abs(high - edge) < mp.mpf("1e-20")
    assert abs(low + edge) < mp.mpf("1e-20")
    # Incomplete beta: the continued fraction against mpmath's hypergeometric form.
    for a, b, x in [(3, 4, "0.3"), ("2.5", "7.5", "0.1"), ("0.5", "12.5", "0.9"), (40, 2, "0.97")]:
        ref = mp.betainc(mp.mpf(a), mp.mpf(b), 0, mp.mpf(x), regularized=True)
        assert abs(beta_cdf(mp.mpf(a), mp.mpf(b), mp.mpf(x)) - ref) < mp.mpf("1e-25")
    # Restricted MLE against a brute-force grid search of the log-likelihood.
    D, S, P, delta = 5, 7, 8, mp.mpf("0.3")
    p_r, d_r = restricted_mle(D, S, P, delta)
    grid = [mp.mpf(i) / 20000 * (1 - delta) / 2 for i in range(1, 20000)]
    best = max(
        grid, key=lambda d: P * mp.log(d + delta) + D * mp.log(d) + S * mp.log(1 - 2 * d - delta)
    )
    assert abs(best - d_r) < mp.mpf("1e-4")
    assert abs(p_r - d_r - delta) < mp.mpf("1e-25")
    # McNemar: Tango's statistic at delta = 0 is (P - D) / sqrt(P + D).
    assert abs(tango_z(4, 9, 11, mp.mpf(0)) - mp.mpf(7) / mp.sqrt(15)) < mp.mpf("1e-20")
    # Tango, all passives: d~ = max(0, -delta), p~ = max(0, delta), so
    # Z = -sign(delta) sqrt(n |delta| / (1 - |delta|)) and the ends are +/- z^2 / (n + z^2).
    n = 20
    low, high = tango(0, n, 0, mp.mpf("0.95"), "two-sided")
    edge = z**2 / (n + z**2)
    assert abs(high - edge) < mp.mpf("1e-20")
    assert abs(low + edge) < mp.mpf("1e-20")


def check_exact_coverage_double(n: int = 10, level: float = 0.95) -> tuple[float, float]:
    """Exact coverage of the Fay-Lumbard construction, double precision, by enumeration.

    Fay & Lumbard conjecture, with numerical support, that the interval never covers
    less than the nominal level; failing this would mean the construction above is not
    theirs. Returns (minimum coverage, mean coverage) over a grid of true (d, p).
    """
    from scipy import stats

    alpha = (1 - level) / 2
    ends: dict[tuple[int, int, int], tuple[float, float]] = {}
    for D in range(n + 1):
        for P in range(n + 1 - D):
            S = n - D - P
            laws = exact_laws(D, S, P)
            low = min(_double_q(laws["LL"], alpha), _double_q(laws["UL"], alpha))
            high = max(_double_q(laws["LU"], 1 - alpha), _double_q(laws["UU"], 1 - alpha))
            ends[(D, S, P)] = (low, high)
    coverages = []
    grid = np.linspace(0.0, 1.0, 41)
    for d in grid:
        for p in grid:
            if d + p > 1 + 1e-12:
                continue
            s = max(0.0, 1 - d - p)
            cover = 0.0
            for (D, S, P), (low, high) in ends.items():
                if low - 1e-9 <= p - d <= high + 1e-9:
                    cover += float(stats.multinomial.pmf([D, S, P], n, [d, s, p]))
            coverages.append(cover)
    return min(coverages), float(np.mean(coverages))


def _double_q(law: Product, prob: float) -> float:
    T, B = law.T, law.B
    if T.point == 0:
        return 0.0
    if B.point is not None or T.point == 1:
        return float(law.quantile(mp.mpf(prob)))
    return law._double_quantile(prob)


def monte_carlo_check(
    law: Product, checks: list[tuple[mp.mpf, mp.mpf]], draws: int, seed: int
) -> None:
    """Seeded Monte Carlo: the share of draws <= each quantile must match its probability.

    The empirical CDF at a fixed point is a binomial proportion with standard deviation
    sqrt(q (1 - q) / draws); we accept |ecdf - q| < 6 such deviations.
    """
    if law.T.point == 0 or law.B.point is not None or law.T.point == 1:
        return  # closed forms, nothing random to check
    rng = np.random.default_rng(seed)
    values = [float(q) for _, q in checks]
    counts = np.zeros(len(values))
    chunk = 2_000_000
    done = 0
    while done < draws:
        size = min(chunk, draws - done)
        sample = law.sample(rng, size)
        counts += np.array([np.count_nonzero(sample <= v) for v in values])
        done += size
    for (prob, q), count in zip(checks, counts, strict=True):
        pr = float(prob)
        sd = math.sqrt(pr * (1 - pr) / draws)
        assert abs(count / draws - pr) < 6 * sd, (law.T.a, law.T.b, law.B.a, law.B.b, pr, q)


def check_bayes_dirichlet_mc(
    D: int, S: int, P: int, checks: list[tuple[mp.mpf, mp.mpf]], draws: int
) -> None:
    """Bayes quantiles against p - d from Dirichlet draws made from gamma variates."""
    rng = np.random.default_rng(20240611 + D + 7 * S + 13 * P)
    alpha = np.array([D, S, P], dtype=float) + float(BAYES_PRIOR)
    values = [float(q) for _, q in checks]
    counts = np.zeros(len(values))
    done = 0
    while done < draws:
        size = min(2_000_000, draws - done)
        g = rng.standard_gamma(alpha, size=(size, 3))
        diff = (g[:, 2] - g[:, 0]) / g.sum(axis=1)
        counts += np.array([np.count_nonzero(diff <= v) for v in values])
        done += size
    for (prob, q), count in zip(checks, counts, strict=True):
        pr = float(prob)
        sd = math.sqrt(pr * (1 - pr) / draws)
        assert abs(count / draws - pr) < 6 * sd, ("bayes", D, S, P, pr, q, count / draws)


# ---------------------------------------------------------------------------------------
# Assembling the cases

SOURCES = {
    "wald": "Wald interval p - d +/- z sqrt((p + d - (p - d)^2) / n), mpmath; clipped",
    "adjusted-wald": "Wald on counts + (3/4, 3/2, 3/4), n + 3 (Sauro & Lewis; Rocks 2016), "
    "mpmath; clipped",
    "agresti-min": "Wald on counts + (1/2, 1, 1/2), n + 2 (Agresti & Min 2005), mpmath; clipped",
    "bonett-price": "Wald on counts + (1, 0, 1), n + 2 (Bonett & Price 2012), mpmath; clipped",
    "tango": "Tango (1998) score interval; restricted MLE by bisection on the score of the "
    "log-likelihood; ends by bisection on Z(delta) = +/- z, mpmath",
    "exact": "Fay & Lumbard (2021) melded Clopper-Pearson interval; quantiles of "
    "tau (2 beta - 1) by mpmath quadrature of f_tau(t) F_beta((1 + x/t)/2), "
    "Monte Carlo cross-checked",
    "bayes": "Dirichlet(D + 1/2, S + 1/2, P + 1/2) posterior, equal-tailed; p - d = "
    "T (2B - 1) with T ~ Beta(P + D + 1, S + 1/2), B ~ Beta(P + 1/2, D + 1/2), "
    "mpmath quadrature, 10^7-draw Monte Carlo cross-check",
}

METHODS = ("wald", "adjusted-wald", "agresti-min", "bonett-price", "tango", "exact", "bayes")


def interval(method: str, D: int, S: int, P: int, level: mp.mpf, alt: str) -> tuple[mp.mpf, mp.mpf]:
    if method in WALD_PSEUDO:
        return wald_family(D, S, P, WALD_PSEUDO[method], level, alt)
    if method == "tango":
        return tango(D, S, P, level, alt)
    if method == "exact":
        return exact(D, S, P, level, alt)
    return bayes(D, S, P, level, alt)


def tally_cases(tally: tuple[int, int, int, str], mc_draws: int) -> list[dict[str, Any]]:
    D, S, P, label = tally
    out = []
    for method in METHODS:
        for level_s in LEVELS:
            for alt in ALTERNATIVES:
                low, high = interval(method, D, S, P, mp.mpf(level_s), alt)
                assert low <= high
                lo_tail, hi_tail = tails(mp.mpf(level_s), alt)
                if method == "exact":
                    # compatible with the exact sign test (Fay & Lumbard's defining property)
                    if lo_tail is not None:
                        assert (low > 0) == (sign_test_pvalue(P, D, "greater") < lo_tail)
                    if hi_tail is not None:
                        assert (high < 0) == (sign_test_pvalue(P, D, "less") < hi_tail)
                if method == "tango" and P + D > 0:
                    # dual to McNemar's z test: 0 is outside exactly when |z| is beyond z_crit
                    z0 = (mp.mpf(P) - D) / mp.sqrt(P + D)
                    if lo_tail is not None:
                        assert (low > 0) == (z0 > normal_quantile(1 - lo_tail))
                    if hi_tail is not None:
                        assert (high < 0) == (z0 < -normal_quantile(1 - hi_tail))
                out.append(
                    {
                        "detractors": D,
                        "passives": S,
                        "promoters": P,
                        "confidence_level": float(level_s),
                        "alternative": alt,
                        "method": method,
                        "low": float(100 * low),
                        "high": float(100 * high),
                        "source": f"{SOURCES[method]} [{label}]",
                    }
                )
    # Monte Carlo cross-checks of every beta-product quantile used for this tally
    law = bayes_law(D, S, P)
    probs = sorted({(1 - mp.mpf(c)) / 2 for c in LEVELS} | {1 - mp.mpf(c) for c in LEVELS})
    probs = probs + [1 - pr for pr in probs]
    checks = [(pr, Q(law, pr)) for pr in probs]
    check_bayes_dirichlet_mc(D, S, P, checks, mc_draws)
    monte_carlo_check(law, checks, mc_draws // 10, seed=D + 3 * S + 5 * P)
    for key, exact_law in exact_laws(D, S, P).items():
        these = [pr for pr in probs if (pr < mp.mpf("0.5")) == (key[1] == "L")]
        monte_carlo_check(exact_law, [(pr, Q(exact_law, pr)) for pr in these], mc_draws // 10, 7)
    return out


def test_cases() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    tallies = [(20, 30, 50), (7, 11, 12), (45, 25, 30), (1, 2, 2), (3, 7, 0), (4, 0, 6), (0, 0, 10)]
    for D, S, P in tallies:
        for alt in ALTERNATIVES:
            z = (mp.mpf(P) - D) / mp.sqrt(P + D)
            rows.append(
                {
                    "detractors": D,
                    "passives": S,
                    "promoters": P,
                    "value": 0.0,
                    "alternative": alt,
                    "method": "tango",
                    "statistic": float(z),
                    "pvalue": float(z_pvalue(z, alt)),
                    "source": "McNemar z = (P - D) / sqrt(P + D) (Tango's statistic at 0); "
                    "normal p-value, mpmath",
                }
            )
            rows.append(
                {
                    "detractors": D,
                    "passives": S,
                    "promoters": P,
                    "value": 0.0,
                    "alternative": alt,
                    "method": "exact",
                    "statistic": None,
                    "pvalue": float(sign_test_pvalue(P, D, alt)),
                    "source": "exact sign test: P ~ Binomial(P + D, 1/2) given P + D; "
                    "greater P(X >= P), less P(X <= P), two-sided min(1, 2 min tail); "
                    "exact binomial sums in mpmath",
                }
            )
    # Tango's score test away from 0, and the Wald test, at a few targets (points)
    for D, S, P, value in [
        (20, 30, 50, 20.0),
        (7, 11, 12, -10.0),
        (45, 25, 30, 5.0),
        (3, 7, 0, -50.0),
    ]:
        delta0 = mp.mpf(value) / 100
        z = tango_z(D, S, P, delta0)
        n = D + S + P
        p, d = mp.mpf(P) / n, mp.mpf(D) / n
        zw = (p - d - delta0) / mp.sqrt((p + d - (p - d) ** 2) / n)
        for alt in ALTERNATIVES:
            rows.append(
                {
                    "detractors": D,
                    "passives": S,
                    "promoters": P,
                    "value": value,
                    "alternative": alt,
                    "method": "tango",
                    "statistic": float(z),
                    "pvalue": float(z_pvalue(z, alt)),
                    "source": "Tango (1998) Z at the target, restricted MLE by bisection; "
                    "normal p-value, mpmath",
                }
            )
            rows.append(
                {
                    "detractors": D,
                    "passives": S,
                    "promoters": P,
                    "value": value,
                    "alternative": alt,
                    "method": "wald",
                    "statistic": float(zw),
                    "pvalue": float(z_pvalue(zw, alt)),
                    "source": "Wald z = (p - d - value) / sqrt((p + d - (p - d)^2) / n); "
                    "normal p-value, mpmath",
                }
            )
    return rows


def _work(args: tuple[tuple[int, int, int, str], int]) -> tuple[list[dict[str, Any]], float]:
    start = time.perf_counter()
    mp.mp.dps = DPS
    rows = tally_cases(*args)
    return rows, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=10_000_000, help="Monte Carlo draws")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    args = parser.parse_args()

    check_hand_derivations()
    low_cov, mean_cov = check_exact_coverage_double()
    print(f"exact interval, n = 10, 95%: min coverage {low_cov:.5f}, mean {mean_cov:.5f}")
    assert low_cov >= 0.95 - 1e-6

    rows: list[dict[str, Any]] = []
    # the large tally first, so that it overlaps with the small ones
    order = sorted(TALLIES, key=lambda t: -(t[0] + t[1] + t[2]))
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for tally, (these, seconds) in zip(
            order, pool.map(_work, [(t, args.draws) for t in order]), strict=True
        ):
            print(f"{tally[3]:40s} {len(these)} cases in {seconds:.1f} s")
            rows.extend(these)
    key = {t[:3]: i for i, t in enumerate(TALLIES)}
    rows.sort(
        key=lambda r: (
            key[(r["detractors"], r["passives"], r["promoters"])],
            METHODS.index(r["method"]),
        )
    )
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUT_DIR / "nps_intervals.json").write_text(json.dumps(rows, indent=1) + "\n")
    tests = test_cases()
    (OUT_DIR / "nps_tests.json").write_text(json.dumps(tests, indent=1) + "\n")
    print(f"wrote {len(rows)} interval cases and {len(tests)} test cases to {OUT_DIR}")


if __name__ == "__main__":
    main()
