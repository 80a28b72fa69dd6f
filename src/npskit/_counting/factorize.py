"""Turning a key column into integer codes, fast, for :func:`npskit.tally_by`.

Each key column becomes a :class:`Factor`: one integer code per row (-1 for a
missing key) whose order is the documented order of groups, and a way to get
back the key value of a code. pandas and polars compute codes for their own
objects (``cat.codes``, ``factorize``, ``replace_strict``); numpy integers,
booleans and dates use an offset and need no search at all; text, wide
integers and floats go through :func:`npskit._counting.hash_table.hash_factorize`,
a vectorised open-addressing hash table; long Python sequences of text through
polars or pyarrow when installed (:mod:`npskit._counting.text_lists`); other
Python objects through a dict.
Nothing loops over rows in Python.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .hash_table import MIX, hash_factorize
from .keys import is_missing, library
from .text_lists import engine_text

__all__ = ["Factor", "factorize"]

IntArray = npt.NDArray[np.intp]
_SMALL_RANGE = 1 << 22  # integer keys spanning at most this many values need no search
_UNUSED_CODES = 1 << 16  # codes left unused rather than copying the keys to shift them


@dataclass(frozen=True, slots=True)
class Factor:
    """Integer codes of one key column.

    ``codes[i]`` is in ``0..size-1`` (-1 for a missing key); code order is the
    order of groups. Not every code need occur (an integer range, a category
    no row has). ``values(levels)`` gives the key values of the given codes.
    ``complete`` promises that no key is missing (no code is -1), so that
    nobody needs to look. ``codes`` may be the caller's own array: read it,
    never write to it.
    """

    codes: IntArray
    size: int
    values: Callable[[IntArray], list[Any]]
    complete: bool = False


def factorize(column: Any, name: str, *, engines: bool = True) -> Factor:
    """Codes of one key column, in the order documented in :func:`npskit.tally_by`.

    With ``engines``, a long Python sequence of text is handed to polars or
    pyarrow when installed (:func:`npskit._counting.text_lists.engine_text`);
    ``engines=False`` when the caller has already tried.
    """
    kind = library(column)
    if kind == "pandas":
        return _factorize_pandas(column, name)
    if kind == "polars":
        return _factorize_polars(column, name)
    if kind == "pyarrow":
        if hasattr(column, "combine_chunks"):
            column = column.combine_chunks()
        factor = _factorize_arrow_text(column)
        if factor is not None:
            return factor
        return _factorize_numpy(np.asarray(column.to_numpy(zero_copy_only=False)), name)
    if isinstance(column, np.ndarray):
        text = engine_text(column) if engines else None  # long object arrays of str
        if text is not None:
            return factorize(text, name)
        return _factorize_numpy(column, name)
    if isinstance(column, (list, tuple)):
        text = engine_text(column) if engines else None  # long lists of str
        if text is not None:
            return factorize(text, name)
        array = _numeric_sequence(column)
        if array is None:
            return _python_factor(column)
        return _factorize_numpy(array, name)
    if hasattr(column, "__array__"):
        return _factorize_numpy(np.asarray(column), name)
    raise TypeError(
        f"by column {name!r} must be a sequence, a numpy array, or a pandas or polars "
        f"series, got {type(column).__name__}"
    )


def _from_list(values: list[Any]) -> Callable[[IntArray], list[Any]]:
    return lambda levels: [values[i] for i in levels.tolist()]


def _numeric_sequence(column: list[Any] | tuple[Any, ...]) -> npt.NDArray[Any] | None:
    """``column`` as a numeric, boolean or date array, or None for Python objects."""
    first = next((v for v in column if v is not None), None)
    if isinstance(first, str):
        return None
    try:
        array = np.asarray(column)
    except (ValueError, TypeError):
        return None
    if array.ndim == 1 and array.dtype.kind not in "USO":
        return array
    return None


def _python_factor(items: list[Any] | tuple[Any, ...]) -> Factor:
    """Factorise Python objects with a dict: Python's own hash table, at C speed.

    One pass of ``dict.setdefault`` over the rows gives every row the first
    row of its key (and the dict the distinct keys, in order of appearance);
    only the distinct keys are then checked for being missing and sorted, and
    the first rows are mapped to codes by one array look-up. Keys equal in
    Python are one key (``1``, ``1.0`` and ``True`` included). Distinct NaN
    objects are distinct dict keys, but all of them are missing keys, so they
    still end up in one group.
    """
    first: dict[Any, int] = {}
    try:
        rows = np.fromiter(
            map(first.setdefault, items, itertools.count()), dtype=np.intp, count=len(items)
        )
    except TypeError as error:
        raise TypeError(f"keys must be hashable: {error}") from None
    distinct = list(first)
    starts = np.fromiter(first.values(), dtype=np.intp, count=len(distinct))
    present = [i for i, value in enumerate(distinct) if not is_missing(value)]
    try:
        order = sorted(present, key=distinct.__getitem__)
    except TypeError:  # values that cannot be compared keep first-appearance order
        order = present
    mapping = np.full(len(items), -1, dtype=np.intp)
    mapping[starts[order]] = np.arange(len(order), dtype=np.intp)
    ordered = [_plain(distinct[i]) for i in order]
    return Factor(mapping[rows], len(ordered), _from_list(ordered))


def _factorize_pandas(column: Any, name: str) -> Factor:
    if getattr(column, "ndim", 1) != 1 or not hasattr(column, "dtype"):
        raise TypeError(
            f"by column {name!r} must be one column (a pandas Series), got {type(column).__name__}"
        )
    import pandas as pd  # the caller passed a pandas object, so pandas is installed

    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = list(column.cat.categories)
        codes = np.asarray(column.cat.codes, dtype=np.intp)
        return Factor(codes, len(categories), _from_list([_plain(v) for v in categories]))
    try:
        codes, uniques = pd.factorize(column, sort=True, use_na_sentinel=True)
    except TypeError:  # values that cannot be compared: order of first appearance
        codes, uniques = pd.factorize(column, sort=False, use_na_sentinel=True)
    values = [_plain(v) for v in uniques]
    return Factor(np.asarray(codes, dtype=np.intp), len(values), _from_list(values))


def _factorize_polars(column: Any, name: str) -> Factor:
    if not hasattr(column, "null_count") or not hasattr(column, "dtype"):
        raise TypeError(
            f"by column {name!r} must be one column (a polars Series), got {type(column).__name__}"
        )
    import polars as pl  # the caller passed a polars object, so polars is installed

    dtype = column.dtype
    if dtype.is_numeric() and column.null_count() == 0:
        return _factorize_numpy(np.asarray(column.to_numpy()), name)
    if isinstance(dtype, (pl.Categorical, pl.Enum)) or dtype == pl.String:
        return _polars_physical(column, pl)
    present = column.drop_nulls().unique()
    if isinstance(dtype, pl.Enum):
        seen = set(present.to_list())
        uniques = pl.Series([v for v in dtype.categories.to_list() if v in seen], dtype=dtype)
    elif isinstance(dtype, pl.Categorical):  # no category order in polars: lexical
        uniques = present.cast(pl.String).sort().cast(dtype)
    else:
        uniques = present.sort()
    codes = column.replace_strict(
        uniques,
        pl.Series(np.arange(len(uniques), dtype=np.int64)),
        default=-1,
        return_dtype=pl.Int64,
    )
    return Factor(
        np.asarray(codes.to_numpy(), dtype=np.intp), len(uniques), _from_list(uniques.to_list())
    )


def _polars_physical(column: Any, pl: Any) -> Factor:
    """Text, categorical and enum columns by polars' own codes (its physical integers).

    Text is made categorical first: polars hashes it, on all cores. Codes
    are then remapped so that code order is the documented order (enum
    categories in their order, other text lexically), reading only the
    distinct values.
    """
    is_enum = isinstance(column.dtype, pl.Enum)
    if not is_enum and not isinstance(column.dtype, pl.Categorical):
        column = column.cast(pl.Categorical)
    physical = column.to_physical()
    top = int(physical.max() or 0) + 1 if len(physical) > physical.null_count() else 0
    raw = (physical.fill_null(top) if physical.null_count() else physical).to_numpy()
    present = np.flatnonzero(np.bincount(raw, minlength=top + 1)[:top])
    # One row per present code, to read its text: the first rows usually hold
    # every code; otherwise one scatter over all rows finds the rest.
    row_of = np.full(top + 1, -1, dtype=np.intp)
    head = raw[: 1 << 16]
    row_of[head] = np.arange(len(head), dtype=np.intp)
    if (row_of[present] < 0).any():
        row_of[raw] = np.arange(len(raw), dtype=np.intp)
    labels = column.gather(row_of[present]).cast(pl.String).to_list()
    if is_enum:  # physical order is category order
        order = np.arange(len(present), dtype=np.intp)
    else:
        order = np.array(sorted(range(len(labels)), key=labels.__getitem__), dtype=np.intp)
    mapping = np.full(top + 1, -1, dtype=np.intp)  # the last slot is for nulls
    mapping[present[order]] = np.arange(len(order), dtype=np.intp)
    return Factor(mapping[raw], len(order), _from_list([labels[i] for i in order.tolist()]))


def _factorize_arrow_text(column: Any) -> Factor | None:
    """A pyarrow text or dictionary array by its dictionary (None for other types).

    Text is dictionary-encoded by pyarrow's own hash table; the few
    dictionary values are then sorted (lexically) and the indices remapped.
    """
    import pyarrow as pa  # the caller passed a pyarrow object, so pyarrow is installed
    import pyarrow.compute as pc

    kind = column.type
    if not pa.types.is_dictionary(kind):
        textual = (pa.types.is_string, pa.types.is_large_string, pa.types.is_string_view)
        if not any(test(kind) for test in textual):
            return None
        column = pc.dictionary_encode(column)
    values = column.dictionary.to_pylist()
    gone = [is_missing(value) for value in values]
    present = [i for i, missing in enumerate(gone) if not missing]
    try:
        order = sorted(present, key=values.__getitem__)
    except TypeError:  # values that cannot be compared keep dictionary order
        order = present
    mapping = np.full(len(values) + 1, -1, dtype=np.intp)  # the last slot is for nulls
    mapping[np.array(order, dtype=np.intp)] = np.arange(len(order), dtype=np.intp)
    indices = pc.fill_null(column.indices, len(values)).to_numpy(zero_copy_only=False)
    return Factor(mapping[indices], len(order), _from_list([_plain(values[i]) for i in order]))


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic) and not isinstance(value, (np.datetime64, np.timedelta64)):
        return value.item()
    return value


def _factorize_numpy(array: npt.NDArray[Any], name: str) -> Factor:
    if array.ndim != 1:
        raise ValueError(
            f"by column {name!r} must be one-dimensional, got an array of shape {array.shape}"
        )
    kind = array.dtype.kind
    if kind == "b":
        return Factor(array.astype(np.intp), 2, lambda levels: (levels == 1).tolist())
    if kind in "iu":
        return _factorize_ints(array, None, lambda found: found.tolist())
    if kind in "mM":
        missing = np.isnat(array)
        dtype = array.dtype
        return _factorize_ints(
            array.view(np.int64),
            missing if missing.any() else None,
            lambda found: list(found.astype(np.int64).view(dtype)),
        )
    if kind == "f":
        floats = array.astype(np.float64) + 0.0  # -0.0 becomes 0.0: one key
        return _factorize_floats(floats, np.isnan(floats))
    if kind in "US":
        return _factorize_text(array)
    if kind == "O":
        return _factorize_objects(array)
    if kind == "T":  # numpy's variable-width StringDType
        return _factorize_objects(array.astype(object))
    raise TypeError(f"by column {name!r} has dtype {array.dtype}, which cannot be a key")


def _fill_missing(values: npt.NDArray[Any], missing: npt.NDArray[np.bool_]) -> npt.NDArray[Any]:
    """A copy with missing rows set to the first present value (they are dropped later)."""
    present = np.flatnonzero(~missing)
    filled: npt.NDArray[Any] = values.copy()
    filled[missing] = values[present[0]]
    return filled


def _factorize_ints(
    values: npt.NDArray[Any],
    missing: npt.NDArray[np.bool_] | None,
    decode: Callable[[npt.NDArray[Any]], list[Any]],
) -> Factor:
    """Integer keys: an offset when their range is small, else the hash table."""
    n = len(values)
    if missing is not None:
        if missing.all():
            return Factor(np.full(n, -1, dtype=np.intp), 0, lambda levels: [])
        values = _fill_missing(values, missing)
    if n == 0:
        return Factor(np.empty(0, dtype=np.intp), 0, lambda levels: [])
    low, high = int(values.min()), int(values.max())
    if high - low < max(_SMALL_RANGE, 2 * n):
        if missing is None and 0 <= low <= _UNUSED_CODES and values.dtype == np.intp:
            # Keys from 0 (or a little above) are their own codes: a few unused
            # codes below ``low`` (dropped once counted) cost less than a copy.
            return Factor(values, high + 1, lambda levels: decode(levels.astype(np.int64)), True)
        codes = (values - values.dtype.type(low)).astype(np.intp, copy=False)
        if missing is not None:
            codes[missing] = -1
        return Factor(
            codes,
            high - low + 1,
            lambda levels: decode(levels.astype(np.int64) + low),
            missing is None,
        )
    words = values.astype(np.int64, copy=False).view(np.uint64)
    raw, reps = hash_factorize(len(words), lambda sel: words[sel], None)
    factor = _sort_raw(raw, reps, lambda rows: values[rows].tolist())
    if missing is not None:
        factor.codes[missing] = -1
    return factor


def _factorize_floats(values: npt.NDArray[np.float64], missing: npt.NDArray[np.bool_]) -> Factor:
    n = len(values)
    if missing.all():
        return Factor(np.full(n, -1, dtype=np.intp), 0, lambda levels: [])
    if missing.any():
        values = _fill_missing(values, missing)
    words = values.view(np.uint64)
    raw, reps = hash_factorize(n, lambda sel: words[sel], None)
    factor = _sort_raw(raw, reps, lambda rows: values[rows].tolist())
    factor.codes[missing] = -1
    return factor


def _factorize_text(array: npt.NDArray[Any]) -> Factor:
    """A numpy ``str``/``bytes`` array: hash the bytes of each row, check each match."""
    n, size = len(array), array.dtype.itemsize
    if n == 0:
        return Factor(np.empty(0, dtype=np.intp), 0, lambda levels: [])
    if size == 0:
        empty = array.dtype.type()
        return Factor(np.zeros(n, dtype=np.intp), 1, lambda levels: [empty] * len(levels))
    width = -(-size // 8)
    raw_bytes = np.ascontiguousarray(array).view(np.uint8).reshape(n, size)
    if size % 8 == 0:
        all_words = raw_bytes.view(np.uint64)

        def words_of(sel: Any) -> npt.NDArray[np.uint64]:
            return all_words[sel]  # type: ignore[no-any-return]
    else:

        def words_of(sel: Any) -> npt.NDArray[np.uint64]:
            part = raw_bytes[sel]
            padded = np.zeros((len(part), width * 8), dtype=np.uint8)
            padded[:, :size] = part
            return padded.view(np.uint64)

    def hash_of(sel: Any) -> npt.NDArray[np.uint64]:
        words = words_of(sel)
        h: npt.NDArray[np.uint64] = words[:, 0].copy()
        for j in range(1, width):
            h *= MIX
            h ^= h >> np.uint64(29)
            h ^= words[:, j]
        return h

    def check(sel: Any, rep_rows: IntArray) -> npt.NDArray[np.bool_]:
        mine, theirs = words_of(sel), words_of(rep_rows)
        same: npt.NDArray[np.bool_] = mine[:, 0] == theirs[:, 0]
        for j in range(1, width):
            same &= mine[:, j] == theirs[:, j]
        return same

    raw, reps = hash_factorize(n, hash_of, None if width == 1 else check)
    return _sort_raw(raw, reps, lambda rows: array[rows].tolist())


def _factorize_objects(array: npt.NDArray[Any]) -> Factor:
    """Python objects in a numpy object array: see :func:`_python_factor`."""
    return _python_factor(array.tolist())


def _sort_raw(
    raw: IntArray,
    reps: IntArray,
    values_of: Callable[[IntArray], list[Any]],
    *,
    drop_missing: bool = False,
) -> Factor:
    """Turn raw codes (see :func:`_hash_factorize`) into codes sorted by key value.

    With ``drop_missing``, keys that are missing values get the code -1.
    Values that cannot be compared keep the order of first appearance.
    """
    used = np.flatnonzero(reps >= 0)
    values = values_of(reps[used])
    if drop_missing:
        keep = ~np.fromiter(map(is_missing, values), dtype=bool, count=len(values))
        used = used[keep]
        values = [v for v, k in zip(values, keep.tolist(), strict=True) if k]
    try:
        order = sorted(range(len(values)), key=values.__getitem__)
    except TypeError:
        first = np.full(len(reps), len(raw), dtype=np.intp)
        valid = np.flatnonzero(raw >= 0)
        np.minimum.at(first, raw[valid], valid)
        order = np.argsort(first[used], kind="stable").tolist()
    mapping = np.full(len(reps), -1, dtype=np.intp)
    mapping[used[order]] = np.arange(len(order), dtype=np.intp)
    ordered = [_plain(values[i]) for i in order]
    return Factor(mapping[raw], len(ordered), _from_list(ordered))
