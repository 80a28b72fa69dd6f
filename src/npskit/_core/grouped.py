"""The ``GroupedTally``: one Tally per segment, the result of ``tally_by``."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from .cube import CountsCube
from .regroup import as_int64, check_count_rows, equal_or_both_none, exact_column_sums
from .results import TableDisplay, find_key, json_value
from .tally import Tally

__all__ = ["DistinctKeys", "GroupedTally"]


class DistinctKeys(tuple):  # type: ignore[type-arg]
    """Keys known distinct, each a tuple of one value per key column (as counting makes them).

    A GroupedTally takes them without checking each one, and indexes them on
    the first look-up by key rather than when it is made.
    """


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class GroupedTally(CountsCube, TableDisplay):
    """Tallies of answers per group (segment), and of all answers together.

    Returned by :func:`tally_by`. Groups are in a fixed order (see
    :func:`tally_by`); look one up by its key, or iterate over ``(key, tally)``
    pairs. The group tallies add up to ``total``.

    Parameters
    ----------
    names : tuple of str
        Names of the key columns.
    keys : tuple of tuple
        One key tuple per group, one value per key column; a missing key value
        is ``None``.
    counts : numpy.ndarray, shape (groups, 3)
        Detractors, passives and promoters of each group (weighted sums when
        weighted).
    n_missing : numpy.ndarray of int, shape (groups,)
        Missing answers left out of each group.
    responses : numpy.ndarray of int, shape (groups,)
        Answers (unweighted, missing ones left out) of each group.
    squared_weights : numpy.ndarray, shape (groups, 3), optional
        Sums of squared weights per group and category; ``None`` when
        unweighted.
    total : Tally
        The tally of all answers.

    Raises
    ------
    ValueError
        If the arrays do not have one row per key, or the keys repeat.

    Examples
    --------
    >>> from npskit import tally_by
    >>> g = tally_by([10, 9, 3, 8, 10], ["web", "phone", "web", "web", "phone"])
    >>> g.keys
    (('phone',), ('web',))
    >>> g["web"]
    Tally(detractors=1, passives=1, promoters=1, n_missing=0)
    >>> [(key, t.nps) for key, t in g]
    [(('phone',), 100.0), (('web',), 0.0)]
    """

    names: tuple[str, ...]
    keys: tuple[tuple[Any, ...], ...]
    counts: npt.NDArray[Any]
    n_missing: npt.NDArray[np.int64]
    responses: npt.NDArray[np.int64]
    squared_weights: npt.NDArray[np.float64] | None = None
    total: Tally
    _index: dict[tuple[Any, ...], int] | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "names", tuple(str(name) for name in self.names))
        keys, checked = self.keys, type(self.keys) is DistinctKeys
        if checked:
            keys = tuple(keys)
        elif not (isinstance(keys, tuple) and set(map(type, keys)) <= {tuple}):
            keys = tuple(tuple(key) for key in keys)
        set_(self, "keys", keys)
        groups = len(self.keys)
        weighted = self.squared_weights is not None
        counts = as_int64(self.counts, "a count") if not weighted else np.array(self.counts, float)
        arrays = {
            "counts": counts.reshape(groups, 3) if counts.size == 3 * groups else counts,
            "n_missing": as_int64(self.n_missing, "a number of missing answers"),
            "responses": as_int64(self.responses, "a number of answers"),
        }
        if not weighted and counts.size == 3 * groups:
            check_count_rows(arrays["counts"], "a group's number of answers")
        if weighted:
            arrays["squared_weights"] = np.array(self.squared_weights, dtype=np.float64)
        for name, array in arrays.items():
            shape = (groups,) if name in {"n_missing", "responses"} else (groups, 3)
            if array.shape != shape:
                raise ValueError(
                    f"{name} must have shape {shape} (one row per key), got {array.shape}"
                )
            array.flags.writeable = False
            set_(self, name, array)
        set_(self, "_index", None)
        if checked:
            return
        if set(map(len, keys)) - {len(self.names)}:
            raise ValueError(f"every key must have one value per name in {self.names!r}")
        index = dict(zip(keys, range(groups), strict=True))
        if len(index) != groups:
            raise ValueError("keys must be distinct")
        set_(self, "_index", index)

    # -- construction ------------------------------------------------------------

    @classmethod
    def from_tallies(
        cls,
        tallies: Mapping[Any, Tally] | Sequence[tuple[Any, Tally]],
        *,
        names: Sequence[str] | None = None,
    ) -> GroupedTally:
        """Build a grouped tally from tallies already counted, keyed by segment.

        Parameters
        ----------
        tallies : mapping or sequence of (key, Tally) pairs
            Keys are scalars (one key column) or tuples (several); the order is
            kept. All tallies must be weighted, or none.
        names : sequence of str, optional
            Names of the key columns; default ``"key"`` (or ``"key0"``,
            ``"key1"``, ... for tuple keys).

        Raises
        ------
        TypeError
            If a value is not a Tally.
        ValueError
            If weighted and unweighted tallies are mixed, or keys repeat.

        Examples
        --------
        >>> from npskit import GroupedTally, Tally
        >>> g = GroupedTally.from_tallies(
        ...     {"a": Tally(detractors=1, passives=0, promoters=3),
        ...      "b": Tally(detractors=2, passives=2, promoters=0)})
        >>> g.total
        Tally(detractors=3, passives=2, promoters=3, n_missing=0)
        """
        pairs = list(tallies.items()) if isinstance(tallies, Mapping) else list(tallies)
        keys: list[tuple[Any, ...]] = []
        values: list[Tally] = []
        for key, value in pairs:
            if not isinstance(value, Tally):
                raise TypeError(
                    f"tallies must map keys to npskit.Tally, got {type(value).__name__} "
                    f"for key {key!r}"
                )
            keys.append(tuple(key) if isinstance(key, tuple) else (key,))
            values.append(value)
        width = len(keys[0]) if keys else 1
        if names is None:
            names = ("key",) if width == 1 else tuple(f"key{i}" for i in range(width))
        weighted = {value.is_weighted for value in values}
        if len(weighted) > 1:
            raise ValueError("tallies must be all weighted or all unweighted, got a mix")
        is_weighted = weighted == {True}
        total = Tally(detractors=0, passives=0, promoters=0)
        if is_weighted:
            total = Tally(
                detractors=0.0,
                passives=0.0,
                promoters=0.0,
                squared_weights=(0.0, 0.0, 0.0),
                responses=0,
            )
        for value in values:
            total = total + value
        return cls(
            names=tuple(names),
            keys=tuple(keys),
            counts=(
                np.array([[v.detractors, v.passives, v.promoters] for v in values], float)
                if is_weighted
                else as_int64([[v.detractors, v.passives, v.promoters] for v in values], "a count")
            ).reshape(len(values), 3),
            n_missing=as_int64([v.n_missing for v in values], "a number of missing answers"),
            responses=as_int64([v.n for v in values], "a number of answers"),
            squared_weights=(
                np.array([v._squares() for v in values], dtype=np.float64).reshape(-1, 3)
                if is_weighted
                else None
            ),
            total=total,
        )

    @classmethod
    def from_arrays(
        cls,
        names: Sequence[str],
        keys: Sequence[tuple[Any, ...]],
        counts: npt.NDArray[Any],
        n_missing: npt.NDArray[Any],
        responses: npt.NDArray[Any],
        squared_weights: npt.NDArray[np.float64] | None = None,
    ) -> GroupedTally:
        """Build from per-group arrays; the total is their sum.

        ``counts`` holds one row (detractors, passives, promoters) per group:
        whole numbers when unweighted, weight sums when ``squared_weights``
        (the matching sums of squared weights) is given.
        """
        missing = as_int64(n_missing, "a number of missing answers")
        answered = as_int64(responses, "a number of answers")
        keys = keys if type(keys) is DistinctKeys else tuple(keys)
        if squared_weights is None:
            whole = as_int64(counts, "a count").reshape(-1, 3)
            sums = exact_column_sums(whole)
            total = Tally(
                detractors=sums[0],
                passives=sums[1],
                promoters=sums[2],
                n_missing=exact_column_sums(missing.reshape(-1, 1))[0],
            )
            return cls(
                names=tuple(names),
                keys=keys,
                counts=whole,
                n_missing=missing,
                responses=answered,
                total=total,
            )
        sums_ = np.asarray(counts, dtype=np.float64)
        squares = np.asarray(squared_weights, dtype=np.float64)
        total = Tally(
            detractors=math.fsum(sums_[:, 0]),
            passives=math.fsum(sums_[:, 1]),
            promoters=math.fsum(sums_[:, 2]),
            n_missing=exact_column_sums(missing.reshape(-1, 1))[0],
            squared_weights=(
                math.fsum(squares[:, 0]),
                math.fsum(squares[:, 1]),
                math.fsum(squares[:, 2]),
            ),
            responses=exact_column_sums(answered.reshape(-1, 1))[0],
        )
        return cls(
            names=tuple(names),
            keys=keys,
            counts=sums_,
            n_missing=missing,
            responses=answered,
            squared_weights=squares,
            total=total,
        )

    # -- access ------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.keys)

    def __iter__(self) -> Iterator[tuple[tuple[Any, ...], Tally]]:
        for i, key in enumerate(self.keys):
            yield key, self.tally_at(i)

    def __contains__(self, key: object) -> bool:
        return self._find(key) is not None

    def __getitem__(self, key: object) -> Tally:
        position = self._find(key)
        if position is None:
            shown = ", ".join(repr(k if len(k) > 1 else k[0]) for k in self.keys[:5])
            more = ", ..." if len(self.keys) > 5 else ""
            raise KeyError(f"no group with key {key!r}; keys are {shown}{more}")
        return self.tally_at(position)

    def _find(self, key: object) -> int | None:
        index = self._index
        if index is None:  # keys taken unchecked: indexed on the first look-up
            index = dict(zip(self.keys, range(len(self.keys)), strict=True))
            object.__setattr__(self, "_index", index)
        return find_key(index, lambda: self.keys, key)

    def tally_at(self, position: int) -> Tally:
        """The tally of the group at ``position`` (in the order of ``keys``)."""
        counts = self.counts[position]
        if self.squared_weights is None:
            return Tally(
                detractors=int(counts[0]),
                passives=int(counts[1]),
                promoters=int(counts[2]),
                n_missing=int(self.n_missing[position]),
            )
        squares = self.squared_weights[position]
        return Tally(
            detractors=float(counts[0]),
            passives=float(counts[1]),
            promoters=float(counts[2]),
            n_missing=int(self.n_missing[position]),
            squared_weights=(float(squares[0]), float(squares[1]), float(squares[2])),
            responses=int(self.responses[position]),
        )

    def items(self) -> list[tuple[tuple[Any, ...], Tally]]:
        """``(key, tally)`` pairs in order; ``dict(grouped.items())`` makes a dictionary."""
        return list(self)

    @property
    def tallies(self) -> tuple[Tally, ...]:
        """The group tallies, in the order of ``keys``."""
        return tuple(self.tally_at(i) for i in range(len(self.keys)))

    @property
    def is_weighted(self) -> bool:
        """Whether the counts are sums of survey weights."""
        return self.squared_weights is not None

    @property
    def n(self) -> npt.NDArray[np.int64]:
        """Answers per group (unweighted), missing ones left out."""
        return self.responses

    @property
    def weight_sum(self) -> npt.NDArray[Any]:
        """Sum of the counts per group: sums of weights when weighted, else ``n``."""
        return self.counts.sum(axis=1)  # type: ignore[no-any-return]

    @property
    def nps(self) -> npt.NDArray[np.float64]:
        """NPS per group in points; NaN for a group whose answers are all missing."""
        n = self.counts.sum(axis=1).astype(np.float64)
        difference = (self.counts[:, 2] - self.counts[:, 0]).astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            result: npt.NDArray[np.float64] = np.where(n > 0, 100 * difference / n, np.nan)
        return result

    # -- output ------------------------------------------------------------------

    def to_dicts(self) -> list[dict[str, Any]]:
        """One dictionary per group: key columns, counts, sizes and ``nps``.

        ``nps`` is ``None`` for a group without answers; values are not rounded.
        Key values are kept as they are (dates stay dates), so that
        :meth:`to_pandas` and :meth:`to_polars` keep their types; :meth:`to_dict`
        is the strict-JSON form.
        """
        return self._head(len(self.keys))

    def _head(self, rows: int) -> list[dict[str, Any]]:
        counts = self.counts[:rows].tolist()
        sums = self.weight_sum[:rows].tolist()
        nps = [None if math.isnan(v) else v for v in self.nps[:rows].tolist()]
        columns = zip(
            self.keys[:rows],
            counts,
            self.responses[:rows].tolist(),
            sums,
            self.n_missing[:rows].tolist(),
            nps,
            strict=True,
        )
        return [
            {
                **dict(zip(self.names, key, strict=True)),
                "detractors": d,
                "passives": s,
                "promoters": p,
                "n": n,
                "weight_sum": total,
                "n_missing": missing,
                "nps": score,
            }
            for key, (d, s, p), n, total, missing, score in columns
        ]

    def _row_count(self) -> int:
        return len(self.keys)

    def _title(self) -> str:
        total = self.total
        score = f"NPS {total.nps:+.1f}" if total.weight_sum > 0 else "no answers"
        by = ", ".join(self.names)
        groups = len(self.keys)
        return (
            f"GroupedTally by {by}: {groups} group{'' if groups == 1 else 's'}; "
            f"total {score} from {total.n} answers, {total.n_missing} missing"
        )

    def _empty_columns(self) -> Sequence[str]:
        fixed = ("detractors", "passives", "promoters", "n", "weight_sum", "n_missing", "nps")
        return (*self.names, *fixed)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dictionary: names, groups (key and tally) and total.

        Dates and times in keys become ISO 8601 strings, numpy scalars Python
        numbers.
        """
        return {
            "names": list(self.names),
            "groups": [
                {"key": [json_value(v) for v in key], "tally": value.to_dict()}
                for key, value in self
            ],
            "total": self.total.to_dict(),
        }

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GroupedTally):
            return NotImplemented
        same_squares = equal_or_both_none(self.squared_weights, other.squared_weights)
        return (
            self.names == other.names
            and self.keys == other.keys
            and np.array_equal(self.counts, other.counts)
            and np.array_equal(self.n_missing, other.n_missing)
            and np.array_equal(self.responses, other.responses)
            and same_squares
            and self.total == other.total
        )

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        shown = 20
        lines = [f"{len(self.keys)} groups by {', '.join(self.names)} (NPS rounded to 1 decimal)"]
        width = max([len(_label(key)) for key in self.keys[:shown]] + [5])
        nps = self.nps
        for i, key in enumerate(self.keys[:shown]):
            value = f"{nps[i]:+6.1f}" if not math.isnan(nps[i]) else "     -"
            lines.append(f"  {_label(key):<{width}}  NPS {value}  n={self.responses[i]}")
        if len(self.keys) > shown:
            lines.append(f"  ... {len(self.keys) - shown} more groups")
        total = f"{self.total.nps:+6.1f}" if self.total.weight_sum > 0 else "     -"
        lines.append(f"  {'total':<{width}}  NPS {total}  n={self.total.n}")
        return "\n".join(lines)


def _label(key: tuple[Any, ...]) -> str:
    return " x ".join("(missing)" if v is None else str(v) for v in key)
