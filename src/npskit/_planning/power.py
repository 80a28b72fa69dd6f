"""Power of a two-period comparison: ``power`` and its result ``Power``.

The power is exact (every pair of possible samples tested with the method's
own formula, from the comparison registry) while the two trinomial
distributions are small enough, else the normal approximation.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any, get_args

import numpy as np

from npskit._compare.methods import COMPARE_METHODS, DEFAULT_COMPARE_METHOD
from npskit._core.results import json_dict
from npskit._core.tally import Shares
from npskit._core.validation import check_choice, check_confidence_level, check_positive_int
from npskit._planning.shared import check_shares
from npskit._stats.consistency import contain_estimate
from npskit._stats.normal import tail_probability
from npskit._stats.trinomial import (
    count_outcomes,
    normal_power,
    shifted_shares,
    trinomial_outcomes,
)
from npskit.typing import Alternative, PowerMethod

__all__ = ["Power", "exact_rejection", "planned_power", "power", "rejection_matrix"]

Shares3 = tuple[float, float, float]
Array = np.ndarray[Any, Any]

MAX_PAIRS = 12_000_000
"""Largest number of outcome pairs :func:`power` enumerates; beyond, the normal approximation."""

_CHUNK = 1_000_000


@dataclass(frozen=True, slots=True, kw_only=True)
class Power:
    """The power of a planned two-period comparison.

    Attributes
    ----------
    power : float
        Probability that the test rejects H0 (no change) at level
        ``1 - confidence_level`` when the shares are ``baseline`` and ``current``.
    exact : bool
        True when computed by exact enumeration, False for the normal approximation.
    baseline, current : Shares
        Expected shares of each period.
    n_baseline, n_current : int
        Answers in each period.
    compare_method : str
        The test of :func:`npskit.compare` whose power this is.
    alternative : str
        As in :func:`npskit.compare`.
    confidence_level : float
        The test rejects when its p-value is below ``1 - confidence_level``.
    """

    power: float
    exact: bool
    baseline: Shares
    current: Shares
    n_baseline: int
    n_current: int
    compare_method: str
    alternative: str
    confidence_level: float

    @property
    def difference(self) -> float:
        """The expected change of the NPS, in points."""
        return 100.0 * (
            (self.current.promoters - self.current.detractors)
            - (self.baseline.promoters - self.baseline.detractors)
        )

    def to_dict(self) -> dict[str, Any]:
        """The result as a JSON-serialisable dictionary."""
        return json_dict(
            {
                "power": self.power,
                "exact": self.exact,
                "baseline": self.baseline._asdict(),
                "current": self.current._asdict(),
                "difference": self.difference,
                "n_baseline": self.n_baseline,
                "n_current": self.n_current,
                "compare_method": self.compare_method,
                "alternative": self.alternative,
                "confidence_level": self.confidence_level,
            }
        )

    def __str__(self) -> str:
        how = "exact" if self.exact else "normal approximation"
        return (
            f"power {self.power:.3f} to detect a change of {self.difference:+.1f} points with "
            f"n = {self.n_baseline} and {self.n_current} ({self.compare_method}, "
            f"{self.alternative}, {100 * self.confidence_level:g}%; {how}; rounded)"
        )


def rejection_matrix(
    compare_method: str,
    outcomes0: Array,
    outcomes1: Array,
    *,
    confidence_level: float,
    alternative: str,
) -> Array:
    """Whether the test rejects at ``1 - confidence_level``, for every pair of outcomes.

    Rows are baseline outcomes, columns current outcomes (counts, k x 3).
    The test rejects when its interval (the method's ``grid`` kernel in the
    registry, the formula :func:`npskit.compare` uses, widened to contain the
    estimated difference as :func:`npskit.compare` does) excludes 0 on H1's side.
    """
    grid = COMPARE_METHODS[compare_method].grid
    if grid is None:  # pragma: no cover - PowerMethod names methods with a grid kernel
        raise ValueError(f"compare_method={compare_method!r} has no vectorised kernel")
    low, high = grid(outcomes0, outcomes1, tail_probability(confidence_level, alternative))
    # The rule compare applies: an interval always contains its own estimate.
    estimate = _net_share(outcomes1)[None, :] - _net_share(outcomes0)[:, None]
    low, high = contain_estimate(low, high, estimate)
    if alternative == "greater":
        result: Array = low > 0
    elif alternative == "less":
        result = high < 0
    else:
        result = (low > 0) | (high < 0)
    return result


def _net_share(outcomes: Array) -> Array:
    total = outcomes.sum(axis=1)
    net: Array = (outcomes[:, 2] - outcomes[:, 0]) / np.where(total > 0, total, 1.0)
    return net


def exact_rejection(
    compare_method: str,
    shares0: Shares3,
    shares1: Shares3,
    n0: int,
    n1: int,
    *,
    confidence_level: float,
    alternative: str,
) -> float:
    """Probability that the test rejects, by enumerating both trinomials (to about 1e-9)."""
    outcomes0, pmf0 = trinomial_outcomes(shares0, n0)
    outcomes1, pmf1 = trinomial_outcomes(shares1, n1)
    rows = max(1, _CHUNK // max(1, outcomes1.shape[0]))
    total = 0.0
    for start in range(0, outcomes0.shape[0], rows):
        block = rejection_matrix(
            compare_method,
            outcomes0[start : start + rows],
            outcomes1,
            confidence_level=confidence_level,
            alternative=alternative,
        )
        total += float(pmf0[start : start + rows] @ (block @ pmf1))
    return min(1.0, max(0.0, total))


def planned_power(
    compare_method: str,
    shares0: Shares3,
    shares1: Shares3,
    n0: int,
    n1: int,
    level: float,
    side: str,
) -> tuple[float, bool]:
    """The power and whether it is exact (enumerated) rather than approximate."""
    # A cheap size check first: the full outcome grids have (n + 1)(n + 2)/2 points.
    if (n0 + 1) * (n0 + 2) // 2 * ((n1 + 1) * (n1 + 2) // 2) <= MAX_PAIRS or (
        n0 <= 2000
        and n1 <= 2000
        and count_outcomes(shares0, n0) * count_outcomes(shares1, n1) <= MAX_PAIRS
    ):
        value = exact_rejection(
            compare_method, shares0, shares1, n0, n1, confidence_level=level, alternative=side
        )
        return value, True
    return normal_power(shares0, shares1, n0, n1, confidence_level=level, alternative=side), False


def power(
    baseline: Any,
    current: Any = None,
    *,
    difference: float | None = None,
    n_baseline: int,
    n_current: int | None = None,
    compare_method: PowerMethod = DEFAULT_COMPARE_METHOD,  # type: ignore[assignment]
    confidence_level: float = 0.95,
    alternative: Alternative = "two-sided",
) -> Power:
    """Probability that :func:`npskit.compare` detects the change between two periods.

    Parameters
    ----------
    baseline : Tally or sequence of three floats
        Expected shares of detractors, passives and promoters in the baseline
        period (a tally gives its shares).
    current : Tally or sequence of three floats, optional
        Expected shares in the current period. Give this or ``difference``.
    difference : float, optional
        Expected change of the NPS in points; the current shares are then the
        baseline's with half the change moved from detractors to promoters
        (or back), see Notes.
    n_baseline : int
        Answers in the baseline period.
    n_current : int, optional
        Answers in the current period; ``n_baseline`` when omitted.
    compare_method : {"mover", "wald", "adjusted-wald"}, default "mover"
        The test of :func:`npskit.compare` whose power is computed.
    confidence_level : float, default 0.95
        The test rejects when its p-value is below ``1 - confidence_level``.
    alternative : {"two-sided", "greater", "less"}, default "two-sided"
        As in :func:`npskit.compare`.

    Returns
    -------
    Power
        ``power``, the probability of rejecting H0 (no change) at level ``1 -
        confidence_level`` when the shares are the ones given, whether it is
        ``exact``, and the inputs.

    Raises
    ------
    TypeError
        If shares are neither a Tally nor three numbers, or both or neither of
        ``current`` and ``difference`` are given.
    ValueError
        If shares are negative or do not add up to 1, ``difference`` cannot
        be reached, a size is below 1, or an option is not allowed.

    Notes
    -----
    Exact when the two trinomial distributions have at most 12 million pairs
    of outcomes (after leaving out outcomes less likely than 1e-15, which
    changes the result by less than 1e-9): every pair of possible samples
    is tested with the method's own formulas and the rejections are summed
    with their probabilities. This covers up to about 150 answers per period
    at typical shares. Beyond that, the normal approximation
    :math:`\\Phi(|\\Delta|/\\sigma - z_{1-\\alpha/2}) + \\Phi(-|\\Delta|/\\sigma - z_{1-\\alpha/2})`
    with :math:`\\sigma^2 = v_0/n_0 + v_1/n_1`,
    :math:`v = p + d - (p - d)^2` (one tail for one-sided tests), which the
    three methods share asymptotically.

    With ``difference`` :math:`\\Delta` (points), the current shares are
    :math:`(d - \\Delta/2, s, p + \\Delta/2)` (as shares): a change that
    moves answers between the two ends of the scale. If the category that
    gives runs out, the rest of the change moves passives instead.

    Examples
    --------
    >>> from npskit import power
    >>> round(power((0.2, 0.3, 0.5), difference=-20, n_baseline=100).power, 3)
    0.415
    >>> print(power((0.2, 0.3, 0.5), (0.3, 0.3, 0.4), n_baseline=100))
    power 0.415 to detect a change of -20.0 points with n = 100 and 100 (mover, two-sided,
    95%; exact; rounded)
    """
    chosen: PowerMethod = check_choice("compare_method", compare_method, get_args(PowerMethod))
    side: Alternative = check_choice("alternative", alternative, get_args(Alternative))
    level = check_confidence_level(confidence_level)
    n0 = check_positive_int("n_baseline", n_baseline)
    n1 = n0 if n_current is None else check_positive_int("n_current", n_current)
    shares0: Shares3 = check_shares("baseline", baseline)
    if (current is None) == (difference is None):
        raise TypeError("give exactly one of current (expected shares) and difference (points)")
    if current is not None:
        shares1: Shares3 = check_shares("current", current)
    else:
        if isinstance(difference, bool) or not isinstance(difference, numbers.Real):
            raise TypeError(f"difference must be a number of points, got {difference!r}")
        if not math.isfinite(float(difference)):
            raise ValueError(f"difference must be finite, got {difference!r}")
        shares1 = shifted_shares(shares0, float(difference))
    value, exact = planned_power(chosen, shares0, shares1, n0, n1, level, side)
    return Power(
        power=value,
        exact=exact,
        baseline=Shares(*shares0),
        current=Shares(*shares1),
        n_baseline=n0,
        n_current=n1,
        compare_method=chosen,
        alternative=side,
        confidence_level=level,
    )
