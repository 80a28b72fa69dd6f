"""The ``npskit control`` subcommand: control charts, rolling windows and a target.

The file is counted per distinct date (chunk by chunk); the counts go to
:func:`npskit.control_chart` (periods by --freq) or, with --rolling, to
:func:`npskit.rolling`; --target adds :func:`npskit.target` for the last
period (or window).
"""

from __future__ import annotations

import argparse
from typing import Any, get_args

from npskit._core.grouped import GroupedTally
from npskit._io.files import count_file
from npskit._io.source import DataFileError
from npskit._monitor.control_chart import control_chart
from npskit._monitor.rolling import rolling
from npskit._monitor.target import target
from npskit._plots.monitoring import plot_control_chart, plot_rolling
from npskit._plots.style import TREND_SIZE
from npskit._trend.calendar import merge_periods
from npskit.typing import ChartType, Frequency, IntervalMethod

from .dates import dated
from .options import (
    HelpFormatter,
    add_answer_options,
    add_date_options,
    add_format_option,
    add_interval_options,
    add_p_adjust_option,
    add_source_options,
    count,
    data_file,
    positive,
    print_table,
    scale_of,
    score_column,
    source,
)
from .plots import add_plot_option, check_plot, save_plot

__all__ = ["add_control", "run_control"]


def _points(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an NPS in points, got {text!r}") from None
    if not -100.0 < value < 100.0:
        raise argparse.ArgumentTypeError(f"must be strictly between -100 and 100, got {text!r}")
    return value


def add_control(commands: Any) -> None:
    """Add ``npskit control``."""
    parser = commands.add_parser(
        "control",
        help="is it out of control? control charts, rolling NPS, a target",
        description=(
            "Control chart of the NPS per period (--chart shewhart, laney, ewma, cusum) with\n"
            "limits from the first --baseline periods and Anhøj's run rules; or, with\n"
            "--rolling DAYS, the NPS over the last DAYS at every day with intervals and the\n"
            "change from the window --compare-lag days earlier (overlap accounted for).\n"
            "--target T adds the probability and the one-sided test that the last period's\n"
            "(window's) NPS is above T, and the answers needed to show it."
        ),
        epilog=(
            "examples:\n"
            "  npskit control --example --freq week --baseline 16\n"
            "  npskit control --example --freq week --chart laney --plot chart.png\n"
            "  npskit control --example --rolling 30 --compare-lag 7 --target 25\n"
            "  npskit control survey.csv --score answer --date day --freq month --format json"
        ),
        formatter_class=HelpFormatter,
    )
    add_source_options(parser)
    add_answer_options(parser)
    add_date_options(parser)
    parser.add_argument(
        "--date", metavar="COLUMN", help="column of ISO 8601 dates (default with --example: date)"
    )
    parser.add_argument(
        "--freq", choices=get_args(Frequency), default="week", help="period of the chart"
    )
    parser.add_argument(
        "--chart", choices=get_args(ChartType), default="shewhart", help="kind of chart"
    )
    parser.add_argument(
        "--baseline",
        type=positive,
        metavar="N",
        help="limits from the first N periods (default: all periods)",
    )
    parser.add_argument(
        "--rolling",
        type=positive,
        metavar="DAYS",
        help="rolling windows of DAYS days instead of a chart (default: a chart)",
    )
    parser.add_argument(
        "--compare-lag",
        type=count,
        metavar="DAYS",
        help="with --rolling: compare with the window ending DAYS earlier "
        "(default: the previous window, no overlap)",
    )
    parser.add_argument(
        "--target", type=_points, metavar="NPS", help="a target NPS (default: none)"
    )
    add_interval_options(
        parser,
        tuple(m for m in get_args(IntervalMethod) if not m.startswith("bootstrap")),
        what="each rolling window's interval (the level also sets the target's test)",
    )
    add_p_adjust_option(parser, "the rolling changes' p-values")
    parser.set_defaults(p_adjust="none")
    add_format_option(parser, ("text", "json", "markdown", "csv"))
    add_plot_option(parser, "the control chart (or the rolling NPS with its band and target)")
    parser.set_defaults(handler=run_control, parser=parser)


def run_control(args: argparse.Namespace) -> int:
    """Run ``npskit control`` with parsed arguments; return the exit status."""
    parser: argparse.ArgumentParser = args.parser
    path, label = source(parser, args)
    score = score_column(parser, args)
    column = args.date or ("date" if args.example else None)
    if column is None:
        parser.error("--date COLUMN is required: name the column of dates")
    if args.compare_lag is not None and args.rolling is None:
        parser.error("--compare-lag applies to --rolling")
    check_plot(args)
    file = data_file(path, label, args)
    days = count_file(
        file, score, [column], weight=args.weight, nan_policy=args.nan_policy, scale=scale_of(args)
    )
    days = dated(days, file, column, args)
    try:
        result: Any
        if args.rolling is not None:
            result = rolling(
                days,
                window=args.rolling,
                compare_lag=args.compare_lag,
                confidence_level=args.confidence_level,
                interval_method=args.interval_method,
                p_adjust=args.p_adjust,
            )
            last = _last_window(days, args.rolling)
        else:
            result = control_chart(days, chart=args.chart, freq=args.freq, baseline=args.baseline)
            last = _last_period(days, args.freq)
        goal = (
            None
            if args.target is None
            else target(last, args.target, confidence_level=args.confidence_level)
        )
    except ValueError as error:
        if isinstance(error, DataFileError):
            raise
        raise DataFileError(f"{label}: column {column!r}: {error}") from None
    if args.plot is not None:
        if args.rolling is not None:
            save_plot(
                args.plot, TREND_SIZE, lambda ax: plot_rolling(result, target=args.target, ax=ax)
            )
        else:
            save_plot(args.plot, TREND_SIZE, lambda ax: plot_control_chart(result, ax=ax))
    payload: dict[str, Any] = {
        "command": "control",
        "file": str(path),
        "score": score,
        "weight": args.weight,
        "date_column": column,
    }
    if goal is not None and args.format == "json":
        payload["target"] = goal.to_dict()
    print_table(result, args.format, payload, f"Column {score!r} of {label}, dates from {column!r}")
    if goal is not None and args.format == "text":
        which = "last window" if args.rolling is not None else "last period"
        print(f"Target, {which}: {goal}")
    return 0


def _last_period(days: GroupedTally, freq: str) -> Any:
    keys = [key[0] for key in days.keys]
    _, _, tallies, _ = merge_periods(keys, list(days.tallies), freq)  # type: ignore[arg-type]
    return tallies[-1]


def _last_window(days: GroupedTally, window: int) -> Any:
    keys = [key[0] for key in days.keys]
    _, _, tallies, _ = merge_periods(keys, list(days.tallies), "day")
    total = tallies[-window]
    for part in tallies[-window + 1 :]:
        total = total + part
    return total
