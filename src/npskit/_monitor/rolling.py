"""``rolling``: NPS over rolling windows of days, and changes between windows that overlap."""

from __future__ import annotations

import datetime as _dt
import math
import numbers
import re
from typing import Any, get_args

import numpy as np
import numpy.typing as npt

from npskit._core.scale import STANDARD_SCALE, Scale
from npskit._core.validation import check_choice, check_confidence_level
from npskit._intervals.arrays import effective_arrays, interval_arrays
from npskit._intervals.methods import DEFAULT_INTERVAL_METHOD
from npskit._stats.multiplicity import adjust_pvalues
from npskit._stats.net_variance import overlap_difference_variance
from npskit._stats.normal import normal_pvalue, tail_probability, z_quantile
from npskit._trend.calendar import merge_periods
from npskit.typing import IntervalMethod, NanPolicy, PAdjustMethod

from .rolling_results import Rolling, RollingWindow
from .series import as_grouped

__all__ = ["rolling"]

Floats = npt.NDArray[np.float64]
_WINDOW = re.compile(r"^\s*(\d+)\s*[dD]\s*$")


def rolling(
    scores: Any,
    dates: Any = None,
    *,
    window: int | str = "30D",
    compare_lag: int | str | None = None,
    date: str | None = None,
    data: Any = None,
    weights: Any = None,
    confidence_level: float = 0.95,
    interval_method: IntervalMethod = DEFAULT_INTERVAL_METHOD,
    p_adjust: PAdjustMethod = "none",
    scale: Scale = STANDARD_SCALE,
    nan_policy: NanPolicy = "omit",
) -> Rolling:
    """NPS over the last ``window`` days at every day, as dashboards show it, done right.

    Parameters
    ----------
    scores : array_like, str, GroupedTally or mapping of date to Tally
        Answers (or a column of ``data``) with ``dates``; or counts per date.
    dates : array_like or str, optional
        The date of each answer (ISO 8601 text, dates, datetimes).
    window : int or str, default "30D"
        Days per window: ``7``, ``"7D"``, ``"30D"``, ``"90D"``. Windows end
        on every day from the first full window to the last date.
    compare_lag : int or str, optional
        Compare each window with the one ending this many days earlier;
        by default ``window`` (the previous window, not overlapping). A
        shorter lag compares overlapping windows (say, today's 30 days with
        last week's 30 days), with the shared answers accounted for.
    date : str, optional
        The date column of a GroupedTally with several key columns.
    data, weights, scale, nan_policy
        As for :func:`npskit.tally_by`.
    confidence_level : float, default 0.95
        Level of the windows' intervals and of the changes' intervals.
    interval_method : str, default "adjusted-wald"
        Any method of :func:`npskit.confidence_interval` but the bootstrap ones.
    p_adjust : {"none", "holm", "bonferroni", "benjamini-hochberg"}, default "none"
        Adjustment of the changes' p-values over the table. A dashboard reads
        the latest row; over many rows, use :func:`npskit.control_chart`.

    Returns
    -------
    Rolling
        One row per window end.

    Raises
    ------
    ValueError
        For a bad ``window`` or ``compare_lag``, or dates that are not dates.
    TypeError
        For arguments of the wrong kind.

    Notes
    -----
    **Intervals.** A window is a sample of answers like any other; its
    interval is that of :func:`npskit.confidence_interval`. What breaks is
    comparing windows as if independent: windows that overlap share answers.

    **Overlap.** Windows ``A`` and ``B`` split into three disjoint parts,
    ``A`` only (``n_a`` answers, score sum ``S_a``), both (``n_c``, ``S_c``)
    and ``B`` only (``n_b``, ``S_b``); with ``N_A = n_a + n_c`` and
    ``N_B = n_b + n_c``,

    .. math::

        \\mathrm{NPS}_A - \\mathrm{NPS}_B = \\frac{S_a}{N_A} - \\frac{S_b}{N_B}
        + S_c\\Big(\\frac{1}{N_A} - \\frac{1}{N_B}\\Big),

    a sum of three independent parts, so
    ``Var = n_a s_a^2 / N_A^2 + n_b s_b^2 / N_B^2 + n_c s_c^2 (1/N_A - 1/N_B)^2``
    with ``s_k^2 = p_k + d_k - (p_k - d_k)^2`` each part's trinomial variance
    (times 100^2 for points). The change's interval is Wald's with this
    variance, and the p-value that of ``z = change / sqrt(Var)``. Without
    overlap it is the usual variance of two independent NPS.

    Examples
    --------
    >>> from npskit import rolling
    >>> dates = ["2026-03-01"] * 4 + ["2026-03-02"] * 4 + ["2026-03-03"] * 4
    >>> answers = [10, 9, 3, 8, 10, 10, 9, 2, 0, 1, 8, 10]
    >>> table = rolling(answers, dates, window=2, compare_lag=1)
    >>> [(str(row.end), row.n, row.nps, row.n_shared) for row in table]
    [('2026-03-02', 8, 37.5, None), ('2026-03-03', 8, 12.5, 4.0)]
    """
    days = _days("window", window)
    lag = days if compare_lag is None else _days("compare_lag", compare_lag)
    level = check_confidence_level(confidence_level)
    method: IntervalMethod = check_choice(
        "interval_method", interval_method, get_args(IntervalMethod)
    )
    if method.startswith("bootstrap"):
        raise ValueError("interval_method must not be a bootstrap method for rolling windows")
    adjust: PAdjustMethod = check_choice("p_adjust", p_adjust, get_args(PAdjustMethod))
    grouped = as_grouped(
        scores, dates, data=data, weights=weights, scale=scale, nan_policy=nan_policy, role="dates"
    )
    names = grouped.names
    if date is None and len(names) != 1:
        raise TypeError(f"date must name the date column; the key columns are {names!r}")
    if date is not None:
        if date not in names:
            raise ValueError(f"date must be a key column, got {date!r}; the columns are {names!r}")
        others = [name for name in names if name != date]
        if others:
            grouped = grouped.sum_over(*others)
    _, starts, tallies, _ = merge_periods(
        [key[0] for key in grouped.keys], list(grouped.tallies), "day"
    )
    counts = np.array([[t.detractors, t.passives, t.promoters] for t in tallies], dtype=float)
    squares = np.array(
        [
            t.squared_weights
            if t.squared_weights is not None
            else (t.detractors, t.passives, t.promoters)
            for t in tallies
        ],
        dtype=float,
    )
    weighted = any(t.is_weighted for t in tallies)
    answers = np.array([[t.n] for t in tallies], dtype=float)
    first_day: _dt.date = starts[0]  # type: ignore[assignment]
    size = len(tallies)
    ends = np.arange(days - 1, size)
    window_counts = _window_sums(counts, days)[ends]
    window_squares = _window_sums(squares, days)[ends]
    effective = effective_arrays(window_counts, window_squares if weighted else None)
    low, high = interval_arrays(effective, confidence_level=level, interval_method=method)
    n = effective.sum(axis=1)
    n_answers = _window_sums(answers, days)[ends][:, 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        nps = 100.0 * (effective[:, 2] - effective[:, 0]) / n
    change = _changes(counts, squares if weighted else None, ends, days, lag, level)
    valid = np.isfinite(change[3])
    adjusted = np.full(len(ends), np.nan)
    if valid.any():
        adjusted[valid] = adjust_pvalues(change[3][valid], p_adjust=adjust)
    rows = []
    for i, end in enumerate(ends.tolist()):
        earlier = end - lag
        has_previous = earlier - days + 1 >= 0
        rows.append(
            RollingWindow(
                end=first_day + _dt.timedelta(days=end),
                start=first_day + _dt.timedelta(days=end - days + 1),
                n=int(n_answers[i]),
                effective_n=float(n[i]),
                nps=_value(nps[i]),
                low=_value(low[i]),
                high=_value(high[i]),
                previous_end=first_day + _dt.timedelta(days=earlier) if has_previous else None,
                n_shared=_value(change[4][i]) if has_previous else None,
                change=_value(change[0][i]),
                change_low=_value(change[1][i]),
                change_high=_value(change[2][i]),
                pvalue=_value(change[3][i]),
                pvalue_adjusted=_value(adjusted[i]),
            )
        )
    return Rolling(
        rows=tuple(rows),
        window=days,
        compare_lag=lag,
        confidence_level=level,
        interval_method=method,
        p_adjust=adjust,
    )


def _changes(
    counts: Floats,
    squares: Floats | None,
    ends: npt.NDArray[np.intp],
    days: int,
    lag: int,
    level: float,
) -> tuple[Floats, Floats, Floats, Floats, Floats]:
    """Change, interval ends, p-value and shared answers of each window vs ``lag`` days earlier."""

    cumulative = np.vstack([np.zeros((1, 3)), np.cumsum(counts, axis=0)])
    squared = None if squares is None else np.vstack([np.zeros((1, 3)), np.cumsum(squares, 0)])

    def part(first: npt.NDArray[np.intp], last: npt.NDArray[np.intp]) -> Floats:
        """Effective counts of days first..last (empty when last < first)."""
        first_c = np.clip(first, 0, len(counts))
        last_c = np.clip(np.maximum(last + 1, first_c), 0, len(counts))
        sums: Floats = cumulative[last_c] - cumulative[first_c]
        if squared is None:
            return sums
        return effective_arrays(sums, squared[last_c] - squared[first_c])

    earlier = ends - lag
    present = earlier - days + 1 >= 0
    start_b, start_a = earlier - days + 1, ends - days + 1
    only_b = part(start_b, np.minimum(earlier, start_a - 1))
    shared = part(np.maximum(start_a, start_b), earlier)
    only_a = part(np.maximum(start_a, earlier + 1), ends)
    win_a, win_b = only_a + shared, only_b + shared
    with np.errstate(invalid="ignore", divide="ignore"):
        nps_a = (win_a[:, 2] - win_a[:, 0]) / win_a.sum(axis=1)
        nps_b = (win_b[:, 2] - win_b[:, 0]) / win_b.sum(axis=1)
        difference = 100.0 * (nps_a - nps_b)
        sd = 100.0 * np.sqrt(overlap_difference_variance(only_a, shared, only_b))
        z = difference / sd
    half = z_quantile(tail_probability(level, "two-sided")) * sd
    pvalue = normal_pvalue(z, "two-sided")
    pvalue = np.where(sd > 0, pvalue, np.where(difference == 0, 1.0, 0.0))
    missing = ~present | ~np.isfinite(difference)
    n_shared = shared.sum(axis=1)
    out = [
        np.where(missing, np.nan, x)
        for x in (difference, difference - half, difference + half, pvalue)
    ]
    return out[0], out[1], out[2], out[3], np.where(present, n_shared, np.nan)


def _window_sums(values: Floats, days: int) -> Floats:
    cumulative = np.vstack([np.zeros((1, values.shape[1])), np.cumsum(values, axis=0)])
    result: Floats = cumulative[days:] - cumulative[:-days]
    return np.vstack([np.full((days - 1, values.shape[1]), np.nan), result])


def _days(name: str, value: object) -> int:
    if isinstance(value, str):
        match = _WINDOW.match(value)
        if match is None:
            raise ValueError(f"{name} must be a number of days such as 30 or '30D', got {value!r}")
        number = int(match.group(1))
    elif isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be a number of days (int or text such as '30D'), got {value!r}"
        )
    else:
        number = int(value)
    if number < 1:
        raise ValueError(f"{name} must be at least 1 day, got {value!r}")
    return number


def _value(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None
