"""What margin-of-error and sample-size planning share: shares, the margin, the search.

Both :func:`npskit.margin_of_error` and :func:`npskit.sample_size` evaluate
the interval a method actually gives at counts ``n * (d, s, p)`` for expected
shares ``(d, s, p)``, through the same kernel as
:func:`npskit.confidence_interval` (:func:`npskit._intervals.methods.interval_from_counts`).
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from npskit._core.errors import one_tally_needed
from npskit._core.grouped import GroupedTally
from npskit._core.tally import Shares, Tally
from npskit._core.validation import check_choice, check_positive_int
from npskit._core.warnings import DegenerateSampleWarning, InputWarning
from npskit._intervals.methods import INTERVAL_METHODS, interval_from_counts
from npskit._stats.normal import z_quantile
from npskit.typing import IntervalMethod

__all__ = [
    "MAX_SAMPLE_SIZE",
    "PLANNING_METHODS",
    "WORST_CASE",
    "check_margin",
    "check_planning_method",
    "check_planning_population",
    "check_shares",
    "conditions",
    "expected_shares",
    "planned_margin",
    "smallest_size",
    "wald_guess",
    "warn_if_degenerate",
]

PLANNING_METHODS: tuple[IntervalMethod, ...] = tuple(
    name  # type: ignore[misc]
    for name, entry in INTERVAL_METHODS.items()
    if not entry.resamples
)
"""The interval methods a plan can be made for: all but the (random) resampling ones."""

WORST_CASE = Shares(0.5, 0.0, 0.5)
"""Expected shares when none are given: half detractors, half promoters, no passives.

