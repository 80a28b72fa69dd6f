"""Pairing answers, keys and weights: pandas objects with different indexes are refused."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .keys import library

__all__ = ["check_same_index"]


def plain(value: object) -> object:
    """A numpy scalar as the Python value it holds (for messages)."""
    return value.item() if isinstance(value, np.generic) else value


def check_same_index(named: Sequence[tuple[str, object]]) -> None:
    """Refuse pandas objects whose indexes differ, instead of pairing them by position.

    npskit pairs answers, weights and keys by position. pandas users expect
    pairing by label, so when two of the inputs are pandas objects with
    different indexes the pairing would be silently wrong either way: raise,
    and say how to make the intent explicit.
    """
    first: tuple[str, Any] | None = None
    for name, value in named:
        if library(value) != "pandas" or not hasattr(value, "index"):
            continue
        if first is None:
            first = (name, value.index)
            continue
        index = value.index
        if first[1].equals(index):
            continue
        where = ""
        if len(index) != len(first[1]):
            where = f"{len(first[1])} labels against {len(index)}"
        else:
            differ = np.flatnonzero(np.asarray(first[1] != index))
            if len(differ):
                k = int(differ[0])
                where = (
                    f"first difference at position {k}: label {plain(first[1][k])!r} "
                    f"against {plain(index[k])!r}"
                )
            else:
                where = "same labels, different index types"
        raise ValueError(
            f"{first[0]} and {name} are pandas objects with different indexes ({where}); "
            "npskit pairs values by position, so align them first, for example "
            f"{name}.reindex({first[0]}.index), or pass .to_numpy() of each to pair by "
            "position"
        )
