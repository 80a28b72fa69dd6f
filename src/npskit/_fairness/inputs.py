"""Counts per unit and stratum, from answers or from a GroupedTally cube."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from npskit._core.grouped import GroupedTally
from npskit._core.scale import STANDARD_SCALE, Scale
from npskit._counting.tally_by import tally_by
from npskit._intervals.arrays import effective_arrays
from npskit.typing import NanPolicy

__all__ = ["UnitCube", "unit_cube"]


class UnitCube(NamedTuple):
    """Effective counts ``cells[unit, stratum, category]`` and the keys along each axis."""

    unit_name: str
    strata_names: tuple[str, ...]
    units: list[Any]
    strata: list[tuple[Any, ...]]
    cells: npt.NDArray[np.float64]
    answers: npt.NDArray[np.int64]


def unit_cube(
    scores: Any,
    units: Any,
    strata: Any,
    *,
    data: Any,
    weights: Any,
    scale: Scale = STANDARD_SCALE,
    nan_policy: NanPolicy = "omit",
) -> UnitCube:
    """Arrange counts by unit and stratum (every stratum column together is one axis).

    With a GroupedTally, ``units`` names its unit column and ``strata`` its
    stratum columns (default: all the others). With answers, ``units`` and
    ``strata`` are arrays or, with ``data``, column names; several strata
    columns are given as a tuple (or a list of column names). ``strata=()``
    means none: one stratum, other columns summed over.
    """
    no_strata = isinstance(strata, tuple) and not strata
    if isinstance(scores, GroupedTally):
        grouped = scores
        if not isinstance(units, str) or units not in grouped.names:
            raise ValueError(
                f"units must name a key column of the GroupedTally, got {units!r}; its "
                f"columns are {grouped.names!r}"
            )
        unit_name = units
        if strata is None:
            strata_names = tuple(name for name in grouped.names if name != units)
        elif no_strata:
            strata_names = ()
        else:
            strata_names = (strata,) if isinstance(strata, str) else tuple(strata)
        unknown = [n for n in strata_names if n not in grouped.names or n == units]
        if unknown or (not strata_names and not no_strata):
            raise ValueError(
                f"strata must name key columns of the GroupedTally other than {units!r}, got "
                f"{strata!r}; its columns are {grouped.names!r}"
            )
        extra = [n for n in grouped.names if n != units and n not in strata_names]
        if extra:
            grouped = grouped.sum_over(*extra)
    else:
        if units is None or strata is None:
            raise TypeError("units and strata are required with answers")
        columns = [] if no_strata else _strata_columns(strata, data)
        keys = [units, *columns]
        grouped = tally_by(
            scores, keys, data=data, weights=weights, scale=scale, nan_policy=nan_policy
        )
        unit_name = units if isinstance(units, str) else "unit"
        strata_names = tuple(
            c if isinstance(c, str) else ("stratum" if len(columns) == 1 else f"stratum{i}")
            for i, c in enumerate(columns)
        )
        grouped = GroupedTally.from_arrays(
            (unit_name, *strata_names),
            grouped.keys,
            grouped.counts,
            grouped.n_missing,
            grouped.responses,
            grouped.squared_weights,
        )
    position = grouped.names.index(unit_name)
    others = [grouped.names.index(n) for n in strata_names]
    unit_index: dict[Any, int] = {}
    stratum_index: dict[tuple[Any, ...], int] = {}
    rows = []
    for key in grouped.keys:
        u = unit_index.setdefault(key[position], len(unit_index))
        s = stratum_index.setdefault(tuple(key[i] for i in others), len(stratum_index))
        rows.append((u, s))
    effective = effective_arrays(grouped.counts, grouped.squared_weights)
    cells = np.zeros((len(unit_index), len(stratum_index), 3))
    answers = np.zeros(len(unit_index), dtype=np.int64)
    for (u, s), counts, n in zip(rows, effective, grouped.responses, strict=True):
        cells[u, s] += counts
        answers[u] += int(n)
    return UnitCube(unit_name, strata_names, list(unit_index), list(stratum_index), cells, answers)


def _strata_columns(strata: Any, data: Any) -> list[Any]:
    if isinstance(strata, tuple):
        return list(strata)
    if (
        isinstance(strata, list)
        and data is not None
        and strata
        and all(isinstance(x, str) for x in strata)
    ):
        return list(strata)
    if (
        isinstance(strata, Sequence)
        and not isinstance(strata, str)
        and strata
        and all(isinstance(x, (list, np.ndarray)) for x in strata)
    ):
        return list(strata)
    return [strata]
