"""The ``npskit sample-size`` subcommand.

``add_sample_size`` adds the subcommand's arguments, ``run_sample_size`` runs
them. It reads no file: it plans a survey with :func:`npskit.sample_size`.
"""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

from npskit._core.tally import Tally
from npskit._counting.tally import tally
from npskit._io.examples import load_example
from npskit._planning.sample_size import SampleSize, sample_size
from npskit._planning.shared import PLANNING_METHODS

from .metric_commands import run_metric_sample_size
from .metrics import add_metric_options, is_nps_only, metrics_of
from .options import HelpFormatter, add_format_option, add_interval_options, positive

__all__ = ["add_sample_size", "run_sample_size"]


def add_sample_size(commands: Any) -> None:
    """Add ``npskit sample-size`` to the subcommands."""
    parser = commands.add_parser(
        "sample-size",
        help="answers needed for a given margin of error",
        description=(
            "How many answers give an NPS interval whose margin of error (half its\n"
            "width, in points) is at most --margin. Without --expected it plans for the\n"
            "worst case (half detractors, half promoters), which holds whatever the\n"
            "shares turn out to be."
        ),
        epilog=(
            "examples:\n"
            "  npskit sample-size --margin 5\n"
            "  npskit sample-size --margin 5 --expected 20,30,50\n"
            "  npskit sample-size --margin 3 --expected 0.2,0.3,0.5 --confidence-level 0.9\n"
            "  npskit sample-size --margin 5 --population 2000 --format json\n"
            "  npskit sample-size --margin 3 --example --format markdown\n"
            "\n"
            "--expected takes detractors,passives,promoters as shares adding up to 1\n"
            "(0.2,0.3,0.5) or as percentages adding up to 100 (20,30,50); --example\n"
            "takes them from the bundled example survey."
        ),
        formatter_class=HelpFormatter,
    )
    parser.add_argument(
        "--margin",
        type=_margin,
        required=True,
        metavar="POINTS",
        help="margin of error to reach, in NPS points, strictly between 0 and 100",
    )
    parser.add_argument(
        "--expected",
        type=_expected,
        default=None,
        metavar="D,S,P",
        help=(
            "expected detractors,passives,promoters as shares (sum 1) or percentages "
            "(sum 100) (default: the worst case)"
        ),
    )
    add_interval_options(parser, PLANNING_METHODS, what="the interval whose margin is planned")
    parser.add_argument(
        "--population",
        type=positive,
        default=None,
        metavar="N",
        help="size of the population sampled without replacement, for the "
        "finite-population correction (default: infinite, no correction)",
    )
    parser.add_argument(
        "--example",
        action="store_true",
        help="expect the shares of the bundled example survey (instead of --expected)",
    )
    add_format_option(parser, ("text", "json", "markdown"))
    add_metric_options(parser)
    parser.set_defaults(handler=run_sample_size, parser=parser)


def run_sample_size(args: argparse.Namespace) -> int:
    """Run ``npskit sample-size`` with parsed arguments; return the exit status."""
    parser: argparse.ArgumentParser = args.parser
    (metric,) = metrics_of(parser, args)
    if not is_nps_only([metric]):
        return run_metric_sample_size(args, metric)
    if args.example:
        if args.expected is not None:
            parser.error("give --expected or --example, not both")
        args.expected = tally(load_example()["answer"])
    expected: Tally | tuple[float, float, float] | None = args.expected
    try:
        plan = sample_size(
            args.margin,
            expected=expected,
            confidence_level=args.confidence_level,
            interval_method=args.interval_method,
            population=args.population,
        )
    except ValueError as error:  # e.g. more than 10^15 answers needed
        parser.error(str(error))
    if args.format == "json":
        print(json.dumps({"command": "sample-size", **plan.to_dict()}, indent=2))
    elif args.format == "markdown":
        print(_markdown(plan))
    else:
        print(_text(plan))
    return 0


def _text(plan: SampleSize) -> str:
    if plan.worst_case:
        shares = "worst case: 50% detractors, 0% passives, 50% promoters"
    else:
        d, s, p = (f"{100 * v:.4g}%" for v in plan.expected)
        shares = f"{d} detractors, {s} passives, {p} promoters"
    lines = [f"Sample size for an NPS margin of error of ±{plan.target:g} points"]
    lines += [f"{name:<18}{value}" for name, value in _rows(plan, shares)]
    lines.append("The margin is half the width of the two-sided interval, rounded to 2 decimals.")
    return "\n".join(lines)


def _markdown(plan: SampleSize) -> str:
    """The plan as a two-column Markdown table (margin rounded to 2 decimals)."""
    lines = [f"| sample size for a margin of ±{plan.target:g} points | |", "|---|---|"]
    expected = (
        "worst case"
        if plan.worst_case
        else " / ".join(f"{100 * v:.4g}%" for v in plan.expected)
        + " (detractors / passives / promoters)"
    )
    lines += [f"| {name} | {value} |" for name, value in _rows(plan, expected)]
    return "\n".join(lines)


def _rows(plan: SampleSize, expected: str) -> list[tuple[str, str]]:
    """The figures of the plan as (name, value) pairs, the margin to 2 decimals."""
    rows = [
        ("answers needed", str(plan.n)),
        ("margin at that n", f"±{plan.margin:.2f} points"),
        ("confidence level", f"{100 * plan.confidence_level:g}%"),
        ("method", plan.interval_method),
        ("expected shares", expected),
    ]
    if plan.population is not None:
        rows.append(("population", str(plan.population)))
    return rows


def _margin(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of points, got {text!r}") from None
    if not (math.isfinite(value) and 0.0 < value < 100.0):
        raise argparse.ArgumentTypeError(
            f"must be strictly between 0 and 100 points (half the interval's width), got {text!r}"
        )
    return value


def _expected(text: str) -> tuple[float, float, float]:
    parts = text.split(",")
    try:
        values = [float(part) for part in parts]
    except ValueError:
        values = []
    if len(values) != 3 or not all(math.isfinite(v) and v >= 0 for v in values):
        raise argparse.ArgumentTypeError(
            "must be three non-negative numbers detractors,passives,promoters such as "
            f"0.2,0.3,0.5 or 20,30,50, got {text!r}"
        )
    total = math.fsum(values)
    if abs(total - 100.0) <= 1e-6:  # percentages
        values = [v / 100.0 for v in values]
    elif abs(total - 1.0) > 1e-9:
        raise argparse.ArgumentTypeError(
            f"must add up to 1 (shares) or 100 (percentages), got {text!r} (sum {total:g})"
        )
    return (values[0], values[1], values[2])
