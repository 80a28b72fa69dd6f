"""The ``npskit`` command line: the entry point and the parser.

Each subcommand lives in its own module (:mod:`npskit._cli.summary`,
:mod:`~npskit._cli.compare`, :mod:`~npskit._cli.trend`,
:mod:`~npskit._cli.breakdown`, :mod:`~npskit._cli.sample_size`,
:mod:`~npskit._cli.agents`, :mod:`~npskit._cli.control`) with an
:mod:`~npskit._cli.drivers`, :mod:`~npskit._cli.topics`) with an
``add_*`` function that adds its parser and a ``run`` function set as its
handler; shared options are in :mod:`npskit._cli.options`. A new subcommand
is a new module and one line in :func:`build_parser`.

Exit codes: 0 success, 1 a problem with the data (one line on stderr, starting
``npskit: error:``), 2 a usage error (argparse's message). Warnings of the
library are printed as ``npskit: warning: ...`` lines on stderr, whatever the
subcommand.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import NoReturn

import npskit
from npskit._core.errors import NpskitError

from .agents import add_agents
from .breakdown import add_breakdown
from .compare import add_compare
from .control import add_control
from .drivers import add_drivers
from .options import PROG, print_warnings, terminal_safe
from .sample_size import add_sample_size
from .summary import add_summary
from .topics import add_topics
from .trend import add_trend

__all__ = ["build_parser", "main"]

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
    problem: str | None = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            args = parser.parse_args(argv)
            handler: Handler = args.handler
            status = handler(args)
            sys.stdout.flush()
        except _ParserExit as stop:
            status = stop.status
        except BrokenPipeError:  # the reader went away, as in `npskit ... | head -1`
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # so that the exit flush stays quiet
            status = 1
        except NpskitError as error:
            problem = " ".join(str(error).split("\n"))
            status = 1
    print_warnings(caught)
    if problem is not None:
        print(terminal_safe(f"{PROG}: error: {problem}"), file=sys.stderr)
    return status


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``npskit`` command, with all subcommands."""
    parser = _Parser(
        prog=PROG,
        description=(
            "Net Promoter Score analysis of survey answers in CSV (optionally compressed),\n"
            "Parquet and Excel files, folders of parts, standard input, or counts tables."
        ),
        epilog=(
            "examples:\n"
            "  npskit summary --example\n"
            "  npskit summary survey.csv --score answer --weight weight\n"
            "\n"
            "Run 'npskit COMMAND --help' for the options of a command."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {npskit.__version__}")
    commands = parser.add_subparsers(
        title="commands", dest="command", metavar="COMMAND", required=True
    )
    add_summary(commands)
    add_compare(commands)
    add_trend(commands)
    add_breakdown(commands)
    add_sample_size(commands)
    add_agents(commands)
    add_control(commands)
    add_drivers(commands)
    add_topics(commands)
    return parser
