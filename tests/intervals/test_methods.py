"""The interval method registry: one entry per name, and every dispatcher uses it."""

from __future__ import annotations

import inspect
from typing import get_args

import numpy as np
import pytest

import npskit
from npskit._intervals.methods import (
    DEFAULT_INTERVAL_METHOD,
    INTERVAL_METHODS,
    KernelOptions,
    interval_from_counts,
)
from npskit._planning.shared import PLANNING_METHODS
from npskit.typing import IntervalMethod, NpsTestMethod


def test_registry_and_literal_name_the_same_methods() -> None:
    assert list(INTERVAL_METHODS) == list(get_args(IntervalMethod))
    assert all(entry.citation for entry in INTERVAL_METHODS.values())


def test_tests_and_plans_come_from_the_registry() -> None:
    with_test = {name for name, entry in INTERVAL_METHODS.items() if entry.test is not None}
    assert with_test == set(get_args(NpsTestMethod))
    random = {name for name, entry in INTERVAL_METHODS.items() if entry.resamples}
    assert set(PLANNING_METHODS) == set(INTERVAL_METHODS) - random


_FIRST_ARGUMENT = {
    "confidence_interval": ([10, 9, 0, 7],),
    "margin_of_error": (100,),
    "sample_size": (5.0,),
}


def test_the_default_is_named_once_and_used_by_every_signature() -> None:
    for function in (npskit.confidence_interval, npskit.margin_of_error, npskit.sample_size):
        default = inspect.signature(function).parameters["interval_method"].default
        # None means the metric's default (issue 17), which for the NPS is this one.
        assert default in {DEFAULT_INTERVAL_METHOD, None}
        if default is None:
            assert function(*_FIRST_ARGUMENT[function.__name__]).interval_method == (
                DEFAULT_INTERVAL_METHOD
            )


@pytest.mark.parametrize("name", [n for n, e in INTERVAL_METHODS.items() if e.bounds_array])
def test_array_kernels_agree_with_the_scalar_ones(name: str) -> None:
    # Counts with every category empty in turn, fractional (weighted) counts too.
    counts = np.array([[3.0, 4.0, 5.0], [0.0, 2.0, 9.0], [7.0, 0.0, 0.0], [2.5, 1.25, 40.0]])
    entry = INTERVAL_METHODS[name]
    assert entry.bounds_array is not None
    low, high = entry.bounds_array(counts[:, 0], counts[:, 1], counts[:, 2], 0.025)
    for row, lo, hi in zip(counts, low, high, strict=True):
        ref = entry.bounds(row[0], row[1], row[2], 0.025, KernelOptions())
        assert (lo, hi) == pytest.approx(ref, abs=1e-12)


def test_interval_from_counts_dispatches_every_method() -> None:
    rng = np.random.default_rng(0)
    for name in INTERVAL_METHODS:
        low, high = interval_from_counts(
            20.0,
            30.0,
            50.0,
            confidence_level=0.95,
            interval_method=name,  # type: ignore[arg-type]
            options=KernelOptions(rng=rng, n_resamples=200),
        )
        assert -100.0 <= low < 30.0 < high <= 100.0
