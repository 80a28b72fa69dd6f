"""The ``npskit breakdown`` subcommand: NPS per segment of a data file (or of counts).

The file is counted per segment by the file dispatcher
(:func:`npskit._io.files.count_file`: chunk by chunk, the chunks' counts
merged by key), so only one row of counts per segment is held in memory; the
counts go to :func:`npskit.breakdown`.
"""

from __future__ import annotations

import argparse
from typing import Any, get_args

from npskit._io.files import count_file
from npskit._io.source import DataFileError
from npskit._plots.answers import plot_shares
from npskit._plots.estimates import plot_forest
from npskit._plots.style import FOREST_WIDTH, SHARES_WIDTH, forest_height, shares_height
from npskit._segments.breakdown import breakdown
from npskit.typing import Frequency, SortBy

from .metric_commands import run_metric_breakdown
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
    count,
    data_file,
    print_table,
    resampling,
    scale_of,
    score_column,
    source,
)
from .plots import add_plot_option, check_plot, save_plot

__all__ = ["add_breakdown", "run_breakdown"]


def add_breakdown(commands: Any) -> None:
    """Add ``npskit breakdown``."""
    parser = commands.add_parser(
        "breakdown",
        help="NPS per segment (channel, agent, ...), each vs the rest, multiplicity-adjusted",
        description=(
            "NPS per segment of one or more key columns: counts, NPS with its confidence\n"
            "interval, the difference from the rest of the answers with a p-value\n"
            "adjusted for the number of segments (Holm by default), the segment's impact\n"
            "on the total, and flags for small segments. With --rank shrunk, segments are\n"
            "ranked by a Bayesian shrunk NPS that is fair to small segments.\n"
            "Blank key cells form their own segment, shown as (missing). The file is read\n"
            "in chunks."
        ),
        epilog=(
            "examples:\n"
            "  npskit breakdown --example\n"
            "  npskit breakdown --example --by agent --rank shrunk\n"
            "  npskit breakdown --example --by agent --freq month\n"
            "  npskit breakdown survey.csv --score answer --by agent --date created "
            "--freq week\n"
            "  npskit breakdown survey.csv --score answer --by channel,queue --format markdown\n"
            "  npskit breakdown survey.csv --score answer --by agent --weight weight "
            "--sort impact --format csv\n"
            "  npskit breakdown --example --by agent --sort nps --plot agents.png\n"
            "  npskit breakdown --example --plot shares.png --plot-kind shares"
        ),
        formatter_class=HelpFormatter,
    )
    add_source_options(parser)
    add_answer_options(parser)
    parser.add_argument(
        "--by",
        type=column_list,
        metavar="COLUMN[,COLUMN]",
        help="segment column(s), comma-separated for a cross breakdown "
        "(default with --example: channel)",
    )
    parser.add_argument(
        "--date",
        metavar="COLUMN",
        help="column of ISO 8601 dates (2026-05-31), bucketed into periods by --freq and "
        "added to the segments: --by agent --date date --freq month gives NPS per agent "
        "and month (default: none; with --example and --freq: date)",
    )
    parser.add_argument(
        "--freq",
        choices=get_args(Frequency),
        default=None,
        help="calendar period of --date: day, week (ISO, from Monday), month, quarter, "
        "year (default: month with --date, none without)",
    )
    parser.add_argument(
        "--min-n",
        type=count,
        default=30,
        metavar="N",
        help="flag segments with fewer (effective) answers as small",
    )
    parser.add_argument(
        "--rank",
        choices=("shrunk",),
        default=None,
        help="add the Bayesian shrunk NPS (or CSAT, CES with --metric) and rank by it "
        "(unless --sort says otherwise) (default: no shrinkage)",
    )
    parser.add_argument(
        "--sort",
        choices=get_args(SortBy),
        default=None,
        help="sort segments by this value, largest first (default: by key, or by the "
        "shrunk NPS with --rank shrunk)",
    )
    parser.add_argument(
        "--ascending", action="store_true", help="sort from the smallest value instead"
    )
    add_interval_options(parser, what="each segment's interval")
    add_compare_method_option(parser, "each segment's comparison with the rest")
    add_p_adjust_option(
        parser, "the segments' p-values (adjusted p-values below 1 - LEVEL are flagged)"
    )
    add_resampling_options(parser)
    add_format_option(parser, ("text", "json", "markdown", "csv"))
    add_plot_option(
        parser,
        "a forest plot of the segments' NPS with intervals (or, with --plot-kind shares, "
        "their category shares)",
        kinds=("forest", "shares"),
    )
    add_metric_options(parser)
    parser.set_defaults(handler=run_breakdown, parser=parser)


