"""Power of a two-period comparison, and the sample size that reaches a given power."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any, get_args

import numpy as np

from npskit._core.tally import Tally
from npskit._core.validation import (
    check_choice,
    check_confidence_level,
    check_positive_int,
    check_probability,
)
from npskit.typing import Alternative, PowerMethod

__all__ = ["exact_rejection", "power", "sample_size_compare", "shifted_shares"]

Shares3 = tuple[float, float, float]
Array = np.ndarray[Any, Any]

PRUNE = 1e-15
"""Outcomes less likely than this are left out of the enumeration (mass dropped <= 1e-9)."""

MAX_PAIRS = 12_000_000
"""Largest number of outcome pairs :func:`power` enumerates; beyond, the normal approximation."""

_CHUNK = 1_000_000


def _shares(name: str, value: Any) -> Shares3:
    """Expected shares (detractors, passives, promoters) from a Tally or three numbers."""
    if isinstance(value, Tally):
        total = float(value.weight_sum)
        if total <= 0:
            raise ValueError(f"{name} must be a Tally with answers, got {value!r}")
        return (value.detractors / total, value.passives / total, value.promoters / total)
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(
            f"{name} must be a Tally or three shares (detractors, passives, promoters), "
            f"got {value!r}"
        )
    if len(value) != 3 or not all(
        isinstance(v, numbers.Real) and not isinstance(v, bool) for v in value
    ):
        raise TypeError(
            f"{name} must hold three shares (detractors, passives, promoters), got {value!r}"
        )
    shares = tuple(float(v) for v in value)
    if not all(math.isfinite(v) and v >= 0 for v in shares) or abs(sum(shares) - 1) > 1e-9:
        raise ValueError(
            f"{name} must be three non-negative shares that add up to 1, got {value!r}"
        )
    total = sum(shares)
    return (shares[0] / total, shares[1] / total, shares[2] / total)


def shifted_shares(baseline: Shares3, difference: float) -> Shares3:
    """The current shares after a change of ``difference`` points.

    Half of the change moves answers from detractor to promoter (raising the
    NPS) or back (lowering it), the passives unchanged: ``p + D/2``,
    ``d - D/2``. When that would empty the category that gives, the rest of
    the change comes from the passives.
    """
    d, s, p = baseline
    change = difference / 100.0
    if change >= 0:
        moved = min(d, change / 2.0)  # detractors turned promoters
        rest = change - 2.0 * moved  # passives turned promoters
        d1, s1, p1 = d - moved, s - rest, p + moved + rest
    else:
        moved = min(p, -change / 2.0)
        rest = -change - 2.0 * moved
        d1, s1, p1 = d + moved + rest, s - rest, p - moved
    if s1 < -1e-12:
        raise ValueError(
            f"difference={difference!r} cannot be reached from an NPS of "
            f"{100 * (p - d):.1f}: the NPS stays within -100..100"
        )
    s1 = max(s1, 0.0)
    return (d1, s1, p1)


def _outcomes(shares: Shares3, n: int) -> tuple[Array, Array]:
    """Every trinomial outcome with probability above ``PRUNE``: counts (k x 3) and pmf."""
    from scipy.special import gammaln, xlogy

    x_d, x_s = np.meshgrid(np.arange(n + 1.0), np.arange(n + 1.0), indexing="ij")
    x_d, x_s = x_d.ravel(), x_s.ravel()
    x_p = n - x_d - x_s
    keep = x_p >= 0
    x_d, x_s, x_p = x_d[keep], x_s[keep], x_p[keep]
    log_pmf = (
        gammaln(n + 1.0)
        - gammaln(x_d + 1.0)
        - gammaln(x_s + 1.0)
        - gammaln(x_p + 1.0)
        + xlogy(x_d, shares[0])
        + xlogy(x_s, shares[1])
        + xlogy(x_p, shares[2])
    )
    pmf = np.exp(log_pmf)
    likely = pmf > PRUNE
    return np.stack([x_d[likely], x_s[likely], x_p[likely]], axis=1), pmf[likely]


def _count_outcomes(shares: Shares3, n: int) -> int:
    """How many outcomes :func:`_outcomes` keeps, without building the pmf for large n."""
    return int(_outcomes(shares, n)[0].shape[0])


def rejection_matrix(
    method: str,
    outcomes0: Array,
    outcomes1: Array,
    *,
    confidence_level: float,
    alternative: str,
) -> Array:
    """Whether the test rejects at ``1 - confidence_level``, for every pair of outcomes.

    Rows are baseline outcomes, columns current outcomes (counts, k x 3).
    The same formulas as :func:`npskit.compare`: the Wald z, or the MOVER
    interval excluding 0.
    """
    from scipy.special import ndtri

    from npskit._compare.methods import mover_limits, tango_bounds_array, wald_parts

    alpha = 1.0 - confidence_level
    tail = alpha / 2.0 if alternative == "two-sided" else alpha
    critical = float(ndtri(1.0 - tail))
    b0 = [outcomes0[:, k][:, None] for k in range(3)]
    b1 = [outcomes1[:, k][None, :] for k in range(3)]
    if method in ("wald", "adjusted-wald"):
        centre, se = wald_parts(*b0, *b1, method=method)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(
                se > 0, centre / se, np.where(centre == 0, 0.0, np.copysign(np.inf, centre))
            )
        if alternative == "greater":
            result: Array = z > critical
        elif alternative == "less":
            result = z < -critical
        else:
            result = np.abs(z) > critical
        return result
    ends = []
    for outcomes in (outcomes0, outcomes1):
        d, s, p = outcomes[:, 0], outcomes[:, 1], outcomes[:, 2]
        low, high = tango_bounds_array(d, s, p, critical)
        ends.append(((p - d) / (d + s + p), low, high))
    (e0, l0, u0), (e1, l1, u1) = ends
    low, high = mover_limits(
        e0[:, None], l0[:, None], u0[:, None], e1[None, :], l1[None, :], u1[None, :]
    )
    if alternative == "greater":
        result = low > 0
    elif alternative == "less":
        result = high < 0
    else:
        result = (low > 0) | (high < 0)
    return result


def exact_rejection(
    method: str,
    shares0: Shares3,
    shares1: Shares3,
    n0: int,
    n1: int,
    *,
    confidence_level: float,
    alternative: str,
) -> float:
    """Probability that the test rejects, by enumerating both trinomials (to about 1e-9)."""
    outcomes0, pmf0 = _outcomes(shares0, n0)
    outcomes1, pmf1 = _outcomes(shares1, n1)
    rows = max(1, _CHUNK // max(1, outcomes1.shape[0]))
    total = 0.0
    for start in range(0, outcomes0.shape[0], rows):
        block = rejection_matrix(
            method,
            outcomes0[start : start + rows],
            outcomes1,
            confidence_level=confidence_level,
            alternative=alternative,
        )
        total += float(pmf0[start : start + rows] @ (block @ pmf1))
    return min(1.0, max(0.0, total))


def normal_power(
    shares0: Shares3,
    shares1: Shares3,
    n0: float,
    n1: float,
    *,
    confidence_level: float,
    alternative: str,
) -> float:
    """Large-sample power of the three tests: ``Phi(|Delta|/sigma - z)``, two tails if two-sided."""
    from scipy.special import ndtr, ndtri

    delta0 = shares0[2] - shares0[0]
    delta1 = shares1[2] - shares1[0]
    var0 = shares0[2] + shares0[0] - delta0**2
    var1 = shares1[2] + shares1[0] - delta1**2
    sigma = math.sqrt(max(var0, 0.0) / n0 + max(var1, 0.0) / n1)
    change = delta1 - delta0
    alpha = 1.0 - confidence_level
    if alternative == "two-sided":
        critical = float(ndtri(1.0 - alpha / 2.0))
        if sigma == 0.0:
            return 1.0 if change != 0.0 else 0.0
        return float(ndtr(change / sigma - critical) + ndtr(-change / sigma - critical))
    critical = float(ndtri(1.0 - alpha))
    signed = change if alternative == "greater" else -change
    if sigma == 0.0:
        return 1.0 if signed > 0.0 else 0.0
    return float(ndtr(signed / sigma - critical))


def power(
    baseline: Any,
    current: Any = None,
    *,
    difference: float | None = None,
    n_baseline: int,
    n_current: int | None = None,
    method: PowerMethod = "mover",
    confidence_level: float = 0.95,
    alternative: Alternative = "two-sided",
) -> float:
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
    method : {"mover", "wald", "adjusted-wald"}, default "mover"
        The test of :func:`npskit.compare` whose power is computed.
    confidence_level : float, default 0.95
        The test rejects when its p-value is below ``1 - confidence_level``.
    alternative : {"two-sided", "greater", "less"}, default "two-sided"
        As in :func:`npskit.compare`.

    Returns
    -------
    float
        The probability of rejecting H0 (no change) at level ``1 -
        confidence_level`` when the shares are the ones given.

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
    >>> round(power((0.2, 0.3, 0.5), difference=-20, n_baseline=100), 3)
    0.415
    >>> round(power((0.2, 0.3, 0.5), (0.3, 0.3, 0.4), n_baseline=100), 3)
    0.415
    """
    chosen: PowerMethod = check_choice("method", method, get_args(PowerMethod))
    side: Alternative = check_choice("alternative", alternative, get_args(Alternative))
    level = check_confidence_level(confidence_level)
    n0 = check_positive_int("n_baseline", n_baseline)
    n1 = n0 if n_current is None else check_positive_int("n_current", n_current)
    shares0 = _shares("baseline", baseline)
    if (current is None) == (difference is None):
        raise TypeError("give exactly one of current (expected shares) and difference (points)")
    if current is not None:
        shares1 = _shares("current", current)
    else:
        if isinstance(difference, bool) or not isinstance(difference, numbers.Real):
            raise TypeError(f"difference must be a number of points, got {difference!r}")
        if not math.isfinite(float(difference)):
            raise ValueError(f"difference must be finite, got {difference!r}")
        shares1 = shifted_shares(shares0, float(difference))
    return _power(chosen, shares0, shares1, n0, n1, level, side)


