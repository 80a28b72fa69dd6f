"""Exceptions raised by npskit.

Every exception the package raises on purpose derives from :class:`NpskitError`
and also from the builtin a caller would expect (``ValueError`` for a bad value,
``TypeError`` for a wrong kind of argument), so ``except ValueError`` keeps
working for code that does not know about npskit.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "EmptyDataError",
    "InvalidScoresError",
    "InvalidWeightsError",
    "MissingAnswersError",
    "NpskitError",
    "ScoreTypeError",
    "one_tally_needed",
]


class NpskitError(Exception):
    """Base class of every exception npskit raises on purpose."""


class InvalidScoresError(NpskitError, ValueError):
    """Answers that cannot be NPS answers: outside the scale, fractional, infinite.

    Attributes
    ----------
    count : int
        How many answers are affected.
    positions : tuple of int
        Zero-based positions of the first few affected answers (at most 5),
        counted over the whole input, across chunks.
    values : tuple
        The offending values at those positions.
    """

    def __init__(
        self,
        message: str,
        *,
        count: int = 0,
        positions: Sequence[int] = (),
        values: Sequence[object] = (),
    ) -> None:
        super().__init__(message)
        self.count = count
        self.positions = tuple(positions)
        self.values = tuple(values)


class MissingAnswersError(InvalidScoresError):
    """Missing answers met under ``nan_policy="raise"``."""


class ScoreTypeError(NpskitError, TypeError):
    """Answers of a kind that is not a number (booleans, dates, objects)."""


class InvalidWeightsError(NpskitError, ValueError):
    """Weights that are negative, not finite, or do not match the answers."""


class EmptyDataError(NpskitError, ValueError):
    """A statistic was asked of a sample with no answers left."""


def one_tally_needed(name: str) -> str:
    """The message for a grouped tally passed where one tally or one set of answers is needed."""
    return (
        f"{name} is a GroupedTally (counts per segment), but this function needs one set of "
        f"answers or one Tally: pass {name}.total for all answers, {name}[key] for one "
        "segment, or use breakdown() or trend() for results per segment or period"
    )
