"""case_mix: a pure mix effect disappears after adjustment; formulas by hand; test size."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from npskit import breakdown, case_mix, load_example, tally_by

# Two kinds of call: outages are hard (NPS -40), how-to calls easy (NPS +60).
REASON_SHARES = {"outage": (0.55, 0.30, 0.15), "how-to": (0.10, 0.20, 0.70)}


def _equal_agents_different_mix(rng: np.random.Generator, per_agent: int = 600) -> tuple:
    """Six agents who answer exactly alike within each reason, with very different mixes."""
    answers, agents, reasons = [], [], []
    for agent, outage_share in zip("ABCDEF", (0.1, 0.2, 0.4, 0.6, 0.8, 0.9), strict=True):
        n_outage = int(per_agent * outage_share)
        for reason, size in (("outage", n_outage), ("how-to", per_agent - n_outage)):
            category = rng.choice(3, size=size, p=REASON_SHARES[reason])
            answers.extend(np.array([0, 7, 10])[category].tolist())
            agents.extend([agent] * size)
            reasons.extend([reason] * size)
    return answers, agents, reasons


def test_pure_mix_effect_is_removed() -> None:
    answers, agents, reasons = _equal_agents_different_mix(np.random.default_rng(2026))
    raw = breakdown(answers, agents)
    assert sum(bool(row.significant) for row in raw) >= 4  # the raw view flags several
    adjusted = case_mix(answers, agents, reasons)
    assert not any(row.significant for row in adjusted)
    assert max(abs(row.difference) for row in adjusted) < 8.0
    assert json.dumps(adjusted.to_dict(), allow_nan=False)


def test_expected_and_variance_by_hand() -> None:
    # ann: 2 how-to (10, 10), 1 outage (0); bob: 1 how-to (9), 2 outage (0, 7).
    answers = [10, 10, 0, 9, 0, 7]
    agents = ["ann", "ann", "ann", "bob", "bob", "bob"]
    reasons = ["h", "h", "o", "h", "o", "o"]
    result = case_mix(answers, agents, reasons)
    # Centre per stratum: how-to 3 promoters of 3 -> r = 1, v = 0;
    # outage: detractors 2, passive 1 of 3 -> r = -2/3, v = 2/3 - 4/9 = 2/9.
    ann = result["ann"]
    assert math.isclose(ann.observed, 100 * (2 - 1) / 3)
    assert math.isclose(ann.expected, 100 * (2 * 1 + 1 * (-2 / 3)) / 3)
    # Var = sum n_as v_s (1 - n_as/N_s) / n_a^2 = 1 * 2/9 * (1 - 1/3) / 9
    assert math.isclose(ann.standard_error, 100 * math.sqrt(2 / 9 * 2 / 3 / 9))
    assert math.isclose(ann.detractors_ratio, 1 / (1 * 2 / 3))
    assert math.isclose(result.centre, 100 * (3 - 2) / 6)
    assert math.isclose(ann.adjusted_nps, result.centre + ann.difference)


def test_cube_and_answers_agree() -> None:
    data = load_example()
    by_answers = case_mix(data["answer"], data["agent"], (data["queue"], data["channel"]))
    cube = tally_by(data["answer"], [data["agent"], data["queue"], data["channel"], data["date"]])
    by_cube = case_mix(cube, "key0", ["key1", "key2"])
    assert [r.expected for r in by_answers] == pytest.approx([r.expected for r in by_cube])
    named = case_mix("answer", "agent", ["queue", "channel"], data=data)
    assert named.unit_name == "agent"
    assert named.strata_names == ("queue", "channel")


@pytest.mark.slow
def test_size_under_a_pure_mix_effect() -> None:
    # Repeated pure-mix data sets: each agent's unadjusted p-value must fall
    # below 0.05 about 5% of the time (the variance accounts for the agent's
    # own answers in the centre). 400 data sets x 6 agents = 2400 tests; MC
    # error sqrt(0.05 * 0.95 / 2400) = 0.0044.
    rng = np.random.default_rng(7)
    rejections = tests = 0
    for _ in range(400):
        answers, agents, reasons = _equal_agents_different_mix(rng, per_agent=200)
        result = case_mix(answers, agents, reasons, p_adjust="none")
        rejections += sum(row.pvalue < 0.05 for row in result)
        tests += len(result)
    assert abs(rejections / tests - 0.05) < 4 * 0.0044
