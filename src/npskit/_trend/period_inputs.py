"""Checking the periods given to ``trend``: lengths, and the period column of a GroupedTally."""

from __future__ import annotations

from typing import Any

from npskit._core.grouped import GroupedTally
from npskit._core.tally import Tally

__all__ = ["check_lengths", "period_column"]


def check_lengths(scores: Any, periods: Any) -> None:
    try:
        n_scores, n_periods = len(scores), len(periods)
    except TypeError:
        return  # tally_by and the bucketing raise their own errors for these
    if n_scores != n_periods:
        raise ValueError(
            f"periods must give one period per answer: got {n_scores} answers and "
            f"{n_periods} periods"
        )


def period_column(grouped: GroupedTally, period: str | None) -> tuple[list[Any], list[Tally]]:
    """Each period's value and tally, summed over the other key columns."""
    if period is None:
        if len(grouped.names) != 1:
            raise TypeError(
                f"period must name the period column of a GroupedTally with several key "
                f"columns, got none; its key columns are {grouped.names!r}"
            )
        position = 0
    elif period not in grouped.names:
        raise ValueError(
            f"period must be a key column of the GroupedTally, got {period!r}; its key "
            f"columns are {grouped.names!r}"
        )
    else:
        others = [name for name in grouped.names if name != period]
        if others:
            grouped = grouped.sum_over(*others)
        position = 0
    return [key[position] for key in grouped.keys], list(grouped.tallies)
