"""Streams of chunks: answers (and weights) given as an iterator of arrays.

``tally`` and ``histogram`` read such a stream the same way: chunk by chunk,
each counted with the position of its first answer over the whole stream (so
that an error names the position in the stream), the counts added up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import zip_longest
from typing import Any, Protocol, TypeVar, cast

import numpy as np

from npskit._core.errors import InvalidWeightsError

from .inputs import is_chunk_stream

__all__ = ["count_chunks"]


class _Counts(Protocol):
    @property
    def n(self) -> int: ...

    @property
    def n_missing(self) -> int: ...

    def __add__(self, other: Any, /) -> Any: ...


C = TypeVar("C", bound=_Counts)

_NO_CHUNK = object()


def count_chunks(
    scores: Iterable[Any],
    weights: Any,
    count: Callable[[Any, Any, int, int], C],
    empty: Callable[[], C],
) -> C:
    """The sum of ``count(chunk, chunk_weights, offset, index)`` over the chunks.

    ``offset`` is the position of the chunk's first answer in the stream;
    ``empty()`` is the result of a stream without chunks.
    """
    if weights is not None and not is_chunk_stream(weights):
        raise TypeError(
            "scores are a stream of chunks, so weights must be one too (an iterator "
            "or a list of arrays, one per chunk of scores)"
        )
    total: C | None = None
    offset = 0
    for index, (chunk, chunk_weights) in enumerate(_pair_chunks(scores, weights)):
        if isinstance(chunk, (str, bytes)) or np.isscalar(chunk) or chunk is None:
            raise TypeError(
                f"scores is an iterator or generator, which npskit reads as a stream of "
                f"chunks (arrays of answers), but chunk {index} is a single "
                f"{type(chunk).__name__} {chunk!r}; for a generator of single answers pass "
                "list(generator), or yield arrays"
            )
        part = count(chunk, chunk_weights, offset, index)
        total = part if total is None else cast(C, total + part)
        offset += part.n + part.n_missing
    return empty() if total is None else total


def _pair_chunks(scores: Iterable[Any], weights: Iterable[Any] | None) -> Iterator[tuple[Any, Any]]:
    if weights is None:
        for chunk in scores:
            yield chunk, None
        return
    for index, (chunk, chunk_weights) in enumerate(
        zip_longest(scores, weights, fillvalue=_NO_CHUNK)
    ):
        if chunk is _NO_CHUNK or chunk_weights is _NO_CHUNK:
            raise InvalidWeightsError(
                f"scores and weights have different numbers of chunks (one of them "
                f"ends after {index} chunks)"
            )
        yield chunk, chunk_weights
