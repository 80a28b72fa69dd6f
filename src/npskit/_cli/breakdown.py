"""The ``npskit breakdown`` subcommand: NPS per segment of a CSV file.

It follows the pattern of :mod:`npskit._cli.main` (``add_breakdown`` adds the
arguments, ``_run_breakdown`` runs them). The file is read chunk by chunk;
each chunk is counted per segment in one pass by :func:`npskit.tally_by`, and
the chunk counts are merged by key (:func:`tally_csv_grouped`), so only one
row of counts per segment is held in memory.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any, get_args

import numpy as np
import numpy.typing as npt

from npskit._core.errors import InvalidScoresError, InvalidWeightsError
from npskit._core.scale import STANDARD_SCALE
from npskit._counting.tally_by import GroupedTally
from npskit._io.csv_file import CsvDataError, CsvFile, _score_problem, _weight_problem, _weights
from npskit.typing import CompareMethod, IntervalMethod, NanPolicy, PAdjustMethod

from .main import (
    _add_answer_options,
    _add_format_option,
    _add_source_options,
    _confidence_level,
    _source,
)
from .plots import add_plot_option, check_plot, save_plot

__all__ = ["add_breakdown", "tally_csv_grouped"]

_SORTS = ("nps", "n", "impact", "lower", "shrunk")


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text!r}")
    return value


def _columns(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",")]
    if not all(names):
        raise argparse.ArgumentTypeError(
            f"must be column names separated by commas (e.g. channel,queue), got {text!r}"
        )
    if len(set(names)) != len(names):
        raise argparse.ArgumentTypeError(f"names a column twice: {text!r}")
    return names


def add_breakdown(commands: Any) -> None:
    """Add ``npskit breakdown``."""
    parser = commands.add_parser(
        "breakdown",
        help="NPS per segment (channel, agent, ...), each vs the rest, multiplicity-adjusted",
        description=(
            "NPS per segment of one or more key columns: counts, NPS with its confidence\n"
            "interval, the difference from the rest of the answers with a p-value\n"
            "adjusted for the number of segments (Holm by default), the segment's impact\n"
            "on the total, and flags for small segments. With --rank shrunk, segments are\n"
            "ranked by an empirical-Bayes shrunk NPS that is fair to small segments.\n"
            "Blank key cells form their own segment, shown as (missing). The file is read\n"
            "in chunks."
        ),
        epilog=(
            "examples:\n"
            "  npskit breakdown --example\n"
            "  npskit breakdown --example --by agent --rank shrunk\n"
            "  npskit breakdown survey.csv --score answer --by channel,queue --format markdown\n"
            "  npskit breakdown survey.csv --score answer --by agent --weight weight "
            "--sort impact --format csv\n"
            "  npskit breakdown --example --by agent --sort nps --plot agents.png\n"
            "  npskit breakdown --example --plot shares.png --plot-kind shares"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_source_options(parser)
    _add_answer_options(parser)
    parser.add_argument(
        "--by",
        type=_columns,
        metavar="COLUMN[,COLUMN]",
        help="segment column(s), comma-separated for a cross breakdown "
        "(default with --example: channel)",
    )
    parser.add_argument(
        "--min-n",
        type=_count,
        default=30,
        metavar="N",
        help="flag segments with fewer (effective) answers as small (default: 30)",
    )
    parser.add_argument(
        "--rank",
        choices=("shrunk",),
        default=None,
        help="add the empirical-Bayes shrunk NPS and rank by it (unless --sort says otherwise)",
    )
    parser.add_argument(
        "--sort",
        choices=_SORTS,
        default=None,
        help="sort segments by this value, largest first (default: by key)",
    )
    parser.add_argument(
        "--ascending", action="store_true", help="sort from the smallest value instead"
    )
    parser.add_argument(
        "--method",
        choices=get_args(IntervalMethod),
        default=None,
        help="interval method of each segment's NPS (default: npskit's, adjusted-wald)",
    )
    parser.add_argument(
        "--compare-method",
        choices=get_args(CompareMethod),
        default=None,
        help="method of each segment's comparison with the rest (default: mover)",
    )
    parser.add_argument(
        "--confidence-level",
        type=_confidence_level,
        default=0.95,
        metavar="LEVEL",
        help="level of the intervals; adjusted p-values below 1 - LEVEL are flagged "
        "(default: 0.95)",
    )
    parser.add_argument(
        "--p-adjust",
        choices=get_args(PAdjustMethod),
        default="holm",
        help="multiplicity adjustment over the segments (default: holm)",
    )
    _add_format_option(parser, ("text", "json", "markdown", "csv"))
    add_plot_option(
        parser,
        "a forest plot of the segments' NPS with intervals (or, with --plot-kind shares, "
        "their category shares)",
        kinds=("forest", "shares"),
    )
    parser.set_defaults(handler=_run_breakdown, parser=parser)


def _run_breakdown(args: argparse.Namespace) -> int:
    parser: argparse.ArgumentParser = args.parser
    path, label = _source(parser, args)
    score = "answer" if args.score is None and args.example else args.score
    if score is None:
        parser.error("--score COLUMN is required: name the column that holds the answers")
    by: list[str] | None = args.by
    if by is None:
        if not args.example:
            parser.error("--by COLUMN[,COLUMN] is required: name the segment column(s)")
        by = ["channel"]
    if score in by or (args.weight is not None and args.weight in by):
        parser.error("--by must name columns other than --score and --weight")
    from npskit._segments.breakdown import breakdown

    check_plot(args)
    file = CsvFile(path, delimiter=args.delimiter, label=label)
    grouped = tally_csv_grouped(file, score, by, weight=args.weight, nan_policy=args.nan_policy)
    if grouped.total.weight_sum <= 0:
        raise CsvDataError(f"{label}: column {score!r} has no answers to break down")
    options: dict[str, Any] = {
        "confidence_level": args.confidence_level,
        "p_adjust": args.p_adjust,
        "min_n": args.min_n,
        "shrinkage": args.rank == "shrunk",
        "sort": args.sort if args.sort is not None or args.rank is None else "shrunk",
        "ascending": args.ascending,
    }
    if args.method is not None:
        options["interval_method"] = args.method
    if args.compare_method is not None:
        options["compare_method"] = args.compare_method
    try:
        result = breakdown(grouped, **options)
    except ValueError as error:  # shrinkage with fewer than two segments
        raise CsvDataError(f"{label}: {error}") from None
    if args.plot is not None:
        _plot_breakdown(args.plot, args.plot_kind, result)
    if args.format == "json":
        payload = {
            "command": "breakdown",
            "file": str(path),
            "score": score,
            "by": by,
            "weight": args.weight,
            **result.to_dict(),
        }
        print(json.dumps(payload, indent=2, default=str, allow_nan=False))
    elif args.format == "markdown":
        print(result.to_markdown())
    elif args.format == "csv":
        print(result.to_csv(), end="")
    else:
        weighted = f", weighted by column {args.weight!r}" if args.weight else ""
        print(f"Column {score!r} in {label}{weighted}")
        print(result)
    return 0


def _plot_breakdown(path: str, kind: str, result: Any) -> None:
    from npskit._plots.style import FOREST_WIDTH, SHARES_WIDTH, forest_height, shares_height

    if kind == "shares":
        from npskit._plots.answers import plot_shares

        size = (SHARES_WIDTH, shares_height(len(result) + 1))
        save_plot(path, size, lambda ax: plot_shares(result, sort=None, ax=ax))
    else:
        from npskit._plots.estimates import plot_forest

        size = (FOREST_WIDTH, forest_height(len(result)))
        shrunk = result.shrinkage is not None and result.sort == "shrunk"
        save_plot(
            path,
            size,
            lambda ax: plot_forest(result, estimate="shrunk" if shrunk else "raw", ax=ax),
        )


def tally_csv_grouped(
    file: CsvFile,
    score: str,
    keys: Sequence[str],
    *,
    weight: str | None = None,
    nan_policy: NanPolicy = "omit",
) -> GroupedTally:
    """Tally column ``score`` per combination of the key columns, chunk by chunk.

    Key cells are text with surrounding spaces removed; a blank cell is a
    missing key (``None``), a segment of its own. Each chunk is counted by
    :func:`npskit.tally_by`; the counts of equal keys add up across chunks.
    Segments come out sorted by key, column by column, missing keys last, as
    :func:`npskit.tally_by` orders them.

    Raises
    ------
    CsvDataError
        For any problem with the file or its values, naming file and line.
    """
    from npskit._counting.tally_by import tally_by
    from npskit._io.arrow import stream_counts

    fast = stream_counts(file, score, keys, weight=weight, nan_policy=nan_policy)
    if fast is not None:  # a Parquet file, or a large CSV file read by pyarrow
        return fast.grouped(keys)
    names = [score, *keys] + ([] if weight is None else [weight])
    position: dict[tuple[Any, ...], int] = {}
    width = 7 if weight is not None else 4  # counts, missing (and squared weights)
    table = np.zeros((0, width))
    responses = np.zeros(0, dtype=np.int64)
    for chunk in file.chunks(names):
        scores = chunk.columns[score]
        columns = [np.char.strip(chunk.columns[key]) for key in keys]
        weights = None if weight is None else _weights(chunk.columns[weight])
        try:
            part = tally_by(scores, columns, weights=weights, nan_policy=nan_policy)
        except InvalidScoresError as error:
            raise CsvDataError(_score_problem(file, chunk, score, STANDARD_SCALE, error)) from None
        except InvalidWeightsError as error:
            if weight is None or weights is None:  # pragma: no cover - no weights, no error
                raise
            message = _weight_problem(file, chunk, score, weight, weights) or str(error)
            raise CsvDataError(message) from None
        rows = np.array(
            [position.setdefault(tuple(map(str, key)), len(position)) for key in part.keys],
            dtype=np.intp,
        )
        if len(position) > len(table):
            grow = len(position) - len(table)
            table = np.vstack([table, np.zeros((grow, width))])
            responses = np.concatenate([responses, np.zeros(grow, dtype=np.int64)])
        values = [np.asarray(part.counts, dtype=np.float64), part.n_missing[:, None]]
        if part.squared_weights is not None:
            values.append(part.squared_weights)
        np.add.at(table, rows, np.hstack(values))
        np.add.at(responses, rows, part.responses)
    found = [tuple(None if v == "" else v for v in key) for key in position]
    order = sorted(range(len(found)), key=lambda i: [(v is None, v or "") for v in found[i]])
    return _grouped(list(keys), [found[i] for i in order], table[order], responses[order], weight)


def _grouped(
    names: list[str],
    keys: list[tuple[Any, ...]],
    table: npt.NDArray[np.float64],
    responses: npt.NDArray[np.int64],
    weight: str | None,
) -> GroupedTally:
    counts, missing = table[:, :3], table[:, 3]
    squares = None if weight is None else table[:, 4:]
    return GroupedTally.from_arrays(names, keys, counts, missing, responses, squares)