def _power(
    method: str,
    shares0: Shares3,
    shares1: Shares3,
    n0: int,
    n1: int,
    level: float,
    side: str,
) -> float:
    # A cheap size check first: the full outcome grids have (n + 1)(n + 2)/2 points.
    if (n0 + 1) * (n0 + 2) // 2 * ((n1 + 1) * (n1 + 2) // 2) <= MAX_PAIRS or (
        n0 <= 2000
        and n1 <= 2000
        and _count_outcomes(shares0, n0) * _count_outcomes(shares1, n1) <= MAX_PAIRS
    ):
        return exact_rejection(
            method, shares0, shares1, n0, n1, confidence_level=level, alternative=side
        )
    return normal_power(shares0, shares1, n0, n1, confidence_level=level, alternative=side)


def sample_size_compare(
    difference: float,
    *,
    power: float = 0.8,
    confidence_level: float = 0.95,
    expected: Any = None,
    alternative: Alternative = "two-sided",
    method: PowerMethod = "mover",
) -> int:
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
    method : {"mover", "wald", "adjusted-wald"}, default "mover"
        The test of :func:`npskit.compare` to plan for.

    Returns
    -------
    int
        The number of answers ``n`` per period (equal sizes) with
        ``power(..., n_baseline=n) >= power`` and, for ``n > 1``,
        ``power(..., n_baseline=n - 1) < power``.

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
    >>> sample_size_compare(-20, expected=(0.2, 0.3, 0.5))
    256
    """
    chosen: PowerMethod = check_choice("method", method, get_args(PowerMethod))
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
        shares0 = _shares("expected", expected)
    shares1 = shifted_shares(shares0, change)

    def achieved(n: int) -> float:
        return _power(chosen, shares0, shares1, n, n, level, side)

    hi = _normal_size(shares0, shares1, level, target, side)
    while achieved(hi) < target:
        hi = math.ceil(hi * 1.25) + 1
        if hi > 10**12:
            raise ValueError(
                f"no sample size up to 10^12 per period reaches power={power!r} for "
                f"difference={difference!r} with alternative={alternative!r}"
            )
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


def _normal_size(shares0: Shares3, shares1: Shares3, level: float, target: float, side: str) -> int:
    from scipy.special import ndtri

    alpha = 1.0 - level
    tail = alpha / 2.0 if side == "two-sided" else alpha
    delta0, delta1 = shares0[2] - shares0[0], shares1[2] - shares1[0]
    variance = (shares0[2] + shares0[0] - delta0**2) + (shares1[2] + shares1[0] - delta1**2)
    z = float(ndtri(1.0 - tail)) + float(ndtri(target))
    return max(1, math.ceil(z * z * max(variance, 1e-12) / (delta1 - delta0) ** 2))
