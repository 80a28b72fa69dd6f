"""``hierarchy``: agents within teams within sites, shrunk at each level, counts that add up."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from npskit._core.grouped import GroupedTally
from npskit._core.interval import Interval
from npskit._core.results import Table, json_value, none_if_nan
from npskit._core.validation import check_confidence_level
from npskit._intervals.confidence_interval import confidence_interval
from npskit._segments.shrinkage import shrink

__all__ = ["Hierarchy", "HierarchyRow", "hierarchy"]


@dataclass(frozen=True, slots=True, kw_only=True)
class HierarchyRow:
    """One node of a :class:`Hierarchy`: a site, a team within it, an agent within that.

    Attributes
    ----------
    level : str
        The key column this node is a value of (``"site"``, ``"team"``, ...).
    key : tuple
        The path from the top: ``("north",)``, ``("north", "T1")``, ...
    n : int
        Answers.
    detractors, passives, promoters : int or float
        Counts (weight sums when weighted); a node's counts are the sums of
        its children's.
    raw_nps : float
        The node's own NPS in points.
    shrunk_nps, low, high : float
        Its NPS shrunk towards the other nodes of its level
        (:func:`npskit.shrink`), and its confidence interval of constant
        coverage (FAB, see :func:`npskit.shrink`).
    """

    level: str
    key: tuple[Any, ...]
    n: int
    detractors: int | float
    passives: int | float
    promoters: int | float
    raw_nps: float
    shrunk_nps: float
    low: float
    high: float

    @property
    def interval(self) -> Interval:
        """The confidence interval of the node's NPS (``low`` to ``high``)."""
        return Interval(self.low, self.high)

    def to_dict(self) -> dict[str, Any]:
        """A flat, JSON-serialisable dictionary; the path as text joined by ``/``."""
        return {
            "level": self.level,
            "key": "/".join(str(json_value(v)) for v in self.key),
            "n": self.n,
            "detractors": self.detractors,
            "passives": self.passives,
            "promoters": self.promoters,
            "raw_nps": none_if_nan(self.raw_nps),
            "shrunk_nps": none_if_nan(self.shrunk_nps),
            "low": none_if_nan(self.low),
            "high": none_if_nan(self.high),
        }


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Hierarchy(Table[HierarchyRow]):
    """Nodes of each level, top level first (see :func:`npskit.hierarchy`).

    Look a node up by its path: ``result[("north", "T1")]``.

    Attributes
    ----------
    levels : tuple of str
        The key columns, top first.
    confidence_level : float
        Coverage of the confidence intervals.
    """

    levels: tuple[str, ...]
    confidence_level: float

    def children(self, key: tuple[Any, ...]) -> tuple[HierarchyRow, ...]:
        """The nodes one level below ``key`` (a path), in order."""
        depth = len(key)
        return tuple(r for r in self.rows if len(r.key) == depth + 1 and r.key[:depth] == key)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dictionary."""
        return {
            "levels": list(self.levels),
            "confidence_level": self.confidence_level,
            "rows": self.to_dicts(),
        }

    def _row_key(self, row: HierarchyRow) -> tuple[Any, ...]:
        return row.key

    def _empty_columns(self) -> tuple[str, ...]:
        return tuple(HierarchyRow.__dataclass_fields__)

    def _markdown_columns(self) -> list[str]:
        return ["level", "key", "n", "raw_nps", "shrunk_nps", "low", "high"]

    def __str__(self) -> str:
        head = (
            f"NPS by {' / '.join(self.levels)}: raw and shrunk towards the other nodes of "
            f"the same level, {100 * self.confidence_level:g}% confidence intervals; counts add "
            "up from each level to the one above. Rounded to 1 decimal."
        )
        return head + "\n" + self.to_markdown()


def hierarchy(
    counts: GroupedTally,
    levels: Sequence[str],
    *,
    confidence_level: float = 0.95,
) -> Hierarchy:
    """NPS of every node of a hierarchy (site / team / agent), shrunk level by level.

    Parameters
    ----------
    counts : GroupedTally
        Counts with one key column per level (other columns are summed over),
        e.g. ``tally_by(answers, [site, team, agent])``.
    levels : sequence of str
        The key columns from the top level down.
    confidence_level : float, default 0.95
        Coverage of each confidence interval.

    Returns
    -------
    Hierarchy
        Every node of every level, top level first; each node's counts are
        the sums of its children's (roll-ups add up).

    Raises
    ------
    ValueError
        If ``levels`` is empty or names a column that is not a key column.
    TypeError
        If ``counts`` is not a GroupedTally.

    Notes
    -----
    Counts are summed up the tree with ``GroupedTally.sum_over``, so
    a team's answers are exactly its agents'. At each level the nodes are
    shrunk with :func:`npskit.shrink`: a normal hierarchical model across all
    nodes of that level (all teams, all agents), so a
    small team or an agent with few answers moves towards what the level as
    a whole suggests. Shrunk values do not add up (they are estimates, not
    counts); a level with fewer than two nodes with answers has nothing to
    borrow from: its nodes keep their raw NPS and the default interval of
    :func:`npskit.confidence_interval` (``[-100, 100]`` without answers).

    Examples
    --------
    >>> from npskit import hierarchy, tally_by
    >>> answers = [10, 9, 3, 10, 8, 0, 9, 10, 2, 7]
    >>> team = ["T1"] * 6 + ["T2"] * 4
    >>> agent = ["ann", "ann", "ann", "bob", "bob", "bob", "cy", "cy", "dee", "dee"]
    >>> result = hierarchy(tally_by(answers, [team, agent]), ["key0", "key1"])
    >>> [(row.key, row.n, row.raw_nps) for row in result.children(("T1",))]
    [(('T1', 'ann'), 3, 33.33333333333333), (('T1', 'bob'), 3, 0.0)]
    >>> result[("T1",)].n == sum(row.n for row in result.children(("T1",)))
    True
    """
    if not isinstance(counts, GroupedTally):
        raise TypeError(f"counts must be a GroupedTally, got {type(counts).__name__}")
    level = check_confidence_level(confidence_level)
    names = tuple(levels)
    unknown = [n for n in names if n not in counts.names]
    if not names or unknown or len(set(names)) != len(names):
        raise ValueError(
            f"levels must name distinct key columns, got {levels!r}; the key columns are "
            f"{counts.names!r}"
        )
    extra = [n for n in counts.names if n not in names]
    base = counts.sum_over(*extra) if extra else counts
    rows: list[HierarchyRow] = []
    for depth in range(1, len(names) + 1):
        deeper = [names[i] for i in range(depth, len(names))]
        grouped = base.sum_over(*deeper) if deeper else base
        position = [grouped.names.index(n) for n in names[:depth]]
        keyed = GroupedTally.from_tallies(
            [(tuple(key[i] for i in position), part) for key, part in grouped],
            names=names[:depth],
        )
        with_answers = sum(1 for _, part in keyed if part.n)
        shrunk = shrink(keyed, confidence_level=level) if with_answers > 1 else None
        for index, (key, part) in enumerate(keyed):
            raw = part.nps if part.n else math.nan
            if shrunk is None:
                own = confidence_interval(part, confidence_level=level) if part.n else None
                estimate = raw
                low, high = own.confidence_interval if own else (-100.0, 100.0)
            else:
                row = shrunk.rows[index]
                estimate, (low, high) = row.shrunk_nps, row.confidence_interval
            rows.append(
                HierarchyRow(
                    level=names[depth - 1],
                    key=key,
                    n=part.n,
                    detractors=part.detractors,
                    passives=part.passives,
                    promoters=part.promoters,
                    raw_nps=raw,
                    shrunk_nps=estimate,
                    low=low,
                    high=high,
                )
            )
    return Hierarchy(rows=tuple(rows), levels=names, confidence_level=level)
