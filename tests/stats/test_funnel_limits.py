"""Funnel limits and overdispersion against the documented formulas, recomputed by hand."""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import norm

from npskit._stats.funnel_limits import dersimonian_laird_tau2, funnel_half_width, winsorised_phi


def test_winsorised_phi_by_sorting() -> None:
    # Ten z-scores: the 10% and 90% quantiles (type 7) of 1..10 are 1.9 and 9.1.
    z = np.arange(1.0, 11.0)
    clipped = [1.9, 2, 3, 4, 5, 6, 7, 8, 9, 9.1]
    assert math.isclose(winsorised_phi(z), sum(v * v for v in clipped) / 10)


def test_dersimonian_laird_by_hand() -> None:
    s = np.array([0.1, 0.2, 0.05, 0.1])
    w = [100.0, 25.0, 400.0, 100.0]
    phi = 3.0
    expected = (4 * 3.0 - 3) / (sum(w) - sum(x * x for x in w) / sum(w))
    assert math.isclose(dersimonian_laird_tau2(phi, s), expected)
    assert dersimonian_laird_tau2(0.5, s) == 0.0  # no excess: no between-unit variance


def test_half_widths() -> None:
    s = np.array([0.1, 0.02])
    assert np.allclose(funnel_half_width(s, 0.95), norm.ppf(0.975) * s)
    assert np.allclose(funnel_half_width(s, 0.998), norm.ppf(0.999) * s)
    assert np.allclose(funnel_half_width(s, 0.95, phi=4.0), 2 * norm.ppf(0.975) * s)
    assert np.allclose(
        funnel_half_width(s, 0.95, tau2=0.01), norm.ppf(0.975) * np.sqrt(s**2 + 0.01)
    )
