"""The Tally: category counts, the sufficient statistic of every NPS method."""

from __future__ import annotations

import math
import numbers
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

import numpy as np

from .errors import EmptyDataError
from .scale import STANDARD_SCALE, Scale

__all__ = ["Shares", "Tally"]

_CATEGORIES = ("detractors", "passives", "promoters")

MAX_COUNT = 10**300
"""Largest count a Tally accepts: statistics compute in float64 (at most ~1.8e308)."""


class Shares(NamedTuple):
    """Shares of detractors, passives and promoters; they sum to 1."""

    detractors: float
    passives: float
    promoters: float


def _count(name: str, value: object) -> int:
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        value = int(value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a whole number, got {value!r}")
    if isinstance(value, numbers.Integral):
        count = operator.index(value)
    elif math.isfinite(number := float(value)) and number.is_integer():
        count = int(number)
    else:
        raise ValueError(
            f"{name} must be a whole number of answers, got {value!r}; pass "
            "squared_weights and responses too if these are sums of weights"
        )
    if count < 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    if count > MAX_COUNT:
        raise ValueError(
            f"{name} must be at most 10**300, got a number with {len(str(count))} digits; "
            "every statistic computes in float64, whose largest value is about 1.8e308"
        )
    return count


def _weight_sum(name: str, value: object) -> float:
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r}")
    try:
        total = float(value)
    except OverflowError:
        total = math.inf
    if not math.isfinite(total) or total < 0:
        raise ValueError(f"{name} must be finite and >= 0, got {value!r}")
    return total


_TOLERANCE = 1e-9  # relative slack for rounding in sums of floats


