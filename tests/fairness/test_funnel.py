"""funnel: limits and overdispersion against the documented formulas, computed independently."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy.stats import norm

from npskit import Tally, case_mix, funnel, load_example, tally_by


def _units() -> dict[str, Tally]:
    return {
        "a": Tally(detractors=10, passives=20, promoters=70),
        "b": Tally(detractors=40, passives=20, promoters=40),
        "c": Tally(detractors=100, passives=150, promoters=250),
        "d": Tally(detractors=5, passives=5, promoters=10),
        "e": Tally(detractors=300, passives=200, promoters=500),
        "f": Tally(detractors=30, passives=30, promoters=40),
    }


def _grouped() -> object:
    from npskit import GroupedTally

    return GroupedTally.from_tallies(_units(), names=["agent"])


def test_limits_are_spiegelhalters() -> None:
    result = funnel(_grouped(), "agent")
    units = _units()
    d = sum(t.detractors for t in units.values())
    p = sum(t.promoters for t in units.values())
    n = sum(t.n for t in units.values())
    theta = (p - d) / n
    sd = math.sqrt(p / n + d / n - theta**2)
    assert math.isclose(result.centre, 100 * theta)
    for key, t in units.items():
        row = result[key]
        for level, low, high in ((0.95, row.inner_low, row.inner_high),
                                 (0.998, row.outer_low, row.outer_high)):  # fmt: skip
            half = norm.ppf(1 - (1 - level) / 2) * 100 * sd / math.sqrt(t.n)
            assert math.isclose(high, min(100, 100 * theta + half))
            assert math.isclose(low, max(-100, 100 * theta - half))
    assert json.dumps(result.to_dict(), allow_nan=False)


def test_overdispersion_phi_and_tau2_by_hand() -> None:
    units = _units()
    result = funnel(_grouped(), "agent", overdispersion="additive")
    d = sum(t.detractors for t in units.values())
    p = sum(t.promoters for t in units.values())
    n = sum(t.n for t in units.values())
    theta = (p - d) / n
    sd = math.sqrt(p / n + d / n - theta**2)
    se = {k: sd / math.sqrt(t.n) for k, t in units.items()}
    z = sorted(((t.promoters - t.detractors) / t.n - theta) / se[k] for k, t in units.items())
    # type-7 10% and 90% quantiles of six values: positions 0.5 and 4.5
    low, high = (z[0] + z[1]) / 2, (z[4] + z[5]) / 2
    phi = sum(min(max(v, low), high) ** 2 for v in z) / 6
    w = [1 / s**2 for s in se.values()]
    tau2 = max(0.0, (6 * phi - 5) / (sum(w) - sum(x * x for x in w) / sum(w)))
    assert math.isclose(result.phi, phi)
    assert math.isclose(result.tau2, 100**2 * tau2, rel_tol=1e-9)
    row = result["e"]
    half = norm.ppf(0.999) * math.sqrt((100 * se["e"]) ** 2 + 100**2 * tau2)
    assert math.isclose(row.outer_high, 100 * theta + half)
    wide = funnel(_grouped(), "agent", overdispersion="multiplicative")
    half = norm.ppf(0.999) * math.sqrt(phi) * 100 * se["e"]
    assert math.isclose(wide["e"].outer_high, 100 * theta + half)


def test_overdispersion_flags_fewer_units_on_the_example() -> None:
    data = load_example()
    plain = funnel(data["answer"], data["agent"])
    additive = funnel(data["answer"], data["agent"], overdispersion="additive")
    assert plain.phi > 1
    assert additive.n_flagged <= plain.n_flagged


def test_adjusted_funnel_uses_case_mix() -> None:
    data = load_example()
    mix = case_mix(data["answer"], data["agent"], data["queue"])
    result = funnel(mix)
    assert result.adjusted
    assert result["A09"].nps == pytest.approx(mix["A09"].adjusted_nps)
    assert result["A09"].standard_error == pytest.approx(mix["A09"].standard_error)
    cube = tally_by(data["answer"], [data["agent"], data["queue"]])
    assert funnel(cube, "key0").centre == pytest.approx(mix.centre)
    low, high = result.limits(np.array([10.0, 1000.0]), 0.998)
    assert high[0] > high[1] > result.centre > low[1] > low[0]


def test_bad_options() -> None:
    with pytest.raises(ValueError, match="overdispersion"):
        funnel(_grouped(), "agent", overdispersion="both")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="winsorise"):
        funnel(_grouped(), "agent", winsorise=0.6)
