"""Assembling a :class:`Trend` from period tallies (for ``trend`` and the command line)."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import numpy as np

from npskit._compare.methods import DEFAULT_COMPARE_METHOD
from npskit._core.errors import EmptyDataError
from npskit._core.tally import Tally
from npskit._intervals.methods import DEFAULT_INTERVAL_METHOD
from npskit.typing import CompareMethod, Frequency, IntervalMethod, PAdjustMethod

from .build import build_trend
from .calendar import merge_periods
from .options import TrendOptions, check_options
from .results import Trend
from .segmented import Builder

__all__ = ["build_from", "build_trend_of", "builder", "trend_from_tallies"]


def trend_from_tallies(
    keys: list[Any],
    tallies: list[Tally],
    *,
    freq: Frequency | None = None,
    compare_method: CompareMethod = DEFAULT_COMPARE_METHOD,
    confidence_level: float = 0.95,
    interval_method: IntervalMethod = DEFAULT_INTERVAL_METHOD,
    p_adjust: PAdjustMethod = "holm",
    rng: Any = None,
    n_resamples: int = 10_000,
) -> Trend:
    """:func:`trend` from tallies already counted per distinct period key.

    For the command line, which counts a CSV file chunk by chunk. ``None``
    or ``""`` is a missing period; tallies of equal keys add up. With
    ``freq`` the keys are dates (ISO 8601 text or date objects) and the
    tallies of keys in the same calendar period add up.

    Raises
    ------
    ValueError
        If ``freq`` is given and a key is not a date (the message quotes it).
    EmptyDataError
        If no answer has a period.
    """
    options = check_options(
        freq, compare_method, confidence_level, interval_method, p_adjust, rng, n_resamples
    )
    return build_from(keys, tallies, options)


def build_from(keys: list[Any], tallies: list[Tally], options: TrendOptions) -> Trend:
    labels, starts, merged, n_missing_period = merge_periods(keys, tallies, options.freq)
    return build_trend_of(labels, starts, merged, n_missing_period, options)


def build_trend_of(
    labels: list[Any],
    starts: list[_dt.date | None],
    tallies: list[Tally],
    n_missing_period: int,
    options: TrendOptions,
) -> Trend:
    if not any(t.n for t in tallies):
        raise EmptyDataError(
            "no answer has both a value and a period, so there is no trend to compute"
        )
    return build_trend(
        labels,
        starts,
        tallies,
        freq=options.freq,
        compare_method=options.compare_method,
        level=options.level,
        interval=options.interval,
        adjust=options.adjust,
        n_missing_period=n_missing_period,
        generator=options.generator,
        n_resamples=options.n_resamples,
    )


def builder(options: TrendOptions) -> Builder:
    def build(
        labels: list[Any],
        starts: list[_dt.date | None],
        tallies: list[Tally],
        n_missing_period: int,
        generator: np.random.Generator,
    ) -> Trend:
        chosen = options._replace(generator=generator)
        return build_trend_of(labels, starts, tallies, n_missing_period, chosen)

    return build
