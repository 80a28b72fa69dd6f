"""The trinomial variance and the variance of the difference of overlapping windows."""

from __future__ import annotations

import math

import numpy as np

from npskit._stats.net_variance import net_variance, overlap_difference_variance
from npskit._stats.target_size import one_sided_size


def test_net_variance_by_enumeration() -> None:
    d, s, p = 0.2, 0.3, 0.5
    mean = p - d
    by_sum = d * (-1 - mean) ** 2 + s * (0 - mean) ** 2 + p * (1 - mean) ** 2
    assert math.isclose(float(net_variance(d, p)), by_sum)


def test_overlap_variance_by_simulation_of_shared_answers() -> None:
    # Windows A = a + c and B = c + b sharing c; the variance of the difference
    # of their NPS by simulating the three parts with their own shares.
    rng = np.random.default_rng(11)
    shares = {"a": (0.3, 0.2, 0.5), "c": (0.2, 0.3, 0.5), "b": (0.1, 0.3, 0.6)}
    sizes = {"a": 30, "c": 90, "b": 60}
    draws = {k: rng.multinomial(sizes[k], shares[k], size=200_000) for k in shares}
    score = {k: draws[k][:, 2] - draws[k][:, 0] for k in shares}
    nps_a = (score["a"] + score["c"]) / 120
    nps_b = (score["b"] + score["c"]) / 150
    simulated = float(np.var(nps_a - nps_b))
    counts = {k: np.array(shares[k]) * sizes[k] for k in shares}
    exact = float(overlap_difference_variance(counts["a"], counts["c"], counts["b"]))
    assert math.isclose(simulated, exact, rel_tol=0.01)  # MC error of a variance: ~0.3%


def test_overlap_without_shared_answers_is_the_independent_variance() -> None:
    a, b = np.array([10.0, 20.0, 30.0]), np.array([5.0, 5.0, 10.0])
    got = float(overlap_difference_variance(a, np.zeros(3), b))
    want = float(net_variance(1 / 6, 1 / 2) / 60 + net_variance(1 / 4, 1 / 2) / 20)
    assert math.isclose(got, want)


def test_one_sided_size_has_the_power_under_the_normal_model() -> None:
    # At n the score statistic's mean is sqrt(n)(delta1 - delta0)/sigma0 and its
    # sd sigma1/sigma0; power = Phi((mean - z_alpha) / sd) must equal 0.8.
    from scipy.stats import norm

    from npskit._stats.tango import restricted_mle

    d, p, target = 0.2, 0.5, 0.25
    n = one_sided_size(d, p, target, 0.05, 0.8)
    q0 = restricted_mle(p, d, 1.0, target)
    sigma0 = math.sqrt(q0 + (q0 + target) - target**2)
    sigma1 = math.sqrt(d + p - (p - d) ** 2)
    mean = math.sqrt(n) * (p - d - target) / sigma0
    assert math.isclose(norm.cdf((mean - norm.ppf(0.95)) / (sigma1 / sigma0)), 0.8)
    assert one_sided_size(0.3, 0.4, 0.2, 0.05, 0.8) == math.inf
