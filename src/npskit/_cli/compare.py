"""The ``npskit compare`` subcommand: is the change of NPS between two periods real?"""

from __future__ import annotations

import argparse
import json
from typing import Any, get_args

from npskit._compare.compare import compare
from npskit._core.tally import Tally
from npskit._io.files import tally_file
from npskit._io.source import DataFileError
from npskit.typing import Alternative

from .inputs import check_counts_options, resolve_inputs, stdin_copy
from .metric_compare import run_metric_compare
from .metrics import add_metric_options, is_nps_only, metrics_of
from .options import (
    HelpFormatter,
    add_answer_options,
    add_compare_method_option,
    add_confidence_level_option,
    add_format_option,
    add_resampling_options,
    add_source_options,
    data_file,
    resampling,
    scale_of,
    score_column,
    source,
    terminal_safe,
)
from .periods import add_period_options, period_column, period_tallies

__all__ = ["add_compare", "run_compare"]


def add_compare(commands: Any) -> None:
    """Add ``npskit compare``."""
    parser = commands.add_parser(
        "compare",
        help="is the change of NPS (or CSAT, CES) between two periods real? difference, "
        "interval, p-value",
        description=(
            "Compare the NPS of two periods (different respondents): the difference\n"
            "current - baseline in points, its confidence interval and the p-value of\n"
            "H0: same NPS. Either one file with a period (or date) column and the two\n"
            "periods to compare, or two files, baseline first. Files are read in chunks.\n"
            "--metric csat, ces or ces-easy compares that metric instead (Newcombe's\n"
            "interval for a share, Welch for a mean; see npskit.compare with metric=)."
        ),
        epilog=(
            "examples:\n"
            "  npskit compare --example\n"
            "  npskit compare survey.csv --score answer --period month "
            "--baseline 2026-04 --current 2026-05\n"
            "  npskit compare survey.csv --score answer --date date --freq month "
            "--baseline 2026-04 --current 2026-05\n"
            "  npskit compare april.csv may.csv --score answer --format json\n"
            "  npskit compare --example --metric csat\n"
            "  npskit compare april.csv may.csv --metric ces --score effort\n"
            "  npskit compare --example --compare-method permutation --seed 1"
        ),
        formatter_class=HelpFormatter,
    )
    parser.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="one data set with --period or --date, or two: baseline then current. Each is "
        "a CSV (optionally compressed), Parquet or Excel .xlsx file, a folder of parts, a "
        "quoted glob pattern, or - for standard input; with --counts, a counts table",
    )
    add_source_options(parser, positional=False)
    add_answer_options(parser)
    add_period_options(parser, date_required=False)
    parser.add_argument(
        "--baseline",
        metavar="PERIOD",
        help="the earlier period, as labelled; required with one file "
        "(default with --example: the second-to-last period)",
    )
    parser.add_argument(
        "--current",
        metavar="PERIOD",
        help="the later period, as labelled; required with one file "
        "(default with --example: the last period)",
    )
    parser.add_argument(
        "--alternative",
        choices=get_args(Alternative),
        default="two-sided",
        help="H1: 'greater' means current > baseline",
    )
    add_compare_method_option(parser, "the comparison of the two periods")
    add_confidence_level_option(parser, "level of the interval of the difference")
    add_resampling_options(parser)
    add_metric_options(parser)
    add_format_option(parser, ("text", "json", "markdown"))
    parser.set_defaults(handler=run_compare, parser=parser)


