"""``summary``, ``breakdown`` and ``trend`` of CSAT and CES on the command line (issue 17).

Each subcommand's NPS path is unchanged; these run when ``--metric`` names
a share or mean metric (or, in ``summary``, several metrics side by side).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from typing import Any

from npskit._core.metric import Metric
from npskit._counting.histogram import histogram
from npskit._intervals.scorecard import scorecard
from npskit._io.examples import load_example
from npskit._io.source import DataFileError
from npskit._planning.sample_size import sample_size
from npskit._segments.breakdown import breakdown
from npskit._trend.trend import trend

from .metrics import EXAMPLE_COLUMNS, metric_columns, metric_interval_method
from .options import data_file, print_table, resampling, source, terminal_safe

__all__ = [
    "run_metric_breakdown",
    "run_metric_sample_size",
    "run_metric_summary",
    "run_metric_trend",
]


def _scores(
    parser: argparse.ArgumentParser, args: argparse.Namespace, metrics: list[Metric]
) -> list[str]:
    """One --score column per metric (comma-separated), or the example's columns."""
    if args.score is None:
        if not args.example:
            parser.error(
                "--score COLUMN[,COLUMN...] is required: one column of answers per --metric"
            )
        return [EXAMPLE_COLUMNS.get(metric.name, metric.name) for metric in metrics]
    columns = [part.strip() for part in str(args.score).split(",")]
    if len(columns) != len(metrics):
        parser.error(
            f"--score must name one column per metric: {len(metrics)} metrics "
            f"({', '.join(m.name for m in metrics)}), {len(columns)} columns"
        )
    return columns


def run_metric_summary(args: argparse.Namespace, metrics: list[Metric]) -> int:
    """``npskit summary --metric ...``: one row per metric, side by side."""
    parser: argparse.ArgumentParser = args.parser
    metric_interval_method(args, parser)
    if args.plot is not None:
        parser.error("--plot draws the NPS answers; leave it out with --metric")
    path, label = source(parser, args)
    scores = _scores(parser, args, metrics)
    file = data_file(path, label, args)
    data: dict[str, Any] = {}
    weights = None
    for metric, score in zip(metrics, scores, strict=True):
        values, _, weights = metric_columns(
            file, metric, score, [], weight=args.weight, nan_policy=args.nan_policy
        )
        data[score] = values
    try:
        card = scorecard(
            data,
            metrics=metrics,
            columns=scores,
            weights=weights,
            confidence_level=args.confidence_level,
            nan_policy=args.nan_policy,
        )
    except ValueError as error:
        raise DataFileError(f"{label}: {error}") from None
    payload = {"command": "summary", "file": str(path), "score": scores, "weight": args.weight}
    if args.format == "json":
        print(json.dumps({**payload, **card.to_dict()}, indent=2, allow_nan=False))
        return 0
    weighted = f", weighted by column {args.weight!r}" if args.weight else ""
    print_table(card, args.format, payload, f"{label}{weighted}")
    return 0


def run_metric_breakdown(args: argparse.Namespace, metric: Metric, by: list[str]) -> int:
    """``npskit breakdown --metric csat|ces|ces-easy``."""
    parser: argparse.ArgumentParser = args.parser
    metric_interval_method(args, parser)
    if args.plot is not None:
        parser.error("--plot draws the NPS breakdown; leave it out with --metric")
    if not by:
        parser.error("--by COLUMN[,COLUMN] is required: name the segment column(s)")
    path, label = source(parser, args)
    (score,) = _scores(parser, args, [metric])
    if score in by or (args.weight is not None and args.weight in by):
        parser.error("--by must name columns other than --score and --weight")
    file = data_file(path, label, args)
    values, keys, weights = metric_columns(
        file, metric, score, by, weight=args.weight, nan_policy=args.nan_policy
    )
    try:
        result = breakdown(
            values,
            keys if len(keys) > 1 else keys[0],
            metric=metric,
            weights=weights,
            confidence_level=args.confidence_level,
            p_adjust=args.p_adjust,
            min_n=args.min_n,
            shrinkage=args.rank == "shrunk",
            sort=args.sort if args.sort is not None or args.rank is None else "shrunk",
            ascending=args.ascending,
            nan_policy=args.nan_policy,
            **resampling(args),
        )
    except ValueError as error:
        raise DataFileError(f"{label}: {error}") from None
    result = _named(result, by)
    payload = {"command": "breakdown", "file": str(path), "score": score, "by": by}
    payload["weight"] = args.weight
    weighted = f", weighted by column {args.weight!r}" if args.weight else ""
    print_table(result, args.format, payload, f"Column {score!r} in {label}{weighted}")
    return 0


def run_metric_trend(
    args: argparse.Namespace, metric: Metric, column: str, freq: str | None
) -> int:
    """``npskit trend --metric csat|ces|ces-easy``."""
    parser: argparse.ArgumentParser = args.parser
    metric_interval_method(args, parser)
    if args.plot is not None:
        parser.error("--plot draws the NPS trend; leave it out with --metric")
    path, label = source(parser, args)
    (score,) = _scores(parser, args, [metric])
    file = data_file(path, label, args)
    values, (periods,), weights = metric_columns(
        file, metric, score, [column], weight=args.weight, nan_policy=args.nan_policy
    )
    try:
        series = trend(
            values,
            periods,
            metric=metric,
            freq=freq,  # type: ignore[arg-type]
            weights=weights,
            confidence_level=args.confidence_level,
            p_adjust=args.p_adjust,
            nan_policy=args.nan_policy,
            **resampling(args),
        )
    except ValueError as error:
        raise DataFileError(f"{label}: column {column!r}: {error}") from None
    payload = {
        "command": "trend",
        "file": str(path),
        "score": score,
        "weight": args.weight,
        "period_column": column,
    }
    heading = f"Column {score!r} of {label}, periods from column {column!r}"
    print_table(series, args.format, payload, heading)
    return 0


def _named(result: Any, by: list[str]) -> Any:
    """The breakdown with the --by column names in place of key0, key1, ..."""
    rows = tuple(replace(row, key_names=tuple(by)) for row in result.rows)
    return replace(result, rows=rows, names=tuple(by))


def run_metric_sample_size(args: argparse.Namespace, metric: Metric) -> int:
    """``npskit sample-size --metric csat|ces|ces-easy``: the margin is in the metric's units."""
    parser: argparse.ArgumentParser = args.parser
    metric_interval_method(args, parser)
    if args.expected is not None:
        parser.error("--expected gives NPS shares; with --metric use --example or the worst case")
    expected = None
    if args.example:
        expected = histogram(load_example()[EXAMPLE_COLUMNS[metric.name]], metric=metric)
    try:
        plan = sample_size(
            args.margin,
            expected=expected,
            metric=metric,
            confidence_level=args.confidence_level,
            population=args.population,
        )
    except ValueError as error:
        parser.error(str(error))
    if args.format == "json":
        print(json.dumps({"command": "sample-size", **plan.to_dict()}, indent=2))
    else:
        print(terminal_safe(str(plan)))
    return 0
