"""The ``npskit topics`` subcommand: how much each comment topic moves NPS."""

from __future__ import annotations

import argparse
from typing import Any, get_args

import numpy as np

from npskit._core.scale import STANDARD_SCALE
from npskit._drivers.topics import topic_impact
from npskit._io.columns import read_answer_columns
from npskit._io.source import DataFileError
from npskit._plots.drivers import plot_topics
from npskit._plots.style import forest_height
from npskit.typing import TopicRule

from .options import (
    HelpFormatter,
    add_confidence_level_option,
    add_format_option,
    add_p_adjust_option,
    add_scale_option,
    add_source_options,
    data_file,
    print_table,
    scale_of,
    source,
)
from .plots import add_plot_option, check_plot, save_plot

__all__ = ["add_topics", "run_topics"]

_MONTH = "month"


def add_topics(commands: Any) -> None:
    """Add ``npskit topics``."""
    parser = commands.add_parser(
        "topics",
        help="impact of comment topics on NPS, with intervals and a Shapley split",
        description=(
            "For each comment topic: NPS of all answers minus NPS without the topic's\n"
            "answers (= the topic's share x the NPS difference), with a delta-method\n"
            "interval and a test adjusted for multiplicity, and the exact Shapley split\n"
            "of comments that carry several topics. With --period (or --date), one\n"
            "block per period and each topic's change of impact."
        ),
        epilog=(
            "examples:\n"
            "  npskit topics --example\n"
            "  npskit topics survey.csv --score answer --topics tags --separator '|'\n"
            "  npskit topics --example --date date --format markdown\n"
            "  npskit topics --example --plot topics.png"
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
        "--topics",
        metavar="COLUMN",
        help="column with the comment tags, separated by --separator (default with "
        "--example: topics)",
    )
    parser.add_argument("--separator", default=";", help="separator of the tags")
    parser.add_argument(
        "--weight", metavar="COLUMN", help="column with survey weights (default: unweighted)"
    )
    periods = parser.add_mutually_exclusive_group()
    periods.add_argument(
        "--period",
        metavar="COLUMN",
        help="column with the period of each answer (default: no periods)",
    )
    periods.add_argument(
        "--date",
        metavar="COLUMN",
        help="column with ISO dates (YYYY-MM-DD...), bucketed by month (default: no periods)",
    )
    parser.add_argument(
        "--shared",
        choices=get_args(TopicRule),
        default="shapley",
        help="how comments with several topics are shared",
    )
    add_confidence_level_option(parser, "level of the intervals")
    add_p_adjust_option(parser, "the topics' p-values")
    add_format_option(parser, ("text", "json", "markdown", "csv"))
    add_plot_option(parser, "a bar chart of the topics' impact (the last period)")
    parser.set_defaults(handler=run_topics, parser=parser)


def run_topics(args: argparse.Namespace) -> int:
    """Run ``npskit topics`` with parsed arguments; return the exit status."""
    parser: argparse.ArgumentParser = args.parser
    path, label = source(parser, args)
    score = "answer" if args.score is None and args.example else args.score
    topics = "topics" if args.topics is None and args.example else args.topics
    if score is None or topics is None:
        parser.error("--score COLUMN and --topics COLUMN are required")
    check_plot(args)
    period_column = args.period or args.date
    wanted = [score, topics] + [c for c in (args.weight, period_column) if c is not None]
    scale = scale_of(args) or STANDARD_SCALE
    columns = read_answer_columns(
        data_file(path, label, args), wanted, score=score, weight=args.weight, scale=scale
    )
    period = None
    if period_column is not None:
        period = np.asarray(columns[period_column]).astype(str)
        if args.date is not None:
            period = np.array([text[:7] for text in period])
    try:
        result = topic_impact(
            score,
            topics,
            data=columns,
            weights=args.weight,
            period=period,
            separator=args.separator,
            shared=args.shared,
            confidence_level=args.confidence_level,
            p_adjust=args.p_adjust,
            scale=scale,
        )
    except ValueError as error:
        if isinstance(error, DataFileError):
            raise
        raise DataFileError(f"{label}: {error}") from None
    if args.plot is not None:
        rows = len(result.rows) // len(result.periods)
        save_plot(args.plot, (6.4, forest_height(rows)), lambda ax: plot_topics(result, ax=ax))
    payload = {"command": "topics", "file": str(path), "score": score, "topics": topics}
    print_table(result, args.format, payload, f"Column {score!r} in {label}, topics {topics!r}")
    return 0
