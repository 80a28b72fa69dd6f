"""Periods for ``npskit compare`` and ``npskit trend``: which column, and its tallies.

A period is the text of a period column (``2026-05``, ``wave 2``), or a date
column bucketed into calendar periods by ``--freq``. The file is counted per
distinct cell of that column by the file dispatcher
(:func:`npskit._io.files.count_file`), so only one tally per distinct value is
ever held in memory.
"""

from __future__ import annotations

import argparse
from typing import Any, get_args

from npskit._core.tally import Tally
from npskit._io.files import count_file
from npskit._io.source import DataFileError
from npskit._trend.calendar import merge_periods
from npskit.typing import Frequency

from .dates import dated
from .inputs import Inputs
from .options import add_date_options, data_file, scale_of

__all__ = [
    "add_period_options",
    "period_column",
    "period_keys",
    "period_tallies",
]


def add_period_options(parser: argparse.ArgumentParser, *, date_required: bool) -> None:
    """--period COLUMN, or --date COLUMN with --freq."""
    parser.add_argument(
        "--period",
        metavar="COLUMN",
        help="column whose text names each answer's period (e.g. 2026-05 or 'wave 2') "
        "(default: none, periods from --date)",
    )
    parser.add_argument(
        "--date",
        metavar="COLUMN",
        help="column of ISO 8601 dates (2026-05-31), bucketed into periods by --freq "
        "(default with --example: date)",
    )
    parser.add_argument(
        "--freq",
        choices=get_args(Frequency),
        default=None,
        help="calendar period of --date: day, week (ISO, from Monday), month, quarter, year"
        + (" (default: month)" if date_required else " (default: month with --date)"),
    )
    add_date_options(parser)


def period_column(
    parser: argparse.ArgumentParser, args: argparse.Namespace
) -> tuple[str, str | None]:
    """The period column and the calendar frequency (None for a --period column)."""
    if args.period and args.date:
        parser.error("give --period or --date, not both")
    if args.period:
        if args.freq:
            parser.error("--freq applies to --date; --period is used as it is")
        return str(args.period), None
    if args.date:
        return str(args.date), args.freq or "month"
    if args.example:
        return "date", args.freq or "month"
    parser.error("name the period column: --period COLUMN, or --date COLUMN with --freq")
    raise AssertionError("unreachable: parser.error exits")  # pragma: no cover


def period_keys(
    path: Inputs, label: str, score: str, column: str, args: argparse.Namespace
) -> tuple[list[Any], list[Tally]]:
    """Each distinct cell of ``column`` (None for a blank one) and its tally."""
    file = data_file(path, label, args)
    grouped = count_file(
        file, score, [column], weight=args.weight, nan_policy=args.nan_policy, scale=scale_of(args)
    )
    if args.period is None:  # a date column
        grouped = dated(grouped, file, column, args)
    return [key for (key,) in grouped.keys], list(grouped.tallies)


def period_tallies(
    path: Inputs,
    label: str,
    score: str,
    column: str,
    freq: str | None,
    args: argparse.Namespace,
) -> dict[str, Tally]:
    """Tallies per period label; with ``freq``, dates merged into calendar periods."""
    keys, tallies = period_keys(path, label, score, column, args)
    if freq is None:
        return {key: part for key, part in zip(keys, tallies, strict=True) if key is not None}
    try:
        labels, _, merged, _ = merge_periods(keys, tallies, freq)  # type: ignore[arg-type]
    except ValueError as error:
        raise DataFileError(f"{label}: column {column!r}: {error}") from None
    return {str(k): t for k, t in zip(labels, merged, strict=True) if t.n}
