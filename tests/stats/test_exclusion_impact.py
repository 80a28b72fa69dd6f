"""Impact of a subgroup: the identity impact = share x gap, and the delta-method variance.

The variance is checked against two independent computations: the
multinomial delta method with a numerical gradient of the impact as a
function of the six cell shares (unweighted), and the per-row influence
function summed over rows (weighted).
"""

from __future__ import annotations

import numpy as np
import pytest

from npskit._stats.exclusion_impact import exclusion_impact


def impact_of_shares(pi: np.ndarray) -> float:
    """NPS(all) - NPS(without), from the 2 x 3 cell shares (without row first)."""
    codes = np.array([-1.0, 0.0, 1.0])
    overall = pi.sum(axis=0) @ codes
    without = pi[0] @ codes / pi[0].sum()
    return float(overall - without)


def test_identity_share_times_gap() -> None:
    # NPS(all) = s A + (1 - s) B, so NPS(all) - B = s (A - B): a derivation, checked
    table = np.array([[[30.0, 40.0, 80.0], [25.0, 10.0, 15.0]]])
    share, within, without, impact, _ = exclusion_impact(table, table, np.array([200.0]))
    assert share[0] == pytest.approx(50 / 200)
    assert within[0] == pytest.approx((15 - 25) / 50)
    assert without[0] == pytest.approx((80 - 30) / 150)
    overall = (95 - 55) / 200
    assert impact[0] == pytest.approx(overall - without[0])
    assert impact[0] == pytest.approx(share[0] * (within[0] - without[0]))


def test_variance_equals_the_multinomial_delta_method() -> None:
    counts = np.array([[30.0, 40.0, 80.0], [25.0, 10.0, 15.0]])
    n = counts.sum()
    pi = counts / n
    gradient = np.zeros(6)
    step = 1e-6
    for k in range(6):
        up, down = pi.ravel().copy(), pi.ravel().copy()
        up[k] += step
        down[k] -= step
        gradient[k] = (
            impact_of_shares(up.reshape(2, 3)) - impact_of_shares(down.reshape(2, 3))
        ) / (2 * step)
    p = pi.ravel()
    covariance = (np.diag(p) - np.outer(p, p)) / n
    expected = gradient @ covariance @ gradient * n / (n - 1)
    *_, variance = exclusion_impact(counts[None], counts[None], np.array([n]))
    assert variance[0] == pytest.approx(expected, rel=1e-6)


def test_weighted_variance_equals_the_row_influence_sum() -> None:
    rng = np.random.default_rng(2)
    n = 500
    category = rng.integers(0, 3, size=n)
    topic = rng.random(n) < 0.2
    w = 0.5 + rng.random(n)
    weights = np.zeros((2, 3))
    squares = np.zeros((2, 3))
    np.add.at(weights, (topic.astype(int), category), w)
    np.add.at(squares, (topic.astype(int), category), w * w)
    c = category - 1.0
    overall = w @ c / w.sum()
    rest = ~topic
    without = w[rest] @ c[rest] / w[rest].sum()
    share = w[topic].sum() / w.sum()
    u = (c - overall) - rest * (c - without) / (1 - share)
    expected = np.sum(w * w * u * u) / w.sum() ** 2 * n / (n - 1)
    *_, impact, variance = exclusion_impact(weights[None], squares[None], np.array([float(n)]))
    assert impact[0] == pytest.approx(overall - without)
    assert variance[0] == pytest.approx(expected, rel=1e-12)


def test_nobody_with_the_topic() -> None:
    table = np.array([[[10.0, 10.0, 10.0], [0.0, 0.0, 0.0]]])
    share, within, _, impact, _ = exclusion_impact(table, table, np.array([30.0]))
    assert share[0] == 0.0
    assert np.isnan(within[0])
    assert impact[0] == 0.0
