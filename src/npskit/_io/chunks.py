"""Counting one chunk of a file per key, and merging the chunks' counts.

The stdlib reader (:mod:`npskit._io.csv_file` through
:mod:`npskit._io.csv_counts`) counts each chunk with :func:`count_chunk`; the
pyarrow readers (:mod:`npskit._io.arrow`) add their batches up themselves
(:mod:`npskit._io.key_counter`) and yield one part per file. Every reader's
parts go to :func:`merge_chunks`, which adds them up with
:meth:`npskit.GroupedTally.concat`.
Counts stay exact: whole numbers of answers stay integers, sums of weights are
added in float64.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from npskit._core.grouped import GroupedTally
from npskit._core.scale import Scale
from npskit._counting.tally import tally
from npskit._counting.tally_by import tally_by
from npskit.typing import NanPolicy

__all__ = ["count_chunk", "merge_chunks"]

_MERGE_BATCH = 32
"""Chunk counts held before they are merged: bounded memory, few merges."""


def count_chunk(
    scores: Any,
    keys: Sequence[Any],
    *,
    weights: Any,
    scale: Scale,
    nan_policy: NanPolicy,
) -> GroupedTally:
    """Counts of one chunk per distinct key (one array per key column).

    With no key column the result has one group, whose key is ``()``.

    Examples
    --------
    >>> from npskit import STANDARD_SCALE
    >>> g = count_chunk([10, 3, 9], [["a", "b", "a"]], weights=None,
    ...                 scale=STANDARD_SCALE, nan_policy="omit")
    >>> [(key, t.n) for key, t in g]
    [(('a',), 2), (('b',), 1)]
    >>> count_chunk([10, 3], [], weights=None, scale=STANDARD_SCALE, nan_policy="omit").keys
    ((),)
    """
    if keys:
        return tally_by(scores, list(keys), weights=weights, scale=scale, nan_policy=nan_policy)
    part = tally(scores, weights=weights, scale=scale, nan_policy=nan_policy)
    return GroupedTally.from_tallies([((), part)], names=())


def merge_chunks(parts: Iterable[GroupedTally]) -> GroupedTally | None:
    """The counts of all ``parts`` added up by key (None when there are no parts).

    Parts are merged in batches, so memory holds at most a few dozen chunks'
    counts whatever the number of chunks.

    Examples
    --------
    >>> from npskit import STANDARD_SCALE
    >>> options = {"weights": None, "scale": STANDARD_SCALE, "nan_policy": "omit"}
    >>> parts = [count_chunk([10, 3], [["a", "b"]], **options),
    ...          count_chunk([9, 9], [["a", "c"]], **options)]
    >>> [(key[0], t.promoters) for key, t in merge_chunks(parts)]
    [('a', 2), ('b', 0), ('c', 1)]
    """
    pending: list[GroupedTally] = []
    for part in parts:
        pending.append(part)
        if len(pending) == _MERGE_BATCH:
            pending = [GroupedTally.concat(pending)]
    if len(pending) == 1:  # readers' parts have distinct keys in key order already
        return pending[0]
    return GroupedTally.concat(pending) if pending else None
