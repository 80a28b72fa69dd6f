"""The table container shared by every tabular result (breakdowns, trends, ...).

A table is an immutable tuple of frozen row dataclasses. Rows know how to turn
themselves into flat dictionaries (``Row.to_dict()``); the table turns those
into lists of dictionaries, pandas and polars frames (imported only inside
those methods), Markdown and CSV text.
"""

from __future__ import annotations

import csv
import datetime as _dt
import decimal
import io
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, Generic, Protocol, TypeVar

__all__ = ["Row", "Table", "format_cell", "json_value", "none_if_nan"]


class Row(Protocol):
    """What a table row provides: a flat, JSON-serialisable dictionary."""

    def to_dict(self) -> dict[str, Any]: ...


R = TypeVar("R", bound=Row)


def none_if_nan(value: float | None) -> float | None:
    """``value``, or None when it is None, NaN or infinite (strict JSON has neither)."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def json_value(value: Any) -> Any:
    """``value`` as strict JSON data.

    NaN and infinities become None, numpy scalars Python numbers, dates and
    times ISO 8601 text, Decimal a float, bytes UTF-8 text (or their repr),
    tuples and lists lists, dictionary keys text; anything else that JSON
    does not know (UUID, timedelta, ...) its ``str``.

    Examples
    --------
    >>> import datetime, math
    >>> json_value({1: (math.nan, datetime.date(2026, 5, 1), b"x")})
    {'1': [None, '2026-05-01', 'x']}
    """
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return none_if_nan(value)
    if hasattr(value, "dtype") and hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        if getattr(value.dtype, "kind", "") in "mM":  # numpy datetime64 / timedelta64
            return None if str(value) == "NaT" else str(value)
        return json_value(value.item())
    if isinstance(value, (_dt.date, _dt.datetime, _dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return none_if_nan(float(value))
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return repr(bytes(value))
    if isinstance(value, Mapping):
        return {str(json_value(k)): json_value(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [json_value(v) for v in value]
    if hasattr(value, "isoformat"):  # pandas Timestamp and friends
        return value.isoformat()
    if hasattr(value, "to_dict"):
        return json_value(value.to_dict())
    return str(value)


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
    return str(value)


def _markdown_cell(column: str, value: Any, digits: int) -> str:
    if column.startswith("pvalue") and isinstance(value, float) and not math.isnan(value):
        return f"{value:.3g}"
    return format_cell(value, digits)


@dataclass(frozen=True, slots=True)
class Table(Generic[R]):
    """An immutable sequence of rows with conversions to other formats.

    Subclasses add the table's own fields (totals, test results, options) and
    choose the columns shown by :meth:`to_markdown` through ``_markdown_columns``.
    """

    rows: tuple[R, ...]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[R]:
        return iter(self.rows)

    def __getitem__(self, key: object) -> R:
        """The row whose key is ``key`` (see :meth:`_row_key`); positions are ``rows[i]``.

        A scalar matches a one-column key, a tuple the whole key.
        """
        candidates: list[object] = [key] if isinstance(key, tuple) else []
        candidates.append((key,))
        for row in self.rows:
            own = self._row_key(row)
            for candidate in candidates:
                if own == candidate:
                    return row
        known = [self._row_key(row) for row in self.rows[:5]]
        shown = ", ".join(repr(k[0] if len(k) == 1 else k) for k in known)
        more = ", ..." if len(self.rows) > 5 else ""
        raise KeyError(f"no row with key {key!r}; keys are {shown}{more}")

    def _row_key(self, row: R) -> tuple[Any, ...]:
        """The key a row is looked up by; subclasses name theirs."""
        raise TypeError(f"{type(self).__name__} rows have no key to look them up by")

    def __repr__(self) -> str:
        """One screen: the number of rows, the first keys, then the other fields."""
        known = [self._row_key(row) for row in self.rows[:5]] if self._has_keys() else []
        shown = ", ".join(repr(k[0] if len(k) == 1 else k) for k in known)
        more = ", ..." if len(self.rows) > 5 else ""
        lines = [f"{type(self).__name__}(", f"    rows=<{len(self.rows)} rows: {shown}{more}>,"]
        for item in fields(self):
            if item.name == "rows" or not item.repr:
                continue
            text = repr(getattr(self, item.name))
            if len(text) > 70:
                text = text[:66] + " ..."
            lines.append(f"    {item.name}={text},")
        lines.append(")")
        return "\n".join(lines)

    def _has_keys(self) -> bool:
        try:
            for row in self.rows[:1]:
                self._row_key(row)
        except TypeError:
            return False
        return True

    def to_dicts(self) -> list[dict[str, Any]]:
        """One flat, JSON-serialisable dictionary per row."""
        return [row.to_dict() for row in self.rows]

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
        """The rows as CSV text with a header line, full precision."""
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=self._columns(), lineterminator="\n")
        writer.writeheader()
        for record in self.to_dicts():
            writer.writerow({k: "" if v is None else v for k, v in record.items()})
        return buffer.getvalue()

    def to_markdown(self, *, digits: int = 1) -> str:
        """The rows as a Markdown table.

        Floats are rounded to ``digits`` decimals, except p-values (columns
        whose name starts with ``pvalue``), which keep 3 significant digits;
        empty cells are values that do not exist.
        """
        columns = self._markdown_columns()
        lines = [
            "| " + " | ".join(columns) + " |",
            "|" + "|".join("---" for _ in columns) + "|",
        ]
        for record in self.to_dicts():
            cells = (_markdown_cell(column, record.get(column), digits) for column in columns)
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def _columns(self) -> list[str]:
        if self.rows:
            return list(self.rows[0].to_dict())
        return list(self._empty_columns())

    def _empty_columns(self) -> Sequence[str]:
        return ()

    def _markdown_columns(self) -> list[str]:
        return self._columns()
