"""Turning what callers pass as answers or weights into 1-D numeric arrays.

The rules here are the input rules of the whole package (docs/input-rules.md):
numbers of any integer or float dtype are accepted; missing answers become NaN;
booleans, dates and other objects raise :class:`ScoreTypeError`; text that is
not a number raises :class:`InvalidScoresError`. pandas, polars and pyarrow are
recognised by their module name and never imported here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, NoReturn

import numpy as np
import numpy.typing as npt

from npskit._core.errors import InvalidScoresError, ScoreTypeError, one_tally_needed
from npskit._core.grouped import GroupedTally

__all__ = [
    "as_numeric",
    "as_weights",
    "describe_positions",
    "is_chunk_stream",
    "is_number_text",
    "plural",
    "rounded_to_whole",
]

_SHOWN = 5  # how many offending positions an error message lists

_NUMBER, _MISSING, _TEXT, _BOOL, _OTHER = 0, 1, 2, 3, 4


def describe_positions(
    positions: npt.NDArray[np.intp], values: Sequence[object], offset: int = 0
) -> tuple[list[int], list[object], str]:
    """Format the first few offending positions and values for a message."""
    shown = [int(p) + offset for p in positions[:_SHOWN]]
    shown_values = [_plain(v) for v in values[:_SHOWN]]
    places = ", ".join(str(p) for p in shown)
    found = ", ".join(repr(v) for v in shown_values)
    label = "position" if len(shown) == 1 else "positions"
    return shown, shown_values, f"first at {label} {places}: {found}"


def plural(count: int, singular: str, many: str) -> str:
    """``"1 value"`` or ``"3 values"``."""
    return f"{count} {singular if count == 1 else many}"


def _what_is_allowed(name: str) -> str:
    if name == "scores":
        return "NPS answers must be whole numbers on the scale"
    return f"{name} must be numbers"


def _plain(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    return value


def _library(obj: object) -> str:
    return type(obj).__module__.split(".", 1)[0]


def is_chunk_stream(obj: object) -> bool:
    """Whether ``obj`` is an iterable of chunks rather than one array of answers.

    Iterators and generators are streams; so are lists and tuples whose first
    element is an array or a series (a list of numpy arrays, say). Arrays, series
    and flat sequences are not, nor are nested lists, which stay an error (they
    look like two-dimensional data).
    """
    if isinstance(obj, (str, bytes, np.ndarray, GroupedTally)) or hasattr(obj, "__array__"):
        return False  # a GroupedTally is refused by as_numeric with its own message
    if _library(obj) in {"pandas", "polars", "pyarrow"}:
        return False
    if isinstance(obj, (list, tuple)):
        return len(obj) > 0 and _is_array_like(obj[0])
    if isinstance(obj, (set, frozenset, Mapping)):
        return False
    return isinstance(obj, Iterable) and not isinstance(obj, Sequence)


def _is_array_like(obj: object) -> bool:
    if isinstance(obj, np.generic):
        return False
    if isinstance(obj, np.ndarray):
        return obj.ndim == 1
    return hasattr(obj, "__array__") or _library(obj) in {"pandas", "polars", "pyarrow"}


def as_numeric(data: object, *, name: str = "scores", offset: int = 0) -> npt.NDArray[Any]:
    """Return ``data`` as a 1-D integer or float array; missing answers are NaN.

    ``offset`` is added to positions in error messages, for chunked input.
    """
    if isinstance(data, GroupedTally):
        raise TypeError(one_tally_needed(name))
    array = _to_array(data, name=name)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got an array of shape {array.shape}")
    kind = array.dtype.kind
    if kind in "iu":
        return array
    if kind == "f":
        return array if array.dtype.itemsize >= 4 else array.astype(np.float64)
    if kind == "b":
        raise ScoreTypeError(
            f"{name} are booleans (dtype {array.dtype}); {_what_is_allowed(name)}, so "
            "convert them first if this is intended"
        )
    if kind in "US":
        return _from_text(array, name=name, offset=offset)
    if kind == "O":
        return _from_objects(array, name=name, offset=offset)
    raise ScoreTypeError(
        f"{name} have dtype {array.dtype}, which is not a number; {_what_is_allowed(name)}"
    )


def as_weights(data: object, *, offset: int = 0) -> npt.NDArray[np.float64]:
    """Return survey weights as a 1-D float64 array.

    Integer weights (of any width, numpy, pandas, polars or pyarrow) become
    float64 here, before anything is summed or squared: squared in their own
    dtype, uint8 weights of 200 or int32 weights of 50,000 would wrap around.
    """
    return as_numeric(data, name="weights", offset=offset).astype(np.float64, copy=False)


def _to_array(data: object, *, name: str) -> npt.NDArray[Any]:
    if isinstance(data, np.ma.MaskedArray):
        # Masked entries are missing answers, never their hidden values.
        mask = np.ma.getmaskarray(data)
        values = np.asarray(data.data)
        if not mask.any():
            return values
        if values.dtype.kind not in "iuf":
            filled = values.astype(object)
            filled[mask] = None
            return filled
        filled = values.astype(np.float64)
        filled[mask] = np.nan
        return filled
    if isinstance(data, np.ndarray):
        return data
    if isinstance(data, (set, frozenset, Mapping)):
        raise TypeError(
            f"{name} must be an ordered sequence of answers, got a {type(data).__name__}; "
            "pass a list or an array"
        )
    if isinstance(data, (str, bytes)) or np.isscalar(data) or data is None:
        what = "answers" if name == "scores" else f"{name}, one per answer"
        raise TypeError(
            f"{name} must be a one-dimensional sequence of {what}, got a single "
            f"{type(data).__name__} {data!r}"
        )
    if isinstance(data, (list, tuple)) and data and isinstance(data[0], (list, tuple)):
        raise ValueError(
            f"{name} must be one-dimensional, got a list of lists, which npskit does not "
            "guess at (a table, or chunks?); flatten it for one column of answers, or pass "
            f"iter({type(data).__name__}) to read each inner list as a chunk"
        )
    library = _library(data)
    if library == "pandas":
        return _from_pandas(data, name=name)
    if library == "polars":
        return _from_polars(data, name=name)
    if library == "pyarrow":
        return _from_pyarrow(data, name=name)
    if isinstance(data, (list, tuple)):
        return _from_sequence(data)
    if hasattr(data, "__array__") or hasattr(data, "__array_interface__"):
        return np.asarray(data)
    if isinstance(data, Sequence):
        return _from_sequence(list(data))
    raise TypeError(
        f"{name} must be a sequence, a numpy array, or a pandas, polars or pyarrow "
        f"series, got {type(data).__name__}"
    )


def _from_sequence(data: list[Any] | tuple[Any, ...]) -> npt.NDArray[Any]:
    if not data:
        return np.empty(0, dtype=np.int64)
    # np.asarray would quietly turn [True, 3] into [1, 3]; keep Python objects
    # whenever a boolean is present so that the object path can reject it.
    if any(isinstance(v, (bool, np.bool_)) for v in data):
        return np.asarray(data, dtype=object)
    try:
        array = np.asarray(data)
    except (ValueError, TypeError, OverflowError):
        return np.asarray(data, dtype=object)
    if array.dtype.kind in "iufUSO" and array.ndim == 1:
        return array
    if array.ndim != 1:
        return array
    return np.asarray(data, dtype=object)


def _from_pandas(data: Any, *, name: str) -> npt.NDArray[Any]:
    if not hasattr(data, "dtype") or getattr(data, "ndim", 1) != 1:
        raise TypeError(
            f"{name} must be one column (a pandas Series), got {type(data).__name__}; "
            "select the column with frame['column']"
        )
    dtype = data.dtype
    if str(dtype) == "category":
        # Only the categories some row uses are read: an unused category (a
        # level "n/a" no respondent chose, say) is not an answer.
        codes = np.asarray(data.cat.codes, dtype=np.intp)
        used = np.unique(codes[codes >= 0])
        levels = np.asarray(data.cat.categories)[used]
        numbers = as_numeric(levels, name=f"{name} categories").astype(np.float64)
        lookup = np.full(len(data.cat.categories), np.nan)
        lookup[used] = numbers
        values = lookup[codes]
        values[codes < 0] = np.nan
        return values
    kind = getattr(dtype, "kind", "O")
    if kind == "b":
        return np.asarray(data.to_numpy(dtype=object, na_value=None))
    if kind in "iuf":
        if bool(data.isna().any()):
            return np.asarray(data.to_numpy(dtype=np.float64, na_value=np.nan))
        # uint64 stays unsigned: as int64, 2**63 + 5 would be shown negative.
        target = {"f": np.float64, "u": np.uint64}.get(kind, np.int64)
        return np.asarray(data.to_numpy(dtype=target))
    return np.asarray(data.to_numpy(dtype=object, na_value=None))


def _from_polars(data: Any, *, name: str) -> npt.NDArray[Any]:
    if not hasattr(data, "dtype") or not hasattr(data, "null_count"):
        raise TypeError(
            f"{name} must be one column (a polars Series), got {type(data).__name__}; "
            "select the column with frame['column'] or frame.get_column('column')"
        )
    dtype = data.dtype
    if str(dtype) in {"Int128", "UInt128"} or str(dtype).startswith("Decimal"):
        # numpy has no 128-bit integers: as floats, exact for every answer on
        # a scale and for weights; values beyond 2**53 are invalid answers anyway.
        data = data.cast(_polars_float(dtype))
    if dtype.is_numeric():
        if data.null_count() > 0:
            return np.asarray(data.cast(_polars_float(dtype)).to_numpy())
        return np.asarray(data.to_numpy())
    if str(dtype).startswith(("Categorical", "Enum")):
        data = data.cast(str)
    return np.asarray(data.to_list(), dtype=object)


def _polars_float(dtype: Any) -> Any:
    # polars exposes its dtypes as attributes of the Series' dtype class module;
    # Float64 is reachable without importing polars at module level.
    import polars as pl  # the caller passed a polars object, so polars is installed

    del dtype
    return pl.Float64


def _from_pyarrow(data: Any, *, name: str) -> npt.NDArray[Any]:
    if hasattr(data, "column_names") or not hasattr(data, "type"):
        raise TypeError(
            f"{name} must be one column (a pyarrow Array or ChunkedArray), got "
            f"{type(data).__name__}; select the column with table['column'], or pass the "
            "table to npskit.tally_frame or npskit.from_counts_table"
        )
    if str(data.type) in {"int128", "uint128"} or str(data.type).startswith("decimal"):
        import pyarrow as pa  # the caller passed a pyarrow object

        data = data.cast(pa.float64())
    if hasattr(data, "combine_chunks") and hasattr(data, "num_chunks"):
        data = data.combine_chunks()
    if hasattr(data, "dictionary_decode") and hasattr(data, "indices"):
        data = data.dictionary_decode()
    if data.type is not None and str(data.type) == "bool":
        return np.asarray(data.to_pylist(), dtype=object)
    return np.asarray(data.to_numpy(zero_copy_only=False))


# A number as people write it: digits with an optional point and exponent, or
# nan/inf. Python's float() also takes "1_0" (as 10) and other spellings no
# survey export produces; those are refused rather than guessed at.
_NUMBER_TEXT = re.compile(
    r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|nan|inf|infinity)",
    re.IGNORECASE | re.ASCII,
)


def _from_text(array: npt.NDArray[Any], *, name: str, offset: int) -> npt.NDArray[Any]:
    given = array  # messages show the values as given (bytes as bytes)
    if array.dtype.kind == "S":
        # Bytes are read as Latin-1, which decodes any byte; a non-ASCII byte
        # then fails the number grammar and is reported, never a decode error.
        array = np.char.decode(array, "latin-1")
    text = np.char.strip(array.astype(np.str_))
    blank = text == ""
    filled = np.where(blank, "nan", text)
    values = _strict_floats(filled)
    if values is None:
        distinct = np.unique(filled)
        wrong = {str(t) for t in distinct if not is_number_text(str(t))}
        bad = np.flatnonzero(np.isin(filled, list(wrong)) & ~blank)
        if len(bad):
            _raise_not_numbers(bad, [_plain(given[i]) for i in bad[:_SHOWN]], name, offset)
        values = np.array([float(t) for t in filled], dtype=np.float64)
    # Only text of 16 characters or more can hold more digits than float64 keeps.
    long = np.char.str_len(filled) > 15
    if name == "scores" and long.any():
        inexact = [str(t) for t in np.unique(filled[long]) if rounded_to_whole(str(t))]
        if inexact:
            bad = np.flatnonzero(np.isin(filled, inexact))
            shown, shown_values, where = describe_positions(
                bad, [_plain(given[i]) for i in bad[:_SHOWN]], offset
            )
            raise InvalidScoresError(
                f"{name} contain {plural(len(bad), 'value', 'values')} written with more "
                f"digits than float64 keeps, which would round to a whole number but "
                f"{'is' if len(bad) == 1 else 'are'} not one ({where}); NPS answers are "
                "whole numbers on the scale",
                count=len(bad),
                positions=shown,
                values=shown_values,
            )
    return values


def _strict_floats(text: npt.NDArray[np.str_]) -> npt.NDArray[np.float64] | None:
    """``text`` as floats when every entry is a number by :func:`is_number_text`, else None."""
    if (np.char.find(text, "_") >= 0).any():
        return None  # numpy, like Python's float(), would read "1_0" as 10
    try:
        text.astype(np.bytes_)  # ASCII only: float() would read Arabic-Indic digits
    except UnicodeEncodeError:
        return None
    try:
        return text.astype(np.float64)
    except ValueError:
        return None


def is_number_text(text: str) -> bool:
    """Whether ``text`` is a number as npskit reads it (digits, point, exponent, nan, inf)."""
    return _NUMBER_TEXT.fullmatch(text) is not None


def rounded_to_whole(text: str) -> bool:
    """Whether float64 reads ``text`` as a whole number it is not ("9.0000000000000001")."""
    if not any(c in text for c in ".eE"):
        return False
    number = float(text)
    if not (math.isfinite(number) and number.is_integer()):
        return False
    return Decimal(text) != Decimal(int(number))


def _raise_not_numbers(
    bad: npt.NDArray[np.intp], values: Sequence[object], name: str, offset: int
) -> NoReturn:
    shown, shown_values, where = describe_positions(bad, values, offset)
    raise InvalidScoresError(
        f"{name} contain "
        f"{plural(len(bad), 'value that is not a number', 'values that are not numbers')} "
        f"({where}); blank text counts as missing, anything else must be a number",
        count=len(bad),
        positions=shown,
        values=shown_values,
    )


def _object_kind(value: object) -> int:
    if value is None:
        return _MISSING
    if isinstance(value, (bool, np.bool_)):
        return _BOOL
    if isinstance(value, (int, float, np.integer, np.floating)):
        return _MISSING if value != value else _NUMBER
    if isinstance(value, str):
        return _TEXT
    if type(value).__name__ in {"NAType", "NaTType"} and _library(value) == "pandas":
        return _MISSING
    if type(value).__name__ == "Decimal":
        return _MISSING if value.is_nan() else _NUMBER  # type: ignore[attr-defined]
    return _OTHER


def _from_objects(array: npt.NDArray[Any], *, name: str, offset: int) -> npt.NDArray[Any]:
    kinds = np.fromiter((_object_kind(v) for v in array), dtype=np.int8, count=len(array))
    for kind, what in ((_BOOL, ("boolean", "booleans")), (_OTHER, ("non-number", "non-numbers"))):
        where_kind = np.flatnonzero(kinds == kind)
        if len(where_kind):
            _, _, where = describe_positions(
                where_kind, [array[i] for i in where_kind[:_SHOWN]], offset
            )
            types = sorted({type(array[i]).__name__ for i in where_kind[:_SHOWN]})
            raise ScoreTypeError(
                f"{name} contain {plural(len(where_kind), *what)} of type {', '.join(types)} "
                f"({where}); {_what_is_allowed(name)}"
            )
    if name == "scores":
        _check_decimals(array, kinds, offset)
    values = np.full(len(array), np.nan)
    numbers = kinds == _NUMBER
    if numbers.any():
        try:
            values[numbers] = array[numbers].astype(np.float64)
        except OverflowError:
            values[numbers] = [_clip_huge(v) for v in array[numbers]]
    is_text = kinds == _TEXT
    if is_text.any():
        texts = np.where(is_text, array, "").astype(np.str_)
        parsed = _from_text(texts, name=name, offset=offset)
        values[is_text] = parsed[is_text]
    return values


def _check_decimals(array: npt.NDArray[Any], kinds: npt.NDArray[np.int8], offset: int) -> None:
    """Refuse Decimal answers that are not whole, even where float64 would round them."""
    bad = np.flatnonzero(
        [
            kind == _NUMBER and isinstance(v, Decimal) and v != v.to_integral_value()
            for v, kind in zip(array, kinds, strict=True)
        ]
    )
    if not len(bad):
        return
    shown, shown_values, where = describe_positions(bad, [array[i] for i in bad[:_SHOWN]], offset)
    raise InvalidScoresError(
        f"scores contain {plural(len(bad), 'Decimal that is', 'Decimals that are')} not a "
        f"whole number ({where}); NPS answers are whole numbers on the scale",
        count=len(bad),
        positions=shown,
        values=shown_values,
    )


def _clip_huge(value: Any) -> float:
    try:
        return float(value)
    except OverflowError:
        return float("inf") if value > 0 else float("-inf")
