"""The ``npskit`` command line.

One function builds the parser (``build_parser``), one function per
subcommand adds its arguments (``_add_summary``) and one runs it
(``_run_summary``); options that several subcommands share are added by the
``_add_*_options`` helpers, so a new subcommand is a new pair of functions.

Exit codes: 0 success, 1 a problem with the data (one line on stderr, starting
``npskit: error:``), 2 a usage error (argparse's message).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, get_args

from npskit._core.errors import NpskitError
from npskit._core.tally import Tally
from npskit._intervals.confidence_interval import (
    ConfidenceInterval,
    confidence_interval,
)
from npskit._intervals.methods import DEFAULT_INTERVAL_METHOD
from npskit._io.csv_file import CsvDataError, CsvFile, tally_csv
from npskit.typing import IntervalMethod, NanPolicy

from .plots import add_plot_option, check_plot

__all__ = ["build_parser", "main"]

PROG = "npskit"
_CATEGORIES = ("detractors", "passives", "promoters")
_DELIMITER_NAMES = {"tab": "\t", "\\t": "\t"}

Handler = Callable[[argparse.Namespace], int]


class _ParserExit(Exception):  # noqa: N818 - not an error: carries argparse's exit status
    """Raised instead of ``sys.exit`` so that :func:`main` returns the status."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class _Parser(argparse.ArgumentParser):
    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            self._print_message(message, sys.stderr)
        raise _ParserExit(status)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the npskit command line and return its exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name; by default ``sys.argv[1:]``.

    Returns
    -------
    int
        0 on success, 1 if the data could not be read or summarised (the
        reason is printed on stderr as one line), 2 for a usage error.

    Examples
    --------
    >>> from npskit.__main__ import main
    >>> main(["summary", "--example"])
    NPS summary of column 'answer' in the bundled example (contact_center.csv)
    answers              5824
    missing, left out     176
                        count   share
      detractors         1427   24.5%
      passives           1517   26.0%
      promoters          2880   49.5%
    NPS                 +24.9
    95% confidence interval [+22.8, +27.0] (adjusted-wald, rounded to 1 decimal)
    Shares and NPS rounded to 1 decimal; NPS = % promoters - % detractors.
    0
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        handler: Handler = args.handler
        status = handler(args)
        sys.stdout.flush()
    except _ParserExit as stop:
        return stop.status
    except BrokenPipeError:  # the reader went away, as in `npskit ... | head -1`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so that the exit flush stays quiet
        return 1
    except NpskitError as error:
        message = " ".join(str(error).split("\n"))
        print(f"{PROG}: error: {message}", file=sys.stderr)
        return 1
    return status


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``npskit`` command, with all subcommands."""
    from npskit import __version__

    parser = _Parser(
        prog=PROG,
        description="Net Promoter Score analysis of survey answers in CSV files.",
        epilog=(
            "examples:\n"
            "  npskit summary --example\n"
            "  npskit summary survey.csv --score answer --weight weight\n"
            "\n"
            "Run 'npskit COMMAND --help' for the options of a command."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(
        title="commands", dest="command", metavar="COMMAND", required=True
    )
    _add_summary(commands)
    from .periods import add_compare, add_trend  # here: that module imports this one

    add_compare(commands)
    add_trend(commands)
    from .breakdown import add_breakdown  # here: that module imports this one

    add_breakdown(commands)
    from .sample_size import add_sample_size  # here: that module imports this one

    add_sample_size(commands)
    return parser


# -- shared options ------------------------------------------------------------


def _add_source_options(parser: argparse.ArgumentParser) -> None:
    """FILE or --example, and how to read the file."""
    parser.add_argument(
        "file",
        nargs="?",
        metavar="FILE",
        help="CSV file, UTF-8, with a header line naming the columns",
    )
    parser.add_argument(
        "--example",
        action="store_true",
        help="use the bundled example survey instead of FILE (--score defaults to 'answer')",
    )
    parser.add_argument(
        "--delimiter",
        type=_delimiter,
        default=",",
        metavar="CHAR",
        help="field separator, one character; 'tab' for tabs (default: ',')",
    )


def _add_answer_options(parser: argparse.ArgumentParser) -> None:
    """Which column holds the answers and the weights, and what missing means."""
    parser.add_argument(
        "--score",
        metavar="COLUMN",
        help="column with the answers 0..10; blank cells are missing answers",
    )
    parser.add_argument(
        "--weight",
        metavar="COLUMN",
        help="column with survey weights, finite and >= 0 (default: unweighted)",
    )
    parser.add_argument(
        "--nan-policy",
        choices=get_args(NanPolicy),
        default="omit",
        help="leave missing answers out and count them (omit, the default) or stop (raise)",
    )


def _add_format_option(parser: argparse.ArgumentParser, formats: Sequence[str]) -> None:
    parser.add_argument(
        "--format",
        choices=formats,
        default=formats[0],
        help=f"output format (default: {formats[0]}); json keeps full precision",
    )


def _add_interval_options(
    parser: argparse.ArgumentParser, methods: Sequence[str] = get_args(IntervalMethod)
) -> None:
    """--method (an interval method of npskit.confidence_interval) and --confidence-level."""
    parser.add_argument(
        "--method",
        choices=methods,
        default=DEFAULT_INTERVAL_METHOD,
        metavar="METHOD",
        help=f"interval method, one of {', '.join(methods)} (default: {DEFAULT_INTERVAL_METHOD})",
    )
    parser.add_argument(
        "--confidence-level",
        type=_confidence_level,
        default=0.95,
        metavar="LEVEL",
        help="level of the two-sided interval, strictly between 0 and 1 (default: 0.95)",
    )


def _confidence_level(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(
            f"must be strictly between 0 and 1 (e.g. 0.95), got {text!r}"
        )
    return value


def _warn(caught: Sequence[warnings.WarningMessage]) -> None:
    """Print warnings the library emitted as ``npskit: warning: ...`` lines on stderr."""
    for item in caught:
        message = " ".join(str(item.message).split("\n"))
        print(f"{PROG}: warning: {message}", file=sys.stderr)


def _delimiter(text: str) -> str:
    value = _DELIMITER_NAMES.get(text, text)
    if len(value) != 1 or value in '"\r\n':
        raise argparse.ArgumentTypeError(
            f"must be one character other than a quote or a line break (or 'tab'), got {text!r}"
        )
    return value


def _source(parser: argparse.ArgumentParser, args: argparse.Namespace) -> tuple[Path, str]:
    """The file to read and how to name it, from FILE or --example."""
    if args.example and args.file is not None:
        parser.error("give FILE or --example, not both")
    if args.example:
        from npskit._io.examples import example_path

        return example_path(), "the bundled example (contact_center.csv)"
    if args.file is None:
        parser.error("FILE is required (or --example for the bundled example survey)")
    return Path(args.file), str(args.file)


def _score_column(parser: argparse.ArgumentParser, args: argparse.Namespace) -> str:
    if args.score is None and not args.example:
        parser.error("--score COLUMN is required: name the column that holds the answers")
    return "answer" if args.score is None else str(args.score)


# -- summary -------------------------------------------------------------------


def _add_summary(commands: Any) -> None:
    parser = commands.add_parser(
        "summary",
        help="counts, shares, missing answers and NPS of one column",
        description=(
            "Count detractors (0-6), passives (7-8) and promoters (9-10) in one column\n"
            "of a CSV file; report missing answers, the shares, and the NPS: % promoters\n"
            "minus % detractors, in points from -100 to +100. The file is read in\n"
            "chunks, so it may be larger than memory."
        ),
        epilog=(
            "examples:\n"
            "  npskit summary --example\n"
            "  npskit summary survey.csv --score answer\n"
            "  npskit summary survey.csv --score answer --weight weight --format json\n"
            "  npskit summary survey.csv --score answer --method tango --confidence-level 0.9\n"
            "  npskit summary survey.tsv --score q1 --delimiter tab\n"
            "  npskit summary survey.csv --score answer --format csv\n"
            "  npskit summary --example --plot answers.png\n"
            "\n"
            "The interval is npskit.confidence_interval's: weighted answers use the\n"
            "weighted shares with Kish's effective n; the bootstrap methods use seed 0,\n"
            "so the output is reproducible."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_source_options(parser)
    _add_answer_options(parser)
    _add_interval_options(parser)
    _add_format_option(parser, ("text", "json", "markdown", "csv"))
    add_plot_option(parser, "the answers 0..10 by category (bar chart)")
    parser.set_defaults(handler=_run_summary, parser=parser)


def _run_summary(args: argparse.Namespace) -> int:
    parser: argparse.ArgumentParser = args.parser
    path, label = _source(parser, args)
    score = _score_column(parser, args)
    weight: str | None = args.weight
    check_plot(args)
    file = CsvFile(path, delimiter=args.delimiter, label=label)
    result = tally_csv(file, score, weight=weight, nan_policy=args.nan_policy)
    if result.weight_sum == 0:
        raise CsvDataError(_nothing_to_summarise(label, score, weight, result))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        interval = confidence_interval(
            result, interval_method=args.method, confidence_level=args.confidence_level, rng=0
        )
    _warn(caught)
    if args.plot is not None:  # first, so that a plot that cannot be written stops early
        _plot_summary(args.plot, file, score, weight, result)
    if args.format == "json":
        payload = _summary_dict(result, file=str(path), score=score, weight=weight)
        payload["confidence_interval"] = interval.to_dict()
        print(json.dumps(payload, indent=2))
    elif args.format == "markdown":
        print(_summary_markdown(result, interval))
    elif args.format == "csv":
        print(_summary_csv(result, interval, file=str(path), score=score, weight=weight), end="")
    else:
        text = _summary_text(result, label=label, score=score, weight=weight)
        print(_with_interval(text, interval))
    return 0


def _plot_summary(path: str, file: CsvFile, score: str, weight: str | None, result: Tally) -> None:
    from npskit._core.scale import STANDARD_SCALE
    from npskit._plots.answers import draw_distribution
    from npskit._plots.style import DISTRIBUTION_SIZE

    from .plots import histogram_csv, save_plot

    counts = histogram_csv(file, score, weight)
    save_plot(
        path, DISTRIBUTION_SIZE, lambda ax: draw_distribution(ax, counts, result, STANDARD_SCALE)
    )


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
    import csv
    import io

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
        "method": interval.interval_method,
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
