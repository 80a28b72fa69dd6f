"""target: the posterior probability, the one-sided test and the answers needed."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from npskit import Tally, nps_test, target


def test_probability_by_monte_carlo_and_test_by_nps_test() -> None:
    counts = Tally(detractors=110, passives=150, promoters=240)
    result = target(counts, 20.0)
    rng = np.random.default_rng(1)
    draws = rng.dirichlet((110.5, 150.5, 240.5), size=400_000)
    mc = float(np.mean(draws[:, 2] - draws[:, 0] > 0.20))
    assert abs(result.probability_above - mc) < 4 * math.sqrt(mc * (1 - mc) / 400_000)
    test = nps_test(counts, value=20.0, alternative="greater")
    assert result.pvalue == test.pvalue
    assert result.above
    assert json.dumps(result.to_dict(), allow_nan=False)


def test_no_plan_when_expected_below_target() -> None:
    result = target(Tally(detractors=50, passives=20, promoters=30), 10.0)
    assert result.answers_needed is None
    assert result.answers_remaining is None
    assert result.probability_above < 0.01
    assert "no number of answers" in str(result)


def test_expected_shares_and_errors() -> None:
    result = target([10, 9, 7, 3], 0.0, expected=(0.2, 0.3, 0.5))
    assert math.isclose(result.expected_nps, 30.0)
    with pytest.raises(ValueError, match="target"):
        target([10, 9], 100.0)
    with pytest.raises(ValueError, match="expected"):
        target([10, 9], 0.0, expected=(0.5, 0.5, 0.5))


@pytest.mark.slow
def test_answers_needed_reach_the_power() -> None:
    # Simulate the test at the planned n: the share of rejections must be
    # close to the power asked for (normal approximation; MC error at m =
    # 4000 is sqrt(0.8 * 0.2 / 4000) = 0.0063).
    shares = (0.2, 0.3, 0.5)
    plan = target(Tally(detractors=2, passives=3, promoters=5), 22.0, expected=shares)
    n = plan.answers_needed
    assert n is not None
    rng = np.random.default_rng(9)
    hits = 0
    trials = 4000
    for d, s, p in rng.multinomial(n, shares, size=trials).tolist():
        hits += nps_test(Tally(detractors=d, passives=s, promoters=p), value=22.0,
                         alternative="greater").pvalue < 0.05  # fmt: skip
    assert abs(hits / trials - 0.8) < 0.03
