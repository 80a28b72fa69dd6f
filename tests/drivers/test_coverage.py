"""Coverage of the driver bootstrap intervals and the topic-impact intervals, by simulation.

Seeded; tolerances are three Monte Carlo standard errors around 95%. The
full tables are written by scripts/driver_coverage_table.py and
scripts/topic_coverage_table.py into the explanation page.
"""

from __future__ import annotations

import numpy as np
import pytest

import npskit

CORRELATION = np.array([[1.0, 0.5, 0.3], [0.5, 1.0, 0.2], [0.3, 0.2, 1.0]])
COEFFICIENTS = np.array([0.6, 0.3, 0.15])


def sample(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    x = rng.multivariate_normal(np.zeros(3), CORRELATION, size=n)
    latent = 7.0 + 1.5 * (x @ COEFFICIENTS) + rng.normal(0.0, 1.6, n)
    return np.clip(np.round(latent), 0, 10), x


@pytest.mark.slow
def test_bootstrap_intervals_of_importance_cover() -> None:
    answers, x = sample(np.random.default_rng(12345), 400_000)
    truth = npskit.drivers(answers, x, n_resamples=0)
    true = [truth["x1"].importance, truth["x2"].importance]
    reps = 200
    rng = np.random.default_rng(1)
    seeds = np.random.SeedSequence(2).spawn(reps)
    hits = np.zeros(2)
    for rep in range(reps):
        a, xs = sample(rng, 300)
        result = npskit.drivers(a, xs, n_resamples=200, rng=seeds[rep])
        for j, name in enumerate(("x1", "x2")):
            hits[j] += result[name].low <= true[j] <= result[name].high
    tolerance = 3 * np.sqrt(0.95 * 0.05 / reps)
    assert np.all(np.abs(hits / reps - 0.95) <= tolerance), hits / reps


@pytest.mark.slow
@pytest.mark.parametrize(("share", "with_p"), [(0.1, (0.5, 0.25, 0.25)), (0.1, (0.2, 0.3, 0.5))])
def test_topic_impact_intervals_cover(share: float, with_p: tuple[float, float, float]) -> None:
    without_p = np.array([0.2, 0.3, 0.5])
    true = 100 * share * ((with_p[2] - with_p[0]) - (without_p[2] - without_p[0]))
    reps, n = 1000, 1000
    rng = np.random.default_rng(3)
    hits = 0
    answer_of = np.array([3, 8, 10])
    for _ in range(reps):
        mentions = rng.random(n) < share
        u = rng.random(n)
        category = np.where(
            mentions,
            (u[:, None] > np.cumsum(with_p)[:-1]).sum(1),
            (u[:, None] > np.cumsum(without_p)[:-1]).sum(1),
        )
        row = npskit.topic_impact(answer_of[category], {"t": mentions.astype(int)})["t"]
        hits += row.low <= true <= row.high
    tolerance = 3 * np.sqrt(0.95 * 0.05 / reps)
    assert abs(hits / reps - 0.95) <= tolerance, hits / reps
