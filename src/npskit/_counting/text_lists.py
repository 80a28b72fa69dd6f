"""Long Python sequences of text keys, handed to an installed engine: :func:`engine_text`.

CPython groups ``str`` objects with a dict, hashing each one: about 100 ns a
key for a list of 10^7 fresh strings of 10 characters (1.0 s on the benchmark
machine, 0.6 s of it in ``dict.fromkeys`` alone). polars reads the same list
into its own String column in a third of that (0.33 s) and pyarrow into a
string array in about as much (0.37 s), after which the engine groups or
dictionary-encodes UTF-8 bytes in compiled code, on all cores. So a long list,
tuple or numpy object array of ``str`` keys (``None`` for a missing one) is
converted to a polars Series when polars is installed, else to a pyarrow array
when pyarrow is, and counted on the engine's path (see
:mod:`npskit._counting.engine_groups` and :mod:`npskit._counting.factorize`).

Both engines refuse, in their strict conversion, anything but text and
``None`` (a NaN, a number, bytes, text that UTF-8 cannot encode): such a
column stays a Python sequence and goes through the dict, as before. The
groups, their order and their counts are the same on both paths: ``str`` keys
are equal in Python exactly when their UTF-8 bytes are, and code point order
(Python's) is UTF-8 byte order (the engines'). Only the key values differ in
type for a ``str`` subclass (an ``enum.StrEnum`` member comes back as its
plain text). Short sequences stay in Python: below :data:`MIN_ENGINE_KEYS`
keys the dict costs less than importing an engine the first time (polars:
about 0.2 s).
"""

from __future__ import annotations

import importlib.util
from typing import Any

import numpy as np

from .keys import is_missing

__all__ = ["ENGINES", "MIN_ENGINE_KEYS", "engine_text"]

ENGINES = ("polars", "pyarrow")
"""Engines tried, in order of preference (the first one installed is used)."""

MIN_ENGINE_KEYS = 1 << 20
"""Fewest keys handed to an engine (the dict takes about 0.1 s for this many)."""


def engine_text(column: Any) -> Any | None:
    """``column`` as a polars Series or pyarrow array of text, or ``None`` to keep it.

    ``column`` is converted when it is a list, tuple or one-dimensional numpy
    object array of at least :data:`MIN_ENGINE_KEYS` keys whose first present
    key is a ``str``, one of :data:`ENGINES` is installed, and the first one
    installed accepts every key as text or null.
    """
    if isinstance(column, np.ndarray):
        if column.dtype != object or column.ndim != 1:
            return None
    elif not isinstance(column, (list, tuple)):
        return None
    if len(column) < MIN_ENGINE_KEYS:
        return None
    first = next((key for key in column if not is_missing(key)), None)
    if type(first) is not str:  # a subclass may compare its own way: left to the dict
        return None
    for engine in ENGINES:
        if importlib.util.find_spec(engine) is None:
            continue
        try:
            return _polars_text(column) if engine == "polars" else _arrow_text(column)
        except ImportError:  # installed but broken (say, built for another CPU)
            continue
    return None


def _polars_text(column: Any) -> Any | None:
    import polars as pl

    try:
        series = pl.Series(column, strict=True)
    except (TypeError, ValueError, OverflowError, pl.exceptions.PolarsError):
        return None
    return series if series.dtype == pl.String else None


def _arrow_text(column: Any) -> Any | None:
    import pyarrow as pa

    try:
        # Inferred, not cast: with type=string pyarrow would read bytes as text.
        array = pa.array(column, from_pandas=False)
    except (TypeError, ValueError, OverflowError, pa.ArrowException):
        return None
    # (More than 2 GiB of text comes back in chunks: left to the dict.)
    return array if isinstance(array, pa.Array) and pa.types.is_string(array.type) else None
