"""How the command line reads a file: which file, its reading options, its scale, its dates.

One helper per group of options, shared by every subcommand that reads a file
(see :mod:`npskit._cli.options`, which re-exports them): the source
(FILE, --example, standard input), how its text is read (--delimiter,
--encoding, --header-rows, --decimal, --missing-values), the answer scale
(--scale) and the dates (--date-format, --tz). :func:`data_file` turns the
parsed options into the :class:`~npskit._io.source.DataFile` the readers take.
"""

from __future__ import annotations

import argparse
import re
from typing import get_args

from npskit._core.scale import Scale
from npskit._io.examples import example_path
from npskit._io.source import DataFile
from npskit.typing import ScalePreset

from .inputs import FILE_HELP, STDIN_LABEL, Inputs, add_input_options, counts_layout, resolve_source

__all__ = [
    "EXAMPLE_LABEL",
    "STDIN_LABEL",
    "add_date_options",
    "add_scale_option",
    "add_source_options",
    "data_file",
    "delimiter",
    "encoding",
    "missing_values",
    "scale",
    "scale_of",
    "source",
]

EXAMPLE_LABEL = "the bundled example (contact_center.csv)"
_DELIMITER_NAMES = {"tab": "\t", "\\t": "\t"}


def _header_rows(text: str) -> int:
    """A number of header lines, 1 or more, for ``type=``."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text!r}")
    return value


def add_source_options(parser: argparse.ArgumentParser, *, positional: bool = True) -> None:
    """FILE (unless the subcommand names its files itself), --example, --delimiter, the
    reading options of a CSV file, --sheet and the counts-table options."""
    if positional:
        parser.add_argument("file", nargs="*", metavar="FILE", help=FILE_HELP)
    parser.add_argument(
        "--example",
        action="store_true",
        help="use the bundled example survey instead of FILE (--score defaults to 'answer')",
    )
    parser.add_argument(
        "--delimiter",
        type=delimiter,
        default=",",
        metavar="CHAR",
        help="field separator of a CSV file, one character; 'tab' for tabs, ';' for "
        "Excel exports in countries that write decimal commas",
    )
    parser.add_argument(
        "--encoding",
        type=encoding,
        default="utf-8",
        metavar="NAME",
        help="text encoding of a CSV file, e.g. cp1252 for Excel on Western-European "
        "Windows; a UTF-8 byte-order mark is skipped",
    )
    parser.add_argument(
        "--header-rows",
        type=_header_rows,
        default=1,
        metavar="N",
        help="lines before the data: the first names the columns, the others are skipped "
        "(3 for Qualtrics, 2 for SurveyMonkey exports)",
    )
    parser.add_argument(
        "--decimal",
        choices=(".", ","),
        default=".",
        help="decimal mark of the weights",
    )
    parser.add_argument(
        "--missing-values",
        type=missing_values,
        default=(),
        metavar="TEXT[,TEXT...]",
        help="cell texts that mean missing, separated by commas, e.g. NA,N/A,-,-99 "
        "(default: only blank cells are missing)",
    )
    add_input_options(parser)


def add_scale_option(parser: argparse.ArgumentParser) -> None:
    """--scale: a preset name or explicit cut points."""
    presets = ", ".join(get_args(ScalePreset))
    parser.add_argument(
        "--scale",
        type=scale,
        default=None,
        metavar="SCALE",
        help=f"answer scale: a preset ({presets}; 1-3 for NPS group codes 1/2/3) or "
        "LOW-HIGH:DETRACTOR_MAX:PROMOTER_MIN, e.g. 1-7:4:7 (default: 0-10, detractors 0-6, "
        "promoters 9-10, with a warning when every answer lies in 1..7)",
    )


def add_date_options(parser: argparse.ArgumentParser) -> None:
    """--date-format and --tz: how a date column's text is read."""
    parser.add_argument(
        "--date-format",
        default="iso",
        metavar="FORMAT",
        help="how dates are written: iso (2026-03-31, 2026-03-31T09:30:00+02:00), day-first "
        "(31/03/2026, 31.03.2026 09:30), month-first (03/31/2026) or a strptime format "
        "such as %%d/%%m/%%Y",
    )
    parser.add_argument(
        "--tz",
        default="local",
        metavar="ZONE",
        help="day of a timestamp with a UTC offset: local (the time written in the data, "
        "as pandas reads it), UTC, or an IANA zone such as Europe/Madrid to convert to",
    )


