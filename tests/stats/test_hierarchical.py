"""Normal hierarchical kernel: posterior against a brute-force 2-D integral, edge cases."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq
from scipy.special import ndtr

from npskit._stats.hierarchical import TAU_PRIOR_SCALE, fit_hierarchical, nps_observations


def _brute_force(
    y: np.ndarray, v: np.ndarray, segment: int, tail: float
) -> tuple[float, float, float, float, float, float, float]:
    """Posterior of theta_segment, mu and tau by a dense grid over (mu, tau).

    Written independently of the kernel: no closed-form integration over mu.
    p(mu, tau | y) ∝ p(tau) prod_i N(y_i; mu, v_i + tau^2), p(tau) the
    half-Cauchy(0.25) density on [0, 1]; theta | mu, tau, y is normal with
    precision 1/v + 1/tau^2 and mean (y/v + mu/tau^2) / precision. Riemann
    sums on a fine grid (the integrand vanishes at the mu ends; in tau it is
    even, so the end at 0 costs nothing), then the quantiles by Brent's
    method on the mixture's distribution function.
    """
    tau = np.linspace(0.0, 1.0, 2001)[1:] - 0.5 / 2000  # midpoints of 2000 cells
    mu = np.linspace(-4.0, 4.0, 4001)
    t2 = (tau * tau)[:, None]
    log_post = -np.log1p((tau / TAU_PRIOR_SCALE) ** 2)[:, None] + np.zeros((1, len(mu)))
    for y_i, v_i in zip(y, v, strict=True):
        total = v_i + t2
        log_post -= 0.5 * (np.log(total) + (y_i - mu[None, :]) ** 2 / total)
    weight = np.exp(log_post - log_post.max())
    weight /= weight.sum()
    keep = weight > 1e-13
    t2_all = np.broadcast_to(t2, weight.shape)
    mu_all = np.broadcast_to(mu[None, :], weight.shape)
    w, t2k, muk = weight[keep], t2_all[keep], mu_all[keep]
    precision = 1.0 / v[segment] + 1.0 / t2k
    centre = (y[segment] / v[segment] + muk / t2k) / precision
    scale = np.sqrt(1.0 / precision)
    mean = float(w @ centre)

    def cdf(q: float) -> float:
        return float(w @ ndtr((q - centre) / scale))

    low = brentq(lambda q: cdf(q) - tail, -3.0, 3.0, xtol=1e-12)
    high = brentq(lambda q: cdf(q) - (1.0 - tail), -3.0, 3.0, xtol=1e-12)
    tau_mean = float(w @ np.sqrt(t2k))
    marginal = weight.sum(axis=1)
    tau_cdf = np.cumsum(marginal) - marginal / 2.0
    tau_ends = np.interp([tail, 1.0 - tail], tau_cdf, tau)
    return mean, low, high, float(w @ muk), tau_mean, float(tau_ends[0]), float(tau_ends[1])


@pytest.mark.parametrize(
    ("y", "v"),
    [
        ([0.1, 0.3, 0.5, 0.2, -0.1], [0.01, 0.02, 0.04, 0.005, 0.03]),
        ([0.25, 0.2, 0.3], [0.02, 0.03, 0.01]),  # little spread: mass near tau = 0
        ([0.6, -0.2, 0.3, 0.1], [0.004, 0.05, 0.3, 1e-5]),  # one very precise segment
    ],
)
def test_posterior_matches_a_brute_force_double_integral(y: list[float], v: list[float]) -> None:
    ys, vs = np.array(y), np.array(v)
    fit = fit_hierarchical(ys, vs, tail=0.025)
    for segment in (0, len(ys) - 1):
        mean, low, high, mu, tau, tau_low, tau_high = _brute_force(ys, vs, segment, 0.025)
        # 1e-4 on the share scale is 0.01 NPS points
        assert fit.mean[segment] == pytest.approx(mean, abs=1e-4)
        assert fit.low[segment] == pytest.approx(low, abs=1e-4)
        assert fit.high[segment] == pytest.approx(high, abs=1e-4)
    assert fit.mu == pytest.approx(mu, abs=1e-4)
    assert fit.tau_mean == pytest.approx(tau, abs=1e-3)
    assert fit.tau_low == pytest.approx(tau_low, abs=1e-3)
    assert fit.tau_high == pytest.approx(tau_high, abs=1e-3)


def test_a_segment_without_answers_gets_the_predictive_law() -> None:
    # v = inf: theta ~ N(mu_hat, tau^2 + V_mu) given tau, so its mean is mu's.
    fit = fit_hierarchical(np.array([0.1, 0.4, 0.0]), np.array([0.01, 0.02, np.inf]), tail=0.05)
    assert fit.mean[2] == pytest.approx(fit.mu, abs=1e-12)
    assert fit.high[2] - fit.low[2] > fit.high[0] - fit.low[0]


def test_observations_hand_values() -> None:
    # Pooled (3, 5, 12) + (3/4, 3/2, 3/4) = (3.75, 6.5, 12.75) / 23;
    # sigma^2 = p + d - (p - d)^2.
    counts = np.array([[1.0, 2.0, 7.0], [2.0, 3.0, 5.0], [0.0, 0.0, 0.0]])
    y, v = nps_observations(counts)
    d, p = 3.75 / 23, 12.75 / 23
    sigma2 = p + d - (p - d) ** 2
    assert y[:2].tolist() == pytest.approx([0.6, 0.3])
    assert v[:2].tolist() == pytest.approx([sigma2 / 10, sigma2 / 10])
    assert v[2] == np.inf


def test_every_answer_in_one_category_still_has_variance() -> None:
    y, v = nps_observations(np.array([[0.0, 0.0, 4.0], [0.0, 0.0, 9.0]]))
    assert (v > 0).all()
    fit = fit_hierarchical(y, v, tail=0.025)
    assert fit.mean == pytest.approx([1.0, 1.0])
    assert (fit.high - fit.low > 0.05).all()
