"""Options several subcommands share, and how every subcommand reports problems.

One helper per group of options (the data source, the answer column, the
output format, the interval, the comparison, the multiplicity adjustment,
resampling), so that a flag has one name, one help text and one default
across the command line. The choices of every method flag are the
``Literal`` types of :mod:`npskit.typing`, read with :func:`typing.get_args`.

Warnings the library emits while a subcommand runs are printed by
:func:`print_warnings` as ``npskit: warning: ...`` lines on stderr (see
:func:`npskit._cli.main.main`, which catches them for every subcommand).
"""

from __future__ import annotations

import argparse
import inspect
import json
import re
import sys
import warnings
from collections.abc import Sequence
from typing import Any, Protocol, get_args

from npskit._compare.methods import DEFAULT_COMPARE_METHOD
from npskit._core.errors import NpskitError
from npskit._core.validation import MAX_RESAMPLES, MIN_BCA_RESAMPLES
from npskit._intervals.confidence_interval import confidence_interval
from npskit._intervals.methods import DEFAULT_INTERVAL_METHOD
from npskit.typing import CompareMethod, IntervalMethod, NanPolicy, PAdjustMethod

from .reading import (
    EXAMPLE_LABEL,
    STDIN_LABEL,
    add_date_options,
    add_scale_option,
    add_source_options,
    data_file,
    delimiter,
    scale,
    scale_of,
    source,
)

__all__ = [
    "EXAMPLE_LABEL",
    "PROG",
    "STDIN_LABEL",
    "HelpFormatter",
    "add_answer_options",
    "add_compare_method_option",
    "add_date_options",
    "add_format_option",
    "add_interval_options",
    "add_p_adjust_option",
    "add_resampling_options",
    "add_scale_option",
    "add_source_options",
    "column_list",
    "confidence_level",
    "count",
    "data_file",
    "delimiter",
    "positive",
    "print_table",
    "print_warnings",
    "resamples",
    "resampling",
    "scale",
    "scale_of",
    "score_column",
    "source",
    "terminal_safe",
]

PROG = "npskit"
_N_RESAMPLES = inspect.signature(confidence_interval).parameters["n_resamples"].default
"""The library's number of resamples, read from its signature (named once, there)."""


class TabularResult(Protocol):
    """What :func:`print_table` needs of a result (Breakdown, Trend, ...)."""

    def to_dict(self) -> dict[str, Any]: ...

    def to_markdown(self) -> str: ...

    def to_csv(self) -> str: ...


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions and epilogs as written; every option's help ends with its default.

    An option whose default is None or a flag says in its own words what
    happens when it is left out, so only other defaults are added here.
    """

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        shown = "%(default)" in text or "default:" in text
        silent = action.default in (None, False, argparse.SUPPRESS) or not action.option_strings
        if shown or silent:
            return text
        return f"{text} (default: %(default)s)"


# -- the data ---------------------------------------------------------------------------


def add_answer_options(parser: argparse.ArgumentParser) -> None:
    """Which column holds the answers and the weights, and what missing means."""
    parser.add_argument(
        "--score",
        metavar="COLUMN",
        help="column with the answers 0..10; blank cells are missing answers "
        "(default with --example: answer)",
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
        help="leave missing answers out and count them (omit) or stop (raise)",
    )
    add_scale_option(parser)


def add_format_option(parser: argparse.ArgumentParser, formats: Sequence[str]) -> None:
    """--format, the first of ``formats`` by default."""
    parser.add_argument(
        "--format",
        choices=formats,
        default=formats[0],
        help="output format; json keeps full precision",
    )


# -- methods ----------------------------------------------------------------------------


def add_interval_options(
    parser: argparse.ArgumentParser,
    methods: Sequence[str] = get_args(IntervalMethod),
    *,
    what: str = "the NPS interval",
) -> None:
    """--interval-method and --confidence-level."""
    parser.add_argument(
        "--interval-method",
        choices=methods,
        default=DEFAULT_INTERVAL_METHOD,
        metavar="METHOD",
        help=f"method of {what}, one of {', '.join(methods)}",
    )
    add_confidence_level_option(parser, "level of the two-sided intervals")


def add_confidence_level_option(parser: argparse.ArgumentParser, what: str) -> None:
    """--confidence-level LEVEL, strictly between 0 and 1 (0.95 by default)."""
    parser.add_argument(
        "--confidence-level",
        type=confidence_level,
        default=0.95,
        metavar="LEVEL",
        help=f"{what}, strictly between 0 and 1",
    )


def add_compare_method_option(parser: argparse.ArgumentParser, what: str) -> None:
    """--compare-method: a method of npskit.compare for independent samples."""
    methods = get_args(CompareMethod)
    parser.add_argument(
        "--compare-method",
        choices=methods,
        default=DEFAULT_COMPARE_METHOD,
        metavar="METHOD",
        help=f"method of {what}, one of {', '.join(methods)}",
    )


def add_p_adjust_option(parser: argparse.ArgumentParser, what: str) -> None:
    """--p-adjust: the multiplicity adjustment of several p-values."""
    parser.add_argument(
        "--p-adjust",
        choices=get_args(PAdjustMethod),
        default="holm",
        help=f"multiplicity adjustment of {what}",
    )


def add_resampling_options(parser: argparse.ArgumentParser) -> None:
    """--seed and --n-resamples, for the methods that draw random numbers."""
    parser.add_argument(
        "--seed",
        type=count,
        default=None,
        metavar="INT",
        help="seed of the random numbers of the resampling methods (bootstrap, "
        "permutation, bayes): the same seed gives the same output, run after run "
        "(default: no seed, fresh random numbers on every run)",
    )
    parser.add_argument(
        "--n-resamples",
        type=resamples,
        default=None,
        metavar="N",
        help=f"resamples (or draws) of the resampling methods (default: {_N_RESAMPLES})",
    )


def resampling(args: argparse.Namespace) -> dict[str, Any]:
    """``rng`` and ``n_resamples`` keyword arguments from --seed and --n-resamples.

    ``n_resamples`` is passed only when given (the library's default otherwise).
    """
    options: dict[str, Any] = {"rng": args.seed}
    if args.n_resamples is not None:
        method = getattr(args, "interval_method", None)
        if method == "bootstrap-bca" and args.n_resamples < MIN_BCA_RESAMPLES:
            raise NpskitError(
                f"--n-resamples must be at least {MIN_BCA_RESAMPLES} with --interval-method "
                f"bootstrap-bca (its bias correction is itself estimated from the "
                f"resamples), got {args.n_resamples}"
            )
        options["n_resamples"] = args.n_resamples
    return options


# -- argument types ---------------------------------------------------------------------


def confidence_level(text: str) -> float:
    """A confidence level strictly between 0 and 1, for ``type=``."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(
            f"must be strictly between 0 and 1 (e.g. 0.95), got {text!r}"
        )
    return value


