"""The ``GroupedHistogram``: counts per answer point for each segment, from ``histogram_by``."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from .grouped import GroupedTally
from .histogram import Histogram
from .metric import Metric
from .regroup import as_int64, equal_or_both_none, exact_column_sums
from .results import TableDisplay, find_key, json_value
from .scale import Scale

__all__ = ["GroupedHistogram"]


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class GroupedHistogram(TableDisplay):
    """Counts per answer point for each group (segment), and of all answers together.

    Returned by :func:`histogram_by`; the grouped form of :class:`Histogram`,
    as :class:`GroupedTally` is the grouped form of :class:`Tally`. Counts per
    point are the sufficient statistic of every metric (NPS, CSAT, CES), so
    one grouped histogram serves all of them.

    Parameters
    ----------
    names : tuple of str
        Names of the key columns.
    keys : tuple of tuple
        One key tuple per group; a missing key value is ``None``.
    counts : numpy.ndarray, shape (groups, points)
        Answers at each point ``low..high`` of each group (weight sums when
        weighted).
    n_missing, responses : numpy.ndarray of int, shape (groups,)
        Missing answers left out, and answers counted, per group.
    squared_weights : numpy.ndarray, shape (groups, points), optional
        Sums of squared weights per group and point; ``None`` when unweighted.
    low : int
        The lowest answer point.

    Examples
    --------
    >>> from npskit import CSAT, histogram_by
    >>> g = histogram_by([5, 4, 2, 5, None], ["web", "web", "phone", "phone", "web"],
    ...                  metric="csat")
    >>> g["web"]
    Histogram(counts=(0, 0, 0, 1, 1), low=1, n_missing=1)
    >>> g.score(CSAT).tolist()
    [50.0, 100.0]
    """

    names: tuple[str, ...]
    keys: tuple[tuple[Any, ...], ...]
    counts: npt.NDArray[Any]
    n_missing: npt.NDArray[np.int64]
    responses: npt.NDArray[np.int64]
    squared_weights: npt.NDArray[np.float64] | None = None
    low: int = 0
    _index: dict[tuple[Any, ...], int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "names", tuple(str(name) for name in self.names))
        keys = tuple(tuple(key) for key in self.keys)
        set_(self, "keys", keys)
        groups = len(keys)
        weighted = self.squared_weights is not None
        counts = (
            np.array(self.counts, dtype=np.float64)
            if weighted
            else as_int64(self.counts, "a count")
        )
        if counts.ndim != 2 or counts.shape[0] != groups or counts.shape[1] < 2:
            raise ValueError(
                f"counts must have shape (groups, points) with one row per key "
                f"({groups} keys), got {counts.shape}"
            )
        if (counts < 0).any():
            raise ValueError("counts must not be negative")
        arrays: dict[str, npt.NDArray[Any]] = {
            "counts": counts,
            "n_missing": as_int64(self.n_missing, "a number of missing answers"),
            "responses": as_int64(self.responses, "a number of answers"),
        }
        if weighted:
            arrays["squared_weights"] = np.array(self.squared_weights, dtype=np.float64)
        for name, array in arrays.items():
            shape = (groups,) if name in {"n_missing", "responses"} else counts.shape
            if array.shape != shape:
                raise ValueError(
                    f"{name} must have shape {shape} (one row per key), got {array.shape}"
                )
            array.flags.writeable = False
            set_(self, name, array)
        set_(self, "low", int(self.low))
        if set(map(len, keys)) - {len(self.names)}:
            raise ValueError(f"every key must have one value per name in {self.names!r}")
        index = dict(zip(keys, range(groups), strict=True))
        if len(index) != groups:
            raise ValueError("keys must be distinct")
        set_(self, "_index", index)

    # -- access ------------------------------------------------------------------

    @property
    def high(self) -> int:
        """The highest answer point."""
        return self.low + int(self.counts.shape[1]) - 1

    @property
    def is_weighted(self) -> bool:
        """Whether the counts are sums of survey weights."""
        return self.squared_weights is not None

    @property
    def n(self) -> npt.NDArray[np.int64]:
        """Answers per group (unweighted), missing ones left out."""
        return self.responses

    def __len__(self) -> int:
        return len(self.keys)

    def __iter__(self) -> Iterator[tuple[tuple[Any, ...], Histogram]]:
        for i, key in enumerate(self.keys):
            yield key, self.histogram_at(i)

    def __contains__(self, key: object) -> bool:
        return find_key(self._index, lambda: self.keys, key) is not None

    def __getitem__(self, key: object) -> Histogram:
        position = find_key(self._index, lambda: self.keys, key)
        if position is None:
            shown = ", ".join(repr(k if len(k) > 1 else k[0]) for k in self.keys[:5])
            more = ", ..." if len(self.keys) > 5 else ""
            raise KeyError(f"no group with key {key!r}; keys are {shown}{more}")
        return self.histogram_at(position)

    def histogram_at(self, position: int) -> Histogram:
        """The histogram of the group at ``position`` (in the order of ``keys``)."""
        if self.squared_weights is None:
            return Histogram(
                counts=tuple(int(v) for v in self.counts[position]),
                low=self.low,
                n_missing=int(self.n_missing[position]),
            )
        return Histogram(
            counts=tuple(float(v) for v in self.counts[position]),
            low=self.low,
            n_missing=int(self.n_missing[position]),
            squared_weights=tuple(float(v) for v in self.squared_weights[position]),
            responses=int(self.responses[position]),
        )

    @property
    def total(self) -> Histogram:
        """The histogram of all answers (exact sums of the groups)."""
        missing = exact_column_sums(self.n_missing.reshape(-1, 1))[0] if len(self) else 0
        if self.squared_weights is None:
            sums = exact_column_sums(self.counts) if len(self) else [0] * self.counts.shape[1]
            return Histogram(counts=tuple(sums), low=self.low, n_missing=missing)
        return Histogram(
            counts=tuple(math.fsum(column) for column in self.counts.T),
            low=self.low,
            n_missing=missing,
            squared_weights=tuple(math.fsum(column) for column in self.squared_weights.T),
            responses=exact_column_sums(self.responses.reshape(-1, 1))[0] if len(self) else 0,
        )

    def score(self, metric: Metric) -> npt.NDArray[np.float64]:
        """The metric's value per group in reported units; NaN for a group without answers.

        Raises
        ------
        ValueError
            If the metric is on another scale.
        """
        if (metric.low, metric.high) != (self.low, self.high):
            raise ValueError(
                f"the grouped histogram is on {self.low}..{self.high} but the metric "
                f"{metric.name!r} on {metric.low}..{metric.high}"
            )
        counts = self.counts.astype(np.float64)
        total = counts.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            result: npt.NDArray[np.float64] = np.where(
                total > 0, metric.factor * (counts @ metric.scores()) / total, np.nan
            )
        return result

    def to_grouped_tally(self, scale: Scale) -> GroupedTally:
        """The NPS counts per group under ``scale``'s cut points (same low and high).

        Examples
        --------
        >>> from npskit import STANDARD_SCALE, histogram_by
        >>> g = histogram_by([10, 9, 3, 8], ["a", "a", "b", "b"])
        >>> g.to_grouped_tally(STANDARD_SCALE)["a"]
        Tally(detractors=0, passives=0, promoters=2, n_missing=0)
        """
        if (scale.low, scale.high) != (self.low, self.high):
            raise ValueError(
                f"the grouped histogram is on {self.low}..{self.high} but the scale on "
                f"{scale.low}..{scale.high}"
            )
        codes = scale.categories()
        onehot = np.stack([codes == -1, codes == 0, codes == 1], axis=1)
        if self.squared_weights is None:
            counts = self.counts @ onehot.astype(np.int64)
            return GroupedTally.from_arrays(
                self.names, self.keys, counts, self.n_missing, self.responses
            )
        weights = onehot.astype(np.float64)
        return GroupedTally.from_arrays(
            self.names,
            self.keys,
            self.counts @ weights,
            self.n_missing,
            self.responses,
            squared_weights=self.squared_weights @ weights,
        )

    # -- output ------------------------------------------------------------------

    def to_dicts(self) -> list[dict[str, Any]]:
        """One dictionary per group: key columns, ``n``, ``n_missing`` and a count per point."""
        points = [str(v) for v in range(self.low, self.high + 1)]
        return [
            {
                **dict(zip(self.names, key, strict=True)),
                "n": int(self.responses[i]),
                "n_missing": int(self.n_missing[i]),
                **dict(zip(points, self.counts[i].tolist(), strict=True)),
            }
            for i, key in enumerate(self.keys)
        ]

    def _row_count(self) -> int:
        return len(self.keys)

    def _title(self) -> str:
        groups = len(self.keys)
        return (
            f"GroupedHistogram by {', '.join(self.names)} on {self.low}..{self.high}: "
            f"{groups} group{'' if groups == 1 else 's'}"
        )

    def _empty_columns(self) -> Sequence[str]:
        return (
            *self.names,
            "n",
            "n_missing",
            *(str(v) for v in range(self.low, self.high + 1)),
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dictionary: names, groups (key and histogram) and total."""
        return {
            "names": list(self.names),
            "groups": [
                {"key": [json_value(v) for v in key], "histogram": value.to_dict()}
                for key, value in self
            ],
            "total": self.total.to_dict(),
        }

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GroupedHistogram):
            return NotImplemented
        same_squares = equal_or_both_none(self.squared_weights, other.squared_weights)
        return (
            self.names == other.names
            and self.keys == other.keys
            and self.low == other.low
            and np.array_equal(self.counts, other.counts)
            and np.array_equal(self.n_missing, other.n_missing)
            and np.array_equal(self.responses, other.responses)
            and same_squares
        )

    __hash__ = None  # type: ignore[assignment]