def run_compare(args: argparse.Namespace) -> int:
    """Run ``npskit compare`` with parsed arguments; return the exit status."""
    parser: argparse.ArgumentParser = args.parser
    files: list[str] = list(args.files)
    if args.example and files:
        parser.error("give FILE(s) or --example, not both")
    if not args.example and not files:
        parser.error("FILE is required (or --example for the bundled example survey)")
    if len(files) > 2:
        parser.error(f"give one or two files, got {len(files)}")
    (metric,) = metrics_of(parser, args)
    if not is_nps_only([metric]):
        return run_metric_compare(args, metric, files)
    score = score_column(parser, args)
    origin_note: str | None = None
    check_counts_options(parser, args)
    if len(files) == 2:
        if args.period or args.date or args.baseline or args.current:
            parser.error(
                "with two files, baseline and current are the files: drop --period, "
                "--date, --baseline and --current"
            )
        before = _tally(parser, files[0], score, args)
        after = _tally(parser, files[1], score, args)
        labels = (files[0], files[1])
        origin: dict[str, str | None] = {"baseline_file": files[0], "current_file": files[1]}
    else:
        args.file = files[0] if files else None
        path, label = source(parser, args)
        column, freq = period_column(parser, args)
        baseline, current = args.baseline, args.current
        defaults = args.example and baseline is None and current is None
        if not defaults and (baseline is None or current is None):
            parser.error("--baseline and --current are required with one file")
        periods = period_tallies(path, label, score, column, freq, args)
        if defaults:
            ordered = sorted(periods)
            if len(ordered) < 2:  # pragma: no cover - the example has six months
                raise DataFileError(f"{label} has fewer than two periods")
            baseline, current = ordered[-2], ordered[-1]
            chosen = f"the last two {freq or 'period'}s of column {column!r}"
            origin_note = (
                f"{label}: comparing {chosen}, {baseline} (baseline) and {current} "
                "(current); pick others with --baseline and --current"
            )
        before = _pick(periods, baseline, label, column)
        after = _pick(periods, current, label, column)
        labels = (str(baseline), str(current))
        origin = {"file": str(path), "period_column": column, "freq": freq}
        if origin_note is not None:
            origin["compared"] = origin_note
    for name, part in (("baseline", before), ("current", after)):
        if part.weight_sum <= 0:
            raise DataFileError(f"the {name} ({labels[name == 'current']}) has no answers")
    result = compare(
        before,
        after,
        compare_method=args.compare_method,
        confidence_level=args.confidence_level,
        alternative=args.alternative,
        **resampling(args),
    )
    if args.format == "json":
        payload = {
            "command": "compare",
            **origin,
            "score": score,
            "weight": args.weight,
            "baseline_label": labels[0],
            "current_label": labels[1],
            "seed": args.seed,
            **result.to_dict(),
        }
        print(json.dumps(payload, indent=2, default=str))
    elif args.format == "markdown":
        print(_compare_markdown(result, before, after, labels, args.confidence_level))
    else:
        text = _compare_text(
            result, before, after, labels, score, args.confidence_level, args.alternative
        )
        if origin_note is not None:
            text = f"{origin_note}\n{text}"
        if args.counts and args.score is None:  # a counts table has no column of answers
            text = text.replace(f"in column {score!r}:", "in the counts table:", 1)
        print(terminal_safe(text))
    return 0


def _pick(periods: dict[str, Tally], wanted: str, label: str, column: str) -> Tally:
    if wanted in periods:
        return periods[wanted]
    found = sorted(periods)
    shown = ", ".join(repr(p) for p in found[:12]) + (", ..." if len(found) > 12 else "")
    raise DataFileError(
        f"{label}: no answers in period {wanted!r} of column {column!r}; periods with "
        f"answers: {shown}"
    )


def _tally(
    parser: argparse.ArgumentParser, given: str, score: str, args: argparse.Namespace
) -> Tally:
    inputs, label = resolve_inputs(parser, [given], stdin_copy)
    file = data_file(inputs, label, args)
    return tally_file(
        file, score, weight=args.weight, nan_policy=args.nan_policy, scale=scale_of(args)
    )


def _compare_text(
    result: Any,
    before: Tally,
    after: Tally,
    labels: tuple[str, str],
    score: str,
    level: float,
    alternative: str,
) -> str:
    pct = f"{100 * level:g}%"
    lines = [
        f"NPS change in column {score!r}: {labels[0]} (baseline) -> {labels[1]} (current)",
        f"  baseline  NPS {before.nps:+6.1f}  n = {before.n}",
        f"  current   NPS {after.nps:+6.1f}  n = {after.n}",
        f"  change    {result.difference:+.1f} points, {pct} CI "
        f"[{result.low:+.1f}, {result.high:+.1f}]",
        f"  p-value   {result.pvalue:.3g} ({result.compare_method}, {alternative})",
        "NPS and points rounded to 1 decimal, p-value to 3 significant digits; "
        "change = current - baseline.",
    ]
    return "\n".join(lines)


def _compare_markdown(
    result: Any, before: Tally, after: Tally, labels: tuple[str, str], level: float
) -> str:
    pct = f"{100 * level:g}%"
    return "\n".join(
        [
            f"| | period | n | NPS | {pct} CI | p-value |",
            "|---|---|---|---|---|---|",
            f"| baseline | {labels[0]} | {before.n} | {before.nps:.1f} | | |",
            f"| current | {labels[1]} | {after.n} | {after.nps:.1f} | | |",
            f"| change | | | {result.difference:+.1f} | "
            f"[{result.low:+.1f}, {result.high:+.1f}] | {result.pvalue:.3g} |",
        ]
    )
