"""The ``Histogram``: counts per answer point, the sufficient statistic of every metric."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .errors import EmptyDataError
from .metric import Metric
from .scale import Scale
from .tally import Tally, _count, _weight_sum

__all__ = ["Histogram"]

_TOLERANCE = 1e-9  # relative slack for rounding in sums of floats


@dataclass(frozen=True, slots=True, kw_only=True)
class Histogram:
    """Number of answers at each point ``low..high`` of a scale, and of missing ones.

    The histogram is all any metric needs (NPS, a top-box share, a mean), and
    it adds like :class:`npskit.Tally`: ``histogram(a) + histogram(b) ==
    histogram(a + b)``. With survey weights it keeps, per answer point, the
    sum of weights and of squared weights, as a tally does per category.

    Parameters
    ----------
    counts : sequence of int or float
        ``counts[k]`` is the number of answers equal to ``low + k`` (the sum of
        their weights when weighted); one per answer point.
    low : int, default 0
        The smallest answer; the scale is ``low..low + len(counts) - 1``.
    n_missing : int, default 0
        Missing answers left out.
    squared_weights : sequence of float, optional
        For a weighted histogram, the sum of squared weights at each point.
    responses : int, optional
        For a weighted histogram, the number of answers behind the sums
        (required then).

    Raises
    ------
    TypeError
        If a count is not a number.
    ValueError
        If there are fewer than two points, a count is negative, an unweighted
        count fractional, or the weighted fields are incomplete or inconsistent.

    Examples
    --------
    >>> from npskit import CSAT, Histogram
    >>> h = Histogram(counts=[5, 5, 10, 40, 40], low=1)
    >>> h.n, h.high, h.mean
    (100, 5, 4.05)
    >>> h.score(CSAT)
    80.0
    >>> h + Histogram(counts=[1, 0, 0, 0, 0], low=1, n_missing=2)
    Histogram(counts=(6, 5, 10, 40, 40), low=1, n_missing=2)
    """

    counts: Sequence[int | float]
    low: int = 0
    n_missing: int = 0
    squared_weights: Sequence[float] | None = None
    responses: int | None = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        values = list(np.asarray(self.counts, dtype=object).ravel())
        if len(values) < 2:
            raise ValueError(
                f"counts must hold one count per answer point (two or more), got {len(values)}"
            )
        high = self.low + len(values) - 1
        Scale(low=self.low, high=high, detractor_max=self.low, promoter_min=high)  # checks
        set_(self, "n_missing", _count("n_missing", self.n_missing))
        if self.squared_weights is None:
            whole = tuple(_count(f"counts[{k}]", v) for k, v in enumerate(values))
            total = sum(whole)
            if self.responses is not None and _count("responses", self.responses) != total:
                raise ValueError(
                    f"responses={self.responses!r} does not match the total count {total} "
                    "of an unweighted histogram"
                )
            set_(self, "counts", whole)
            set_(self, "responses", total)
            return
        sums = tuple(_weight_sum(f"counts[{k}]", v) for k, v in enumerate(values))
        squares = tuple(
            _weight_sum(f"squared_weights[{k}]", v) for k, v in enumerate(self.squared_weights)
        )
        if len(squares) != len(sums):
            raise ValueError(
                f"squared_weights must hold one sum per answer point ({len(sums)}), got "
                f"{len(squares)}"
            )
        if self.responses is None:
            raise ValueError(
                "a weighted histogram needs responses, the number of answers behind the sums"
            )
        responses = _count("responses", self.responses)
        _check_weighted(sums, squares, responses)
        set_(self, "counts", sums)
        set_(self, "squared_weights", squares)
        set_(self, "responses", responses)

    # -- construction ---------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Histogram:
        """Rebuild a histogram from :meth:`to_dict`."""
        unknown = sorted(set(data) - {"counts", "low", "n_missing", "squared_weights", "responses"})
        if unknown:
            raise ValueError(f"unknown keys for a Histogram: {unknown!r}")
        if "counts" not in data:
            raise ValueError("a Histogram needs the key 'counts'")
        squares = data.get("squared_weights")
        return cls(
            counts=tuple(data["counts"]),
            low=data.get("low", 0),
            n_missing=data.get("n_missing", 0),
            squared_weights=None if squares is None else tuple(squares),
            responses=data.get("responses"),
        )

    def to_dict(self) -> dict[str, Any]:
        """The histogram as a JSON-serialisable dictionary."""
        return {
            "counts": list(self.counts),
            "low": self.low,
            "n_missing": self.n_missing,
            "squared_weights": None if self.squared_weights is None else list(self.squared_weights),
            "responses": self.responses,
        }

    # -- derived quantities ---------------------------------------------------------

    @property
    def high(self) -> int:
        """The largest answer, ``low + len(counts) - 1``."""
        return self.low + len(self.counts) - 1

    @property
    def is_weighted(self) -> bool:
        """Whether the counts are sums of survey weights."""
        return self.squared_weights is not None

    @property
    def n(self) -> int:
        """Number of answers, unweighted, missing ones left out."""
        return int(self.responses) if self.responses is not None else 0

    @property
    def weight_sum(self) -> int | float:
        """Sum of the counts: the sum of weights when weighted, else ``n``."""
        return math.fsum(self.counts) if self.is_weighted else sum(self.counts)

    @property
    def effective_n(self) -> float:
        """Kish's effective sample size; equal to ``n`` when unweighted."""
        if self.squared_weights is None:
            return float(self.weight_sum)
        squares = math.fsum(self.squared_weights)
        return 0.0 if squares == 0 else float(self.weight_sum) ** 2 / squares

    def values(self) -> npt.NDArray[np.int64]:
        """The answer points ``low..high``."""
        return np.arange(self.low, self.high + 1, dtype=np.int64)

    def arrays(self) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64] | None]:
        """Counts and squared-weight sums (None unweighted) as float arrays, for kernels."""
        squares = None if self.squared_weights is None else np.array(self.squared_weights, float)
        return np.array(self.counts, dtype=np.float64), squares

    @property
    def mean(self) -> float:
        """Mean answer (weighted when weighted).

        Raises
        ------
        EmptyDataError
            If there are no answers.
        """
        counts, _ = self.arrays()
        return float(counts @ self.values().astype(np.float64) / self._nonempty_total())

    def score(self, metric: Metric) -> float:
        """The metric's value: NPS in points, a share in percent, or the mean answer.

        Raises
        ------
        ValueError
            If the metric is on another scale.
        EmptyDataError
            If there are no answers.
        """
        self.check_scale(metric)
        counts, _ = self.arrays()
        return metric.factor * float(counts @ metric.scores() / self._nonempty_total())

    def check_scale(self, metric: Metric) -> None:
        """Raise ValueError unless the histogram is on the metric's scale."""
        if (metric.low, metric.high) != (self.low, self.high):
            raise ValueError(
                f"the histogram is on {self.low}..{self.high} but the metric {metric.name!r} "
                f"on {metric.low}..{metric.high}"
            )

    def to_tally(self, scale: Scale) -> Tally:
        """The NPS tally of these answers under ``scale``'s cut points (same low, high)."""
        if (scale.low, scale.high) != (self.low, self.high):
            raise ValueError(
                f"the histogram is on {self.low}..{self.high} but the scale on "
                f"{scale.low}..{scale.high}"
            )
        codes = scale.categories()
        groups = [np.flatnonzero(codes == code).tolist() for code in (-1, 0, 1)]
        if self.squared_weights is None:
            whole = [sum(int(self.counts[k]) for k in idx) for idx in groups]
            return Tally(
                detractors=whole[0], passives=whole[1], promoters=whole[2], n_missing=self.n_missing
            )
        sums = [math.fsum(self.counts[k] for k in idx) for idx in groups]
        squares = [math.fsum(self.squared_weights[k] for k in idx) for idx in groups]
        return Tally(
            detractors=sums[0],
            passives=sums[1],
            promoters=sums[2],
            n_missing=self.n_missing,
            squared_weights=(squares[0], squares[1], squares[2]),
            responses=self.n,
        )

    def _nonempty_total(self) -> float:
        total = float(self.weight_sum)
        if total <= 0:
            missing = f" ({self.n_missing} missing answers were left out)" if self.n_missing else ""
            raise EmptyDataError(
                f"no answers to compute a metric from: the histogram is empty{missing}"
            )
        return total

    # -- merging -----------------------------------------------------------------

    def __add__(self, other: object) -> Histogram:
        if not isinstance(other, Histogram):
            return NotImplemented
        if (self.low, self.high) != (other.low, other.high):
            raise ValueError(
                f"cannot add histograms on different scales: {self.low}..{self.high} and "
                f"{other.low}..{other.high}"
            )
        counts = tuple(a + b for a, b in zip(self.counts, other.counts, strict=True))
        missing = self.n_missing + other.n_missing
        if self.squared_weights is None and other.squared_weights is None:
            return Histogram(counts=counts, low=self.low, n_missing=missing)
        squares = tuple(a + b for a, b in zip(self._squares(), other._squares(), strict=True))
        return Histogram(
            counts=counts,
            low=self.low,
            n_missing=missing,
            squared_weights=squares,
            responses=self.n + other.n,
        )

    def _squares(self) -> Sequence[float]:
        # An unweighted answer has weight 1, so its squared weight is 1 too.
        if self.squared_weights is None:
            return tuple(float(c) for c in self.counts)
        return self.squared_weights

    # -- display ------------------------------------------------------------------

    def __repr__(self) -> str:
        core = f"counts={self.counts!r}, low={self.low!r}, n_missing={self.n_missing!r}"
        if self.squared_weights is None:
            return f"Histogram({core})"
        return (
            f"Histogram({core}, squared_weights={self.squared_weights!r}, "
            f"responses={self.responses!r})"
        )

    def __str__(self) -> str:
        head = f"{self.n} answers on {self.low}..{self.high}"
        if self.is_weighted:
            head += f", weighted total {self.weight_sum:.6g}, effective n {self.effective_n:.1f}"
        lines = [f"{head}; {self.n_missing} missing left out"]
        total = float(self.weight_sum)
        for value, count in zip(self.values().tolist(), self.counts, strict=True):
            share = f"{100 * count / total:6.1f}%" if total > 0 else "      -"
            shown = f"{count:.6g}" if self.is_weighted else str(count)
            lines.append(f"  {value:>7}{shown:>14}  {share}")
        lines.append("(shares rounded to 1 decimal)")
        return "\n".join(lines)


def _check_weighted(sums: Sequence[float], squares: Sequence[float], responses: int) -> None:
    """Refuse weighted sums that no ``responses`` weights >= 0 can produce (as Tally does)."""
    used = sum(1 for total in sums if total > 0)
    if used > responses:
        raise ValueError(
            f"responses={responses} answers cannot carry weight at {used} answer points"
        )
    for k, (total, square) in enumerate(zip(sums, squares, strict=True)):
        if (total == 0) != (square == 0) or square > total * total * (1 + _TOLERANCE):
            raise ValueError(
                f"point {k}: a weight sum of {total!r} cannot go with a sum of squared "
                f"weights of {square!r}"
            )
    weight_sum, square_sum = math.fsum(sums), math.fsum(squares)
    if weight_sum * weight_sum > responses * square_sum * (1 + _TOLERANCE):
        raise ValueError(
            f"a weight sum of {weight_sum!r} over {responses} answers needs a sum of squared "
            f"weights of at least {weight_sum * weight_sum / responses!r}, got {square_sum!r}"
        )
