"""The result protocol: strict-JSON values and the table base every tabular result shares.

Every tabular result (grouped counts, breakdowns, trends, decompositions,
shrinkage, ...) implements :meth:`TableDisplay.to_dicts` once and inherits the
rest from here: pandas and polars frames (imported only inside those
methods), CSV and Markdown text that are safe to open or render, an HTML table
for notebooks, and a one-screen ``repr``. :class:`Table` adds rows and lookup
by key.

:func:`json_value` is the one place where values become strict JSON.
"""

from __future__ import annotations

import csv
import datetime as _dt
import decimal
import html
import io
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Generic, Protocol, TypeVar

import numpy as np

from .rows import LazyRows

__all__ = [
    "Row",
    "Table",
    "TableDisplay",
    "fields_dict",
    "find_key",
    "format_cell",
    "json_dict",
    "json_value",
    "keyed_dict",
    "none_if_nan",
    "safe_text",
]

_REPR_ROWS = 10
"""Rows a ``repr`` shows before it says how many more there are."""
_HTML_ROWS = 50
"""Rows a notebook shows before it says how many more there are."""
_REPR_WIDTH = 24
"""Characters a cell may take in a ``repr`` before it is cut with ``...``."""
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP)."""


def none_if_nan(value: float | None) -> float | None:
    """``value`` as a float, or ``None`` for a missing, NaN or infinite one."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def json_value(value: Any) -> Any:
    """``value`` as strict JSON: ``json.dumps(json_value(v), allow_nan=False)`` works.

    NaN and infinities become ``None``; numpy scalars and arrays Python numbers
    and lists; dates, times and timestamps ISO 8601 strings; ``Decimal`` a
    float; durations their ISO-like ``str``; bytes text (UTF-8, or their
    ``repr`` when they are not UTF-8); tuples and sets lists; mapping keys
    strings. Anything else that JSON cannot hold becomes its ``str``.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, np.generic):
        if isinstance(value, (np.datetime64, np.timedelta64)):
            return None if np.isnat(value) else str(value)
        return json_value(value.item())
    if isinstance(value, np.ndarray):
        return [json_value(v) for v in value.tolist()]
    if isinstance(value, decimal.Decimal):
        return json_value(float(value))
    if isinstance(value, (_dt.date, _dt.datetime, _dt.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return repr(bytes(value))
    if isinstance(value, Mapping):
        return {_json_key(k): json_value(v) for k, v in value.items()}
    if isinstance(value, tuple) and hasattr(value, "_asdict"):  # a NamedTuple keeps its names
        return json_value(value._asdict())
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
        return [json_value(v) for v in items]
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict) and hasattr(value, "__dataclass_fields__"):
        return json_value(to_dict())
    isoformat = getattr(value, "isoformat", None)  # pandas Timestamp and friends
    if callable(isoformat):
        try:
            return str(isoformat())
        except (TypeError, ValueError):  # pragma: no cover - an odd isoformat
            pass
    if type(value).__name__ in {"NAType", "NaTType"}:  # pandas missing values
        return None
    return str(value)


def json_dict(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """A result's fields as a strict-JSON dictionary (:func:`json_value` of each value)."""
    return {_json_key(key): json_value(value) for key, value in mapping.items()}


def fields_dict(result: Any) -> dict[str, Any]:
    """A frozen dataclass result's fields, in order, as a strict-JSON dictionary."""
    return json_dict({field.name: getattr(result, field.name) for field in fields(result)})


def keyed_dict(row: Any, values: Iterable[str] = ()) -> dict[str, Any]:
    """A keyed row as a flat strict-JSON dictionary: its key columns first
    (``row.key_names`` and ``row.key``), then the attributes named in ``values``."""
    record = {name: json_value(value) for name, value in zip(row.key_names, row.key, strict=True)}
    for name in values:
        record[name] = json_value(getattr(row, name))
    return record


def _json_key(key: Any) -> str:
    converted = json_value(key)
    return converted if isinstance(converted, str) else str(converted)


