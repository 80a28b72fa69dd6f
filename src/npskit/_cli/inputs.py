"""What the command line reads: files, folders, glob patterns, standard input, counts tables.

Every subcommand's FILE argument may name several files, a folder of parts
(``survey.parquet/`` as Spark writes it), a glob pattern (expanded here when
the shell did not: a quoted ``'exports/*.csv'``), or ``-`` for standard input;
:func:`resolve_inputs` turns them into an :class:`Inputs`, the files read one
after another as one data set. With ``--counts`` the files are counts tables
(:func:`counts_layout` says which columns hold the counts) rather than one row
per answer, so counts made in a warehouse are analysed as they are.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from npskit._io.files import file_columns
from npskit._io.layout import DEFAULT_CATEGORIES, DEFAULT_N_MISSING, CountsLayout
from npskit._io.parts import expand_paths
from npskit._io.source import DataFile, DataFileError

__all__ = [
    "FILE_HELP",
    "STDIN_LABEL",
    "Inputs",
    "add_input_options",
    "check_counts_options",
    "counts_layout",
    "resolve_inputs",
    "resolve_source",
    "stdin_copy",
]

STDIN_LABEL = "standard input"

FILE_HELP = (
    "the data: a CSV file (UTF-8, a header line naming the columns; gzip, bz2, xz or "
    "zstd compressed files are read as they are), a Parquet file (needs pyarrow), an "
    'Excel .xlsx workbook (needs openpyxl: pip install "npskit[xlsx]"), a folder of '
    "part files (a Spark-style survey.parquet/), a glob pattern such as 'exports/*.csv', "
    "or - for standard input; several are read as one data set, one after another. "
    "With --counts, counts tables instead of one row per answer"
)


class Inputs:
    """The data files of one run, as given on the command line and as expanded.

    ``str()`` gives the arguments as typed (what JSON output reports as
    ``file``); :attr:`paths` are the files to read, in order.
    """

    def __init__(self, given: Sequence[str], paths: Sequence[Path]) -> None:
        self.given = list(given)
        self.paths = list(paths)

    def __str__(self) -> str:
        return " ".join(self.given)


def add_input_options(parser: argparse.ArgumentParser) -> None:
    """--sheet, and the options of counts tables (--counts and the columns it reads)."""
    parser.add_argument(
        "--sheet",
        metavar="NAME",
        help="worksheet of an Excel file (default: the first sheet)",
    )
    group = parser.add_argument_group(
        "counts tables (--counts)",
        "A counts table has one row per group (segment, period, or both: the --by, "
        "--period or --date columns) with numbers of answers, as a warehouse's GROUP BY "
        "returns them. Three layouts: columns detractors,passives,promoters (or those named "
        "by --categories); one column per answer 0..10 (named 0 to 10); or, with --score, "
        "one row per group and answer with the number of answers in --count. Without "
        "--score or --categories the layout is read from the column names: the category "
        "columns if present, else the columns 0 to 10; a column n_missing, if present, "
        "holds the missing answers.",
    )
    group.add_argument(
        "--counts",
        action="store_true",
        help="FILE is a counts table, not one row per answer",
    )
    group.add_argument(
        "--categories",
        type=_three_columns,
        metavar="D,P,Q",
        help="columns with the numbers of detractors, passives and promoters "
        f"(default: {','.join(DEFAULT_CATEGORIES)})",
    )
    group.add_argument(
        "--count",
        metavar="COLUMN",
        help="with --score: the column with the number of answers of each row (default: count)",
    )
    group.add_argument(
        "--n-missing",
        metavar="COLUMN",
        help="column with the number of missing answers (default: n_missing if the table "
        "has it, else none)",
    )
    group.add_argument(
        "--weight-sum",
        type=_columns,
        metavar="COLUMN[,COLUMN,COLUMN]",
        help="weighted counts: the sums of the weights (one column with --score, else three: "
        "detractors, passives, promoters) (default: unweighted)",
    )
    group.add_argument(
        "--weight-sq-sum",
        type=_columns,
        metavar="COLUMN[,COLUMN,COLUMN]",
        help="weighted counts: the sums of the squared weights, laid out as --weight-sum "
        "(default: unweighted)",
    )


def resolve_source(
    parser: argparse.ArgumentParser, args: argparse.Namespace, *, example: tuple[Path, str]
) -> tuple[Inputs, str]:
    """FILE(s) or --example (``example``: its path and label), checked and expanded."""
    given = args.file if isinstance(args.file, list) else [] if args.file is None else [args.file]
    if args.example and given:
        parser.error("give FILE or --example, not both")
    check_counts_options(parser, args)
    if args.example:
        if getattr(args, "counts", False):
            parser.error("--counts reads a counts table given as FILE, not --example")
        return Inputs([str(example[0])], [example[0]]), example[1]
    if not given:
        parser.error("FILE is required (or --example for the bundled example survey)")
    return resolve_inputs(parser, [str(item) for item in given], stdin_copy)


def stdin_copy() -> Path:
    """Standard input copied to a temporary file, removed at exit.

    A file is read more than once (its header, its chunks, and again to find
    the line of an error), which a pipe does not allow; the copy streams in
    blocks, so memory does not grow with the input. Compressed input, Parquet
    and Excel are recognised by their first bytes, as in a file.
    """
    handle, name = tempfile.mkstemp(prefix="npskit-stdin-", suffix=".csv")
    atexit.register(_remove, name)
    with os.fdopen(handle, "wb") as copy:
        shutil.copyfileobj(sys.stdin.buffer, copy, 1 << 20)
    return Path(name)


def _remove(name: str) -> None:
    with contextlib.suppress(OSError):  # already gone
        os.remove(name)


def resolve_inputs(
    parser: argparse.ArgumentParser, given: Sequence[str], stdin_copy: Callable[[], Path]
) -> tuple[Inputs, str]:
    """The files named by ``given`` (files, folders, patterns, ``-``) and how to name them."""
    if given.count("-") > 1:
        parser.error("standard input (-) can be read once")
    paths: list[Path] = []
    for item in given:
        paths += [stdin_copy()] if item == "-" else expand_paths(item)
    if list(given) == ["-"]:
        label = STDIN_LABEL
    else:
        label = ", ".join(STDIN_LABEL if item == "-" else item for item in given)
        if len(paths) > len(given):
            label += f" ({len(paths)} files)"
    return Inputs(given, paths), label


def check_counts_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Counts-table options only with --counts; --weight only without."""
    names = ("categories", "count", "n_missing", "weight_sum", "weight_sq_sum")
    given = [name for name in names if getattr(args, name, None) is not None]
    if not getattr(args, "counts", False):
        if given:
            flags = ", ".join("--" + name.replace("_", "-") for name in given)
            parser.error(f"{flags} describe a counts table: add --counts")
        return
    if args.weight is not None:
        parser.error(
            "with --counts, weighted counts come as sums: --weight-sum and --weight-sq-sum "
            "instead of --weight"
        )
    if (args.weight_sum is None) != (args.weight_sq_sum is None):
        parser.error("weighted counts need both --weight-sum and --weight-sq-sum")
    if args.score is not None and (args.categories or args.n_missing):
        parser.error(
            "--score reads one row per group and answer (with --count); --categories and "
            "--n-missing are for one row per group: give one layout"
        )
    if args.score is None and args.count is not None:
        parser.error("--count goes with --score (one row per group and answer)")
    width = 1 if args.score is not None else 3
    for name in ("weight_sum", "weight_sq_sum"):
        value = getattr(args, name)
        if value is not None and len(value) != width:
            parser.error(
                f"--{name.replace('_', '-')} names {width} column(s) in this layout, "
                f"got {','.join(value)}"
            )


