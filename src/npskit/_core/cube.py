"""The counts cube: selecting, summing out, splitting and merging grouped tallies.

A :class:`npskit.GroupedTally` with several key columns (agent x month, say)
is a cube of counts. These operations work on its arrays and return grouped
tallies again; the adding up is :func:`npskit._core.regroup.regroup`, so
merging chunks and summing out a column are one kernel.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from .regroup import key_order, regroup
from .results import json_value

if TYPE_CHECKING:  # annotations only: typing.Self is Python 3.11+
    from typing_extensions import Self

    from .tally import Tally

__all__ = ["CountsCube"]


class CountsCube:
    """The cube operations of :class:`npskit.GroupedTally` (a mixin; see there)."""

    __slots__ = ()

    if TYPE_CHECKING:
        names: tuple[str, ...]
        keys: tuple[tuple[Any, ...], ...]
        counts: npt.NDArray[Any]
        n_missing: npt.NDArray[np.int64]
        responses: npt.NDArray[np.int64]
        squared_weights: npt.NDArray[np.float64] | None
        total: Tally

        @property
        def is_weighted(self) -> bool: ...

        @classmethod
        def from_arrays(
            cls,
            names: Sequence[str],
            keys: Sequence[tuple[Any, ...]],
            counts: npt.NDArray[Any],
            n_missing: npt.NDArray[Any],
            responses: npt.NDArray[Any],
            squared_weights: npt.NDArray[np.float64] | None = None,
        ) -> Self: ...

    def levels(self, name: str) -> tuple[Any, ...]:
        """The distinct values of key column ``name``, in key order.

        Examples
        --------
        >>> from npskit import tally_by
        >>> g = tally_by([9, 3, 10, 7], by=[["web", "web", "phone", "web"], [1, 2, 1, 1]])
        >>> g.names, g.levels("key0")
        (('key0', 'key1'), ('phone', 'web'))
        """
        column = self._positions((name,), "levels")[0]
        values = list(dict.fromkeys(key[column] for key in self.keys))
        return tuple(values[i] for i in key_order([(v,) for v in values]))

    def select(
        self, where: Callable[[dict[str, Any]], bool] | None = None, /, **values: Any
    ) -> Self:
        """The groups whose key columns have the given values.

        Parameters
        ----------
        where : callable, optional
            A test on each group's key as a ``{column: value}`` dictionary.
        **values
            ``column=value`` keeps groups whose key has that value in that
            column; a list, tuple or set keeps any of its values. A string also
            matches a key value whose text is that string (``month="2026-05"``
            matches a period, ``day="2026-05-01"`` a date).

        Returns
        -------
        GroupedTally
            The same key columns, the selected groups, their total.

        Raises
        ------
        ValueError
            If a column name is not one of ``names``.

        Examples
        --------
        >>> from npskit import tally_by
        >>> data = {"score": [9, 3, 10, 7], "channel": ["web", "web", "phone", "web"],
        ...         "month": ["05", "06", "05", "05"]}
        >>> g = tally_by("score", ["channel", "month"], data=data)
        >>> g.select(month="05").keys
        (('phone', '05'), ('web', '05'))
        >>> g.select(lambda key: key["channel"] != "web").total.n
        1
        """
        columns = self._positions(tuple(values), "select")
        wanted = [_wanted(value) for value in values.values()]

        def keep(key: tuple[Any, ...]) -> bool:
            if not all(match(key[c]) for c, match in zip(columns, wanted, strict=True)):
                return False
            return where is None or bool(where(dict(zip(self.names, key, strict=True))))

        positions = [i for i, key in enumerate(self.keys) if keep(key)]
        return self._subset(positions)

    def sum_over(self, *names: str) -> Self:
        """Add the groups up over the key columns ``names``: a cube with fewer columns.

        ``g.sum_over("agent")`` on counts per agent and month gives counts per
        month. Groups come out in key order (missing keys last).

        Raises
        ------
        ValueError
            If a name is not a key column, or no key column would be left (the
            tally of all answers is ``total``).

        Examples
        --------
        >>> from npskit import tally_by
        >>> data = {"score": [9, 3, 10, 7], "agent": ["ann", "bob", "ann", "bob"],
        ...         "month": ["05", "05", "06", "06"]}
        >>> g = tally_by("score", ["agent", "month"], data=data)
        >>> per_month = g.sum_over("agent")
        >>> per_month.names, [(key, t.nps) for key, t in per_month]
        (('month',), [(('05',), 0.0), (('06',), 50.0)])
        """
        drop = set(self._positions(names, "sum_over"))
        keep = [i for i in range(len(self.names)) if i not in drop]
        if not keep:
            raise ValueError(
                f"sum_over({', '.join(map(repr, names))}) would leave no key column; "
                "the tally of all answers is .total"
            )
        keys = [tuple(key[i] for i in keep) for key in self.keys]
        return self._regrouped(tuple(self.names[i] for i in keep), keys)

    def split(self, name: str) -> dict[Any, Self]:
        """One cube per value of key column ``name``, over the other key columns.

        ``g.split("agent")`` on counts per agent and month gives, for each
        agent, that agent's counts per month.

        Raises
        ------
        ValueError
            If ``name`` is not a key column, or is the only one (iterate over
            the grouped tally instead).

        Examples
        --------
        >>> from npskit import tally_by
        >>> data = {"score": [9, 3, 10, 7], "agent": ["ann", "bob", "ann", "bob"],
        ...         "month": ["05", "05", "06", "06"]}
        >>> g = tally_by("score", ["agent", "month"], data=data)
        >>> {agent: cube.keys for agent, cube in g.split("agent").items()}
        {'ann': (('05',), ('06',)), 'bob': (('05',), ('06',))}
        """
        column = self._positions((name,), "split")[0]
        if len(self.names) == 1:
            raise ValueError(
                f"split({name!r}) needs another key column to group by; "
                "iterate over the grouped tally for one tally per group"
            )
        rest = tuple(n for i, n in enumerate(self.names) if i != column)
        positions: dict[Any, list[int]] = {}
        for i, key in enumerate(self.keys):
            positions.setdefault(key[column], []).append(i)
        result = {}
        for level in self.levels(name):
            part = self._subset(positions[level])
            keys = [tuple(v for i, v in enumerate(key) if i != column) for key in part.keys]
            result[level] = part._regrouped(rest, keys)
        return result

    @classmethod
    def concat(cls, parts: Iterable[Self]) -> Self:
        """Merge grouped tallies of the same key columns: counts of equal keys add up.

        This is how chunks counted one by one become one result; ``a + b`` is
        ``GroupedTally.concat([a, b])``. Groups come out in key order.

        Raises
        ------
        TypeError
            If a part is not a GroupedTally.
        ValueError
            If there are no parts, their key columns differ, or weighted and
            unweighted parts are mixed.

        Examples
        --------
        >>> from npskit import GroupedTally, tally_by
        >>> first = tally_by([9, 3], by=["web", "phone"])
        >>> second = tally_by([10, 10], by=["web", "chat"])
        >>> merged = GroupedTally.concat([first, second])
        >>> [(key[0], t.n) for key, t in merged]
        [('chat', 1), ('phone', 1), ('web', 2)]
        >>> merged == first + second
        True
        """
        pieces = list(parts)
        if not pieces:
            raise ValueError("GroupedTally.concat needs at least one grouped tally, got none")
        for piece in pieces:
            if not isinstance(piece, cls):
                raise TypeError(
                    f"GroupedTally.concat takes grouped tallies, got {type(piece).__name__}"
                )
        names = pieces[0].names
        for piece in pieces[1:]:
            if piece.names != names:
                raise ValueError(
                    f"cannot merge grouped tallies by different key columns: {names!r} "
                    f"and {piece.names!r}"
                )
        if len({piece.is_weighted for piece in pieces}) > 1:
            raise ValueError("cannot merge weighted and unweighted grouped tallies")
        keys = [key for piece in pieces for key in piece.keys]
        arrays = [
            np.concatenate([piece.counts for piece in pieces]),
            np.concatenate([piece.n_missing for piece in pieces]),
            np.concatenate([piece.responses for piece in pieces]),
        ]
        if pieces[0].squared_weights is not None:
            arrays.append(np.concatenate([piece.squared_weights for piece in pieces]))
        return cls._from_sums(names, keys, arrays)

    def __add__(self, other: object) -> Self:
        if not isinstance(other, type(self)):
            return NotImplemented
        return self.concat([self, other])

    def _positions(self, names: Sequence[str], caller: str) -> list[int]:
        unknown = [name for name in names if name not in self.names]
        if unknown:
            raise ValueError(
                f"{caller}: {', '.join(map(repr, unknown))} "
                f"{'is not a key column' if len(unknown) == 1 else 'are not key columns'}; "
                f"the key columns are {', '.join(map(repr, self.names))}"
            )
        return [self.names.index(name) for name in names]

    def _subset(self, positions: Sequence[int]) -> Self:
        rows = np.asarray(positions, dtype=np.intp)
        return self.from_arrays(
            self.names,
            [self.keys[i] for i in positions],
            self.counts[rows],
            self.n_missing[rows],
            self.responses[rows],
            None if self.squared_weights is None else self.squared_weights[rows],
        )

    def _regrouped(self, names: tuple[str, ...], keys: list[tuple[Any, ...]]) -> Self:
        arrays = [self.counts, self.n_missing, self.responses]
        if self.squared_weights is not None:
            arrays.append(self.squared_weights)
        return self._from_sums(names, keys, arrays)

    @classmethod
    def _from_sums(
        cls,
        names: Sequence[str],
        keys: Sequence[tuple[Any, ...]],
        arrays: list[npt.NDArray[Any]],
    ) -> Self:
        distinct, sums = regroup(keys, arrays)
        squares = sums[3] if len(sums) > 3 else None
        return cls.from_arrays(names, distinct, sums[0], sums[1], sums[2], squares)


def _wanted(value: Any) -> Callable[[Any], bool]:
    """A test of one key value against a criterion of :meth:`GroupedTally.select`."""
    choices = list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]
    texts = {choice for choice in choices if isinstance(choice, str)}

    def match(candidate: Any) -> bool:
        if any(_same(candidate, choice) for choice in choices):
            return True
        return bool(texts) and candidate is not None and str(json_value(candidate)) in texts

    return match


def _same(candidate: Any, choice: Any) -> bool:
    try:
        return bool(candidate == choice)
    except (TypeError, ValueError):  # values that do not compare, such as arrays
        return False
