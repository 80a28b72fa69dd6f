"""The small named type every confidence interval in npskit is returned as."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["Interval", "checked_floats_interval"]


@dataclass(frozen=True, slots=True)
class Interval:
    """A closed interval ``[low, high]``, in NPS points unless said otherwise.

    It unpacks like a pair: ``low, high = interval``.

    Examples
    --------
    >>> from npskit import Interval
    >>> ci = Interval(12.5, 30.0)
    >>> low, high = ci
    >>> ci.width, 20 in ci
    (17.5, True)
    """

    low: float
    high: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "low", float(self.low))
        object.__setattr__(self, "high", float(self.high))
        if not self.low <= self.high:
            raise ValueError(f"an interval needs low <= high, got [{self.low!r}, {self.high!r}]")

    def __iter__(self) -> Iterator[float]:
        return iter((self.low, self.high))

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, (int, float)):
            return False
        return self.low <= value <= self.high

    @property
    def width(self) -> float:
        """``high - low``."""
        return self.high - self.low

    def to_dict(self) -> dict[str, Any]:
        """The interval as a JSON-serialisable dictionary."""
        return {"low": self.low, "high": self.high}

    def __str__(self) -> str:
        return f"[{self.low:.1f}, {self.high:.1f}]"


_SET_LOW = Interval.__dict__["low"].__set__
_SET_HIGH = Interval.__dict__["high"].__set__


def checked_floats_interval(low: float, high: float) -> Interval:
    """An :class:`Interval` of two Python floats the caller has checked (``low <= high``).

    Skips the conversions and the check of ``Interval(low, high)``, which
    dominate when a table builds 10^5 rows; the result is the same.
    """
    interval: Interval = object.__new__(Interval)
    _SET_LOW(interval, low)
    _SET_HIGH(interval, high)
    return interval
