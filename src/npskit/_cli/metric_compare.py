"""``npskit compare --metric csat|ces|ces-easy``: the change of a share or mean metric.

Both modes of ``npskit compare``: two files (baseline, then current), or one
file with a period column (``--period``) or a date column bucketed by
``--freq`` (``--date``) and the two periods ``--baseline`` and ``--current``.
Each side's answers are read by :func:`npskit._cli.metrics.metric_columns`
(which reports a bad cell with its line), counted into a
:class:`npskit.Histogram` (weighted with ``--weight``) and compared by
:func:`npskit.compare` with ``metric=`` (independent samples: Newcombe's
hybrid score interval for a share, Welch for a mean).
"""

from __future__ import annotations

import argparse
import json
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from npskit._compare.compare import compare
from npskit._core.histogram import Histogram
from npskit._core.metric import Metric
from npskit._counting.histogram import histogram
from npskit._counting.periods import bucket, calendar
from npskit._io.dates import check_date_options, parse_date_text
from npskit._io.source import DataFileError
from npskit.typing import Frequency

from .inputs import resolve_inputs, stdin_copy
from .metrics import EXAMPLE_COLUMNS, metric_columns, metric_interval_method
from .options import data_file, resampling, source, terminal_safe
from .periods import period_column

__all__ = ["run_metric_compare"]


def run_metric_compare(args: argparse.Namespace, metric: Metric, files: list[str]) -> int:
    """Run ``npskit compare`` for a share or mean ``metric``; return the exit status."""
    parser: argparse.ArgumentParser = args.parser
    metric_interval_method(args, parser)
    if args.counts:
        parser.error("--counts reads NPS counts tables; leave it out with --metric")
    score = args.score if args.score is not None else None
    if score is None:
        if not args.example:
            parser.error("--score COLUMN is required: the column of answers of --metric")
        score = EXAMPLE_COLUMNS[metric.name]
    origin_note: str | None = None
    if len(files) == 2:
        if args.period or args.date or args.baseline or args.current:
            parser.error(
                "with two files, baseline and current are the files: drop --period, "
                "--date, --baseline and --current"
            )
        before, after = (_file_histogram(parser, name, metric, score, args) for name in files)
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
        file = data_file(path, label, args)
        values, (cells,), weights = metric_columns(
            file, metric, score, [column], weight=args.weight, nan_policy=args.nan_policy
        )
        periods = _period_labels(cells, freq, args, f"{label}: column {column!r}")
        found = sorted({p for p in periods.tolist() if p is not None})
        if defaults:
            if len(found) < 2:  # pragma: no cover - the example has six months
                raise DataFileError(f"{label} has fewer than two periods")
            baseline, current = found[-2], found[-1]
            origin_note = (
                f"{label}: comparing the last two {freq or 'period'}s of column {column!r}, "
                f"{baseline} (baseline) and {current} (current); pick others with "
                "--baseline and --current"
            )
        before, after = (
            _period_histogram(values, weights, periods, str(wanted), metric, args, found, label)
            for wanted in (baseline, current)
        )
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
        metric=metric,
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
            "metric_definition": metric.to_dict(),
        }
        print(json.dumps(payload, indent=2, default=str))
    elif args.format == "markdown":
        print(_markdown(result, metric, before, after, labels, args.confidence_level))
    else:
        text = _text(result, metric, before, after, labels, score, args)
        print(terminal_safe(text if origin_note is None else f"{origin_note}\n{text}"))
    return 0


def _file_histogram(
    parser: argparse.ArgumentParser,
    given: str,
    metric: Metric,
    score: str,
    args: argparse.Namespace,
) -> Histogram:
    inputs, label = resolve_inputs(parser, [given], stdin_copy)
    file = data_file(inputs, label, args)
    values, _, weights = metric_columns(
        file, metric, score, [], weight=args.weight, nan_policy=args.nan_policy
    )
    return histogram(values, metric=metric, weights=weights, nan_policy=args.nan_policy)


