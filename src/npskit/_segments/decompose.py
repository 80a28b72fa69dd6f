"""Why the total moved: a symmetric shift-share (Kitagawa) decomposition of an NPS change."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from npskit._core.grouped import GroupedTally, _label
from npskit._core.results import json_value as _json_value
from npskit._core.tally import Tally

__all__ = ["Decomposition", "DecompositionRow", "decompose"]

SegmentStatus = Literal["both", "entered", "exited"]


@dataclass(frozen=True, slots=True, kw_only=True)
class DecompositionRow:
    """One segment's part in the change of the total NPS (see :func:`decompose`).

    Attributes
    ----------
    key : tuple
        The segment's key.
    status : {"both", "entered", "exited"}
        Whether the segment has answers in both periods, only in the current
        one, or only in the baseline.
    baseline_n, current_n : float
        Answers (weight sums when weighted) in each period.
    baseline_share, current_share : float
        The segment's share of all answers in each period (0 when absent).
    baseline_nps, current_nps : float
        The segment's NPS in points; NaN in a period without answers.
    mix : float
        Mix effect in points: ``(r0 + r1) / 2 * (w1 - w0)``.
    rate : float
        Rate effect in points: ``(w0 + w1) / 2 * (r1 - r0)``.
    entry_exit : float
        For a segment present in one period only, its whole contribution
        ``w1 * r1`` (entered) or ``-w0 * r0`` (exited); 0 otherwise.
    contribution : float
        ``mix + rate + entry_exit``, which equals ``w1 * r1 - w0 * r0``.
    """

    key: tuple[Any, ...]
    status: SegmentStatus
    baseline_n: float
    current_n: float
    baseline_share: float
    current_share: float
    baseline_nps: float
    current_nps: float
    mix: float
    rate: float
    entry_exit: float
    contribution: float

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dictionary (NaN becomes ``None``)."""
        return {
            "key": [_json_value(v) for v in self.key],
            "status": self.status,
            "baseline_n": self.baseline_n,
            "current_n": self.current_n,
            "baseline_share": self.baseline_share,
            "current_share": self.current_share,
            "baseline_nps": _none_if_nan(self.baseline_nps),
            "current_nps": _none_if_nan(self.current_nps),
            "mix": self.mix,
            "rate": self.rate,
            "entry_exit": self.entry_exit,
            "contribution": self.contribution,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Decomposition:
    """The change of the total NPS split into mix, rate and entry/exit effects.

    Attributes
    ----------
    names : tuple of str
        Names of the key columns.
    rows : tuple of DecompositionRow
        One row per segment: baseline segments in their order, then segments
        new in the current period in theirs. A segment without answers in
        either period (only missing ones) has no row.
    baseline_nps, current_nps : float
        Total NPS in each period, in points.
    change : float
        ``current_nps - baseline_nps``.
    mix, rate, entry_exit : float
        Sums of the segments' effects; ``mix + rate + entry_exit == change``
        up to floating-point rounding.
    method : str
        ``"kitagawa"``: the symmetric two-factor decomposition.
    """

    names: tuple[str, ...]
    rows: tuple[DecompositionRow, ...]
    baseline_nps: float
    current_nps: float
    change: float
    mix: float
    rate: float
    entry_exit: float
    method: Literal["kitagawa"] = "kitagawa"

    def to_dicts(self) -> list[dict[str, Any]]:
        """One flat dictionary per segment, key columns first; unrounded, NaN as ``None``."""
        rows = []
        for row in self.rows:
            flat: dict[str, Any] = dict(zip(self.names, row.key, strict=True))
            flat.update({k: v for k, v in row.to_dict().items() if k != "key"})
            rows.append(flat)
        return rows

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dictionary of the totals and rows."""
        return {
            "names": list(self.names),
            "rows": [row.to_dict() for row in self.rows],
            "baseline_nps": self.baseline_nps,
            "current_nps": self.current_nps,
            "change": self.change,
            "mix": self.mix,
            "rate": self.rate,
            "entry_exit": self.entry_exit,
            "method": self.method,
        }

    def to_pandas(self) -> Any:
        """The rows as a pandas DataFrame (pandas is imported here)."""
        import pandas as pd

        return pd.DataFrame(self.to_dicts())

    def to_polars(self) -> Any:
        """The rows as a polars DataFrame (polars is imported here)."""
        import polars as pl

        return pl.DataFrame(self.to_dicts())

    def to_markdown(self) -> str:
        """A Markdown table with a total row; shares in % and points rounded to 1 decimal."""
        lines = [
            f"| {' x '.join(self.names)} | share before | share after | NPS before | "
            "NPS after | mix | rate | entry/exit | contribution |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        lines.extend(
            f"| {_label(row.key)} | {100 * row.baseline_share:.1f}% | "
            f"{100 * row.current_share:.1f}% | {_points(row.baseline_nps)} | "
            f"{_points(row.current_nps)} | {row.mix:+.1f} | {row.rate:+.1f} | "
            f"{row.entry_exit:+.1f} | {row.contribution:+.1f} |"
            for row in self.rows
        )
        lines.append(
            f"| **total** | 100.0% | 100.0% | {_points(self.baseline_nps)} | "
            f"{_points(self.current_nps)} | {self.mix:+.1f} | {self.rate:+.1f} | "
            f"{self.entry_exit:+.1f} | {self.change:+.1f} |"
        )
        return "\n".join(lines)

    def __str__(self) -> str:
        head = (
            f"NPS moved {self.change:+.1f} points ({_points(self.baseline_nps)} -> "
            f"{_points(self.current_nps)}): mix {self.mix:+.1f}, rate {self.rate:+.1f}, "
            f"entry/exit {self.entry_exit:+.1f} (Kitagawa decomposition; rounded to 1 decimal)"
        )
        return head + "\n" + self.to_markdown()


def _points(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:+.1f}"


def _none_if_nan(value: float) -> float | None:
    return None if math.isnan(value) else value


def decompose(
    baseline: GroupedTally | Mapping[Any, Tally],
    current: GroupedTally | Mapping[Any, Tally],
) -> Decomposition:
    """Split the change of the total NPS into mix, rate and entry/exit effects per segment.

    The total NPS is the response-weighted mean of the segments' NPS, so it
    moves when segments' NPS move (rate) and when the mix of answers between
    segments shifts (mix), for example when more customers call the channel
    with the lowest NPS.

    Parameters
    ----------
    baseline, current : GroupedTally or mapping of key to Tally
        The segments in each period, for instance from :func:`tally_by` with
        the same ``by``. Segments are matched by key.

    Returns
    -------
    Decomposition
        Per-segment rows and totals; ``mix + rate + entry_exit`` equals the
        change of the total NPS.

    Raises
    ------
    ValueError
        If either period has no answers, or the key column names differ.
    TypeError
        If a period is not a GroupedTally or a mapping of Tally.

    Notes
    -----
    With :math:`w_{gt}` segment :math:`g`'s share of the answers in period
    :math:`t` (weight sums when weighted) and :math:`r_{gt}` its NPS, the total
    is :math:`R_t = \\sum_g w_{gt} r_{gt}`, and for every segment

    .. math::

        w_{g1} r_{g1} - w_{g0} r_{g0}
        = \\underbrace{\\tfrac{r_{g0} + r_{g1}}{2}\\,(w_{g1} - w_{g0})}_{\\text{mix}}
        + \\underbrace{\\tfrac{w_{g0} + w_{g1}}{2}\\,(r_{g1} - r_{g0})}_{\\text{rate}},

    the symmetric decomposition of Kitagawa [1]_ (also Das Gupta [2]_), which
    treats both periods alike: swapping them negates every effect. Summed over
    segments it gives :math:`R_1 - R_0` exactly (up to rounding).

    **Segments in one period only.** A segment with no answers in a period
    has no NPS there, so neither effect is defined for it. Rather than invent
    a rate (say the total's), its whole contribution :math:`w_{g1} r_{g1}`
    (entered) or :math:`-w_{g0} r_{g0}` (exited) is reported as a separate
    ``entry_exit`` component, and its mix and rate are 0. The identity above
    still holds with :math:`w r = 0` in the absent period, so mix, rate and
    entry/exit add up to the change. The dilution an entering segment causes
    to the others' shares shows up in their mix effects.

    References
    ----------
    .. [1] Kitagawa, E. M. (1955). Components of a difference between two
       rates. *Journal of the American Statistical Association*, 50(272),
       1168-1194. doi:10.1080/01621459.1955.10501299
    .. [2] Das Gupta, P. (1993). *Standardization and Decomposition of Rates:
       A User's Manual*. U.S. Bureau of the Census, Current Population
       Reports P23-186.

    Examples
    --------
    >>> from npskit import Tally, decompose
    >>> before = {"phone": Tally(detractors=20, passives=30, promoters=50),
    ...           "chat": Tally(detractors=10, passives=20, promoters=70)}
    >>> after = {"phone": Tally(detractors=60, passives=90, promoters=150),
    ...          "chat": Tally(detractors=10, passives=20, promoters=70)}
    >>> d = decompose(before, after)
    >>> d.baseline_nps, d.current_nps, d.change
    (45.0, 37.5, -7.5)
    >>> round(d.mix, 6), round(d.rate, 6)
    (-7.5, 0.0)
    """
    before = _as_grouped(baseline, "baseline")
    after = _as_grouped(current, "current")
    if before.names != after.names:
        raise ValueError(
            f"baseline and current must be grouped by the same keys, got {before.names!r} "
            f"and {after.names!r}"
        )
    n0, r0 = _sizes_and_nps(before)
    n1, r1 = _sizes_and_nps(after)
    total0, total1 = math.fsum(n0.values()), math.fsum(n1.values())
    for label, total in (("baseline", total0), ("current", total1)):
        if total <= 0:
            raise ValueError(f"{label} has no answers, so its NPS is undefined")
    keys = list(before.keys) + [key for key in after.keys if key not in before]
    rows = []
    for key in keys:
        size0, size1 = n0.get(key, 0.0), n1.get(key, 0.0)
        w0, w1 = size0 / total0, size1 / total1
        nps0, nps1 = r0.get(key, math.nan), r1.get(key, math.nan)
        if size0 <= 0 and size1 <= 0:  # no answers in either period: nothing to explain
            continue
        if size0 > 0 and size1 > 0:
            status: SegmentStatus = "both"
            mix = (nps0 + nps1) / 2 * (w1 - w0)
            rate = (w0 + w1) / 2 * (nps1 - nps0)
            entry_exit = 0.0
        else:
            status = "entered" if size1 > 0 else "exited"
            mix = rate = 0.0
            entry_exit = w1 * nps1 if size1 > 0 else -w0 * nps0
        rows.append(
            DecompositionRow(
                key=key,
                status=status,
                baseline_n=size0,
                current_n=size1,
                baseline_share=w0,
                current_share=w1,
                baseline_nps=nps0,
                current_nps=nps1,
                mix=mix,
                rate=rate,
                entry_exit=entry_exit,
                contribution=mix + rate + entry_exit,
            )
        )
    baseline_nps = _total_nps(before)
    current_nps = _total_nps(after)
    return Decomposition(
        names=before.names,
        rows=tuple(rows),
        baseline_nps=baseline_nps,
        current_nps=current_nps,
        change=current_nps - baseline_nps,
        mix=math.fsum(row.mix for row in rows),
        rate=math.fsum(row.rate for row in rows),
        entry_exit=math.fsum(row.entry_exit for row in rows),
    )


def _as_grouped(period: object, role: str) -> GroupedTally:
    if isinstance(period, GroupedTally):
        return period
    if isinstance(period, Mapping):
        return GroupedTally.from_tallies(period)
    raise TypeError(
        f"{role} must be a GroupedTally or a mapping of key to Tally, got {type(period).__name__}"
    )


def _sizes_and_nps(
    grouped: GroupedTally,
) -> tuple[dict[tuple[Any, ...], float], dict[tuple[Any, ...], float]]:
    n = grouped.counts.sum(axis=1).astype(np.float64)
    nps = grouped.nps
    sizes = {key: float(size) for key, size in zip(grouped.keys, n.tolist(), strict=True)}
    rates = {
        key: float(value)
        for key, value, size in zip(grouped.keys, nps.tolist(), n.tolist(), strict=True)
        if size > 0
    }
    return sizes, rates


def _total_nps(grouped: GroupedTally) -> float:
    counts = grouped.counts.astype(np.float64)
    detractors = math.fsum(counts[:, 0])
    promoters = math.fsum(counts[:, 2])
    total = math.fsum(counts.sum(axis=1))
    return 100 * ((promoters - detractors) / total)
