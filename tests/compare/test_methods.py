"""The comparison registries (independent and paired) and the prior rule."""

from __future__ import annotations

import dataclasses
import inspect
import json
from typing import get_args

import pytest

import npskit
from npskit import Tally
from npskit._compare.methods import COMPARE_METHODS, DEFAULT_COMPARE_METHOD
from npskit._compare.paired_methods import DEFAULT_PAIRED_METHOD, PAIRED_METHODS
from npskit.typing import CompareMethod, PairedMethod, PowerMethod

BEFORE = Tally(detractors=10, passives=27, promoters=50)
AFTER = Tally(detractors=15, passives=27, promoters=52)


def test_registries_and_literals_name_the_same_methods() -> None:
    assert list(COMPARE_METHODS) == list(get_args(CompareMethod))
    assert list(PAIRED_METHODS) == list(get_args(PairedMethod))
    with_grid = {name for name, entry in COMPARE_METHODS.items() if entry.grid is not None}
    assert with_grid == set(get_args(PowerMethod))
    assert DEFAULT_PAIRED_METHOD in PAIRED_METHODS


def test_the_compare_default_is_named_once() -> None:
    for function in (npskit.power, npskit.sample_size_compare):
        default = inspect.signature(function).parameters["compare_method"].default
        assert default == DEFAULT_COMPARE_METHOD
    assert npskit.compare(BEFORE, AFTER).compare_method == DEFAULT_COMPARE_METHOD


def test_a_prior_is_never_silently_ignored() -> None:
    with pytest.raises(ValueError, match="paired"):
        npskit.compare([9, 10, 3], [10, 10, 6], paired=True, prior=1.0)
    with pytest.raises(ValueError, match="compare_method='mover' does not use it"):
        npskit.compare(BEFORE, AFTER, prior=1.0)
    with pytest.raises(ValueError, match="interval_method='tango' does not use it"):
        npskit.confidence_interval(BEFORE, interval_method="tango", prior=1.0)
    # None means Jeffreys' 0.5 for the Bayesian methods.
    default = npskit.compare(BEFORE, AFTER, compare_method="bayes")
    jeffreys = npskit.compare(BEFORE, AFTER, compare_method="bayes", prior=0.5)
    assert default == jeffreys
    uniform = npskit.compare(BEFORE, AFTER, compare_method="bayes", prior=1.0)
    assert uniform.low != default.low


def test_every_interval_unpacks() -> None:
    results = [
        npskit.confidence_interval(BEFORE),
        npskit.compare(BEFORE, AFTER),
        npskit.compare([9, 10, 3, 7, 5], [10, 6, 6, 9, 9], paired=True),
    ]
    for result in results:
        low, high = result.confidence_interval
        assert (low, high) == (result.low, result.high)
        assert isinstance(result.confidence_interval, npskit.Interval)


def test_power_and_sample_size_compare_are_results() -> None:
    power = npskit.power((0.2, 0.3, 0.5), difference=-20, n_baseline=100)
    plan = npskit.sample_size_compare(-20, expected=(0.2, 0.3, 0.5))
    assert isinstance(power, npskit.Power)
    assert isinstance(plan, npskit.SampleSizeComparison)
    assert power.exact
    assert power.compare_method == "mover"
    assert power.n_current == 100
    assert power.difference == pytest.approx(-20.0)
    assert (
        plan.power
        >= plan.target
        == 0.8
        > npskit.power((0.2, 0.3, 0.5), difference=-20, n_baseline=plan.n - 1).power
    )
    for result in (power, plan):
        json.dumps(result.to_dict(), allow_nan=False)
        assert "mover" in str(result)
        with pytest.raises(dataclasses.FrozenInstanceError):
            result.compare_method = "wald"  # type: ignore[misc]
