"""Rows of a driver analysis: importances, intervals, ranks, performance; dominance."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._stats.relative_importance import (
    complete_dominance,
    conditional_dominance,
    dominance_from_statistics,
)

from .importance import Fit
from .results import Dominance, DriverRow

__all__ = ["dominance_of", "driver_rows", "percentile"]

FloatArray = npt.NDArray[np.float64]


def percentile(values: FloatArray, level: float) -> tuple[float, float]:
    tail = (1.0 - level) / 2.0
    finite = values[np.isfinite(values)]
    if len(finite) == 0:
        return (np.nan, np.nan)
    low, high = np.quantile(finite, [tail, 1.0 - tail])
    return float(low), float(high)


def _ranks(importance: FloatArray) -> npt.NDArray[np.int64]:
    """1 for the largest importance (along the last axis)."""
    order = np.argsort(-importance, axis=-1, kind="stable")
    ranks: npt.NDArray[np.int64] = np.argsort(order, axis=-1, kind="stable") + 1
    return ranks


def driver_rows(
    names: tuple[str, ...],
    fit: Fit,
    boot: FloatArray | None,
    level: float,
    x: FloatArray | None,
    w: FloatArray | None,
    missing_per_driver: npt.NDArray[Any],
) -> tuple[DriverRow, ...]:
    ranks = _ranks(fit.importance)
    usable = None if boot is None or len(boot) == 0 else boot[np.all(np.isfinite(boot), axis=1)]
    boot_ranks = None if usable is None or len(usable) == 0 else _ranks(usable)
    tail = (1.0 - level) / 2.0
    rows = []
    for j, name in enumerate(names):
        low, high = (np.nan, np.nan) if usable is None else percentile(usable[:, j], level)
        rank_low = rank_high = None
        if boot_ranks is not None:
            bounds = np.quantile(boot_ranks[:, j], [tail, 1 - tail], method="inverted_cdf")
            rank_low, rank_high = int(bounds[0]), int(bounds[1])
        mean = top = top_value = np.nan
        if x is not None and w is not None:
            top_value = float(np.max(x[:, j]))
            mean = float(w @ x[:, j] / w.sum())
            top = float(w @ (x[:, j] == top_value) / w.sum())
        sign = 1 if fit.correlation[j] >= 0 else -1
        rows.append(
            DriverRow(
                driver=name,
                importance=float(fit.importance[j]),
                importance_share=float(fit.importance[j] / fit.total) if fit.total else np.nan,
                low=low,
                high=high,
                rank=int(ranks[j]),
                rank_low=rank_low,
                rank_high=rank_high,
                correlation=float(fit.correlation[j]),
                beta=float(fit.beta[j]),
                sign=sign,
                suppressor=bool(fit.beta[j] * sign < 0),
                mean=mean,
                top_box=top,
                top_box_value=top_value,
                n_missing=int(missing_per_driver[j]),
            )
        )
    return tuple(sorted(rows, key=lambda row: row.rank))


def dominance_of(names: tuple[str, ...], fit: Fit) -> Dominance:
    subsets = fit.subsets if fit.subsets is not None else np.zeros(1 << len(names))
    p = len(names)
    statistics = conditional_dominance(subsets, p)

    def nested(matrix: FloatArray) -> tuple[tuple[float | None, ...], ...]:
        return tuple(tuple(None if np.isnan(v) else float(v) for v in line) for line in matrix)

    return Dominance(
        drivers=names,
        complete=nested(complete_dominance(subsets, p)),
        conditional=nested(dominance_from_statistics(statistics)),
        statistics=tuple(tuple(float(v) for v in line) for line in statistics),
        general=tuple(float(v) for v in statistics.mean(axis=1)),
    )
