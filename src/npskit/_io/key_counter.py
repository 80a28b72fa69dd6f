"""Counting pyarrow record batches per key, with no Python loop over rows or groups.

Both pyarrow readers (:mod:`npskit._io.arrow`) feed their batches to one
:class:`KeyCounter`. Each key column is dictionary-encoded (Parquet string
columns are read so already), and only the batch's dictionary, one entry per
distinct value, is turned into text: surrounding spaces removed by
``pyarrow.compute.utf8_trim_whitespace``, null as ``""``. The texts are
looked up in the counter's running list of levels (``pyarrow.compute.index_in``),
so every row gets an integer code for its key by one numpy take. The codes are
counted by the kernel of :func:`npskit.tally_by`
(:func:`npskit._counting.grouping.count_groups`), and the counts of each batch
are added to the running counts by code, in numpy: memory holds one row of
counts per group seen, whatever the number of batches.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._core.grouped import GroupedTally
from npskit._core.scale import Scale
from npskit._counting.factorize import Factor
from npskit._counting.grouping import combine_codes, count_groups, grouped_from_counts
from npskit._counting.kernel import tally_values
from npskit.typing import NanPolicy

__all__ = ["KeyCounter"]

_IntArray = npt.NDArray[np.intp]
_PENDING_ROWS = 1 << 18
"""Rows of per-batch counts held before they are added to the running counts."""
_EXACT_FLOAT = 1 << 53


class KeyCounter:
    """Running counts of answers per combination of key columns, batch by batch.

    Parameters
    ----------
    keys : sequence of str
        Names of the key columns (none: one group, whose key is ``()``).
    weighted : bool
        Whether batches come with weights.
    scale, nan_policy
        As for :func:`npskit.tally`.

    Examples
    --------
    >>> import numpy as np, pyarrow as pa
    >>> from npskit import STANDARD_SCALE
    >>> counter = KeyCounter(["team"], weighted=False, scale=STANDARD_SCALE, nan_policy="omit")
    >>> counter.add({"team": pa.array(["b ", "a", None])}, np.array([10.0, 3.0, 9.0]), None)
    >>> counter.add({"team": pa.array(["a", "b"])}, np.array([9.0, np.nan]), None)
    >>> [(key, t.promoters, t.n_missing) for key, t in counter.result()]
    [(('',), 1, 0), (('a',), 1, 0), (('b',), 1, 1)]
    """

    def __init__(
        self, keys: Sequence[str], *, weighted: bool, scale: Scale, nan_policy: NanPolicy
    ) -> None:
        self._names = tuple(keys)
        self._levels = [_Levels() for _ in self._names]
        self._weighted = weighted
        self._scale = scale
        self._nan_policy = nan_policy
        self._pending: list[tuple[_IntArray, npt.NDArray[np.int64], npt.NDArray[np.float64]]] = []
        self._pending_rows = 0

    def add(
        self,
        columns: Any,
        scores: npt.NDArray[Any],
        weights: npt.NDArray[np.float64] | None,
        *,
        counted: npt.NDArray[Any] | None = None,
    ) -> None:
        """Count one batch: ``columns[name]`` is each key column as a pyarrow array.

        ``counted``, if given, are the same answers as integers with missing
        ones as ``scale.low + scale.n_points``, used for counting only (no
        weights, scales of at most 4096 points); ``scores`` are still checked.

        Raises
        ------
        InvalidScoresError, MissingAnswersError, InvalidWeightsError
            As :func:`npskit.tally` does, with positions counted from the
            start of the batch.
        """
        tally_values(scores, weights, self._scale, self._nan_policy, offset=0, chunk=None)
        n = len(scores)
        factors = [
            Factor(levels.codes(columns[name]), levels.size, _no_values)
            for name, levels in zip(self._names, self._levels, strict=True)
        ]
        if factors:
            codes, table = combine_codes(factors, n)
        else:
            codes, table = np.zeros(n, dtype=np.intp), np.zeros((1, 0), dtype=np.intp)
        values = scores if counted is None else counted
        counts, squares = count_groups(codes, len(table), values, weights, self._scale)
        seen = np.flatnonzero(counts.any(axis=1))
        squares = squares[seen] if self._weighted else squares[:0]
        self._pending.append((table[seen], counts[seen], squares))
        self._pending_rows += len(seen)
        if self._pending_rows > _PENDING_ROWS:
            self._merge()

    def result(self) -> GroupedTally | None:
        """The counts of every batch added, keys in order (None before any batch).

        Keys are the key texts; a blank or null key is ``""``.
        """
        self._merge()
        if not self._pending:
            return None
        table, counts, squares = self._pending[0]
        if not self._weighted:
            squares = np.zeros((len(table), 6))
        texts = [levels.texts() for levels in self._levels]
        ranks = [_ranks(values) for values in texts]
        if ranks:
            order = np.lexsort([rank[table[:, j]] for j, rank in reversed(list(enumerate(ranks)))])
            table, counts, squares = table[order], counts[order], squares[order]
        columns = [np.array(values, dtype=object)[table[:, j]] for j, values in enumerate(texts)]
        keys = tuple(zip(*columns, strict=True)) if columns else ((),) * len(table)
        return grouped_from_counts(self._names, keys, counts, squares, weighted=self._weighted)

    def _merge(self) -> None:
        """Add the pending batches' counts up by key, into one entry."""
        if len(self._pending) <= 1:
            return
        table = np.concatenate([part[0] for part in self._pending])
        counts = np.concatenate([part[1] for part in self._pending])
        squares = np.concatenate([part[2] for part in self._pending])
        if self._names:
            factors = [
                Factor(table[:, j], levels.size, _no_values)
                for j, levels in enumerate(self._levels)
            ]
            codes, levels_table = combine_codes(factors, len(table))
        else:
            codes, levels_table = np.zeros(len(table), dtype=np.intp), np.zeros((1, 0), np.intp)
        seen = np.flatnonzero(np.bincount(codes, minlength=len(levels_table)))
        where = np.zeros(len(levels_table), dtype=np.intp)
        where[seen] = np.arange(len(seen), dtype=np.intp)
        rows = where[codes]
        summed = _sum_rows(rows, counts, len(seen))
        summed_squares: npt.NDArray[np.float64] = np.zeros((0, 6))
        if self._weighted:  # float sums in row order, as np.add.at would add them
            columns = [
                np.bincount(rows, weights=column, minlength=len(seen)) for column in squares.T
            ]
            summed_squares = np.column_stack(columns).astype(np.float64).reshape(len(seen), 6)
        self._pending = [(levels_table[seen], summed, summed_squares)]
        self._pending_rows = len(seen)