One answer's score then has the largest possible variance, 1 (as a share),
and every planning method its widest interval (checked on a grid of shares in
``tests/planning/test_margin.py``).
"""

MAX_SAMPLE_SIZE = 10**15
"""Largest sample size :func:`npskit.sample_size` searches up to (without ``population``)."""


def conditions(result: Any) -> str:
    """The options of a plan in words (level, method, shares, population)."""
    level = f"{100 * result.confidence_level:g}%"
    if result.worst_case:
        shares = "worst case"
    else:
        d, s, p = (f"{100 * v:g}%" for v in result.expected)
        shares = f"expected {d} detractors, {s} passives, {p} promoters"
    text = f"{level}, {result.interval_method}, {shares}"
    if result.population is not None:
        text += f", population {result.population}"
    return text


def planned_margin(
    n: int, shares: Shares, level: float, interval_method: IntervalMethod, population: int | None
) -> float:
    """Half the width of the two-sided interval at counts ``n * shares``, in points."""
    size = float(n)
    if population is not None:
        if n >= population:  # a census: no sampling error
            return 0.0
        size *= (population - 1) / (population - n)
    entry = INTERVAL_METHODS[interval_method]
    if entry.collapses_when_degenerate and max(shares) == 1.0:
        return 0.0  # zero width; the public functions warned once
    low, high = interval_from_counts(
        size * shares.detractors,
        size * shares.passives,
        size * shares.promoters,
        confidence_level=level,
        interval_method=interval_method,
        warn=False,
    )
    return 0.5 * (high - low)


def wald_guess(shares: Shares, level: float, target: float, population: int | None) -> int:
    """The Wald sample size in closed form (Cochran's with a population), at least 1."""
    z = z_quantile(0.5 - 0.5 * level)
    d, _, p = shares
    variance = max(p + d - (p - d) ** 2, 1e-6)  # a start only: one-category shares
    n0 = z * z * variance / (target / 100.0) ** 2
    if population is not None:
        n0 = population * n0 / (n0 + population - 1)
    return max(1, min(math.ceil(n0), MAX_SAMPLE_SIZE))


def smallest_size(margin_at: Callable[[int], float], target: float, guess: int, limit: int) -> int:
    """``n`` in ``[1, limit]`` with ``margin_at(n) <= target < margin_at(n - 1)``.

    ``margin_at(limit) <= target`` is not assumed: without a population the
    search stops at ``limit`` with an error.
    """
    hi = min(guess, limit)
    if margin_at(hi) <= target:
        if hi == 1 or margin_at(hi - 1) > target:
            return hi
        lo = hi - 1
        while True:  # halve until the margin is above the target (or n = 1 meets it)
            hi, lo = lo, max(1, lo // 2)
            if margin_at(lo) > target:
                break
            if lo == 1:
                return 1
    else:
        lo = hi
        while True:  # double until the margin meets the target
            if lo >= limit:
                raise ValueError(
                    f"no sample size up to {limit} answers reaches margin={target!r} points; "
                    "ask for a wider margin"
                )
            hi = min(limit, 2 * lo)
            if margin_at(hi) <= target:
                break
            lo = hi
    while hi - lo > 1:
        middle = (lo + hi) // 2
        if margin_at(middle) <= target:
            hi = middle
        else:
            lo = middle
    return hi


def check_planning_method(interval_method: object) -> IntervalMethod:
    """Return a method a plan can be made for, else raise (bootstrap widths are random)."""
    entry = INTERVAL_METHODS.get(interval_method) if isinstance(interval_method, str) else None
    if entry is not None and entry.resamples:
        allowed = ", ".join(repr(m) for m in PLANNING_METHODS)
        raise ValueError(
            f"interval_method must be one of {allowed}; got {interval_method!r}: a resampling "
            "interval's width is random, plan with 'wald' (which the percentile bootstrap "
            "approximates) instead"
        )
    chosen: IntervalMethod = check_choice("interval_method", interval_method, PLANNING_METHODS)
    return chosen


def check_margin(margin: object) -> float:
    """Return a valid target margin (points, strictly between 0 and 100), else raise."""
    if isinstance(margin, bool) or not isinstance(margin, numbers.Real):
        raise TypeError(f"margin must be a number of points, got {margin!r}")
    value = float(margin)
    if not (math.isfinite(value) and 0.0 < value < 100.0):
        raise ValueError(
            f"margin must be strictly between 0 and 100 points (half the interval's width, "
            f"which is at most 100), got {margin!r}"
        )
    if value < 1.0:
        warnings.warn(
            f"margin={margin!r} is in NPS points (-100..100), so this plans for a margin of "
            f"{value:g} points; for a margin of {100 * value:g} points pass margin={100 * value:g}",
            InputWarning,
            stacklevel=3,
        )
    return value


def check_planning_population(population: object, n: int) -> int | None:
    """Return a valid population (None for none), at least ``n``, else raise."""
    if population is None:
        return None
    universe = check_positive_int("population", population)
    if universe < n:
        raise ValueError(f"population must be at least n ({n}), got {population!r}")
    return universe


def check_shares(name: str, value: object) -> Shares:
    """Shares (detractors, passives, promoters) from a Tally or three numbers adding up to 1."""
    if isinstance(value, GroupedTally):
        raise TypeError(one_tally_needed(name))
    if isinstance(value, Tally):
        if value.weight_sum <= 0:
            raise ValueError(f"{name} must be a Tally with answers, got {value!r}")
        return value.shares
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(
            f"{name} must be a Tally or three shares (detractors, passives, promoters), "
            f"got {value!r}"
        )
    if len(value) != 3 or not all(
        isinstance(v, numbers.Real) and not isinstance(v, bool) for v in value
    ):
        raise TypeError(
            f"{name} must hold three shares (detractors, passives, promoters), got {value!r}"
        )
    values = [float(v) for v in value]
    if not all(math.isfinite(v) and v >= 0.0 for v in values) or abs(sum(values) - 1.0) > 1e-9:
        raise ValueError(
            f"{name} must be three non-negative shares (detractors, passives, promoters) "
            f"that add up to 1, got {value!r}"
        )
    total = sum(values)
    return Shares(values[0] / total, values[1] / total, values[2] / total)


def expected_shares(expected: object) -> tuple[Shares, bool]:
    """The expected shares and whether they are the worst case."""
    if expected is None:
        return WORST_CASE, True
    return check_shares("expected", expected), False


def warn_if_degenerate(interval_method: IntervalMethod, shares: Shares) -> None:
    """Warn when ``interval_method`` collapses at these shares (every answer in one category)."""
    if INTERVAL_METHODS[interval_method].collapses_when_degenerate and max(shares) == 1.0:
        warnings.warn(
            "the expected shares put every answer in one category, so the "
            f"{interval_method!r} interval has zero width at any n; plan with "
            "interval_method='adjusted-wald' or 'tango' instead",
            DegenerateSampleWarning,
            stacklevel=3,
        )
