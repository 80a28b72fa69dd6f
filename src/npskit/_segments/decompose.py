"""Why the total moved: a symmetric shift-share (Kitagawa) decomposition of an NPS change."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from npskit._core.errors import EmptyDataError
from npskit._core.grouped import GroupedTally, _label
from npskit._core.results import Table, keyed_dict, none_if_nan
from npskit._core.tally import Tally

from .shrinkage import unique_key_names

__all__ = ["Decomposition", "DecompositionRow", "decompose"]

SegmentStatus = Literal["both", "entered", "exited"]


_VALUE_FIELDS = (
    "status",
    "n_baseline",
    "n_current",
    "weight_sum_baseline",
    "weight_sum_current",
    "share_baseline",
    "share_current",
    "nps_baseline",
    "nps_current",
    "mix",
    "rate",
    "entry_exit",
    "contribution",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class DecompositionRow:
    """One segment's part in the change of the total NPS (see :func:`decompose`).

    Attributes
    ----------
    key : tuple
        The segment's key.
    key_names : tuple of str
        The names under which :meth:`to_dict` puts the key values.
    status : {"both", "entered", "exited"}
        Whether the segment has answers in both periods, only in the current
        one, or only in the baseline.
    n_baseline, n_current : int
        Answers in each period (unweighted), missing ones left out.
    weight_sum_baseline, weight_sum_current : int or float
        Sums of the weights of those answers; the ``n`` when unweighted.
    share_baseline, share_current : float
        The segment's share of all answers in each period (of the weight when
        weighted; 0 when absent).
    nps_baseline, nps_current : float
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
    key_names: tuple[str, ...] = field(repr=False, compare=False)
    status: SegmentStatus
    n_baseline: int
    n_current: int
    weight_sum_baseline: int | float
    weight_sum_current: int | float
    share_baseline: float
    share_current: float
    nps_baseline: float
    nps_current: float
    mix: float
    rate: float
    entry_exit: float
    contribution: float

    def to_dict(self) -> dict[str, Any]:
        """A flat JSON-serialisable dictionary: key columns first; NaN becomes ``None``."""
        return keyed_dict(self, _VALUE_FIELDS)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Decomposition(Table[DecompositionRow]):
    """The change of the total NPS split into mix, rate and entry/exit effects.

    A table: iterate over its :class:`DecompositionRow` rows, look one up by
    its key (``d["web"]``; positions are ``d.rows[i]``), or convert with
    ``to_dicts()``, ``to_pandas()``, ``to_polars()``, ``to_csv()`` and
    :meth:`to_markdown`.

    Attributes
    ----------
    rows : tuple of DecompositionRow
        One row per segment: baseline segments in their order, then segments
        new in the current period in theirs. A segment without answers in
        either period (only missing ones) has no row.
    names : tuple of str
        Names of the key columns.
    nps_baseline, nps_current : float
        Total NPS in each period, in points.
    change : float
        ``nps_current - nps_baseline``.
    mix, rate, entry_exit : float
        Sums of the segments' effects; ``mix + rate + entry_exit == change``
        up to floating-point rounding.
    method : str
        ``"kitagawa"``: the symmetric two-factor decomposition.
    """

    names: tuple[str, ...]
    nps_baseline: float
    nps_current: float
    change: float
    mix: float
    rate: float
    entry_exit: float
    method: Literal["kitagawa"] = "kitagawa"

    def _row_key(self, row: DecompositionRow) -> tuple[Any, ...]:
        return row.key

    def _empty_columns(self) -> tuple[str, ...]:
        return (*self.names, *_VALUE_FIELDS)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dictionary of the totals and rows (NaN as ``None``)."""
        return {
            "names": list(self.names),
            "rows": self.to_dicts(),
            "nps_baseline": none_if_nan(self.nps_baseline),
            "nps_current": none_if_nan(self.nps_current),
            "change": none_if_nan(self.change),
            "mix": none_if_nan(self.mix),
            "rate": none_if_nan(self.rate),
            "entry_exit": none_if_nan(self.entry_exit),
            "method": self.method,
        }

    def to_markdown(self, *, digits: int = 1) -> str:
        """A Markdown table with a total row; shares in % and points rounded to ``digits``."""
        f = digits
        lines = [
            f"| {' x '.join(self.names)} | share before | share after | NPS before | "
            "NPS after | mix | rate | entry/exit | contribution |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        lines.extend(
            f"| {_label(row.key)} | {100 * row.share_baseline:.{f}f}% | "
            f"{100 * row.share_current:.{f}f}% | {_points(row.nps_baseline, f)} | "
            f"{_points(row.nps_current, f)} | {row.mix:+.{f}f} | {row.rate:+.{f}f} | "
            f"{row.entry_exit:+.{f}f} | {row.contribution:+.{f}f} |"
            for row in self.rows
        )
        lines.append(
            f"| **total** | {100:.{f}f}% | {100:.{f}f}% | {_points(self.nps_baseline, f)} | "
            f"{_points(self.nps_current, f)} | {self.mix:+.{f}f} | {self.rate:+.{f}f} | "
            f"{self.entry_exit:+.{f}f} | {self.change:+.{f}f} |"
        )
        return "\n".join(lines)

    def __str__(self) -> str:
        head = (
            f"NPS moved {self.change:+.1f} points ({_points(self.nps_baseline)} -> "
            f"{_points(self.nps_current)}): mix {self.mix:+.1f}, rate {self.rate:+.1f}, "
            f"entry/exit {self.entry_exit:+.1f} (Kitagawa decomposition; rounded to 1 decimal)"
        )
        return head + "\n" + self.to_markdown()


def _points(value: float, digits: int = 1) -> str:
    return "-" if math.isnan(value) else f"{value:+.{digits}f}"


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
    EmptyDataError
        If either period has no answers.
    ValueError
        If the key column names differ.
    TypeError
        If a period is not a GroupedTally or a mapping of Tally (for example
        one Tally).

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
    >>> d.nps_baseline, d.nps_current, d.change
    (45.0, 37.5, -7.5)
    >>> round(d.mix, 6), round(d.rate, 6)
    (-7.5, 0.0)
    >>> d["phone"].n_baseline, d["phone"].n_current, round(d["phone"].mix, 6)
    (100, 300, 7.5)
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
            raise EmptyDataError(f"{label} has no answers, so its NPS is undefined")
    answers0 = dict(zip(before.keys, before.responses.tolist(), strict=True))
    answers1 = dict(zip(after.keys, after.responses.tolist(), strict=True))
    key_names = unique_key_names(before.names, _VALUE_FIELDS)
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
                key_names=key_names,
                status=status,
                n_baseline=answers0.get(key, 0),
                n_current=answers1.get(key, 0),
                weight_sum_baseline=_whole(size0, before.is_weighted),
                weight_sum_current=_whole(size1, after.is_weighted),
                share_baseline=w0,
                share_current=w1,
                nps_baseline=nps0,
                nps_current=nps1,
                mix=mix,
                rate=rate,
                entry_exit=entry_exit,
                contribution=mix + rate + entry_exit,
            )
        )
    nps_baseline = _total_nps(before)
    nps_current = _total_nps(after)
    return Decomposition(
        rows=tuple(rows),
        names=before.names,
        nps_baseline=nps_baseline,
        nps_current=nps_current,
        change=nps_current - nps_baseline,
        mix=math.fsum(row.mix for row in rows),
        rate=math.fsum(row.rate for row in rows),
        entry_exit=math.fsum(row.entry_exit for row in rows),
    )


def _whole(size: float, weighted: bool) -> int | float:
    return size if weighted else round(size)


def _as_grouped(period: object, role: str) -> GroupedTally:
    if isinstance(period, Tally):
        raise TypeError(
            f"{role} must be a GroupedTally or a mapping of key to Tally (the segments of one "
            "period), got one Tally; decompose splits a change between segments"
        )
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