def _period_labels(
    cells: npt.NDArray[Any], freq: str | None, args: argparse.Namespace, where: str
) -> npt.NDArray[Any]:
    """Each answer's period label (None without one): the cell, or its calendar period."""
    if cells.dtype.kind == "M":
        texts = np.where(np.isnat(cells), "", np.datetime_as_string(cells, unit="D"))
    else:
        values = np.asarray(cells, dtype=object)
        missing = np.asarray(values == None, dtype=bool)  # noqa: E711 - elementwise
        texts = np.char.strip(np.where(missing, "", values).astype(str))
    distinct, inverse = np.unique(texts, return_inverse=True)
    present = [text for text in distinct.tolist() if text != ""]
    if freq is None:
        names: list[str | None] = [text or None for text in distinct.tolist()]
    else:
        try:
            zone = check_date_options(args.date_format, args.tz)
        except ValueError as error:
            raise DataFileError(str(error).replace("date_format", "--date-format", 1)) from None
        try:  # one parse per distinct text, not per answer
            days = [parse_date_text(t, date_format=args.date_format, zone=zone) for t in present]
        except ValueError as error:
            message = str(error).replace("date_format", "--date-format", 1)
            hint = "" if "--date-format" in message else " (--date-format)"
            raise DataFileError(f"{where}: {message}{hint}") from None
        frequency = cast("Frequency", freq)
        codes, first, size = bucket(np.array(days, dtype="datetime64[D]"), frequency)
        periods, _ = calendar(first, size, frequency)
        of_text = {
            text: str(periods[code]) for text, code in zip(present, codes.tolist(), strict=True)
        }
        names = [of_text.get(text) for text in distinct.tolist()]
    return np.array(names, dtype=object)[inverse.reshape(-1)]


def _period_histogram(
    values: npt.NDArray[np.float64],
    weights: npt.NDArray[np.float64] | None,
    periods: npt.NDArray[Any],
    wanted: str,
    metric: Metric,
    args: argparse.Namespace,
    found: list[str],
    label: str,
) -> Histogram:
    if wanted not in found:
        shown = ", ".join(repr(p) for p in found[:12]) + (", ..." if len(found) > 12 else "")
        raise DataFileError(
            f"{label}: no answers in period {wanted!r}; periods with answers: {shown}"
        )
    chosen = periods == wanted
    return histogram(
        values[chosen],
        metric=metric,
        weights=None if weights is None else weights[chosen],
        nan_policy=args.nan_policy,
    )


def _change(metric: Metric, value: float) -> str:
    return f"{value:+.1f}" if metric.factor == 100.0 else f"{value:+.2f}"


def _text(
    result: Any,
    metric: Metric,
    before: Histogram,
    after: Histogram,
    labels: tuple[str, str],
    score: str,
    args: argparse.Namespace,
) -> str:
    pct = f"{100 * args.confidence_level:g}%"
    name = metric.label
    unit = "percentage points" if metric.factor == 100.0 else "scale units"
    width = max(len(metric.format(result.baseline)), len(metric.format(result.current)))
    lines = [
        f"{name} change in column {score!r}: {labels[0]} (baseline) -> {labels[1]} (current)",
        f"  baseline  {name} {metric.format(result.baseline):>{width}}  n = {before.n}",
        f"  current   {name} {metric.format(result.current):>{width}}  n = {after.n}",
        f"  change    {_change(metric, result.difference)} {unit}, {pct} CI "
        f"[{_change(metric, result.low)}, {_change(metric, result.high)}]",
        f"  p-value   {result.pvalue:.3g} ({result.compare_method}, {args.alternative})",
        f"{metric.describe()}; values rounded, p-value to 3 significant digits; "
        "change = current - baseline.",
    ]
    return "\n".join(lines)


def _markdown(
    result: Any,
    metric: Metric,
    before: Histogram,
    after: Histogram,
    labels: tuple[str, str],
    level: float,
) -> str:
    pct = f"{100 * level:g}%"
    return "\n".join(
        [
            f"| | period | n | {metric.label} | {pct} CI | p-value |",
            "|---|---|---|---|---|---|",
            f"| baseline | {labels[0]} | {before.n} | {metric.format(result.baseline)} | | |",
            f"| current | {labels[1]} | {after.n} | {metric.format(result.current)} | | |",
            f"| change | | | {_change(metric, result.difference)} | "
            f"[{_change(metric, result.low)}, {_change(metric, result.high)}] | "
            f"{result.pvalue:.3g} |",
        ]
    )
