"""Answers per period to detect a change: ``sample_size_compare`` and ``SampleSizeComparison``."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any, get_args

from npskit._compare.methods import DEFAULT_COMPARE_METHOD
from npskit._core.results import json_dict
from npskit._core.tally import Shares
from npskit._core.validation import check_choice, check_confidence_level, check_probability
from npskit._planning.power import Shares3, planned_power
from npskit._planning.shared import check_shares
from npskit._stats.trinomial import normal_size, shifted_shares
from npskit.typing import Alternative, PowerMethod

__all__ = ["SampleSizeComparison", "sample_size_compare"]

MAX_PER_PERIOD = 10**12
"""Largest sample size per period :func:`sample_size_compare` searches up to."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SampleSizeComparison:
    """The answers per period a two-period comparison needs.

    Attributes
    ----------
    n : int
        Answers to collect in each period (equal sizes).
    power : float
        The power achieved at ``n`` (at least ``target``).
    target : float
        The power asked for.
    difference : float
        The change of the NPS to detect, in points.
    baseline, current : Shares
        Expected shares of each period.
    worst_case : bool
        True when no shares were given and the worst case was used.
    compare_method, alternative : str
        The test of :func:`npskit.compare` planned for, and its alternative.
    confidence_level : float
        The test rejects when its p-value is below ``1 - confidence_level``.
    """

    n: int
    power: float
    target: float
    difference: float
    baseline: Shares
    current: Shares
    worst_case: bool
    compare_method: str
    alternative: str
    confidence_level: float

    def to_dict(self) -> dict[str, Any]:
        """The result as a JSON-serialisable dictionary."""
        return json_dict(
            {
                "n": self.n,
                "power": self.power,
                "target": self.target,
                "difference": self.difference,
                "baseline": self.baseline._asdict(),
                "current": self.current._asdict(),
                "worst_case": self.worst_case,
                "compare_method": self.compare_method,
                "alternative": self.alternative,
                "confidence_level": self.confidence_level,
            }
        )

    def __str__(self) -> str:
        shares = "worst case" if self.worst_case else "expected shares given"
        return (
            f"n = {self.n} answers per period detect a change of {self.difference:+g} points "
            f"with power {self.power:.3f} (target {self.target:g}; {self.compare_method}, "
            f"{self.alternative}, {100 * self.confidence_level:g}%, {shares}; rounded)"
        )


def sample_size_compare(
    difference: float,
    *,
    power: float = 0.8,
    confidence_level: float = 0.95,
    expected: Any = None,
    alternative: Alternative = "two-sided",
    compare_method: PowerMethod = DEFAULT_COMPARE_METHOD,  # type: ignore[assignment]
) -> SampleSizeComparison:
    """Answers needed in each period to detect a change of ``difference`` points.

    Parameters
    ----------
    difference : float
        The change of the NPS to detect, in points (non-zero; its sign
        matters for one-sided alternatives).
    power : float, default 0.8
        The probability of detecting it, strictly between 0 and 1.
    confidence_level : float, default 0.95
        The test rejects when its p-value is below ``1 - confidence_level``.
    expected : Tally or sequence of three floats, optional
        Expected shares (detractors, passives, promoters) of the baseline
        period. When omitted, the worst case: no passives, baseline NPS
        ``-difference/2`` and current ``+difference/2``, which makes the
        variance of the difference, and so the sample size, the largest.
    alternative : {"two-sided", "greater", "less"}, default "two-sided"
        As in :func:`npskit.compare`.
    compare_method : {"mover", "wald", "adjusted-wald"}, default "mover"
        The test of :func:`npskit.compare` to plan for.

    Returns
    -------
    SampleSizeComparison
        ``n``, the number of answers per period (equal sizes) with
        ``power(..., n_baseline=n).power >= power`` and, for ``n > 1``,
        ``power(..., n_baseline=n - 1).power < power``; the power achieved
        and the inputs.

    Raises
    ------
    TypeError, ValueError
        As for :func:`npskit.power`; also if ``difference`` is 0.

    Notes
    -----
    The current shares come from ``expected`` as in :func:`npskit.power`.
    The power is the one :func:`npskit.power` computes (exact enumeration
    up to about 150 answers per period, the normal approximation above).
    The search starts from the normal-approximation size
    :math:`n = (z_{1-\\alpha/2} + z_{\\mathrm{power}})^2 (v_0 + v_1)/\\Delta^2`,
    brackets the target and bisects. Exact power is a saw-tooth in ``n``
    (the samples are discrete), so an ``n`` a little above the returned one
    can occasionally fall short again; the returned ``n`` is the first one
    of a crossing, not a guarantee for every larger ``n``.

    Examples
    --------
    >>> from npskit import sample_size_compare
    >>> sample_size_compare(-20, expected=(0.2, 0.3, 0.5)).n
    256
    """
    chosen: PowerMethod = check_choice("compare_method", compare_method, get_args(PowerMethod))
    side: Alternative = check_choice("alternative", alternative, get_args(Alternative))
    level = check_confidence_level(confidence_level)
    target = check_probability("power", power)
    if isinstance(difference, bool) or not isinstance(difference, numbers.Real):
        raise TypeError(f"difference must be a number of points, got {difference!r}")
    change = float(difference)
    if not math.isfinite(change) or change == 0.0 or abs(change) > 200.0:
        raise ValueError(
            f"difference must be a non-zero number of points within -200..200, got {difference!r}"
        )
    if expected is None:
        half = change / 400.0  # the baseline NPS is -change/2, as a share
        shares0: Shares3 = (0.5 + half, 0.0, 0.5 - half)
    else:
        shares0 = check_shares("expected", expected)
    shares1 = shifted_shares(shares0, change)

    def achieved(n: int) -> float:
        return planned_power(chosen, shares0, shares1, n, n, level, side)[0]

    n = _search(achieved, target, normal_size(shares0, shares1, level, target, side))
    if n is None:
        raise ValueError(
            f"no sample size up to 10^12 per period reaches power={power!r} for "
            f"difference={difference!r} with alternative={alternative!r}"
        )
    return SampleSizeComparison(
        n=n,
        power=achieved(n),
        target=target,
        difference=change,
        baseline=Shares(*shares0),
        current=Shares(*shares1),
        worst_case=expected is None,
        compare_method=chosen,
        alternative=side,
        confidence_level=level,
    )


def _search(achieved: Any, target: float, start: int) -> int | None:
    """The first ``n`` of a crossing ``achieved(n) >= target > achieved(n - 1)``, from ``start``."""
    hi = start
    while achieved(hi) < target:
        hi = math.ceil(hi * 1.25) + 1
        if hi > MAX_PER_PERIOD:
            return None
    lo = max(1, hi // 2)
    while lo > 1 and achieved(lo) >= target:
        hi, lo = lo, max(1, lo // 2)
    if lo == 1 and achieved(1) >= target:
        return 1
    while hi - lo > 1:
        middle = (lo + hi) // 2
        if achieved(middle) >= target:
            hi = middle
        else:
            lo = middle
    return hi