class _Levels:
    """The distinct texts of one key column met so far, each with its code."""

    def __init__(self) -> None:
        self._texts: Any = None  # a pyarrow string array, created on first use

    @property
    def size(self) -> int:
        return 0 if self._texts is None else len(self._texts)

    def texts(self) -> list[str]:
        return [] if self._texts is None else list(self._texts.to_pylist())

    def codes(self, column: Any) -> _IntArray:
        """The code of each row's key text; new texts get new codes."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if isinstance(column, pa.ChunkedArray):
            column = column.combine_chunks()
        if not pa.types.is_dictionary(column.type):
            column = pc.dictionary_encode(column)
        dictionary = column.dictionary
        texts = pa.concat_arrays([_key_texts(dictionary), pa.array([""], pa.string())])
        if self._texts is None:
            self._texts = pc.unique(texts)
        found = pc.index_in(texts, value_set=self._texts)
        if found.null_count:
            fresh = pc.unique(texts.filter(pc.is_null(found)))
            self._texts = pa.concat_arrays([self._texts, fresh])
            found = pc.index_in(texts, value_set=self._texts)
        mapping = found.to_numpy(zero_copy_only=False).astype(np.intp)
        indices = column.indices
        if indices.null_count:  # null keys: the code of ""
            indices = pc.fill_null(indices, len(dictionary))
        codes: _IntArray = mapping[indices.to_numpy(zero_copy_only=False)]
        return codes


def _key_texts(dictionary: Any) -> Any:
    """Each dictionary value as key text: surrounding spaces removed, null as ``""``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = dictionary.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        texts = pc.utf8_trim_whitespace(dictionary).cast(pa.string())
    elif pa.types.is_integer(kind):
        texts = dictionary.cast(pa.string())
    else:  # dates, numbers, ...: their Python text, as the stdlib reader has it
        texts = pa.array(
            ["" if v is None else str(v).strip() for v in dictionary.to_pylist()], pa.string()
        )
    return pc.fill_null(texts, "")


def _sum_rows(rows: _IntArray, counts: npt.NDArray[np.int64], n: int) -> npt.NDArray[np.int64]:
    """Counts added up by row, exactly: by ``np.bincount`` while float64 holds every sum."""
    if int(counts.sum()) < _EXACT_FLOAT:
        columns = [np.bincount(rows, weights=column, minlength=n) for column in counts.T]
        return np.column_stack(columns).astype(np.int64).reshape(n, counts.shape[1])
    summed = np.zeros((n, counts.shape[1]), dtype=np.int64)
    np.add.at(summed, rows, counts)
    return summed


def _ranks(values: list[str]) -> _IntArray:
    """The rank of each text in sorted order (texts are distinct)."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = np.empty(len(values), dtype=np.intp)
    ranks[order] = np.arange(len(values), dtype=np.intp)
    return ranks


def _no_values(levels: _IntArray) -> list[Any]:  # pragma: no cover - never asked for
    """Key values are the counter's texts, never asked of the factors."""
    return [None] * len(levels)
