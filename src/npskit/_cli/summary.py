"""The ``npskit summary`` subcommand: counts, shares, missing answers and NPS of one column."""

from __future__ import annotations

import argparse
import csv
import io
import json
from typing import Any

from npskit._core.scale import STANDARD_SCALE, Scale
from npskit._core.tally import Tally
from npskit._intervals.confidence_interval import ConfidenceInterval, confidence_interval
from npskit._io.files import answer_histogram, tally_file
from npskit._io.source import DataFile, DataFileError
from npskit._plots.answers import draw_distribution
from npskit._plots.style import DISTRIBUTION_SIZE

from .metric_commands import run_metric_summary
from .metrics import add_metric_options, is_nps_only, metrics_of
from .options import (
    HelpFormatter,
    add_answer_options,
    add_format_option,
    add_interval_options,
    add_resampling_options,
    add_source_options,
    data_file,
    resampling,
    scale_of,
    score_column,
    source,
    terminal_safe,
)
from .plots import add_plot_option, check_plot, save_plot

__all__ = ["add_summary", "run_summary"]

_CATEGORIES = ("detractors", "passives", "promoters")


def add_summary(commands: Any) -> None:
    """Add ``npskit summary``."""
    parser = commands.add_parser(
        "summary",
        help="counts, shares, missing answers and NPS of one column",
        description=(
            "Count detractors (0-6), passives (7-8) and promoters (9-10) in one column\n"
            "of a CSV, Parquet or Excel file (or several, a folder of parts, a glob\n"
            "pattern, standard input, or a counts table with --counts); report missing\n"
            "answers, the shares, and the NPS: % promoters minus % detractors, in points\n"
            "from -100 to +100. Files are read in chunks, so they may be larger than memory."
        ),
        epilog=(
            "examples:\n"
            "  npskit summary --example\n"
            "  npskit summary survey.csv --score answer\n"
            "  npskit summary survey.csv --score answer --weight weight --format json\n"
            "  npskit summary survey.csv --score answer --interval-method tango "
            "--confidence-level 0.9\n"
            "  npskit summary survey.csv --score answer --interval-method bootstrap-bca "
            "--seed 1\n"
            "  npskit summary survey.tsv --score q1 --delimiter tab\n"
            "  npskit summary survey.parquet --score answer --format csv\n"
            "  npskit summary 'exports/*.csv.gz' --score answer\n"
            "  npskit summary survey.xlsx --sheet Answers --score answer\n"
            "  npskit summary counts.csv --counts --format json\n"
            "  npskit summary --example --plot answers.png\n"
            "  npskit summary --example --metric nps,csat,ces\n"
            "  npskit summary survey.csv --metric csat --score q_sat --top-box 4\n"
            "\n"
            "The interval is npskit.confidence_interval's: weighted answers use the\n"
            "weighted shares with Kish's effective n. The bootstrap methods draw fresh\n"
            "random numbers on every run unless --seed is given."
        ),
        formatter_class=HelpFormatter,
    )
    add_source_options(parser)
    add_answer_options(parser)
    add_interval_options(parser)
    add_resampling_options(parser)
    add_format_option(parser, ("text", "json", "markdown", "csv"))
    add_plot_option(parser, "the answers 0..10 by category (bar chart)")
    add_metric_options(parser, several=True)
    parser.set_defaults(handler=run_summary, parser=parser)


def run_summary(args: argparse.Namespace) -> int:
    """Run ``npskit summary`` with parsed arguments; return the exit status."""
    parser: argparse.ArgumentParser = args.parser
    metrics = metrics_of(parser, args)
    if not is_nps_only(metrics):
        return run_metric_summary(args, metrics)
    path, label = source(parser, args)
    score = score_column(parser, args)
    weight: str | None = args.weight
    check_plot(args)
    file = data_file(path, label, args)
    result = tally_file(
        file, score, weight=weight, nan_policy=args.nan_policy, scale=scale_of(args)
    )
    if result.weight_sum == 0:
        raise DataFileError(_nothing_to_summarise(label, score, weight, result))
    interval = confidence_interval(
        result,
        interval_method=args.interval_method,
        confidence_level=args.confidence_level,
        **resampling(args),
    )
    if args.plot is not None:  # first, so that a plot that cannot be written stops early
        _plot_summary(args.plot, file, score, weight, result, scale_of(args) or STANDARD_SCALE)
    if args.format == "json":
        payload = _summary_dict(result, file=str(path), score=score, weight=weight)
        payload["confidence_interval"] = interval.to_dict()
        payload["scale"] = (scale_of(args) or STANDARD_SCALE).to_dict()
        payload["seed"] = args.seed
        print(json.dumps(payload, indent=2))
    elif args.format == "markdown":
        print(_summary_markdown(result, interval))
    elif args.format == "csv":
        print(_summary_csv(result, interval, file=str(path), score=score, weight=weight), end="")
    else:
        text = _summary_text(result, label=label, score=score, weight=weight)
        if args.counts and args.score is None:  # a counts table has no column of answers
            text = text.replace(f"of column {score!r} in", "of the counts table", 1)
        print(terminal_safe(_with_interval(text, interval)))
    return 0


