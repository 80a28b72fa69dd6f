"""The ``npskit trend`` subcommand: NPS per period, changes and trend tests."""

from __future__ import annotations

import argparse
from typing import Any

from npskit._io.files import count_file
from npskit._io.source import DataFileError
from npskit._plots.estimates import plot_trend
from npskit._plots.style import TREND_SIZE
from npskit._trend.trend import trend, trend_from_tallies

from .metric_commands import run_metric_trend
from .metrics import add_metric_options, is_nps_only, metrics_of
from .options import (
    HelpFormatter,
    add_answer_options,
    add_compare_method_option,
    add_format_option,
    add_interval_options,
    add_p_adjust_option,
    add_resampling_options,
    add_source_options,
    column_list,
    data_file,
    print_table,
    resampling,
    score_column,
    source,
)
from .periods import add_period_options, period_column, period_keys
from .plots import add_plot_option, check_plot, save_plot

__all__ = ["add_trend", "run_trend"]


def add_trend(commands: Any) -> None:
    """Add ``npskit trend``."""
    parser = commands.add_parser(
        "trend",
        help="NPS per period, changes between consecutive periods, trend tests",
        description=(
            "NPS per period with its interval, the change from each period to the next\n"
            "with a p-value adjusted for multiplicity (Holm by default) and a flag, and\n"
            "two tests over the series: all periods share one NPS, and a linear trend.\n"
            "Periods come from a date column bucketed by --freq, or a period column."
        ),
        epilog=(
            "examples:\n"
            "  npskit trend --example\n"
            "  npskit trend survey.csv --score answer --date date --freq month\n"
            "  npskit trend survey.csv --score answer --period wave --format csv\n"
            "  npskit trend --example --compare-method permutation --seed 1\n"
            "  npskit trend --example --freq week --plot weekly.png\n"
            "  npskit trend --example --by channel --format csv"
        ),
        formatter_class=HelpFormatter,
    )
    add_source_options(parser)
    add_answer_options(parser)
    add_period_options(parser, date_required=True)
    parser.add_argument(
        "--by",
        type=column_list,
        metavar="COLUMN[,COLUMN]",
        help="one trend per segment of these column(s), e.g. --by agent "
        "(default: one trend of all answers)",
    )
    add_interval_options(parser, what="each period's interval")
    add_compare_method_option(parser, "the change from each period to the next")
    add_p_adjust_option(parser, "the changes' p-values")
    add_resampling_options(parser)
    add_format_option(parser, ("text", "json", "markdown", "csv"))
    add_plot_option(parser, "the NPS per period with its interval band and significant changes")
    add_metric_options(parser)
    parser.set_defaults(handler=run_trend, parser=parser)


def run_trend(args: argparse.Namespace) -> int:
    """Run ``npskit trend`` with parsed arguments; return the exit status."""
    parser: argparse.ArgumentParser = args.parser
    (metric,) = metrics_of(parser, args)
    if not is_nps_only([metric]):
        return run_metric_trend(args, metric, *period_column(parser, args))
    path, label = source(parser, args)
    score = score_column(parser, args)
    column, freq = period_column(parser, args)
    check_plot(args)
    by: list[str] | None = args.by
    if by is not None:
        if column in by or score in by or (args.weight is not None and args.weight in by):
            parser.error("--by must name columns other than the period, --score and --weight")
        if args.plot is not None:
            parser.error("--plot draws one trend; drop --by, or plot each segment's file")
        return _segment_trends(args, path, label, score, column, freq, by)
    keys, tallies = period_keys(path, label, score, column, args)
    try:
        series = trend_from_tallies(
            keys,
            tallies,
            freq=freq,  # type: ignore[arg-type]
            compare_method=args.compare_method,
            confidence_level=args.confidence_level,
            interval_method=args.interval_method,
            p_adjust=args.p_adjust,
            **resampling(args),
        )
    except ValueError as error:
        if isinstance(error, DataFileError):
            raise
        raise DataFileError(f"{label}: column {column!r}: {error}") from None
    if args.plot is not None:
        save_plot(args.plot, TREND_SIZE, lambda ax: plot_trend(series, ax=ax))
    payload = {
        "command": "trend",
        "file": str(path),
        "score": score,
        "weight": args.weight,
        "period_column": column,
        "seed": args.seed,
    }
    heading = f"Column {score!r} of {label}, periods from column {column!r}"
    print_table(series, args.format, payload, heading)
    return 0


def _segment_trends(
    args: argparse.Namespace,
    path: Any,
    label: str,
    score: str,
    column: str,
    freq: str | None,
    by: list[str],
) -> int:
    """``npskit trend --by``: the file counted per segment and period, one trend each."""
    file = data_file(path, label, args)
    grouped = count_file(file, score, [*by, column], weight=args.weight, nan_policy=args.nan_policy)
    try:
        result = trend(
            grouped,
            period=column,
            by=by,
            freq=freq,  # type: ignore[arg-type]
            compare_method=args.compare_method,
            confidence_level=args.confidence_level,
            interval_method=args.interval_method,
            p_adjust=args.p_adjust,
            **resampling(args),
        )
    except ValueError as error:
        if isinstance(error, DataFileError):
            raise
        raise DataFileError(f"{label}: column {column!r}: {error}") from None
    payload = {
        "command": "trend",
        "file": str(path),
        "score": score,
        "weight": args.weight,
        "period_column": column,
        "by": by,
        "seed": args.seed,
    }
    heading = f"Column {score!r} of {label}, periods from column {column!r}, per {', '.join(by)}"
    print_table(result, args.format, payload, heading)
    return 0
