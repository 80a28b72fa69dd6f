"""The ``npskit compare`` and ``npskit trend`` subcommands.

They follow the pattern of :mod:`npskit._cli.main`: one ``add_*`` function adds a
subcommand's arguments, one ``_run_*`` runs it. Files are read chunk by chunk
and counted per distinct period (:func:`npskit._io.csv_file.tally_csv_by`), so only
one tally per period is ever held in memory.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, get_args

from npskit._core.tally import Tally
from npskit._io.csv_file import CsvDataError, CsvFile, tally_csv, tally_csv_by
from npskit.typing import Alternative, CompareMethod, Frequency, IntervalMethod, PAdjustMethod

from .main import _add_answer_options, _add_format_option, _confidence_level, _delimiter
from .plots import add_plot_option, check_plot, save_plot

__all__ = ["add_compare", "add_trend"]

# The independent-samples methods of npskit.compare (issue 4).
COMPARE_METHODS = get_args(CompareMethod)
_EXAMPLE = "the bundled example (contact_center.csv)"


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--example",
        action="store_true",
        help="use the bundled example survey (--score defaults to 'answer', --date to 'date')",
    )
    parser.add_argument(
        "--delimiter",
        type=_delimiter,
        default=",",
        metavar="CHAR",
        help="field separator, one character; 'tab' for tabs (default: ',')",
    )
    _add_answer_options(parser)
    parser.add_argument(
        "--method",
        choices=COMPARE_METHODS,
        default=None,
        help="method of the comparison of two periods (default: npskit.compare's default)",
    )
    parser.add_argument(
        "--confidence-level",
        type=_confidence_level,
        default=0.95,
        metavar="LEVEL",
        help="level of the intervals, strictly between 0 and 1 (default: 0.95)",
    )


def _add_period_options(parser: argparse.ArgumentParser, *, date_required: bool) -> None:
    parser.add_argument(
        "--period",
        metavar="COLUMN",
        help="column whose text names each answer's period (e.g. 2026-05 or 'wave 2')",
    )
    parser.add_argument(
        "--date",
        metavar="COLUMN",
        help="column of ISO 8601 dates (2026-05-31), bucketed into periods by --freq",
    )
    parser.add_argument(
        "--freq",
        choices=get_args(Frequency),
        default=None,
        help="calendar period of --date: day, week (ISO, from Monday), month, quarter, year"
        + (" (default: month)" if date_required else ""),
    )


# -- compare ----------------------------------------------------------------------------


def add_compare(commands: Any) -> None:
    """Add ``npskit compare``."""
    parser = commands.add_parser(
        "compare",
        help="is the change of NPS between two periods real? difference, interval, p-value",
        description=(
            "Compare the NPS of two periods (different respondents): the difference\n"
            "current - baseline in points, its confidence interval and the p-value of\n"
            "H0: same NPS. Either one file with a period (or date) column and the two\n"
            "periods to compare, or two files, baseline first. Files are read in chunks."
        ),
        epilog=(
            "examples:\n"
            "  npskit compare --example\n"
            "  npskit compare survey.csv --score answer --period month "
            "--baseline 2026-04 --current 2026-05\n"
            "  npskit compare survey.csv --score answer --date date --freq month "
            "--baseline 2026-04 --current 2026-05\n"
            "  npskit compare april.csv may.csv --score answer --format json"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="one CSV file with --period or --date, or two files: baseline then current",
    )
    _add_common(parser)
    _add_period_options(parser, date_required=False)
    parser.add_argument("--baseline", metavar="PERIOD", help="the earlier period, as labelled")
    parser.add_argument("--current", metavar="PERIOD", help="the later period, as labelled")
    parser.add_argument(
        "--alternative",
        choices=get_args(Alternative),
        default="two-sided",
        help="H1: 'greater' means current > baseline (default: two-sided)",
    )
    _add_format_option(parser, ("text", "json", "markdown"))
    parser.set_defaults(handler=_run_compare, parser=parser)


def _run_compare(args: argparse.Namespace) -> int:
    parser: argparse.ArgumentParser = args.parser
    files: list[str] = list(args.files)
    if args.example and files:
        parser.error("give FILE(s) or --example, not both")
    if not args.example and not files:
        parser.error("FILE is required (or --example for the bundled example survey)")
    if len(files) > 2:
        parser.error(f"give one or two files, got {len(files)}")
    score = _score(parser, args)
    if len(files) == 2:
        if args.period or args.date or args.baseline or args.current:
            parser.error(
                "with two files, baseline and current are the files: drop --period, "
                "--date, --baseline and --current"
            )
        before = _tally_file(Path(files[0]), files[0], score, args)
        after = _tally_file(Path(files[1]), files[1], score, args)
        labels = (files[0], files[1])
        source: dict[str, str | None] = {"baseline_file": files[0], "current_file": files[1]}
    else:
        path, label = _path(files, args)
        column, freq = _period_column(parser, args)
        baseline, current = args.baseline, args.current
        defaults = args.example and baseline is None and current is None
        if not defaults and (baseline is None or current is None):
            parser.error("--baseline and --current are required with one file")
        periods = _period_tallies(path, label, score, column, freq, args)
        if defaults:
            ordered = sorted(periods)
            if len(ordered) < 2:  # pragma: no cover - the example has six months
                raise CsvDataError(f"{label} has fewer than two periods")
            baseline, current = ordered[-2], ordered[-1]
        before = _pick(periods, baseline, label, column)
        after = _pick(periods, current, label, column)
        labels = (str(baseline), str(current))
        source = {"file": str(path), "period_column": column, "freq": freq}
    for name, part in (("baseline", before), ("current", after)):
        if part.weight_sum <= 0:
            raise CsvDataError(f"the {name} ({labels[name == 'current']}) has no answers")
    from npskit._compare.compare import compare  # type: ignore[import-not-found,unused-ignore]

    options: dict[str, Any] = {
        "confidence_level": args.confidence_level,
        "alternative": args.alternative,
    }
    if args.method is not None:
        options["compare_method"] = args.method
    result = compare(before, after, **options)
    if args.format == "json":
        payload = {
            "command": "compare",
            **source,
            "score": score,
            "weight": args.weight,
            "baseline_label": labels[0],
            "current_label": labels[1],
            **result.to_dict(),
        }
        print(json.dumps(payload, indent=2, default=str))
    elif args.format == "markdown":
        print(_compare_markdown(result, before, after, labels, args.confidence_level))
    else:
        print(
            _compare_text(
                result, before, after, labels, score, args.confidence_level, args.alternative
            )
        )
    return 0


def _score(parser: argparse.ArgumentParser, args: argparse.Namespace) -> str:
    if args.score is None and not args.example:
        parser.error("--score COLUMN is required: name the column that holds the answers")
    return "answer" if args.score is None else str(args.score)


def _path(files: list[str], args: argparse.Namespace) -> tuple[Path, str]:
    if args.example:
        from npskit._io.examples import example_path

        return example_path(), _EXAMPLE
    return Path(files[0]), files[0]


def _period_column(
    parser: argparse.ArgumentParser, args: argparse.Namespace, *, default_freq: str | None = None
) -> tuple[str, str | None]:
    if args.period and args.date:
        parser.error("give --period or --date, not both")
    if args.period:
        if args.freq:
            parser.error("--freq applies to --date; --period is used as it is")
        return str(args.period), None
    if args.date:
        return str(args.date), args.freq or default_freq or "month"
    if args.example:
        return "date", args.freq or "month"
    parser.error("name the period column: --period COLUMN, or --date COLUMN with --freq")
    raise AssertionError("unreachable: parser.error exits")  # pragma: no cover


def _period_tallies(
    path: Path,
    label: str,
    score: str,
    column: str,
    freq: str | None,
    args: argparse.Namespace,
) -> dict[str, Tally]:
    """Tallies per period label; with ``freq``, dates merged into calendar periods."""
    file = CsvFile(path, delimiter=args.delimiter, label=label)
    by_text = tally_csv_by(file, score, column, weight=args.weight, nan_policy=args.nan_policy)
    if freq is None:
        return {k: v for k, v in by_text.items() if k != ""}
    from npskit._trend.trend import merge_periods

    try:
        labels, _, tallies, _ = merge_periods(
            list(by_text),
            list(by_text.values()),
            freq,  # type: ignore[arg-type]
        )
    except ValueError as error:
        raise CsvDataError(f"{label}: column {column!r}: {error}") from None
    return {str(k): t for k, t in zip(labels, tallies, strict=True) if t.n}


def _pick(periods: dict[str, Tally], wanted: str, label: str, column: str) -> Tally:
    if wanted in periods:
        return periods[wanted]
    found = sorted(periods)
    shown = ", ".join(repr(p) for p in found[:12]) + (", ..." if len(found) > 12 else "")
    raise CsvDataError(
        f"{label}: no answers in period {wanted!r} of column {column!r}; periods with "
        f"answers: {shown}"
    )


def _tally_file(path: Path, label: str, score: str, args: argparse.Namespace) -> Tally:
    file = CsvFile(path, delimiter=args.delimiter, label=label)
    return tally_csv(file, score, weight=args.weight, nan_policy=args.nan_policy)


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


# -- trend ------------------------------------------------------------------------------


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
            "  npskit trend --example --freq week --plot weekly.png"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", nargs="?", metavar="FILE", help="CSV file with a header line")
    _add_common(parser)
    _add_period_options(parser, date_required=True)
    parser.add_argument(
        "--interval-method",
        choices=get_args(IntervalMethod),
        default="adjusted-wald",
        help="method of each period's interval (default: adjusted-wald)",
    )
    parser.add_argument(
        "--p-adjust",
        choices=get_args(PAdjustMethod),
        default="holm",
        help="multiplicity adjustment of the changes' p-values (default: holm)",
    )
    _add_format_option(parser, ("text", "json", "markdown", "csv"))
    add_plot_option(parser, "the NPS per period with its interval band and significant changes")
    parser.set_defaults(handler=_run_trend, parser=parser)


def _run_trend(args: argparse.Namespace) -> int:
    parser: argparse.ArgumentParser = args.parser
    if args.example and args.file is not None:
        parser.error("give FILE or --example, not both")
    if not args.example and args.file is None:
        parser.error("FILE is required (or --example for the bundled example survey)")
    files = [] if args.file is None else [args.file]
    score = _score(parser, args)
    path, label = _path(files, args)
    column, freq = _period_column(parser, args)
    check_plot(args)
    file = CsvFile(path, delimiter=args.delimiter, label=label)
    by_text = tally_csv_by(file, score, column, weight=args.weight, nan_policy=args.nan_policy)
    from npskit._trend.trend import trend_from_tallies

    try:
        series = trend_from_tallies(
            list(by_text),
            list(by_text.values()),
            freq=freq,  # type: ignore[arg-type]
            method=args.method,
            confidence_level=args.confidence_level,
            interval_method=args.interval_method,
            p_adjust=args.p_adjust,
        )
    except ValueError as error:
        if isinstance(error, CsvDataError):
            raise
        raise CsvDataError(f"{label}: column {column!r}: {error}") from None
    if args.plot is not None:
        from npskit._plots.estimates import plot_trend
        from npskit._plots.style import TREND_SIZE

        save_plot(args.plot, TREND_SIZE, lambda ax: plot_trend(series, ax=ax))
    if args.format == "json":
        payload = {
            "command": "trend",
            "file": str(path),
            "score": score,
            "weight": args.weight,
            "period_column": column,
            **series.to_dict(),
        }
        print(json.dumps(payload, indent=2))
    elif args.format == "markdown":
        print(series.to_markdown())
    elif args.format == "csv":
        print(series.to_csv(), end="")
    else:
        print(f"Column {score!r} of {label}, periods from column {column!r}")
        print(series)
    return 0
