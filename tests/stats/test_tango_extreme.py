"""Tango's score interval with a few non-passives among 10^6..10^18 answers.

Reference: the same score equation (Tango 1998, eq. 4 for the restricted MLE)
solved independently at 60 significant digits with mpmath by plain bisection,
so neither the float64 cancellation in the quadratic's root nor an absolute
root-finding tolerance can hide in it.
"""

from __future__ import annotations

import mpmath
import pytest

import npskit

Z975 = "1.9599639845400542355245944830593"  # Phi^-1(0.975)


def tango_reference(d: int, s: int, p: int) -> tuple[float, float]:
    """Two-sided 95% Tango bounds in points, at 60 digits."""
    with mpmath.workdps(60):
        b, c, n = mpmath.mpf(p), mpmath.mpf(d), mpmath.mpf(d + s + p)
        z = mpmath.mpf(Z975)

        def score(delta: mpmath.mpf) -> mpmath.mpf:
            a_coef = 2 * n
            b_coef = -b - c + (2 * n - b + c) * delta
            c_coef = -c * delta * (1 - delta)
            q = (-b_coef + mpmath.sqrt(b_coef**2 - 4 * a_coef * c_coef)) / (2 * a_coef)
            return (b - c - n * delta) / mpmath.sqrt(n * (2 * q + delta * (1 - delta)))

        def root(target: mpmath.mpf) -> mpmath.mpf:
            low, high = (
                mpmath.mpf(-1) + mpmath.mpf(10) ** -40,
                mpmath.mpf(1) - mpmath.mpf(10) ** -40,
            )
            for _ in range(400):  # the score decreases in delta
                middle = (low + high) / 2
                if score(middle) > target:
                    low = middle
                else:
                    high = middle
            return (low + high) / 2

        return float(100 * root(z)), float(100 * root(-z))


@pytest.mark.parametrize("passives", [10**6, 10**12, 10**16, 10**18])
@pytest.mark.parametrize(("detractors", "promoters"), [(1, 3), (0, 2), (5, 0)])
def test_tango_is_right_at_any_size(detractors: int, passives: int, promoters: int) -> None:
    tally = npskit.Tally(detractors=detractors, passives=passives, promoters=promoters)
    ci = npskit.confidence_interval(tally, interval_method="tango")
    low, high = tango_reference(detractors, passives, promoters)
    assert ci.low == pytest.approx(low, rel=1e-9)
    assert ci.high == pytest.approx(high, rel=1e-9)
    assert ci.low <= ci.estimate <= ci.high
    assert ci.high > ci.low  # never zero width with finite answers