def column_list(text: str) -> list[str]:
    """Column names separated by commas, each once (for --by, --strata, ...)."""
    names = [name.strip() for name in text.split(",")]
    if not all(names):
        raise argparse.ArgumentTypeError(
            f"must be column names separated by commas (e.g. channel,queue), got {text!r}"
        )
    if len(set(names)) != len(names):
        raise argparse.ArgumentTypeError(f"names a column twice: {text!r}")
    return names


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None


def count(text: str) -> int:
    """A whole number >= 0, for ``type=``."""
    value = _whole(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text!r}")
    return value


def positive(text: str) -> int:
    """A whole number >= 1, for ``type=``."""
    value = _whole(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text!r}")
    return value


def resamples(text: str) -> int:
    """A number of resamples, 1 to ``MAX_RESAMPLES``, for ``type=``."""
    value = positive(text)
    if value > MAX_RESAMPLES:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_RESAMPLES:,}, got {text!r}")
    return value


# -- reading the arguments --------------------------------------------------------------


# C0 and C1 control characters but tab and newline: a terminal would run
# them as escape sequences (colours, clearing the screen, moving the cursor).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    r"""``text`` with control characters shown as ``\xNN``, so data cannot drive the terminal.

    Examples
    --------
    >>> terminal_safe("plain\x1b[2J\n")
    'plain\\x1b[2J\n'
    """
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def score_column(parser: argparse.ArgumentParser, args: argparse.Namespace) -> str:
    """--score, or 'answer' with --example, or 'counts' for a counts table without --score."""
    if args.score is None and getattr(args, "counts", False):
        return "counts"
    if args.score is None and not args.example:
        parser.error("--score COLUMN is required: name the column that holds the answers")
    return "answer" if args.score is None else str(args.score)


def print_warnings(caught: Sequence[warnings.WarningMessage]) -> None:
    """Print warnings as ``npskit: warning: ...`` lines on stderr, each message once."""
    for message in dict.fromkeys(" ".join(str(item.message).split()) for item in caught):
        print(terminal_safe(f"{PROG}: warning: {message}"), file=sys.stderr)


def print_table(result: TabularResult, output: str, payload: dict[str, Any], heading: str) -> None:
    """Print a tabular result in the --format asked for.

    ``json``: ``payload`` (what was read, and how) followed by the result's
    ``to_dict()``, strict JSON; ``markdown`` and ``csv``: the table alone;
    ``text``: ``heading`` and the result as people read it.
    """
    if output == "json":
        print(json.dumps({**payload, **result.to_dict()}, indent=2, default=str, allow_nan=False))
    elif output == "markdown":
        print(result.to_markdown())
    elif output == "csv":
        print(result.to_csv(), end="")
    else:
        print(terminal_safe(heading))
        print(terminal_safe(str(result)))
