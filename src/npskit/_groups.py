"""Counting answers per segment: ``tally_by`` and the ``GroupedTally`` it returns.

Everything happens in one vectorised pass. Each key column is turned into
integer codes (pandas and polars do it themselves when their objects are
passed; numpy integers go through an offset and ``bincount``; text, objects and
wide integers through a vectorised hash table, see ``_keys.py``),
several key columns are combined into one code by mixed radix, and one
``np.bincount`` over ``code * 4 + category`` (category 3 is "missing answer")
counts every group at once. There is no Python loop over rows.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from ._count import _check_options, _tally_values
from ._errors import InvalidWeightsError
from ._input import as_numeric, plural
from ._keys import Factor, column_of, factorize, key_columns
from ._scale import STANDARD_SCALE, Scale
from ._tally import Tally
from ._validation import check_choice
from .typing import NanPolicy

__all__ = ["GroupedTally", "MissingKeys", "tally_by"]

MissingKeys = Literal["group", "raise"]
"""What to do with rows whose key is missing: their own group (key ``None``) or raise."""

_IntArray = npt.NDArray[np.intp]
_GRID_LIMIT = 1 << 22  # most combined codes counted without compressing them first
_BLOCK = 1 << 16  # answers per counting step, unless there are many groups


# -- the result -------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class GroupedTally:
    """Tallies of answers per group (segment), and of all answers together.

    Returned by :func:`tally_by`. Groups are in a fixed order (see
    :func:`tally_by`); look one up by its key, or iterate over ``(key, tally)``
    pairs. The group tallies add up to :attr:`total`.

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
    _index: dict[tuple[Any, ...], int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "names", tuple(str(name) for name in self.names))
        keys = self.keys
        if not (isinstance(keys, tuple) and set(map(type, keys)) <= {tuple}):
            keys = tuple(tuple(key) for key in keys)
        set_(self, "keys", keys)
        groups = len(self.keys)
        weighted = self.squared_weights is not None
        counts = np.array(self.counts, dtype=np.float64 if weighted else np.int64)
        arrays = {
            "counts": counts.reshape(groups, 3) if counts.size == 3 * groups else counts,
            "n_missing": np.array(self.n_missing, dtype=np.int64),
            "responses": np.array(self.responses, dtype=np.int64),
        }
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
            counts=np.array(
                [[v.detractors, v.passives, v.promoters] for v in values],
                dtype=np.float64 if is_weighted else np.int64,
            ).reshape(len(values), 3),
            n_missing=np.array([v.n_missing for v in values], dtype=np.int64),
            responses=np.array([v.n_responses for v in values], dtype=np.int64),
            squared_weights=(
                np.array([v._squares() for v in values], dtype=np.float64).reshape(-1, 3)
                if is_weighted
                else None
            ),
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
        candidates = [key] if isinstance(key, tuple) else []
        candidates.append((key,))
        for candidate in candidates:
            try:
                position = self._index.get(candidate)
            except TypeError:  # an unhashable key cannot be a group's key
                return None
            if position is not None:
                return position
        return None

    def tally_at(self, position: int) -> Tally:
        """The tally of the group at ``position`` (in the order of :attr:`keys`)."""
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
        """The group tallies, in the order of :attr:`keys`."""
        return tuple(self.tally_at(i) for i in range(len(self.keys)))

    @property
    def is_weighted(self) -> bool:
        """Whether the counts are sums of survey weights."""
        return self.squared_weights is not None

    @property
    def n(self) -> npt.NDArray[Any]:
        """Answers per group (sums of weights when weighted), missing ones left out."""
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
        """One dictionary per group: key columns, counts, ``n``, ``n_missing`` and ``nps``.

        ``nps`` is ``None`` for a group without answers; values are not rounded.
        """
        rows = []
        for (key, value), nps in zip(self, self.nps, strict=True):
            row: dict[str, Any] = dict(zip(self.names, key, strict=True))
            row.update(
                detractors=value.detractors,
                passives=value.passives,
                promoters=value.promoters,
                n=value.n,
                n_missing=value.n_missing,
                nps=None if math.isnan(nps) else float(nps),
            )
            rows.append(row)
        return rows

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dictionary: names, groups (key and tally) and total.

        Dates and times in keys become ISO 8601 strings, numpy scalars Python
        numbers.
        """
        return {
            "names": list(self.names),
            "groups": [
                {"key": [_json_value(v) for v in key], "tally": value.to_dict()}
                for key, value in self
            ],
            "total": self.total.to_dict(),
        }

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GroupedTally):
            return NotImplemented
        same_squares = (self.squared_weights is None and other.squared_weights is None) or (
            self.squared_weights is not None
            and other.squared_weights is not None
            and np.array_equal(self.squared_weights, other.squared_weights)
        )
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

    def __repr__(self) -> str:
        return f"GroupedTally(names={self.names!r}, groups={len(self.keys)}, total={self.total!r})"

    def __str__(self) -> str:
        shown = 20
        lines = [f"{len(self.keys)} groups by {', '.join(self.names)} (NPS rounded to 1 decimal)"]
        width = max([len(_label(key)) for key in self.keys[:shown]] + [5])
        nps = self.nps
        for i, key in enumerate(self.keys[:shown]):
            value = f"{nps[i]:+6.1f}" if not math.isnan(nps[i]) else "     -"
            n = self.n[i]
            lines.append(f"  {_label(key):<{width}}  NPS {value}  n={n:.6g}")
        if len(self.keys) > shown:
            lines.append(f"  ... {len(self.keys) - shown} more groups")
        total = f"{self.total.nps:+6.1f}" if self.total.n > 0 else "     -"
        lines.append(f"  {'total':<{width}}  NPS {total}  n={self.total.n:.6g}")
        return "\n".join(lines)


def _label(key: tuple[Any, ...]) -> str:
    return " x ".join("(missing)" if v is None else str(v) for v in key)


def _json_value(value: Any) -> Any:
    if isinstance(value, np.generic):
        if isinstance(value, np.datetime64):
            return str(value)
        return value.item()
    if isinstance(value, (_dt.date, _dt.datetime, _dt.time)):
        return value.isoformat()
    if hasattr(value, "isoformat"):  # pandas Timestamp and friends
        return value.isoformat()
    return value


# -- tally_by -----------------------------------------------------------------------


def tally_by(
    scores: Any,
    by: Any,
    *,
    weights: Any = None,
    data: Any = None,
    scale: Scale = STANDARD_SCALE,
    nan_policy: NanPolicy = "omit",
    missing_keys: MissingKeys = "group",
) -> GroupedTally:
    """Count detractors, passives and promoters per group of one or more keys.

    Parameters
    ----------
    scores : array_like or str
        Answers on the scale, as for :func:`tally` (one array, not a stream of
        chunks), or the name of a column of ``data``.
    by : array_like, sequence of array_like, str or sequence of str
        The key of each answer: one array (a list, numpy array, or pandas or
        polars series), a list or tuple of such arrays for a cross breakdown
        (for example channel x month), or column names of ``data``. Keys may
        be text, categoricals, integers, booleans, dates and times.
    weights : array_like or str, optional
        Survey weights, one per answer, as for :func:`tally`, or a column name.
    data : pandas.DataFrame, polars.DataFrame or mapping, optional
        A table to take columns from when ``scores``, ``by`` or ``weights`` are
        column names; a mapping of column name to array also works.
    scale : Scale, default the standard 0-10 scale
        Scale of the answers and its cut points.
    nan_policy : {"omit", "raise"}, default "omit"
        Missing answers are left out and counted per group in
        ``Tally.n_missing``, or raise.
    missing_keys : {"group", "raise"}, default "group"
        Rows whose key is missing (None, NaN, NaT, pandas NA, polars null) form
        their own group, with ``None`` in place of the missing key value, or
        raise.

    Returns
    -------
    GroupedTally
        One tally per group, and the total.

    Raises
    ------
    ValueError
        If ``by`` and ``scores`` differ in length, a column name is not in
        ``data``, or a key is missing and ``missing_keys="raise"``.
    TypeError
        If ``by`` is not array-like, or keys are unhashable.
    InvalidScoresError, MissingAnswersError, ScoreTypeError, InvalidWeightsError
        As for :func:`tally`.

    Notes
    -----
    **Order of groups.** Groups are sorted by key, column by column: text,
    numbers, booleans and dates in their natural order; pandas categoricals
    and polars enums in the order of their categories (polars categoricals,
    which have no category order, lexically); the missing-key group last within
    each column. When the values of a key column cannot be compared with each
    other (say, a Python list mixing text and numbers), that column keeps the
    order of first appearance. Only groups with at least one row appear (a
    group whose answers are all missing appears, with an empty tally);
    categories of a categorical that no row has are left out.

    **Key values.** Keys come back as Python values (``str``, ``int``,
    ``bool``) where the input held them; numpy dates as ``numpy.datetime64``,
    pandas dates as ``pandas.Timestamp``, polars dates as ``datetime``. Text in
    a numpy ``str`` array has no missing value (the empty string is a key);
    Python objects are grouped by equality, as in a ``dict``.

    **Cost.** One vectorised pass: each key column becomes integer codes
    (pandas and polars compute them for their own objects; numpy integers and
    dates by an offset and ``bincount``; text by hashing its bytes into a
    vectorised hash table, every match checked against the stored key), the
    codes of several columns are combined by mixed radix, and a single
    ``bincount`` over ``code * 4 + category`` counts all groups.

    Examples
    --------
    >>> import numpy as np
    >>> from npskit import tally_by
    >>> scores = [10, 9, 3, None, 7, 10, 0]
    >>> channel = ["web", "phone", "web", "web", None, "phone", "phone"]
    >>> g = tally_by(scores, channel)
    >>> for key, t in g:
    ...     print(key, t)  # doctest: +ELLIPSIS
    ('phone',) NPS +33.3 from 3 answers; 0 missing left out
    ...
    >>> g.keys
    (('phone',), ('web',), (None,))
    >>> g[None]
    Tally(detractors=0, passives=1, promoters=0, n_missing=0)
    >>> g["web"].n_missing
    1
    >>> month = np.array(["2024-01", "2024-01", "2024-02", "2024-02", "2024-01",
    ...                   "2024-02", "2024-02"], dtype="datetime64[M]")
    >>> cross = tally_by(scores, [channel, month])
    >>> cross.keys[0], cross[("phone", np.datetime64("2024-02"))].nps
    (('phone', np.datetime64('2024-01')), 0.0)
    """
    _check_options(scale, nan_policy)
    check_choice("missing_keys", missing_keys, ("group", "raise"))
    columns, names = key_columns(by, data)
    score_values = as_numeric(column_of(data, scores, "scores"))
    weight_values = None
    if weights is not None:
        weight_values = as_numeric(column_of(data, weights, "weights"), name="weights")
        if len(weight_values) != len(score_values):
            raise InvalidWeightsError(
                f"weights must have one weight per answer: got {len(score_values)} "
                f"answers and {len(weight_values)} weights"
            )
    n = len(score_values)
    # Validation of answers and weights, by the same kernel as tally().
    _tally_values(score_values, weight_values, scale, nan_policy, offset=0, chunk=None)
    factors = []
    for name, column in zip(names, columns, strict=True):
        factor = factorize(column, name)
        if len(factor.codes) != n:
            raise ValueError(
                f"by column {name!r} has {len(factor.codes)} keys but scores has {n} "
                "answers; they must have the same length"
            )
        factors.append(_missing_level(factor, name, missing_keys))
    group_codes, levels = _combine(factors, n)
    counts, squares = _count_groups(group_codes, len(levels), score_values, weight_values, scale)
    observed = np.flatnonzero(counts.sum(axis=1) > 0)
    counts, squares, levels = counts[observed], squares[observed], levels[observed]
    key_values = [_level_values(factor, levels[:, j]) for j, factor in enumerate(factors)]
    keys = tuple(zip(*key_values, strict=True)) if key_values else ()
    return _grouped(names, keys, counts, squares, weighted=weight_values is not None)


def _grouped(
    names: Sequence[str],
    keys: tuple[tuple[Any, ...], ...],
    counts: npt.NDArray[Any],
    squares: npt.NDArray[np.float64],
    *,
    weighted: bool,
) -> GroupedTally:
    present = counts[:, :3]
    missing = counts[:, 3].astype(np.int64)
    responses = present.sum(axis=1).astype(np.int64)
    if not weighted:
        sums = present.sum(axis=0)
        total = Tally(
            detractors=int(sums[0]),
            passives=int(sums[1]),
            promoters=int(sums[2]),
            n_missing=int(missing.sum()),
        )
        return GroupedTally(
            names=tuple(names),
            keys=keys,
            counts=present,
            n_missing=missing,
            responses=responses,
            total=total,
        )
    weight_sums, weight_squares = squares[:, :3], squares[:, 3:]
    total = Tally(
        detractors=math.fsum(weight_sums[:, 0]),
        passives=math.fsum(weight_sums[:, 1]),
        promoters=math.fsum(weight_sums[:, 2]),
        n_missing=int(missing.sum()),
        squared_weights=(
            math.fsum(weight_squares[:, 0]),
            math.fsum(weight_squares[:, 1]),
            math.fsum(weight_squares[:, 2]),
        ),
        responses=int(responses.sum()),
    )
    return GroupedTally(
        names=tuple(names),
        keys=keys,
        counts=weight_sums,
        n_missing=missing,
        responses=responses,
        squared_weights=weight_squares,
        total=total,
    )


# -- combining key columns and counting ---------------------------------------------


def _missing_level(factor: Factor, name: str, policy: MissingKeys) -> Factor:
    """Give missing keys the code ``factor.size`` (a last group), or raise."""
    absent = factor.codes < 0
    if not absent.any():
        return factor
    if policy == "raise":
        bad = np.flatnonzero(absent)
        places = ", ".join(str(int(p)) for p in bad[:5])
        raise ValueError(
            f"by column {name!r} has {plural(len(bad), 'missing key', 'missing keys')} "
            f"(first at {'position' if len(bad) == 1 else 'positions'} {places}) and "
            "missing_keys='raise'; pass missing_keys='group' to count them as their own group"
        )
    codes = factor.codes.copy()
    codes[absent] = factor.size
    return Factor(codes, factor.size + 1, _with_missing(factor))


def _with_missing(factor: Factor) -> Callable[[_IntArray], list[Any]]:
    def values(levels: _IntArray) -> list[Any]:
        absent = levels == factor.size
        found = iter(factor.values(levels[~absent]))
        return [None if gone else next(found) for gone in absent.tolist()]

    return values


def _level_values(factor: Factor, levels: _IntArray) -> list[Any]:
    return factor.values(levels)


def _combine(factors: list[Factor], n: int) -> tuple[_IntArray, _IntArray]:
    """One code per row from several key columns, and each code's level per column.

    Codes combine by mixed radix, ``code * size_next + code_next``, which keeps
    the lexicographic order of the columns. While the grid of all level
    combinations stays small it is kept whole (unobserved cells are dropped
    after counting); past ``limit`` cells the combined code is compressed to
    the combinations that occur, still in order.
    """
    limit = min(_GRID_LIMIT, max(1 << 16, n))
    first = factors[0]
    combined = first.codes
    table = np.arange(first.size, dtype=np.intp).reshape(-1, 1)
    if first.size > limit:
        combined, used = _compress(combined)
        table = used.reshape(-1, 1)
    for factor in factors[1:]:
        radix = factor.size
        if len(table) * radix <= limit:
            combined = combined * radix + factor.codes
            table = np.column_stack(
                [
                    np.repeat(table, radix, axis=0),
                    np.tile(np.arange(radix, dtype=np.intp), len(table)),
                ]
            )
            continue
        combined, used = _compress(combined.astype(np.int64) * radix + factor.codes)
        table = np.column_stack([table[used // radix], used % radix])
    return combined, table


def _compress(values: npt.NDArray[Any]) -> tuple[_IntArray, _IntArray]:
    """Dense codes of integers, in increasing order of value, and the values that occur."""
    if len(values) == 0:
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp)
    low, high = int(values.min()), int(values.max())
    if high - low < max(_GRID_LIMIT, 2 * len(values)):
        offsets = (values - low).astype(np.intp, copy=False)
        used = np.flatnonzero(np.bincount(offsets))
        mapping = np.empty(high - low + 1, dtype=np.intp)
        mapping[used] = np.arange(len(used), dtype=np.intp)
        return mapping[offsets], used + low
    factor = factorize(np.asarray(values, dtype=np.int64), "combined key")
    found = np.asarray(factor.values(np.arange(factor.size, dtype=np.intp)), dtype=np.intp)
    return factor.codes, found


def _count_groups(
    codes: _IntArray,
    n_codes: int,
    values: npt.NDArray[Any],
    weights: npt.NDArray[Any] | None,
    scale: Scale,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Counts per code of detractors, passives, promoters and missing answers.

    Returns an ``(n_codes, 4)`` integer array of counts and, with weights, an
    ``(n_codes, 6)`` array of weight sums then squared-weight sums per category.
    """
    # Category of each answer on the scale, and 3 for a missing answer (slot
    # n_points of the table, where NaN is sent).
    table = np.append(scale.categories().astype(np.intp) + 1, 3)
    size = 4 * n_codes
    counts = np.zeros(size, dtype=np.int64)
    sums = np.zeros(size) if weights is not None else None
    squares = np.zeros(size) if weights is not None else None
    block = max(_BLOCK, 16 * size)
    is_float = values.dtype.kind == "f"
    low = scale.low
    for start in range(0, len(values), block):
        part = values[start : start + block]
        if is_float:
            missing = np.isnan(part)
            position = np.where(missing, scale.n_points + low, part).astype(np.intp)
        else:
            position = part.astype(np.intp, copy=False)
        if low:
            position = position - low
        index = codes[start : start + block] * 4
        index += table.take(position)
        counts += np.bincount(index, minlength=size)
        if weights is not None and sums is not None and squares is not None:
            w = weights[start : start + block].astype(np.float64)
            if is_float:
                w = np.where(missing, 0.0, w)
            sums += np.bincount(index, weights=w, minlength=size)
            squares += np.bincount(index, weights=w * w, minlength=size)
    grid = counts.reshape(n_codes, 4)
    if weights is None or sums is None or squares is None:
        return grid, np.zeros((n_codes, 6))
    weighted = np.column_stack(
        [sums.reshape(n_codes, 4)[:, :3], squares.reshape(n_codes, 4)[:, :3]]
    )
    # Missing answers are counted, not weighed: column 3 of the counts holds them.
    return grid, weighted
