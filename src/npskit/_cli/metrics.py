"""``--metric``, ``--top-box`` and ``--metric-scale``: CSAT and CES on the command line.

The NPS keeps its streaming path in every subcommand. A share or mean metric
(``--metric csat``, ``ces``, ``ces-easy``) is read this way: the file is
first counted by the same chunked reader as the NPS (so a bad cell is
reported with its file and line), then the columns needed are read whole and
handed to the library verb with ``metric=``.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._core.metric import CES, CES_EASY, CSAT, NPS, Metric
from npskit._core.scale import Scale
from npskit._io.columns import read_answer_columns
from npskit._io.files import count_file
from npskit._io.source import DataFile, DataFileError

__all__ = [
    "EXAMPLE_COLUMNS",
    "add_metric_options",
    "is_nps_only",
    "metric_columns",
    "metric_interval_method",
    "metrics_of",
]

_NAMES = ("nps", "csat", "ces", "ces-easy")
_LOW_HIGH = re.compile(r"^\s*(-?\d+)\s*-\s*(-?\d+)\s*$")

EXAMPLE_COLUMNS = {"nps": "answer", "csat": "csat", "ces": "ces", "ces-easy": "ces"}
"""The answers of each metric in the bundled example (``--example``)."""


def _metric_names(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [name for name in names if name not in _NAMES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"must be one or more of {', '.join(_NAMES)} (comma-separated), got {text!r}"
        )
    if len(set(names)) != len(names):
        raise argparse.ArgumentTypeError(f"names a metric twice: {text!r}")
    return names


def _one_metric(text: str) -> list[str]:
    names = _metric_names(text)
    if len(names) > 1:
        raise argparse.ArgumentTypeError(
            f"takes one metric here, got {text!r} (npskit summary shows several side by side)"
        )
    return names


def _low_high(text: str) -> tuple[int, int]:
    match = _LOW_HIGH.match(text)
    if match is None or int(match.group(1)) >= int(match.group(2)):
        raise argparse.ArgumentTypeError(f"must be LOW-HIGH such as 1-5 or 1-7, got {text!r}")
    return int(match.group(1)), int(match.group(2))


def add_metric_options(parser: argparse.ArgumentParser, *, several: bool = False) -> None:
    """--metric (a comma list when ``several``), --top-box and --metric-scale."""
    parser.add_argument(
        "--metric",
        type=_metric_names if several else _one_metric,
        default=None,
        metavar="NAME" + ("[,NAME...]" if several else ""),
        help="nps (default), csat (share of answers 4-5 of 1-5, in percent), ces (mean of "
        "1-7) or ces-easy (share of 5-7 of 1-7)"
        + ("; a comma list shows several side by side, one --score column each" if several else "")
        + " (default --score with --example: answer, csat, ces)",
    )
    parser.add_argument(
        "--top-box",
        type=int,
        default=None,
        metavar="CUT",
        help="for csat and ces-easy: answers CUT and above count as satisfied or easy "
        "(default 4 for csat, 5 for ces-easy)",
    )
    parser.add_argument(
        "--metric-scale",
        type=_low_high,
        default=None,
        metavar="LOW-HIGH",
        help="answer scale of csat, ces or ces-easy (default: the range of --scale when "
        "given, else 1-5 for csat, 1-7 for ces and ces-easy)",
    )


def metrics_of(parser: argparse.ArgumentParser, args: argparse.Namespace) -> list[Metric]:
    """The metrics asked for, with --top-box and --metric-scale applied."""
    names: list[str] = args.metric or ["nps"]
    cut: int | None = args.top_box
    span: tuple[int, int] | None = args.metric_scale
    if (cut is not None or span is not None) and names == ["nps"]:
        parser.error("--top-box and --metric-scale apply to --metric csat, ces or ces-easy")
    if cut is not None and not any(name in ("csat", "ces-easy") for name in names):
        parser.error("--top-box applies to a share metric: --metric csat or ces-easy")
    given: Scale | None = getattr(args, "scale", None)  # --scale: the answers' scale
    if span is None and given is not None:
        span = (given.low, given.high)
    chosen = []
    for name in names:
        preset = {"nps": NPS, "csat": CSAT, "ces": CES, "ces-easy": CES_EASY}[name]
        if name == "nps":
            chosen.append(NPS if given is None else Metric.nps(given))
            continue
        if cut is None and span is None:
            chosen.append(preset)
            continue
        low, high = span if span is not None else (preset.low, preset.high)
        try:
            if preset.kind == "mean":
                chosen.append(Metric.mean(low=low, high=high, name=name))
            else:
                box = preset.box[0] if preset.box is not None else high
                first = cut if cut is not None else min(box, high)
                chosen.append(Metric.top_box(low=low, high=high, cut=first, name=name))
        except ValueError as error:
            parser.error(f"--metric {name}: {error}")
    return chosen


def is_nps_only(metrics: list[Metric]) -> bool:
    """Whether the standard NPS alone was asked for (the streaming path of every command)."""
    return len(metrics) == 1 and metrics[0].kind == "net"


def metric_interval_method(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """Refuse an NPS --interval-method or --compare-method given with a share or mean metric."""
    for flag, value in (
        ("--interval-method", getattr(args, "interval_method", None)),
        ("--compare-method", getattr(args, "compare_method", None)),
    ):
        if value is not None and value not in (_NPS_DEFAULTS.get(flag),):
            parser.error(
                f"{flag} {value} is an NPS method; CSAT and CES use their kind's default "
                "(see npskit.confidence_interval and npskit.compare with metric=)"
            )


_NPS_DEFAULTS = {"--interval-method": "adjusted-wald", "--compare-method": "mover"}


def metric_columns(
    file: DataFile | Sequence[DataFile],
    metric: Metric,
    score: str,
    keys: list[str],
    *,
    weight: str | None,
    nan_policy: Any,
) -> tuple[npt.NDArray[np.float64], list[npt.NDArray[Any]], npt.NDArray[np.float64] | None]:
    """Answers, key columns (text, ``None`` for a blank cell) and weights of ``file``.

    The file is counted first by the NPS reader on the metric's scale, which
    reports a bad cell with its line.
    """
    count_file(file, score, keys, weight=weight, nan_policy=nan_policy, scale=metric.counting_scale)
    wanted = [score, *keys] + ([weight] if weight is not None else [])
    columns = read_answer_columns(
        file, wanted, score=score, weight=weight, scale=metric.counting_scale
    )
    label = file.label if isinstance(file, DataFile) else ", ".join(f.label for f in file)
    scores = _numbers(columns[score], f"{label}: column {score!r}")
    key_columns = [_keys(columns[key]) for key in keys]
    weights = None if weight is None else _numbers(columns[weight], f"column {weight!r}")
    return scores, key_columns, weights


def _numbers(values: npt.NDArray[Any], where: str) -> npt.NDArray[np.float64]:
    if values.dtype.kind == "f":
        return values.astype(np.float64)
    text = np.char.strip(np.asarray(values, dtype=np.str_))
    try:
        return np.where(text == "", "nan", text).astype(np.float64)
    except ValueError:  # pragma: no cover - count_file has checked every cell
        raise DataFileError(f"{where} holds text that is not a number") from None


def _keys(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    if values.dtype.kind not in "US":
        return values
    text = np.char.strip(np.asarray(values, dtype=np.str_))
    result = text.astype(object)
    result[text == ""] = None
    return result
