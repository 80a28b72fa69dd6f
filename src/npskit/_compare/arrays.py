"""Two-sample comparisons of many segments at once, on arrays of counts.

:func:`npskit.breakdown` compares every segment with the rest of the
population. The methods whose entry in
:data:`npskit._compare.methods.COMPARE_METHODS` has a row-wise kernel (Wald,
adjusted Wald, MOVER) run on whole arrays, with the same kernels as
:func:`npskit.compare`; the others loop over the rows through the registry,
each row with its own random stream when the method resamples.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._compare.methods import COMPARE_METHODS, CompareOptions, outcome_lean
from npskit._core.validation import check_rng
from npskit._stats.consistency import consistent_pvalue, contain_estimate
from npskit._stats.normal import normal_pvalue
from npskit.typing import CompareMethod

__all__ = ["compare_arrays"]

Floats = npt.NDArray[np.float64]


def compare_arrays(
    baseline: Floats,
    current: Floats,
    *,
    compare_method: CompareMethod,
    confidence_level: float,
    rng: Any = None,
    n_resamples: int = 10_000,
    prior: float = 0.5,
) -> tuple[Floats, Floats, Floats, Floats]:
    """Two-sided comparison ``current - baseline`` of every row, in points.

    ``baseline`` and ``current`` are ``(rows, 3)`` effective counts. Returns
    ``(low, high, statistic, pvalue)``; the difference itself is the caller's
    (it is the plain difference of the two NPS). Rows where either side has
    no answers get NaN. Intervals are moved out to contain the difference
    and p-values never point away from it
    (:mod:`npskit._stats.consistency`). A resampling method gets one independent stream per
    row, spawned from ``rng``.
    """
    entry = COMPARE_METHODS[compare_method]
    rows = len(baseline)
    low, high, statistic, pvalue = (np.full(rows, np.nan) for _ in range(4))
    ok = (baseline.sum(axis=1) > 0) & (current.sum(axis=1) > 0)
    if not ok.any():
        return low, high, statistic, pvalue
    b, c = baseline[ok], current[ok]
    difference = (c[:, 2] - c[:, 0]) / c.sum(axis=1) - (b[:, 2] - b[:, 0]) / b.sum(axis=1)
    alpha = (1.0 - confidence_level) / 2.0
    if entry.rows is not None:
        lower, upper, z = entry.rows(b, c, alpha)
        lower, upper = contain_estimate(lower, upper, difference)
        low[ok] = 100.0 * np.clip(lower, -2.0, 2.0)
        high[ok] = 100.0 * np.clip(upper, -2.0, 2.0)
        statistic[ok] = z
        pvalue[ok] = consistent_pvalue(normal_pvalue(z, "two-sided"), difference, z, "two-sided")
        return low, high, statistic, pvalue
    indices = np.flatnonzero(ok).tolist()
    streams: list[np.random.Generator | None] = [None] * len(indices)
    if entry.resamples:
        streams = list(check_rng(rng).spawn(len(indices)))
    scale = 100.0 if entry.statistic_in_points else 1.0
    rows_data = zip(indices, b.tolist(), c.tolist(), difference.tolist(), streams, strict=True)
    for i, b_row, c_row, estimate, stream in rows_data:
        outcome = entry.kernel(
            (b_row[0], b_row[1], b_row[2]),
            (c_row[0], c_row[1], c_row[2]),
            alpha,
            "two-sided",
            CompareOptions(n_resamples=n_resamples, rng=stream, prior=prior),
        )
        lower_i, upper_i = contain_estimate(outcome.low, outcome.high, estimate)
        low[i] = 100.0 * min(max(lower_i, -2.0), 2.0)
        high[i] = 100.0 * min(max(upper_i, -2.0), 2.0)
        statistic[i] = outcome.statistic * scale
        pvalue[i] = consistent_pvalue(outcome.pvalue, estimate, outcome_lean(outcome), "two-sided")
    return low, high, statistic, pvalue
