"""``suppress``: which per-person figures may be published, with a reason for each one hidden."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from npskit._core.grouped import GroupedTally
from npskit._core.results import Table, keyed_dict, none_if_nan
from npskit._core.validation import check_positive_int
from npskit._segments.shrinkage import unique_key_names

__all__ = ["Publication", "PublishedCell", "suppress"]

_VALUE_FIELDS = ("n", "nps", "published", "reason")


@dataclass(frozen=True, slots=True, kw_only=True)
class PublishedCell:
    """One cell of a :class:`Publication`.

    Attributes
    ----------
    key : tuple
        The cell's key (e.g. team and agent).
    n : int or None
        Answers; None when hidden.
    nps : float or None
        NPS in points; None when hidden.
    published : bool
        Whether the figure may be shown.
    reason : str or None
        Why it is hidden: ``"fewer than K answers"`` (primary), or
        ``"complementary: protects <key>"`` (hidden so that a primary cell
        cannot be derived from its total).
    """

    key: tuple[Any, ...]
    key_names: tuple[str, ...] = field(repr=False, compare=False)
    n: int | None
    nps: float | None
    published: bool
    reason: str | None

    def to_dict(self) -> dict[str, Any]:
        """A flat, JSON-serialisable dictionary: key columns first."""
        record = keyed_dict(self)
        record.update(
            n=self.n, nps=none_if_nan(self.nps), published=self.published, reason=self.reason
        )
        return record


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Publication(Table[PublishedCell]):
    """A table safe to publish (see :func:`npskit.suppress`).

    Attributes
    ----------
    names : tuple of str
        Key columns of the cells.
    within : tuple of str
        Key columns of the totals that are published alongside (empty: the
        grand total).
    min_n : int
        Fewest answers a published figure may rest on.
    """

    names: tuple[str, ...]
    within: tuple[str, ...]
    min_n: int

    @property
    def n_hidden(self) -> int:
        """Cells hidden, for either reason."""
        return sum(not cell.published for cell in self.rows)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dictionary."""
        return {
            "names": list(self.names),
            "within": list(self.within),
            "min_n": self.min_n,
            "rows": self.to_dicts(),
        }

    def _row_key(self, row: PublishedCell) -> tuple[Any, ...]:
        return row.key

    def _empty_columns(self) -> tuple[str, ...]:
        return (*self.names, *_VALUE_FIELDS)

    def __str__(self) -> str:
        head = (
            f"{len(self.rows)} cells, {self.n_hidden} hidden: fewer than {self.min_n} answers, "
            "or hidden so that a hidden figure cannot be derived from its total. NPS rounded "
            "to 1 decimal."
        )
        return head + "\n" + self.to_markdown()


def suppress(
    counts: GroupedTally,
    *,
    min_n: int = 10,
    within: Sequence[str] = (),
) -> Publication:
    """Hide per-person figures with too few answers, and enough others to protect them.

    Parameters
    ----------
    counts : GroupedTally
        Counts per cell (agent, or team x agent, ...).
    min_n : int, default 10
        Fewest answers a published figure may rest on (anonymity and noise).
    within : sequence of str, default ()
        Key columns of the totals published next to the cells (e.g.
        ``["team"]`` when team totals are shown); by default the grand total.

    Returns
    -------
    Publication
        Every cell, published or hidden, with the reason for each hidden one.

    Raises
    ------
    ValueError
        If ``min_n < 1`` or ``within`` names a column that is not a key column.
    TypeError
        If ``counts`` is not a GroupedTally.

    Notes
    -----
    **Primary suppression.** A cell with fewer than ``min_n`` answers is hidden.

    **Complementary suppression.** Counts add up, so when a total is
    published and only one of its cells is hidden, that cell is the total
    minus the others. Whenever exactly one cell of a total is hidden, the
    published cell with the fewest answers in that total is hidden too (the
    least information lost); two hidden cells reveal only their sum. A
    total with a single cell that is hidden is noted on that cell (hide the
    total as well). The rule protects one level of totals; when several
    levels are published, apply it to each.

    Examples
    --------
    >>> from npskit import suppress, tally_by
    >>> answers = [10] * 12 + [9] * 15 + [3] * 4 + [8] * 20
    >>> agents = ["ann"] * 12 + ["bob"] * 15 + ["cy"] * 4 + ["dee"] * 20
    >>> table = suppress(tally_by(answers, agents), min_n=10)
    >>> for cell in table:
    ...     print(cell.key[0], cell.n, cell.reason)
    ann None complementary: protects 'cy'
    bob 15 None
    cy None fewer than 10 answers
    dee 20 None
    """
    if not isinstance(counts, GroupedTally):
        raise TypeError(f"counts must be a GroupedTally, got {type(counts).__name__}")
    threshold = check_positive_int("min_n", min_n)
    totals = (within,) if isinstance(within, str) else tuple(within)
    unknown = [n for n in totals if n not in counts.names]
    if unknown:
        raise ValueError(
            f"within must name key columns, got {within!r}; the key columns are {counts.names!r}"
        )
    positions = [counts.names.index(n) for n in totals]
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i, key in enumerate(counts.keys):
        groups.setdefault(tuple(key[p] for p in positions), []).append(i)
    sizes = [int(n) for n in counts.responses]
    reasons: list[str | None] = [
        f"fewer than {threshold} answers" if n < threshold else None for n in sizes
    ]
    for members in groups.values():
        hidden = [i for i in members if reasons[i] is not None]
        if len(hidden) != 1:
            continue
        shown = [i for i in members if reasons[i] is None]
        label = _key_text(counts.keys[hidden[0]], len(counts.names))
        if shown:
            partner = min(shown, key=lambda i: (sizes[i], i))
            reasons[partner] = f"complementary: protects {label}"
        else:
            reasons[hidden[0]] = f"fewer than {threshold} answers; the only cell of its total"
    key_names = unique_key_names(counts.names, _VALUE_FIELDS)
    cells = tuple(
        PublishedCell(
            key=key,
            key_names=key_names,
            n=None if reasons[i] else sizes[i],
            nps=None if reasons[i] else counts.tally_at(i).nps,
            published=reasons[i] is None,
            reason=reasons[i],
        )
        for i, key in enumerate(counts.keys)
    )
    return Publication(rows=cells, names=counts.names, within=totals, min_n=threshold)


def _key_text(key: tuple[Any, ...], width: int) -> str:
    return repr(key[0]) if width == 1 else repr(key)