def run_breakdown(args: argparse.Namespace) -> int:
    """Run ``npskit breakdown`` with parsed arguments; return the exit status."""
    parser: argparse.ArgumentParser = args.parser
    (metric,) = metrics_of(parser, args)
    if not is_nps_only([metric]):
        return run_metric_breakdown(args, metric, args.by or (["channel"] if args.example else []))
    path, label = source(parser, args)
    score = score_column(parser, args)
    by: list[str] | None = args.by
    if by is None:
        if not args.example:
            parser.error("--by COLUMN[,COLUMN] is required: name the segment column(s)")
        by = ["channel"]
    date: str | None = args.date
    if date is None and args.freq is not None:
        if not args.example:
            parser.error("--freq buckets the dates of --date COLUMN: name that column")
        date = "date"
    freq = None if date is None else (args.freq or "month")
    if date is not None:
        if date in by:
            parser.error("--date must name a column other than those of --by")
        by = [*by, date]
    if score in by or (args.weight is not None and args.weight in by):
        parser.error("--by and --date must name columns other than --score and --weight")
    check_plot(args)
    file = data_file(path, label, args)
    grouped = count_file(
        file, score, by, weight=args.weight, nan_policy=args.nan_policy, scale=scale_of(args)
    )
    if grouped.total.weight_sum <= 0:
        raise DataFileError(f"{label}: column {score!r} has no answers to break down")
    options: dict[str, Any] = {
        "confidence_level": args.confidence_level,
        "p_adjust": args.p_adjust,
        "min_n": args.min_n,
        "shrinkage": args.rank == "shrunk",
        "sort": args.sort if args.sort is not None or args.rank is None else "shrunk",
        "ascending": args.ascending,
        "interval_method": args.interval_method,
        "compare_method": args.compare_method,
        **resampling(args),
    }
    if date is not None:
        options["freq"] = {date: freq}
    try:
        result = breakdown(grouped, **options)
    except ValueError as error:  # shrinkage with fewer than two segments, a bad date
        if isinstance(error, DataFileError):
            raise
        column = f" column {date!r}:" if date is not None and "is not a date" in str(error) else ""
        raise DataFileError(f"{label}:{column} {error}") from None
    if args.plot is not None:
        _plot_breakdown(args.plot, args.plot_kind, result)
    weighted = f", weighted by column {args.weight!r}" if args.weight else ""
    print_table(
        result,
        args.format,
        {
            "command": "breakdown",
            "file": str(path),
            "score": score,
            "by": by,
            "date": date,
            "freq": freq,
            "weight": args.weight,
            "seed": args.seed,
        },
        f"Column {score!r} in {label}{weighted}",
    )
    return 0


def _plot_breakdown(path: str, kind: str, result: Any) -> None:
    if kind == "shares":
        size = (SHARES_WIDTH, shares_height(len(result) + 1))
        save_plot(path, size, lambda ax: plot_shares(result, sort=None, ax=ax))
    else:
        size = (FOREST_WIDTH, forest_height(len(result)))
        shrunk = result.shrinkage is not None and result.sort == "shrunk"
        save_plot(
            path,
            size,
            lambda ax: plot_forest(result, estimate="shrunk" if shrunk else "raw", ax=ax),
        )
