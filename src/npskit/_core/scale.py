"""Answer scales and the three NPS categories."""

from __future__ import annotations

import enum
import operator
from dataclasses import dataclass
from typing import Any, get_args

import numpy as np
import numpy.typing as npt

from npskit.typing import ScalePreset

__all__ = ["MAX_SCALE_POINTS", "STANDARD_SCALE", "Category", "Scale", "scale_type_message"]

MAX_SCALE_POINTS = 1_000_001
"""Most answers a scale may have (0..1,000,000): far beyond any survey scale, and a
bound a service can rely on. Counting never allocates per scale point; only a
histogram (``Tally.from_histogram``, ``npskit histogram``) has one cell per point."""


class Category(enum.IntEnum):
    """The three NPS categories, coded so that NPS is the mean code times 100.

    Examples
    --------
    >>> from npskit import Category
    >>> [int(c) for c in Category]
    [-1, 0, 1]
    """

    DETRACTOR = -1
    PASSIVE = 0
    PROMOTER = 1


def _whole_number(name: str, value: object) -> int:
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(
            f"{name} must be an integer, got {value!r} of type {type(value).__name__}"
        ) from None


def _span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}-{last}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Scale:
    """An answer scale and its cut points.

    Answers are the integers ``low..high``. Answers up to ``detractor_max`` are
    detractors, answers from ``promoter_min`` up are promoters, and those in
    between (possibly none) are passives.

    Parameters
    ----------
    low : int, default 0
        Smallest possible answer.
    high : int, default 10
        Largest possible answer.
    detractor_max : int, default 6
        Largest answer counted as a detractor.
    promoter_min : int, default 9
        Smallest answer counted as a promoter.

    Raises
    ------
    TypeError
        If a bound is not an integer.
    ValueError
        If the bounds are not ordered
        ``low <= detractor_max < promoter_min <= high`` with ``low < high``,
        or the scale has more than ``MAX_SCALE_POINTS`` (1,000,001) answers.

    Notes
    -----
    The default is the standard 0-10 "likelihood to recommend" scale of
    Reichheld (2003): 0-6 detractors, 7-8 passives, 9-10 promoters. Other
    scales are sometimes used in practice (1-5, 1-7, 1-10); :meth:`preset`
    names the cut points npskit uses for them (and says where they come from),
    or build a scale explicitly.

    References
    ----------
    .. [1] Reichheld, F. F. (2003). The one number you need to grow. *Harvard
       Business Review*, 81(12), 46-54.
       https://hbr.org/2003/12/the-one-number-you-need-to-grow

    Examples
    --------
    >>> from npskit import Scale
    >>> Scale()
    Scale(low=0, high=10, detractor_max=6, promoter_min=9)
    >>> five = Scale(low=1, high=5, detractor_max=3, promoter_min=5)
    >>> five.categories()
    array([-1, -1, -1,  0,  1], dtype=int8)
    """

    low: int = 0
    high: int = 10
    detractor_max: int = 6
    promoter_min: int = 9

    @classmethod
    def preset(cls, name: ScalePreset) -> Scale:
        """A scale by name: ``"0-10"``, ``"1-10"``, ``"1-7"``, ``"1-5"`` or ``"1-3"``.

        | name | detractors | passives | promoters | where the cut points come from |
        |---|---|---|---|---|
        | ``"0-10"`` | 0-6 | 7-8 | 9-10 | Reichheld (2003), the standard |
        | ``"1-10"`` | 1-6 | 7-8 | 9-10 | Reichheld's cut points, no 0 answer |
        | ``"1-7"`` | 1-4 | 5-6 | 7 | Reichheld's cut points rescaled |
        | ``"1-5"`` | 1-3 | 4 | 5 | Reichheld's cut points rescaled |
        | ``"1-3"`` | 1 | 2 | 3 | NPS group codes, one per category |

        There is no published standard for NPS on a 1-5 or 1-7 scale. npskit
        rescales Reichheld's cut points, which sit at 60% (a detractor is at
        most 6 of 10) and 90% (a promoter at least 9 of 10) of the 0-10 range:
        on ``low..high`` a detractor is at most ``low + 0.6 (high - low)`` and a
        promoter at least ``low + 0.9 (high - low)``, rounded to the answers
        inside those bounds. On 1-10 that rule would leave only 10 as a promoter,
        so ``"1-10"`` keeps the 0-10 cut points, the common practice for 1-10
        questions. If your organisation uses other cut points, build the scale
        explicitly.

        Raises
        ------
        ValueError
            If ``name`` is not a preset (the message lists them).

        References
        ----------
        .. [1] Reichheld, F. F. (2003). The one number you need to grow. *Harvard
           Business Review*, 81(12), 46-54.
           https://hbr.org/2003/12/the-one-number-you-need-to-grow

        Examples
        --------
        >>> Scale.preset("1-5")
        Scale(low=1, high=5, detractor_max=3, promoter_min=5)
        >>> Scale.preset("1-7").describe()
        '1-7 scale: detractors 1-4, passives 5-6, promoters 7'
        """
        try:
            return _PRESETS[name]
        except (KeyError, TypeError):
            known = ", ".join(repr(key) for key in get_args(ScalePreset))
            raise ValueError(
                f"scale preset must be one of {known}, got {name!r}; or build the scale "
                "with npskit.Scale(low=..., high=..., detractor_max=..., promoter_min=...)"
            ) from None

    def __post_init__(self) -> None:
        for name in ("low", "high", "detractor_max", "promoter_min"):
            object.__setattr__(self, name, _whole_number(name, getattr(self, name)))
        if not self.low < self.high:
            raise ValueError(
                f"scale bounds must satisfy low < high, got low={self.low!r}, high={self.high!r}"
            )
        if self.high - self.low + 1 > MAX_SCALE_POINTS:
            raise ValueError(
                f"a scale may have at most {MAX_SCALE_POINTS:,} answers, got "
                f"{self.low}..{self.high} ({self.high - self.low + 1:,} answers); answers "
                "on a wider range are measurements, not ratings: bin them first"
            )
        if not self.low <= self.detractor_max < self.promoter_min <= self.high:
            raise ValueError(
                "scale cut points must satisfy low <= detractor_max < promoter_min "
                f"<= high, got low={self.low!r}, detractor_max={self.detractor_max!r}, "
                f"promoter_min={self.promoter_min!r}, high={self.high!r}"
            )

    @property
    def n_points(self) -> int:
        """Number of possible answers, ``high - low + 1``."""
        return self.high - self.low + 1

    def values(self) -> npt.NDArray[np.int64]:
        """The possible answers, ``low..high``, in order."""
        return np.arange(self.low, self.high + 1, dtype=np.int64)

    def categories(self) -> npt.NDArray[np.int8]:
        """Category code (-1, 0, 1) of each possible answer, in order."""
        values = self.values()
        codes = np.zeros(self.n_points, dtype=np.int8)
        codes[values <= self.detractor_max] = Category.DETRACTOR
        codes[values >= self.promoter_min] = Category.PROMOTER
        return codes

    def codes_of(self, answers: npt.NDArray[Any]) -> npt.NDArray[np.int8]:
        """Category code (-1, 0, 1) of each answer (answers on the scale, any dtype).

        Two comparisons per answer, no table with one entry per scale point,
        so the cost does not depend on the scale's span.
        """
        codes = np.zeros(len(answers), dtype=np.int8)
        codes[answers <= self.detractor_max] = Category.DETRACTOR
        codes[answers >= self.promoter_min] = Category.PROMOTER
        return codes

    def category_of(self, answer: int) -> Category:
        """Category of one answer.

        Raises
        ------
        ValueError
            If ``answer`` is not on the scale.
        """
        value = _whole_number("answer", answer)
        if not self.low <= value <= self.high:
            raise ValueError(f"answer {value!r} is outside {self.low}..{self.high}")
        if value <= self.detractor_max:
            return Category.DETRACTOR
        if value >= self.promoter_min:
            return Category.PROMOTER
        return Category.PASSIVE

    def describe(self) -> str:
        """One line saying which answers fall in which category."""
        passives = (
            f"{self.detractor_max + 1}-{self.promoter_min - 1}"
            if self.promoter_min - self.detractor_max > 2
            else (
                str(self.detractor_max + 1)
                if self.promoter_min - self.detractor_max == 2
                else "none"
            )
        )
        return (
            f"{self.low}-{self.high} scale: detractors "
            f"{_span(self.low, self.detractor_max)}, passives {passives}, promoters "
            f"{_span(self.promoter_min, self.high)}"
        )

    def to_dict(self) -> dict[str, Any]:
        """The scale as a JSON-serialisable dictionary."""
        return {
            "low": self.low,
            "high": self.high,
            "detractor_max": self.detractor_max,
            "promoter_min": self.promoter_min,
        }


STANDARD_SCALE = Scale()
"""The standard 0-10 scale: detractors 0-6, passives 7-8, promoters 9-10."""

_PRESETS: dict[str, Scale] = {
    "0-10": STANDARD_SCALE,
    "1-10": Scale(low=1, high=10, detractor_max=6, promoter_min=9),
    "1-7": Scale(low=1, high=7, detractor_max=4, promoter_min=7),
    "1-5": Scale(low=1, high=5, detractor_max=3, promoter_min=5),
    "1-3": Scale(low=1, high=3, detractor_max=1, promoter_min=3),
}


def scale_type_message(value: object) -> str:
    """The error for a ``scale=`` that is not a Scale (a string such as ``'0-10'``, say)."""
    return (
        f"scale must be an npskit.Scale, got {type(value).__name__} {value!r}; build one "
        "with npskit.Scale(low=..., high=..., detractor_max=..., promoter_min=...), or "
        "leave scale out for the standard 0-10 scale"
    )