def _check_weighted(sums: list[float], squares: tuple[float, ...], responses: int) -> None:
    """Refuse weighted fields that no set of ``responses`` weights >= 0 can produce.

    The rules are those :func:`npskit.from_counts_table` applies to each row:
    with ``c`` weights ``w >= 0``, ``sum w**2 <= (sum w)**2`` (per category)
    and ``(sum w)**2 <= c * sum w**2`` (Cauchy-Schwarz, over all answers), and
    a category with weight needs at least one answer.
    """
    used = sum(1 for total in sums if total > 0)
    if used > responses:
        raise ValueError(
            f"responses={responses} answers cannot carry weight in {used} categories; "
            "responses is the number of answers behind the weighted sums"
        )
    for name, total, square in zip(_CATEGORIES, sums, squares, strict=True):
        if square > total * total * (1 + _TOLERANCE):
            raise ValueError(
                f"the {name}' sum of squared weights {square!r} is larger than the square of "
                f"their sum of weights {total!r}, which weights >= 0 cannot give; check that "
                "the sums and the squared sums are not swapped"
            )
    weight_sum, square_sum = math.fsum(sums), math.fsum(squares)
    if weight_sum * weight_sum > responses * square_sum * (1 + _TOLERANCE):
        raise ValueError(
            f"a weight sum of {weight_sum!r} over {responses} answers needs a sum of squared "
            f"weights of at least {weight_sum * weight_sum / responses!r} (its square over "
            f"responses), got {square_sum!r}; the effective n would exceed the number of answers"
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Tally:
    """Counts of detractors, passives and promoters, and of missing answers.

    A tally is all any NPS statistic needs, so every npskit function that takes
    answers also takes a tally. Tallies of disjoint parts of the data add up:
    ``tally(a) + tally(b) == tally(a + b)``.

    Parameters
    ----------
    detractors, passives, promoters : int or float
        Number of answers in each category; with weights, the sum of the
        weights of those answers.
    n_missing : int, default 0
        Number of missing answers that were left out.
    squared_weights : tuple of three floats, optional
        For a weighted tally: the sums of squared weights of detractors,
        passives and promoters. Leave out for an unweighted tally.
    responses : int, optional
        For a weighted tally: the number of answers behind the weighted sums
        (required then). For an unweighted tally it is the total and may be
        left out.

    Raises
    ------
    TypeError
        If a count is not a number.
    ValueError
        If a count is negative, an unweighted count is fractional, or the
        weighted fields are incomplete or inconsistent.

    See Also
    --------
    tally : Build a tally from answers.

    Notes
    -----
    Counts are stored as Python integers, which cannot overflow; weighted sums
    as floats. The effective sample size of a weighted tally is Kish's
    :math:`n_\\mathrm{eff} = (\\sum w)^2 / \\sum w^2` [1]_.

    References
    ----------
    .. [1] Kish, L. (1965). *Survey Sampling*. New York: Wiley.

    Examples
    --------
    >>> from npskit import Tally
    >>> t = Tally(detractors=20, passives=30, promoters=50)
    >>> t.n, t.nps
    (100, 30.0)
    >>> t + Tally(detractors=5, passives=0, promoters=0, n_missing=2)
    Tally(detractors=25, passives=30, promoters=50, n_missing=2)
    """

    detractors: int | float
    passives: int | float
    promoters: int | float
    n_missing: int = 0
    squared_weights: tuple[float, float, float] | None = None
    responses: int | None = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "n_missing", _count("n_missing", self.n_missing))
        if self.squared_weights is None:
            counts = [_count(name, getattr(self, name)) for name in _CATEGORIES]
            for name, count in zip(_CATEGORIES, counts, strict=True):
                set_(self, name, count)
            total = sum(counts)
            if self.responses is not None and _count("responses", self.responses) != total:
                raise ValueError(
                    f"responses={self.responses!r} does not match the total count "
                    f"{total} of an unweighted tally"
                )
            set_(self, "responses", total)
            return
        sums = [_weight_sum(name, getattr(self, name)) for name in _CATEGORIES]
        if len(self.squared_weights) != 3:
            raise ValueError(
                "squared_weights must hold three sums (detractors, passives, "
                f"promoters), got {self.squared_weights!r}"
            )
        squares = tuple(
            _weight_sum(f"squared_weights[{i}]", v) for i, v in enumerate(self.squared_weights)
        )
        for name, weight_sum, square in zip(_CATEGORIES, sums, squares, strict=True):
            if (weight_sum == 0) != (square == 0):
                raise ValueError(
                    f"{name}: a weight sum of {weight_sum!r} cannot go with a sum of "
                    f"squared weights of {square!r}"
                )
        if self.responses is None:
            raise ValueError(
                "a weighted tally needs responses, the number of answers behind the weighted sums"
            )
        responses = _count("responses", self.responses)
        _check_weighted(sums, squares, responses)
        for name, weight_sum in zip(_CATEGORIES, sums, strict=True):
            set_(self, name, weight_sum)
        set_(self, "squared_weights", squares)
        set_(self, "responses", responses)

    # -- construction -----------------------------------------------------

    @classmethod
    def from_histogram(
        cls,
        counts: Sequence[int] | np.ndarray[Any, Any],
        *,
        scale: Scale = STANDARD_SCALE,
        n_missing: int = 0,
    ) -> Tally:
        """Build a tally from the number of answers at each point of the scale.

        Parameters
        ----------
        counts : sequence of int
            ``counts[k]`` is the number of answers equal to ``scale.low + k``;
            for the standard scale, eleven counts for the answers 0..10.
        scale : Scale, default the standard 0-10 scale
            The scale the histogram is on.
        n_missing : int, default 0
            Number of missing answers.

        Raises
        ------
        ValueError
            If there is not one count per scale point, or a count is negative
            or fractional.

        Examples
        --------
        >>> from npskit import Tally
        >>> Tally.from_histogram([1, 0, 0, 0, 0, 0, 2, 3, 0, 4, 1])
        Tally(detractors=3, passives=3, promoters=5, n_missing=0)
        """
        values = list(np.asarray(counts, dtype=object).ravel())
        if len(values) != scale.n_points:
            raise ValueError(
                f"counts must hold one count per answer {scale.low}..{scale.high} "
                f"({scale.n_points} counts), got {len(values)}"
            )
        whole = [_count(f"counts[{k}]", v) for k, v in enumerate(values)]
        cut_d = scale.detractor_max - scale.low + 1
        cut_p = scale.promoter_min - scale.low
        return cls(
            detractors=sum(whole[:cut_d]),
            passives=sum(whole[cut_d:cut_p]),
            promoters=sum(whole[cut_p:]),
            n_missing=n_missing,
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Tally:
        """Rebuild a tally from the output of :meth:`to_dict`.

        Raises
        ------
        ValueError
            If keys are missing or unknown.
        """
        known = {*_CATEGORIES, "n_missing", "squared_weights", "responses"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown keys for a Tally: {unknown!r}")
        lacking = [name for name in _CATEGORIES if name not in data]
        if lacking:
            raise ValueError(f"a Tally needs the keys {lacking!r}")
        squares = data.get("squared_weights")
        return cls(
            detractors=data["detractors"],
            passives=data["passives"],
            promoters=data["promoters"],
            n_missing=data.get("n_missing", 0),
            squared_weights=None if squares is None else tuple(squares),
            responses=data.get("responses"),
        )

    def to_dict(self) -> dict[str, Any]:
        """The tally as a JSON-serialisable dictionary (see :meth:`from_dict`)."""
        return {
            "detractors": self.detractors,
            "passives": self.passives,
            "promoters": self.promoters,
            "n_missing": self.n_missing,
            "squared_weights": (
                None if self.squared_weights is None else list(self.squared_weights)
            ),
            "responses": self.responses,
        }

    # -- derived quantities -----------------------------------------------

    @property
    def is_weighted(self) -> bool:
        """Whether the counts are sums of survey weights."""
        return self.squared_weights is not None

    @property
    def n(self) -> int:
        """Number of answers, unweighted, missing ones left out."""
        return self.responses if self.responses is not None else int(self.weight_sum)

    @property
    def weight_sum(self) -> int | float:
        """Sum of the counts: the sum of weights when weighted, else ``n``."""
        return self.detractors + self.passives + self.promoters

    @property
    def effective_n(self) -> float:
        """Kish's effective sample size; equal to ``n`` when unweighted."""
        if self.squared_weights is None:
            return float(self.weight_sum)
        squares = math.fsum(self.squared_weights)
        return 0.0 if squares == 0 else float(self.weight_sum) ** 2 / squares

    @property
    def shares(self) -> Shares:
        """Shares of detractors, passives and promoters.

        Raises
        ------
        EmptyDataError
            If the tally has no answers.
        """
        total = self._nonempty_total()
        return Shares(self.detractors / total, self.passives / total, self.promoters / total)

    @property
    def nps(self) -> float:
        """NPS in points, ``100 * (promoters - detractors) / n``.

        Raises
        ------
        EmptyDataError
            If the tally has no answers.
        """
        total = self._nonempty_total()
        return 100 * ((self.promoters - self.detractors) / total)

    def _nonempty_total(self) -> int | float:
        total = self.weight_sum
        if total <= 0:
            missing = f" ({self.n_missing} missing answers were left out)" if self.n_missing else ""
            raise EmptyDataError(f"no answers to compute an NPS from: the tally is empty{missing}")
        return total

    # -- merging ----------------------------------------------------------

    def __add__(self, other: object) -> Tally:
        if not isinstance(other, Tally):
            return NotImplemented
        if self.squared_weights is None and other.squared_weights is None:
            return Tally(
                detractors=self.detractors + other.detractors,
                passives=self.passives + other.passives,
                promoters=self.promoters + other.promoters,
                n_missing=self.n_missing + other.n_missing,
            )
        mine, theirs = self._squares(), other._squares()
        return Tally(
            detractors=self.detractors + other.detractors,
            passives=self.passives + other.passives,
            promoters=self.promoters + other.promoters,
            n_missing=self.n_missing + other.n_missing,
            squared_weights=(mine[0] + theirs[0], mine[1] + theirs[1], mine[2] + theirs[2]),
            responses=self.n + other.n,
        )

    def _squares(self) -> tuple[float, float, float]:
        # An unweighted answer has weight 1, so its squared weight is 1 too.
        if self.squared_weights is None:
            return (float(self.detractors), float(self.passives), float(self.promoters))
        return self.squared_weights

    # -- display ----------------------------------------------------------

    def __repr__(self) -> str:
        core = (
            f"detractors={self.detractors!r}, passives={self.passives!r}, "
            f"promoters={self.promoters!r}, n_missing={self.n_missing!r}"
        )
        if self.squared_weights is None:
            return f"Tally({core})"
        return (
            f"Tally({core}, squared_weights={self.squared_weights!r}, responses={self.responses!r})"
        )

    def __str__(self) -> str:
        weighted = self.is_weighted
        lines = []
        head = f"NPS {self.nps:+.1f}" if self.weight_sum > 0 else "NPS undefined (no answers)"
        answers = f"{self.n} answers"
        if weighted:
            answers += f", weighted total {self.weight_sum:.6g}, effective n {self.effective_n:.1f}"
        lines.append(f"{head} from {answers}; {self.n_missing} missing left out")
        for name in _CATEGORIES:
            value = getattr(self, name)
            share = f"{100 * value / self.weight_sum:6.1f}%" if self.weight_sum > 0 else "      -"
            shown = f"{value:.6g}" if weighted else str(value)
            lines.append(f"  {name:<11}{shown:>14}  {share}")
        lines.append("(NPS and shares rounded to 1 decimal)")
        return "\n".join(lines)
