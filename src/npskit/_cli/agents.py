"""The ``npskit agents`` subcommand: fair comparison of agents (case mix, funnel, publishing).

The file is counted per unit and stratum by the file dispatcher (chunk by
chunk), and the counts go to :func:`npskit.case_mix`, :func:`npskit.funnel`
or :func:`npskit.suppress`.
"""

from __future__ import annotations

import argparse
from typing import Any, get_args

from npskit._fairness.case_mix import case_mix
from npskit._fairness.funnel import funnel
from npskit._fairness.suppression import suppress
from npskit._io.files import count_file
from npskit._io.source import DataFileError
from npskit._plots.funnel import plot_funnel
from npskit._plots.style import TREND_SIZE
from npskit.typing import Overdispersion

from .options import (
    HelpFormatter,
    add_answer_options,
    add_confidence_level_option,
    add_format_option,
    add_p_adjust_option,
    add_source_options,
    column_list,
    count,
    data_file,
    print_table,
    scale_of,
    score_column,
    source,
)
from .plots import add_plot_option, check_plot, save_plot

__all__ = ["add_agents", "run_agents"]

VIEWS = ("case-mix", "funnel", "publish")


def add_agents(commands: Any) -> None:
    """Add ``npskit agents``."""
    parser = commands.add_parser(
        "agents",
        help="fair comparison of agents: case-mix adjustment, funnel plot, publishing rule",
        description=(
            "Compare agents (or teams, sites: any unit column) fairly.\n"
            "  case-mix  observed NPS against what the centre would score on the agent's mix\n"
            "            of --strata (queue, call reason, ...), O - E with interval and a\n"
            "            multiplicity-adjusted test (indirect standardisation);\n"
            "  funnel    each agent's NPS (case-mix adjusted with --strata) against its\n"
            "            answers, with 95% and 99.8% limits (Spiegelhalter), optionally\n"
            "            widened for overdispersion;\n"
            "  publish   which per-agent figures may be shown: fewer than --min-n answers are\n"
            "            hidden, plus one more in any total with a single hidden figure."
        ),
        epilog=(
            "examples:\n"
            "  npskit agents --example\n"
            "  npskit agents --example --view funnel --overdispersion additive --plot f.png\n"
            "  npskit agents survey.csv --score answer --unit agent --strata queue,reason\n"
            "  npskit agents --example --view publish --min-n 10 --within queue"
        ),
        formatter_class=HelpFormatter,
    )
    add_source_options(parser)
    add_answer_options(parser)
    parser.add_argument("--view", choices=VIEWS, default="case-mix", help="what to compute")
    parser.add_argument(
        "--unit", metavar="COLUMN", help="the unit column (default with --example: agent)"
    )
    parser.add_argument(
        "--strata",
        type=column_list,
        metavar="COLUMN[,COLUMN]",
        help="case-mix columns (default with --example: queue,call_reason; the funnel "
        "is unadjusted without them)",
    )
    parser.add_argument(
        "--overdispersion",
        choices=get_args(Overdispersion),
        default="none",
        help="funnel: widen the limits by phi (multiplicative) or tau^2 (additive)",
    )
    parser.add_argument(
        "--min-n", type=count, default=10, metavar="N", help="publish: fewest answers shown"
    )
    parser.add_argument(
        "--within",
        type=column_list,
        metavar="COLUMN[,COLUMN]",
        help="publish: columns of the totals shown next to the agents (default: the grand total)",
    )
    add_confidence_level_option(parser, "case-mix: level of the O - E intervals")
    add_p_adjust_option(parser, "the agents' p-values (case-mix)")
    add_format_option(parser, ("text", "json", "markdown", "csv"))
    add_plot_option(parser, "the funnel plot (any view)")
    parser.set_defaults(handler=run_agents, parser=parser)


def run_agents(args: argparse.Namespace) -> int:
    """Run ``npskit agents`` with parsed arguments; return the exit status."""
    parser: argparse.ArgumentParser = args.parser
    path, label = source(parser, args)
    score = score_column(parser, args)
    unit = args.unit or ("agent" if args.example else None)
    if unit is None:
        parser.error("--unit COLUMN is required: name the agent (or team) column")
    example_strata = ["queue", "call_reason"] if args.example and args.view != "publish" else []
    strata: list[str] = args.strata or example_strata
    within: list[str] = args.within or []
    if args.view == "case-mix" and not strata:
        parser.error("--strata COLUMN[,COLUMN] is required for --view case-mix")
    columns = [*within, unit, *strata] if args.view == "publish" else [unit, *strata]
    if len(set(columns)) != len(columns) or score in columns:
        parser.error("--unit, --strata and --within must name distinct columns other than --score")
    check_plot(args)
    file = data_file(path, label, args)
    cube = count_file(
        file, score, columns, weight=args.weight, nan_policy=args.nan_policy, scale=scale_of(args)
    )
    if cube.total.n == 0:
        raise DataFileError(f"{label}: column {score!r} has no answers")
    try:
        mix = (
            case_mix(
                cube,
                unit,
                strata,
                confidence_level=args.confidence_level,
                p_adjust=args.p_adjust,
            )
            if strata
            else None
        )
        shown = funnel(
            cube if mix is None else mix,
            unit if mix is None else None,
            overdispersion=args.overdispersion,
        )
        result: Any
        if args.view == "case-mix":
            result = mix
        elif args.view == "funnel":
            result = shown
        else:
            others = [c for c in columns if c not in (*within, unit)]
            result = suppress(
                cube.sum_over(*others) if others else cube, min_n=args.min_n, within=within
            )
    except ValueError as error:
        raise DataFileError(f"{label}: {error}") from None
    if args.plot is not None:
        save_plot(args.plot, TREND_SIZE, lambda ax: plot_funnel(shown, ax=ax))
    payload = {
        "command": "agents",
        "view": args.view,
        "file": str(path),
        "score": score,
        "unit": unit,
        "strata": strata,
        "weight": args.weight,
    }
    print_table(result, args.format, payload, f"Column {score!r} of {label}, units {unit!r}")
    return 0
