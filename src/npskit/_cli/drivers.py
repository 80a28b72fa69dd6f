"""The ``npskit drivers`` subcommand: which attribute ratings drive NPS, with intervals."""

from __future__ import annotations

import argparse
from typing import Any, get_args

from npskit._core.scale import STANDARD_SCALE
from npskit._drivers.drivers import (
    DEFAULT_DRIVER_RESAMPLES,
    DEFAULT_IMPORTANCE_METHOD,
    drivers,
)
from npskit._io.columns import read_answer_columns
from npskit._io.source import DataFileError
from npskit._plots.drivers import DRIVERS_SIZE, plot_drivers
from npskit.typing import DriverMissing, DriverOutcome, ImportanceMethod

from .options import (
    HelpFormatter,
    add_confidence_level_option,
    add_format_option,
    add_scale_option,
    add_source_options,
    count,
    data_file,
    print_table,
    scale_of,
    source,
)
from .plots import add_plot_option, check_plot, save_plot

__all__ = ["EXAMPLE_DRIVERS", "add_drivers", "column_list", "run_drivers"]

EXAMPLE_DRIVERS = ["wait_rating", "resolved", "courtesy_rating", "ease_rating"]


def column_list(text: str) -> list[str]:
    """Comma-separated column names, for ``type=``."""
    names = [name.strip() for name in text.split(",")]
    if not all(names):
        raise argparse.ArgumentTypeError(f"must be column names separated by commas, got {text!r}")
    return names


def add_drivers(commands: Any) -> None:
    """Add ``npskit drivers``."""
    parser = commands.add_parser(
        "drivers",
        help="relative importance of attribute ratings for NPS, with bootstrap intervals",
        description=(
            "Key driver analysis: how much of the variation of the answer (or of being a\n"
            "promoter or a detractor) each attribute rating accounts for, by Johnson's\n"
            "relative weights or the exact Shapley value (LMG), with bootstrap intervals\n"
            "of each importance and rank, and each driver's current performance.\n"
            "Rows with a missing answer or rating are left out and counted.\n"
            "Importance is association, not causation."
        ),
        epilog=(
            "examples:\n"
            "  npskit drivers --example --seed 1\n"
            "  npskit drivers survey.csv --score answer --drivers wait,ease,courtesy\n"
            "  npskit drivers --example --outcome detractor --importance-method shapley\n"
            "  npskit drivers --example --seed 1 --plot drivers.png"
        ),
        formatter_class=HelpFormatter,
    )
    add_source_options(parser)
    add_scale_option(parser)
    parser.add_argument(
        "--score",
        metavar="COLUMN",
        help="column with the answers 0..10 (default with --example: answer)",
    )
    parser.add_argument(
        "--drivers",
        type=column_list,
        metavar="COL[,COL...]",
        help="columns with the attribute ratings (default with --example: "
        + ",".join(EXAMPLE_DRIVERS)
        + ")",
    )
    parser.add_argument(
        "--weight", metavar="COLUMN", help="column with survey weights (default: unweighted)"
    )
    parser.add_argument(
        "--outcome",
        choices=get_args(DriverOutcome),
        default="score",
        help="what is explained: the answer, or being a promoter or a detractor",
    )
    parser.add_argument(
        "--importance-method",
        choices=get_args(ImportanceMethod),
        default=DEFAULT_IMPORTANCE_METHOD,
        help="relative-importance method",
    )
    parser.add_argument(
        "--missing",
        choices=get_args(DriverMissing),
        default="complete-cases",
        help="leave rows with a missing rating out (and count them) or stop",
    )
    add_confidence_level_option(parser, "level of the bootstrap intervals")
    parser.add_argument(
        "--seed",
        type=count,
        default=None,
        metavar="INT",
        help="seed of the bootstrap: the same seed gives the same output "
        "(default: fresh random numbers on every run)",
    )
    parser.add_argument(
        "--n-resamples",
        type=count,
        default=DEFAULT_DRIVER_RESAMPLES,
        metavar="N",
        help="bootstrap resamples of rows; 0 for no intervals",
    )
    add_format_option(parser, ("text", "json", "markdown", "csv"))
    add_plot_option(parser, "an importance x performance quadrant chart")
    parser.set_defaults(handler=run_drivers, parser=parser)


def run_drivers(args: argparse.Namespace) -> int:
    """Run ``npskit drivers`` with parsed arguments; return the exit status."""
    parser: argparse.ArgumentParser = args.parser
    path, label = source(parser, args)
    score = "answer" if args.score is None and args.example else args.score
    if score is None:
        parser.error("--score COLUMN is required: name the column that holds the answers")
    names: list[str] | None = args.drivers
    if names is None:
        if not args.example:
            parser.error("--drivers COL[,COL...] is required: name the attribute columns")
        names = EXAMPLE_DRIVERS
    check_plot(args)
    wanted = [score, *names] + ([] if args.weight is None else [args.weight])
    scale = scale_of(args) or STANDARD_SCALE
    columns = read_answer_columns(
        data_file(path, label, args), wanted, score=score, weight=args.weight, scale=scale
    )
    try:
        result = drivers(
            score,
            names,
            data=columns,
            weights=args.weight,
            outcome=args.outcome,
            importance_method=args.importance_method,
            confidence_level=args.confidence_level,
            n_resamples=args.n_resamples,
            rng=args.seed,
            missing=args.missing,
            scale=scale,
        )
    except ValueError as error:
        if isinstance(error, DataFileError):
            raise
        raise DataFileError(f"{label}: {error}") from None
    if args.plot is not None:
        save_plot(args.plot, DRIVERS_SIZE, lambda ax: plot_drivers(result, ax=ax))
    payload = {
        "command": "drivers",
        "file": str(path),
        "score": score,
        "weight": args.weight,
        "seed": args.seed,
    }
    weighted = f", weighted by column {args.weight!r}" if args.weight else ""
    print_table(result, args.format, payload, f"Column {score!r} in {label}{weighted}")
    return 0