def safe_text(value: str) -> str:
    """Text that a spreadsheet will not run as a formula, nor a terminal as escapes.

    A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
    gets a leading apostrophe (OWASP's advice for CSV injection); control
    characters other than tab are shown as ``\\xNN`` escapes.
    """
    text = "".join(
        ch if ch == "\t" or (ch.isprintable() or ch == " ") else f"\\x{ord(ch):02x}" for ch in value
    )
    if value.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def format_cell(value: Any, digits: int = 1) -> str:
    """Render one value for Markdown or text: floats rounded to ``digits``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return f"{value:.{digits}f}"
    if isinstance(value, (tuple, list)):
        return " / ".join(format_cell(v, digits) for v in value)
    return safe_text(str(value))


def _display_cell(column: str, value: Any, digits: int) -> str:
    if isinstance(value, float) and math.isfinite(value):
        if column.startswith("pvalue"):
            return f"{value:.3g}"
        if column == "share" or column.startswith("share_") or column.endswith("_share"):
            return f"{100 * value:.{digits}f}%"  # shares (0 to 1) read as percentages
    return format_cell(value, digits)


def _cut(text: str, width: int = _REPR_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


class TableDisplay:
    """Conversions and displays for a result made of rows of flat dictionaries.

    A subclass implements :meth:`to_dicts` (and may override
    :meth:`_empty_columns`, :meth:`_markdown_columns` and :meth:`_title`);
    everything else follows from it.
    """

    __slots__ = ()

    def to_dicts(self) -> list[dict[str, Any]]:  # pragma: no cover - every subclass has it
        """One flat, JSON-serialisable dictionary per row."""
        raise TypeError(f"{type(self).__name__} does not define to_dicts()")

    def to_pandas(self) -> Any:
        """The rows as a pandas DataFrame (needs pandas)."""
        import pandas as pd

        return pd.DataFrame.from_records(self.to_dicts(), columns=self._columns())

    def to_polars(self) -> Any:
        """The rows as a polars DataFrame (needs polars)."""
        import polars as pl

        records = self.to_dicts()
        if not records:
            return pl.DataFrame(schema=self._columns())
        return pl.DataFrame(records, infer_schema_length=None)

    def to_csv(self) -> str:
        """The rows as CSV text with a header line, at full precision.

        Text cells that a spreadsheet would run as a formula (starting with
        ``=``, ``+``, ``-``, ``@``, tab or carriage return) are prefixed with an
        apostrophe; numbers are written as they are.
        """
        buffer = io.StringIO()
        columns = self._columns()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([safe_text(column) for column in columns])
        for record in self.to_dicts():
            writer.writerow([_csv_cell(record.get(column)) for column in columns])
        return buffer.getvalue()

    def to_markdown(self, *, digits: int = 1) -> str:
        """The rows as a Markdown table.

        Floats are rounded to ``digits`` decimals, except p-values (columns
        whose name starts with ``pvalue``), which keep 3 significant digits, and
        shares (``share``, ``share_*``, ``*_share``), shown as percentages;
        empty cells are values that do not exist; ``|`` in text is escaped.
        """
        columns = self._markdown_columns()
        lines = [
            "| " + " | ".join(_markdown_escape(column) for column in columns) + " |",
            "|" + "|".join("---" for _ in columns) + "|",
        ]
        for record in self.to_dicts():
            cells = (
                _markdown_escape(_display_cell(column, record.get(column), digits))
                for column in columns
            )
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """An HTML table, for notebooks (the first rows, values rounded for display)."""
        columns = self._markdown_columns()
        head = "".join(f"<th>{html.escape(column)}</th>" for column in columns)
        body = []
        for record in self._head(_HTML_ROWS):
            cells = "".join(
                f"<td>{html.escape(_display_cell(column, record.get(column), 1))}</td>"
                for column in columns
            )
            body.append(f"<tr>{cells}</tr>")
        more = self._row_count() - _HTML_ROWS
        note = f"<p>... {more} more rows</p>" if more > 0 else ""
        return (
            f"<div><p>{html.escape(self._title())}</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
            f"{note}</div>"
        )

    def __repr__(self) -> str:
        """One screen: a title line and the first rows as a text table."""
        columns = self._markdown_columns()
        cells = [
            [_cut(_display_cell(column, record.get(column), 1)) for column in columns]
            for record in self._head(_REPR_ROWS)
        ]
        widths = [
            max([len(_cut(column)), *(len(row[i]) for row in cells)])
            for i, column in enumerate(columns)
        ]
        lines = [f"<{self._title()}>"]
        if columns:
            lines.append("  ".join(_cut(c).ljust(w) for c, w in zip(columns, widths, strict=True)))
            lines.extend(
                "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
                for row in cells
            )
        rows = self._row_count()
        if rows > _REPR_ROWS:
            lines.append(f"... {rows - _REPR_ROWS} more rows")
        return "\n".join(line.rstrip() for line in lines)

    def _title(self) -> str:
        rows = self._row_count()
        return f"{type(self).__name__}: {rows} row{'' if rows == 1 else 's'}"

    def _row_count(self) -> int:
        return len(self.to_dicts())

    def _head(self, rows: int) -> list[dict[str, Any]]:
        """The dictionaries of the first ``rows`` rows (subclasses make this cheap)."""
        return self.to_dicts()[:rows]

    def _columns(self) -> list[str]:
        first = self._head(1)
        if first:
            return list(first[0])
        return list(self._empty_columns())

    def _empty_columns(self) -> Sequence[str]:
        return ()

    def _markdown_columns(self) -> list[str]:
        return self._columns()


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, (list, tuple)):
        return safe_text(" / ".join(str(v) for v in value))
    return value


def _markdown_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


class Row(Protocol):
    """What a table row provides: a flat, JSON-serialisable dictionary."""

    def to_dict(self) -> dict[str, Any]: ...


R = TypeVar("R", bound=Row)


@dataclass(frozen=True, slots=True, repr=False)
class Table(TableDisplay, Generic[R]):
    """An immutable sequence of rows with lookup by key and the displays above.

    ``table[key]`` finds the row whose key is ``key``: a scalar matches a
    one-column key, a tuple the whole key, and a string also matches a key
    whose text is that string (a period label such as ``"2026-05"``, a date
    as ``"2026-05-01"``). Positional access is ``table.rows[i]``; iterating
    gives the rows. Subclasses give each row's key with :meth:`_row_key` and
    must be declared with ``repr=False`` to keep the one-screen ``repr``.
    """

    rows: Sequence[R]
    _index: dict[tuple[Any, ...], int] | None = field(
        init=False, default=None, repr=False, compare=False
    )

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[R]:
        return iter(self.rows)

    def __contains__(self, key: object) -> bool:
        return self._find(key) is not None

    def __getitem__(self, key: object) -> R:
        """The row whose key is ``key`` (see the class docstring); ``KeyError`` if none."""
        position = self._find(key)
        if position is None:
            keys = [self._row_key(row) for row in self.rows[:5]]
            shown = ", ".join(repr(k[0] if len(k) == 1 else k) for k in keys)
            more = ", ..." if len(self.rows) > 5 else ""
            known = f"keys are {shown}{more}" if keys else "the table has no rows"
            raise KeyError(f"no row with key {key!r}; {known} (use .rows[i] for positions)")
        return self.rows[position]

    def to_dicts(self) -> list[dict[str, Any]]:
        """One flat, JSON-serialisable dictionary per row."""
        return [row.to_dict() for row in self.rows]

    def _row_count(self) -> int:
        return len(self.rows)

    def _head(self, rows: int) -> list[dict[str, Any]]:
        return [row.to_dict() for row in self.rows[:rows]]

    def _row_key(self, row: R) -> tuple[Any, ...]:  # pragma: no cover - overridden
        raise TypeError(f"{type(self).__name__} rows have no key")

    def _find(self, key: object) -> int | None:
        index = self._index
        if index is None:
            index = {}
            for position, row_key in enumerate(self._keys()):
                index.setdefault(_hashable(row_key), position)
            object.__setattr__(self, "_index", index)
        return find_key(index, self._keys, key)

    def _keys(self) -> Iterable[tuple[Any, ...]]:
        """Each row's key, in row order (read without building rows where they are lazy)."""
        if isinstance(self.rows, LazyRows) and self.rows.keys is not None:
            return self.rows.keys
        return (self._row_key(row) for row in self.rows)


def find_key(
    index: Mapping[tuple[Any, ...], int],
    keys: Callable[[], Iterable[tuple[Any, ...]]],
    key: object,
) -> int | None:
    """Position of ``key`` among a table's keys, or ``None``: the rule of ``table[key]``.

    ``index`` maps each key tuple to its position; ``keys`` gives the key
    tuples in order (called only when the exact look-up fails and ``key`` is
    a string, to compare texts).
    """
    candidates = [key] if isinstance(key, tuple) else []
    candidates.append((key,))
    for candidate in candidates:
        try:
            found = index.get(candidate)
            if found is None:
                found = index.get(_hashable(candidate))
        except TypeError:  # an unhashable key matches no row
            return None
        if found is not None:
            return found
    if isinstance(key, str):
        for position, row_key in enumerate(keys()):
            if key == _key_text(row_key):
                return position
    return None


def _hashable(key: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(v.item() if isinstance(v, np.generic) else v for v in key)


def _key_text(key: tuple[Any, ...]) -> str:
    return " x ".join("" if v is None else str(json_value(v)) for v in key)
