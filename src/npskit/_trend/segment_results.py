"""The result of ``trend(by=...)``: ``SegmentTrends``, one ``Trend`` per segment."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from npskit._core.results import TableDisplay, find_key, json_value

from .results import Trend

__all__ = ["SegmentTrends"]


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class SegmentTrends(TableDisplay):
    """One :class:`Trend` per segment: NPS per period of each agent, channel, ...

    Returned by :func:`trend` with ``by=``. Look a segment's trend up by its
    key (``result["A01"]``, a tuple for several key columns), iterate over
    ``(key, trend)`` pairs, or convert every period of every segment with
    ``to_dicts()``, ``to_pandas()``, ``to_polars()``, ``to_markdown()`` and
    ``to_csv()`` (one row per segment and period, the key columns first);
    ``to_dict()`` gives the whole result as JSON-ready data. ``len()`` is the
    number of segments.

    Attributes
    ----------
    names : tuple of str
        Names of the segment key columns.
    keys : tuple of tuple
        One key tuple per segment with answers, in the order of
        :func:`npskit.tally_by` (a missing key is ``None``, last).
    trends : tuple of Trend
        The trend of each segment, in the order of ``keys``: the same table
        as :func:`trend` of that segment's answers alone.
    freq : str or None
        How dates were bucketed, or None when the periods were keys.
    without_periods : tuple of tuple
        Keys of segments left out because none of their answers has both a
        value and a period (their trend would be empty).
    """

    names: tuple[str, ...]
    keys: tuple[tuple[Any, ...], ...]
    trends: tuple[Trend, ...]
    freq: str | None
    without_periods: tuple[tuple[Any, ...], ...] = ()
    _index: dict[tuple[Any, ...], int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {key: i for i, key in enumerate(self.keys)})

    def __len__(self) -> int:
        return len(self.keys)

    def __iter__(self) -> Iterator[tuple[tuple[Any, ...], Trend]]:
        return iter(zip(self.keys, self.trends, strict=True))

    def __contains__(self, key: object) -> bool:
        return find_key(self._index, lambda: self.keys, key) is not None

    def __getitem__(self, key: object) -> Trend:
        """The trend of the segment whose key is ``key``; ``KeyError`` if none."""
        position = find_key(self._index, lambda: self.keys, key)
        if position is None:
            shown = ", ".join(repr(k if len(k) > 1 else k[0]) for k in self.keys[:5])
            more = ", ..." if len(self.keys) > 5 else ""
            raise KeyError(f"no segment with key {key!r}; keys are {shown}{more}")
        return self.trends[position]

    def items(self) -> list[tuple[tuple[Any, ...], Trend]]:
        """``(key, trend)`` pairs in order; ``dict(result.items())`` makes a dictionary."""
        return list(self)

    def to_dicts(self) -> list[dict[str, Any]]:
        """One flat dictionary per segment and period: key columns, then the trend row."""
        return [
            {**self._key_columns(key), **row.to_dict()} for key, trend in self for row in trend.rows
        ]

    def to_dict(self) -> dict[str, Any]:
        """The whole result as a JSON-serialisable dictionary."""
        return {
            "names": list(self.names),
            "freq": self.freq,
            "segments": [
                {"key": [json_value(v) for v in key], "trend": trend.to_dict()}
                for key, trend in self
            ],
            "without_periods": [[json_value(v) for v in key] for key in self.without_periods],
        }

    def _key_columns(self, key: tuple[Any, ...]) -> dict[str, Any]:
        taken = {"period", *self.trends[0].rows[0].to_dict()} if self.trends else set()
        return {
            (f"key_{name}" if name in taken else name): json_value(value)
            for name, value in zip(self.names, key, strict=True)
        }

    def _row_count(self) -> int:
        return sum(len(trend) for trend in self.trends)

    def _head(self, rows: int) -> list[dict[str, Any]]:
        head: list[dict[str, Any]] = []
        for key, trend in self:
            for row in trend.rows:
                if len(head) >= rows:
                    return head
                head.append({**self._key_columns(key), **row.to_dict()})
        return head

    def _title(self) -> str:
        what = f"by {self.freq}" if self.freq else "by period"
        segments = len(self.keys)
        return (
            f"SegmentTrends {what} per {', '.join(self.names)}: "
            f"{segments} segment{'' if segments == 1 else 's'}, {self._row_count()} rows"
        )

    def _empty_columns(self) -> tuple[str, ...]:
        return self.names

    def _markdown_columns(self) -> list[str]:
        if not self.trends:
            return list(self.names)
        first = self._head(1)[0]
        keys = list(first)[: len(self.names)]
        return [*keys, *self.trends[0]._markdown_columns()]

    def __str__(self) -> str:
        blocks = [f"{self._title()}"]
        for key, trend in self:
            label = " x ".join("(missing)" if v is None else str(json_value(v)) for v in key)
            blocks.append(f"\n{', '.join(self.names)} = {label}\n{trend}")
        if self.without_periods:
            blocks.append(
                f"\n{len(self.without_periods)} segment(s) without answers with a period left out"
            )
        return "\n".join(blocks)
