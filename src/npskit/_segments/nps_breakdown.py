"""The NPS path of ``breakdown``: validation, counting, per-segment statistics, the table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, get_args

from npskit._compare.methods import DEFAULT_COMPARE_METHOD
from npskit._core.errors import EmptyDataError
from npskit._core.grouped import GroupedTally
from npskit._core.scale import Scale
from npskit._core.tally import Tally
from npskit._core.validation import (
    check_choice,
    check_confidence_level,
    check_n_resamples,
    check_positive_int,
    check_rng,
)
from npskit._counting.periods import bucket_keys
from npskit._counting.tally_by import tally_by
from npskit._intervals.methods import DEFAULT_INTERVAL_METHOD
from npskit.typing import (
    CompareMethod,
    CompareTo,
    Frequency,
    IntervalMethod,
    MissingKeys,
    NanPolicy,
    PAdjustMethod,
    SortBy,
)

from .results import Breakdown
from .shrinkage import shrink
from .statistics import (
    RESAMPLING_COMPARE,
    RESAMPLING_INTERVAL,
    segment_rows,
    segment_statistics,
    total_row,
)

__all__ = ["breakdown_nps"]


def breakdown_nps(
    scores: Any,
    by: Any,
    *,
    data: Any,
    weights: Any,
    freq: Frequency | Mapping[str, Frequency] | None,
    confidence_level: float,
    interval_method: object,
    compare_method: object,
    compare_to: CompareTo,
    p_adjust: PAdjustMethod,
    min_n: int,
    shrinkage: bool,
    sort: SortBy | None,
    ascending: bool,
    missing_keys: MissingKeys,
    scale: Scale,
    nan_policy: NanPolicy,
    rng: Any,
    n_resamples: int,
) -> Breakdown:
    """:func:`npskit.breakdown` of NPS (see there)."""
    interval_method = DEFAULT_INTERVAL_METHOD if interval_method is None else interval_method
    compare_method = DEFAULT_COMPARE_METHOD if compare_method is None else compare_method
    level = check_confidence_level(confidence_level)
    chosen: IntervalMethod = check_choice(
        "interval_method", interval_method, get_args(IntervalMethod)
    )
    versus: CompareMethod = check_choice("compare_method", compare_method, get_args(CompareMethod))
    against: CompareTo = check_choice("compare_to", compare_to, get_args(CompareTo))
    adjust: PAdjustMethod = check_choice("p_adjust", p_adjust, get_args(PAdjustMethod))
    threshold = check_positive_int("min_n", min_n, minimum=0)
    order: SortBy | None = None if sort is None else check_choice("sort", sort, get_args(SortBy))
    resamples = check_n_resamples(n_resamples, method=chosen)
    generator = check_rng(rng)
    for name, flag in (("ascending", ascending), ("shrinkage", shrinkage)):
        if not isinstance(flag, bool):
            raise TypeError(f"{name} must be True or False, got {flag!r}")
    if isinstance(scores, Tally):
        raise TypeError(
            "scores must be answers (with by=) or a GroupedTally counted per segment, got one "
            "Tally: a breakdown needs the counts of each segment"
        )
    if isinstance(scores, GroupedTally):
        if data is not None or weights is not None:
            raise TypeError(
                "data and weights must be None when scores is a GroupedTally (already counted)"
            )
        grouped = _keep_columns(scores, by)
        if freq is not None:
            grouped = bucket_keys(grouped, freq)
    else:
        if by is None:
            raise TypeError("by is required: the segment of each answer, or column names")
        grouped = tally_by(
            scores,
            by,
            weights=weights,
            data=data,
            scale=scale,
            nan_policy=nan_policy,
            missing_keys=missing_keys,
            freq=freq,
        )
    total = grouped.total
    if total.weight_sum <= 0:
        raise EmptyDataError(
            f"breakdown needs answers, got none ({total.n_missing} missing left out"
            + (", or weights summing to 0)" if grouped.is_weighted else ")")
        )
    # One stream per segment, the last for the total; spawned only when a method
    # resamples (spawning 10^5 generators would cost seconds for nothing).
    resampling = chosen in RESAMPLING_INTERVAL or versus in RESAMPLING_COMPARE
    streams = generator.spawn(len(grouped.keys) + 1) if resampling else [generator]
    columns = segment_statistics(
        grouped,
        level=level,
        interval_method=chosen,
        compare_method=versus,
        against=against,
        adjust=adjust,
        streams=streams[:-1],
        n_resamples=resamples,
    )
    fit = shrink(grouped, confidence_level=level) if shrinkage or order == "shrunk" else None
    rows = segment_rows(
        grouped,
        columns,
        level=level,
        threshold=threshold,
        fit=fit,
        order=order,
        ascending=ascending,
    )
    return Breakdown(
        rows=rows,
        names=grouped.names,
        total=total_row(
            grouped,
            level=level,
            interval_method=chosen,
            stream=streams[-1],
            n_resamples=resamples,
        ),
        weighted=grouped.is_weighted,
        interval_method=chosen,
        compare_method=versus,
        compare_to=against,
        confidence_level=level,
        p_adjust=adjust,
        min_n=threshold,
        sort=order,
        ascending=ascending,
        shrinkage=fit,
    )


def _keep_columns(grouped: GroupedTally, by: object) -> GroupedTally:
    """``grouped`` summed over every key column not named in ``by`` (None keeps all)."""
    if by is None:
        return grouped
    wanted = (by,) if isinstance(by, str) else by
    if not (isinstance(wanted, Sequence) and wanted and all(isinstance(n, str) for n in wanted)):
        raise TypeError(
            "by must name key columns of the GroupedTally (a str or a sequence of str) or be "
            f"None for all of them, got {by!r}"
        )
    unknown = [name for name in wanted if name not in grouped.names]
    if unknown or len(set(wanted)) != len(wanted):
        raise ValueError(
            f"by must name distinct key columns of the GroupedTally, got {tuple(wanted)!r}; "
            f"its key columns are {grouped.names!r}"
        )
    others = [name for name in grouped.names if name not in wanted]
    return grouped.sum_over(*others) if others else grouped
