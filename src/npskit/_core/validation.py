"""One shared validator for scalar options, so every function words errors alike."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any, TypeVar

import numpy as np

__all__ = [
    "MAX_RESAMPLES",
    "MIN_BCA_RESAMPLES",
    "check_choice",
    "check_confidence_level",
    "check_n_resamples",
    "check_positive_int",
    "check_probability",
    "check_rng",
]

T = TypeVar("T")

MAX_RESAMPLES = 10_000_000
"""Most resamples (or permutations) any function accepts: 10^7 resamples cost
seconds and some 100 MB per segment, a bound a service can rely on."""

MIN_BCA_RESAMPLES = 500
"""Fewest resamples ``bootstrap-bca`` accepts. Its bias correction is the normal
quantile of the share of resamples below the estimate; with ``B`` resamples that
share has a standard error of about ``0.5 / sqrt(B)``, which moves the interval
by about ``1.25 / sqrt(B)`` standard errors of the estimate: 6% of a 95%
half-width at 500, 40% at 10 (where the interval sat around the wrong centre).
Efron and Tibshirani (1993, sec. 14.3) recommend 1000 or more."""

# Upper bounds of integer options, by name: one table of the limits a service
# can rely on (docs/input-rules.md lists them).
_MAXIMA = {"n_resamples": MAX_RESAMPLES}


def check_choice(name: str, value: object, options: Sequence[T]) -> T:
    """Return ``value`` if it is one of ``options`` (matched exactly), else raise.

    Raises
    ------
    ValueError
        Naming the parameter, the value and the allowed options.
    """
    for option in options:
        if value == option and type(value) is type(option):
            return option
    allowed = ", ".join(repr(option) for option in options)
    raise ValueError(f"{name} must be one of {allowed}; got {value!r}")


def check_probability(name: str, value: object) -> float:
    """Return ``value`` as a float strictly between 0 and 1, else raise."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number between 0 and 1, got {value!r}")
    number = float(value)
    if not (math.isfinite(number) and 0 < number < 1):
        raise ValueError(f"{name} must be strictly between 0 and 1, got {value!r}")
    return number


def check_confidence_level(value: object) -> float:
    """Return a valid ``confidence_level`` (strictly between 0 and 1), else raise."""
    return check_probability("confidence_level", value)


def check_positive_int(name: str, value: Any, *, minimum: int = 1) -> int:
    """Return ``value`` as an int no smaller than ``minimum``, else raise."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    number = int(value)
    if number < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    maximum = _MAXIMA.get(name)
    if maximum is not None and number > maximum:
        raise ValueError(
            f"{name} must be <= {maximum:,}, got {number:,}; the limit keeps the cost of "
            "one call bounded (docs/input-rules.md)"
        )
    return number


def check_n_resamples(value: Any, *, method: str | None = None) -> int:
    """Return a valid ``n_resamples``: 1..``MAX_RESAMPLES``, at least ``MIN_BCA_RESAMPLES`` for BCa.

    Examples
    --------
    >>> check_n_resamples(10, method="bootstrap-bca")
    Traceback (most recent call last):
    ...
    ValueError: bootstrap-bca needs n_resamples >= 500 for its bias correction, got 10
    """
    number = check_positive_int("n_resamples", value)
    if method == "bootstrap-bca" and number < MIN_BCA_RESAMPLES:
        raise ValueError(
            f"bootstrap-bca needs n_resamples >= {MIN_BCA_RESAMPLES} for its bias "
            f"correction, got {number}"
        )
    return number


def check_rng(rng: object) -> np.random.Generator:
    """Return ``rng`` as a numpy Generator, else raise.

    Accepts None (fresh OS entropy), an int seed >= 0 (the same results run
    after run), a :class:`numpy.random.SeedSequence` or a
    :class:`numpy.random.Generator` (used as it is, not copied).

    Raises
    ------
    TypeError
        For anything else (a string, a float, a bool, a legacy RandomState).
    ValueError
        For a negative seed.

    Examples
    --------
    >>> import numpy as np
    >>> check_rng(7).integers(100) == np.random.default_rng(7).integers(100)
    np.True_
    >>> check_rng(-1)
    Traceback (most recent call last):
    ...
    ValueError: rng must be a seed >= 0, got -1
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, np.random.SeedSequence):
        return np.random.default_rng(rng)
    if isinstance(rng, numbers.Integral) and not isinstance(rng, (bool, np.bool_)):
        if int(rng) < 0:
            raise ValueError(f"rng must be a seed >= 0, got {rng!r}")
        return np.random.default_rng(int(rng))
    raise TypeError(
        "rng must be None, an int seed >= 0, a numpy.random.SeedSequence or a "
        f"numpy.random.Generator, got {rng!r}"
    )