def delimiter(text: str) -> str:
    """One delimiter character ('tab' for a tab), for ``type=``."""
    value = _DELIMITER_NAMES.get(text, text)
    if len(value) != 1 or value in '"\r\n':
        raise argparse.ArgumentTypeError(
            f"must be one character other than a quote or a line break (or 'tab'), got {text!r}"
        )
    return value


def encoding(text: str) -> str:
    """A text encoding Python knows, for ``type=``."""
    try:
        DataFile("-", encoding=text)
    except (TypeError, ValueError) as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def missing_values(text: str) -> tuple[str, ...]:
    """Missing-value markers separated by commas, for ``type=``."""
    markers = tuple(dict.fromkeys(marker.strip() for marker in text.split(",")))
    if not all(markers):
        raise argparse.ArgumentTypeError(
            f"must be texts separated by commas (e.g. NA,N/A,-99), got {text!r}; a blank "
            "cell is always missing"
        )
    return markers


_EXPLICIT_SCALE = re.compile(r"^(-?\d+)-(-?\d+):(-?\d+):(-?\d+)$")


def scale(text: str) -> Scale:
    """A scale preset name (``1-5``) or ``LOW-HIGH:DETRACTOR_MAX:PROMOTER_MIN``, for ``type=``."""
    if text in get_args(ScalePreset):
        return Scale.preset(text)  # type: ignore[arg-type]
    match = _EXPLICIT_SCALE.match(text.strip())
    if match is None:
        presets = ", ".join(get_args(ScalePreset))
        raise argparse.ArgumentTypeError(
            f"must be a preset ({presets}) or LOW-HIGH:DETRACTOR_MAX:PROMOTER_MIN "
            f"(e.g. 1-7:4:7), got {text!r}"
        )
    low, high, detractor_max, promoter_min = (int(part) for part in match.groups())
    try:
        return Scale(low=low, high=high, detractor_max=detractor_max, promoter_min=promoter_min)
    except (TypeError, ValueError) as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def scale_of(args: argparse.Namespace) -> Scale | None:
    """The --scale of ``args`` (None: the standard scale, checked for a narrow range)."""
    chosen: Scale | None = getattr(args, "scale", None)
    return chosen


def source(parser: argparse.ArgumentParser, args: argparse.Namespace) -> tuple[Inputs, str]:
    """The files to read and how to name them, from FILE(s) or --example.

    FILE may be several files, folders of parts and glob patterns, and ``-``
    for standard input (see :mod:`npskit._cli.inputs`).
    """
    return resolve_source(parser, args, example=(example_path(), EXAMPLE_LABEL))


def data_file(inputs: Inputs, label: str, args: argparse.Namespace) -> list[DataFile]:
    """The files to read (the parts of one data set), with the options of ``args``.

    One file is named ``label`` in messages; the parts of several, by their paths.
    """
    several = len(inputs.paths) > 1
    files = [
        DataFile(
            path,
            delimiter=args.delimiter,
            label=str(path) if several else label,
            encoding=args.encoding,
            header_rows=args.header_rows,
            decimal=args.decimal,
            missing_values=args.missing_values,
            sheet=getattr(args, "sheet", None),
        )
        for path in inputs.paths
    ]
    layout = counts_layout(args, files[0])
    for file in files:
        file.counts = layout
    return files
