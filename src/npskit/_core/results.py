"""The table container shared by every tabular result (breakdowns, trends, ...).

A table is an immutable tuple of frozen row dataclasses. Rows know how to turn
themselves into flat dictionaries (``Row.to_dict()``); the table turns those
into lists of dictionaries, pandas and polars frames (imported only inside
those methods), Markdown and CSV text.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

__all__ = ["Row", "Table", "format_cell"]


class Row(Protocol):
    """What a table row provides: a flat, JSON-serialisable dictionary."""

    def to_dict(self) -> dict[str, Any]: ...


R = TypeVar("R", bound=Row)


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

    def __getitem__(self, index: int) -> R:
        return self.rows[index]

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