def counts_layout(args: argparse.Namespace, first: DataFile) -> CountsLayout | None:
    """The counts layout of --counts (None without it), reading ``first``'s header if needed."""
    if not getattr(args, "counts", False):
        return None
    sums: tuple[str, ...] = tuple(args.weight_sum or ())
    squares: tuple[str, ...] = tuple(args.weight_sq_sum or ())
    if args.score is not None:
        return CountsLayout(
            score=args.score, count=args.count or "count", weight_sum=sums, weight_sq_sum=squares
        )
    header = file_columns(first) or []
    missing = args.n_missing or (DEFAULT_N_MISSING if DEFAULT_N_MISSING in header else None)
    chosen = getattr(args, "scale", None)  # --scale, when the subcommand has it
    low, high = (0, 10) if chosen is None else (chosen.low, chosen.high)
    points = [str(point) for point in range(low, high + 1)]
    if args.categories is not None or sums or all(name in header for name in DEFAULT_CATEGORIES):
        d, p, q = args.categories or DEFAULT_CATEGORIES
        return CountsLayout(
            categories=(d, p, q), n_missing=missing, weight_sum=sums, weight_sq_sum=squares
        )
    if all(name in header for name in points):
        return CountsLayout(points=True, n_missing=missing)
    shown = ", ".join(repr(name) for name in header[:20])
    raise DataFileError(
        f"{first.label}: --counts reads columns {', '.join(DEFAULT_CATEGORIES)}, or one "
        f"column per answer {low} to {high}, or with --score one row per answer and a count "
        "column; "
        f"this file has neither (its columns: {shown}): name the columns with "
        "--categories D,P,Q, or --score ANSWER --count COUNT"
    )


def _columns(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",")]
    if not all(names):
        raise argparse.ArgumentTypeError(f"must be column names separated by commas, got {text!r}")
    return names


def _three_columns(text: str) -> list[str]:
    names = _columns(text)
    if len(names) != 3 or len(set(names)) != 3:
        raise argparse.ArgumentTypeError(
            f"must name three distinct columns, detractors,passives,promoters, got {text!r}"
        )
    return names