def _plot_summary(
    path: str, file: list[DataFile], score: str, weight: str | None, result: Tally, scale: Scale
) -> None:
    counts = answer_histogram(file, score, weight=weight, scale=scale)
    save_plot(path, DISTRIBUTION_SIZE, lambda ax: draw_distribution(ax, counts, result, scale))


def _summary_markdown(result: Tally, interval: ConfidenceInterval) -> str:
    """Counts, shares and NPS as a Markdown table, then the interval (rounded to 1 decimal)."""
    weighted = result.is_weighted
    lines = ["| | count | share |", "|---|---:|---:|"]
    for name, share in zip(_CATEGORIES, result.shares, strict=True):
        count = getattr(result, name)
        shown = f"{count:.1f}" if weighted else str(count)
        lines.append(f"| {name} | {shown} | {100 * share:.1f}% |")
    total = f"{result.weight_sum:.1f}" if weighted else str(result.weight_sum)
    lines.append(f"| **answers** | {total} | 100.0% |")
    lines.append(f"| missing, left out | {result.n_missing} | |")
    level = f"{100 * interval.confidence_level:g}%"
    lines.append("")
    lines.append(
        f"NPS **{result.nps:+.1f}**, {level} confidence interval "
        f"[{interval.low:+.1f}, {interval.high:+.1f}] ({interval.interval_method}; "
        + (f"effective n {result.effective_n:.1f}; " if weighted else "")
        + "rounded to 1 decimal)"
    )
    return "\n".join(lines)


def _summary_csv(
    result: Tally, interval: ConfidenceInterval, *, file: str, score: str, weight: str | None
) -> str:
    """One CSV record with the counts, shares, NPS and interval at full precision."""
    record = {
        "file": file,
        "score": score,
        "weight": "" if weight is None else weight,
        "weight_sum": result.weight_sum,
        "n": result.n,
        "effective_n": result.effective_n,
        "n_missing": result.n_missing,
        **{name: getattr(result, name) for name in _CATEGORIES},
        **{f"share_{name}": v for name, v in zip(_CATEGORIES, result.shares, strict=True)},
        "nps": result.nps,
        "low": interval.low,
        "high": interval.high,
        "confidence_level": interval.confidence_level,
        "interval_method": interval.interval_method,
    }
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(record), lineterminator="\n")
    writer.writeheader()
    writer.writerow(record)
    return buffer.getvalue()


def _with_interval(text: str, interval: ConfidenceInterval) -> str:
    """The summary text with the interval's line inserted before the closing note."""
    *body, note = text.split("\n")
    level = f"{100 * interval.confidence_level:g}%"
    line = (
        f"{level} confidence interval [{interval.low:+.1f}, {interval.high:+.1f}] "
        f"({interval.interval_method}, rounded to 1 decimal)"
    )
    return "\n".join([*body, line, note])


def _nothing_to_summarise(label: str, score: str, weight: str | None, result: Tally) -> str:
    if result.n == 0:
        return (
            f"{label}: column {score!r} has no answers, only {result.n_missing} blank "
            "or missing cells; nothing to summarise"
        )
    return (
        f"{label}: the weights in column {weight!r} add up to 0 over the "
        f"{result.n} answers; nothing to summarise"
    )


def _summary_dict(result: Tally, *, file: str, score: str, weight: str | None) -> dict[str, Any]:
    shares = result.shares
    return {
        "command": "summary",
        "file": file,
        "score": score,
        "weight": weight,
        **result.to_dict(),
        "weight_sum": result.weight_sum,
        "n": result.n,
        "effective_n": result.effective_n,
        "shares": dict(zip(_CATEGORIES, shares, strict=True)),
        "nps": result.nps,
    }


def _summary_text(result: Tally, *, label: str, score: str, weight: str | None) -> str:
    weighted = weight is not None
    lines = [f"NPS summary of column {score!r} in {label}"]
    if weighted:
        lines.append(f"weighted by column {weight!r}")
    rows: list[tuple[str, str, str]] = [("answers", str(result.n), "")]
    if weighted:
        rows += [
            ("weighted total", f"{result.weight_sum:.1f}", ""),
            ("effective n (Kish)", f"{result.effective_n:.1f}", ""),
        ]
    rows.append(("missing, left out", str(result.n_missing), ""))
    rows.append(("", "weighted" if weighted else "count", "share"))
    for name, share in zip(_CATEGORIES, result.shares, strict=True):
        count = getattr(result, name)
        rows.append(
            (f"  {name}", f"{count:.1f}" if weighted else str(count), f"{100 * share:.1f}%")
        )
    rows.append(("NPS", f"{result.nps:+.1f}", ""))
    width = max(len(row[1]) for row in rows)
    lines += [f"{a:<20}{b:>{width}}  {c:>6}".rstrip() for a, b, c in rows]
    rounded = "Weighted counts, shares" if weighted else "Shares"
    lines.append(f"{rounded} and NPS rounded to 1 decimal; NPS = % promoters - % detractors.")
    return "\n".join(lines)
