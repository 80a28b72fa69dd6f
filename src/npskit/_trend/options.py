"""The options of a trend, checked once at the door: ``TrendOptions``, ``check_options``."""

from __future__ import annotations

from typing import NamedTuple, get_args

import numpy as np

from npskit._core.validation import (
    check_choice,
    check_confidence_level,
    check_positive_int,
    check_rng,
)
from npskit.typing import CompareMethod, Frequency, IntervalMethod, PAdjustMethod

__all__ = ["TrendOptions", "check_options"]


class TrendOptions(NamedTuple):
    """The validated options of a trend."""

    freq: Frequency | None
    compare_method: CompareMethod
    level: float
    interval: IntervalMethod
    adjust: PAdjustMethod
    generator: np.random.Generator
    n_resamples: int


def check_options(
    freq: object,
    compare_method: object,
    confidence_level: object,
    interval_method: object,
    p_adjust: object,
    rng: object,
    n_resamples: object,
) -> TrendOptions:
    """Every option of :func:`npskit.trend` and ``trend_from_tallies``, checked once."""
    return TrendOptions(
        freq=None if freq is None else check_choice("freq", freq, get_args(Frequency)),
        compare_method=check_choice("compare_method", compare_method, get_args(CompareMethod)),
        level=check_confidence_level(confidence_level),
        interval=check_choice("interval_method", interval_method, get_args(IntervalMethod)),
        adjust=check_choice("p_adjust", p_adjust, get_args(PAdjustMethod)),
        generator=check_rng(rng),
        n_resamples=check_positive_int("n_resamples", n_resamples),
    )
