"""Rows of a large table, built when first read: :class:`LazyRows`.

A breakdown of 10^5 segments holds its statistics as column arrays; building
10^5 frozen row objects costs more than computing the statistics did. A
:class:`LazyRows` is the table's ``rows``: an immutable sequence that builds a
row the first time it is read by position, and all rows at once (through a
faster, column-wise builder) the first time the rows are iterated, compared or
hashed. Reading ``rows[i]`` or the first rows of a table therefore costs only
those rows. It compares equal to the tuple of its rows.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar, overload

__all__ = ["LazyRows"]

R = TypeVar("R")


class LazyRows(Sequence[R]):
    """An immutable sequence of ``count`` rows, each built on first read.

    ``build_one(i)`` builds row ``i``; ``build_all()`` builds every row, in
    order, and is used whenever all rows are needed. The two must give equal
    rows. ``keys`` (optional) gives each row's key without building it, for
    look-ups by key.
    """

    __slots__ = ("_all", "_build_all", "_build_one", "_count", "_some", "keys")

    def __init__(
        self,
        count: int,
        build_one: Callable[[int], R],
        build_all: Callable[[], Sequence[R]],
        keys: Sequence[tuple[Any, ...]] | None = None,
    ) -> None:
        self._count = count
        self._build_one = build_one
        self._build_all = build_all
        self._all: tuple[R, ...] | None = None
        self._some: dict[int, R] = {}
        self.keys = keys

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> R: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[R, ...]: ...

    def __getitem__(self, index: int | slice) -> R | tuple[R, ...]:
        if isinstance(index, slice):
            if self._all is not None:
                return self._all[index]
            return tuple(self._row(i) for i in range(*index.indices(self._count)))
        position = operator.index(index)
        if position < 0:
            position += self._count
        if not 0 <= position < self._count:
            raise IndexError(f"row index {index} out of range for {self._count} rows")
        return self._row(position)

    def _row(self, position: int) -> R:
        if self._all is not None:
            return self._all[position]
        row = self._some.get(position)
        if row is None:
            row = self._some[position] = self._build_one(position)
        return row

    def materialise(self) -> tuple[R, ...]:
        """Every row, as a tuple (built once, then kept)."""
        if self._all is None:
            self._all = tuple(self._build_all())
            self._some = {}
        return self._all

    def __iter__(self) -> Iterator[R]:
        return iter(self.materialise())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyRows):
            return self._count == other._count and self.materialise() == other.materialise()
        if isinstance(other, tuple):
            return self.materialise() == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.materialise())

    def __repr__(self) -> str:
        return repr(self.materialise())

    def __reduce__(self) -> tuple[Any, ...]:
        """Copied and pickled as the built rows (the builders are closures)."""
        return (_built, (self.materialise(), self.keys))


def _built(rows: tuple[R, ...], keys: Sequence[tuple[Any, ...]] | None) -> LazyRows[R]:
    """A LazyRows whose rows are already built."""
    made: LazyRows[R] = LazyRows(len(rows), rows.__getitem__, lambda: rows, keys=keys)
    made.materialise()
    return made
