"""Planning a survey: the margin of error at a sample size, and the size for a margin.

Both functions evaluate the interval a method actually gives at counts
``n * (d, s, p)`` for expected shares ``(d, s, p)``, through the same kernel
as :func:`npskit.confidence_interval` (:func:`npskit._intervals.methods.interval_from_counts`
and the finite-population correction of :func:`npskit._intervals.methods.effective_counts`).
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, get_args

from npskit._core.tally import Shares, Tally
from npskit._core.validation import check_choice, check_confidence_level, check_positive_int
from npskit._core.warnings import DegenerateSampleWarning
from npskit._intervals.methods import DEFAULT_METHOD, interval_from_counts
from npskit.typing import IntervalMethod

__all__ = [
    "MAX_SAMPLE_SIZE",
    "PLANNING_METHODS",
    "WORST_CASE",
    "MarginOfError",
    "SampleSize",
    "margin_of_error",
    "sample_size",
]

PLANNING_METHODS: tuple[IntervalMethod, ...] = tuple(
    method for method in get_args(IntervalMethod) if not method.startswith("bootstrap")
)
"""The interval methods a plan can be made for: all but the (random) bootstrap ones."""

WORST_CASE = Shares(0.5, 0.0, 0.5)
"""Expected shares when none are given: half detractors, half promoters, no passives.

One answer's score then has the largest possible variance, 1 (as a share),
and every planning method its widest interval (checked on a grid of shares in
``tests/test_planning.py``).
"""

MAX_SAMPLE_SIZE = 10**15
"""Largest sample size :func:`sample_size` searches up to (without ``population``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class MarginOfError:
    """The margin of error of a planned sample, in points.

    Attributes
    ----------
    margin : float
        Half the width of the two-sided interval, in points (unrounded).
    n : int
        The number of answers.
    expected : Shares
        The expected shares of detractors, passives and promoters used.
    worst_case : bool
        True when no shares were given and :data:`WORST_CASE` was used.
    method : str
        The interval method.
    confidence_level : float
        The level of the two-sided interval.
    population : int or None
        The population size of the finite-population correction, if any.
    """

    margin: float
    n: int
    expected: Shares
    worst_case: bool
    method: str
    confidence_level: float
    population: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The result as a JSON-serialisable dictionary."""
        return {
            "margin": self.margin,
            "n": self.n,
            "expected": self.expected._asdict(),
            "worst_case": self.worst_case,
            "method": self.method,
            "confidence_level": self.confidence_level,
            "population": self.population,
        }

    def __str__(self) -> str:
        return (
            f"margin of error ±{self.margin:.1f} points with n = {self.n} "
            f"({_conditions(self)}; rounded to 1 decimal)"
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class SampleSize:
    """The smallest sample whose interval meets a margin of error.

    Attributes
    ----------
    n : int
        The number of answers to collect.
    margin : float
        The margin of error achieved at ``n``, in points (at most ``target``).
    target : float
        The margin of error asked for, in points.
    expected : Shares
        The expected shares of detractors, passives and promoters used.
    worst_case : bool
        True when no shares were given and :data:`WORST_CASE` was used.
    method : str
        The interval method.
    confidence_level : float
        The level of the two-sided interval.
    population : int or None
        The population size of the finite-population correction, if any.
    """

    n: int
    margin: float
    target: float
    expected: Shares
    worst_case: bool
    method: str
    confidence_level: float
    population: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The result as a JSON-serialisable dictionary."""
        return {
            "n": self.n,
            "margin": self.margin,
            "target": self.target,
            "expected": self.expected._asdict(),
            "worst_case": self.worst_case,
            "method": self.method,
            "confidence_level": self.confidence_level,
            "population": self.population,
        }

    def __str__(self) -> str:
        return (
            f"n = {self.n} answers give a margin of error of ±{self.margin:.2f} points "
            f"(target ±{self.target:g}; {_conditions(self)}; margin rounded to 2 decimals)"
        )


def _conditions(result: MarginOfError | SampleSize) -> str:
    level = f"{100 * result.confidence_level:g}%"
    if result.worst_case:
        shares = "worst case"
    else:
        d, s, p = (f"{100 * v:g}%" for v in result.expected)
        shares = f"expected {d} detractors, {s} passives, {p} promoters"
    text = f"{level}, {result.method}, {shares}"
    if result.population is not None:
        text += f", population {result.population}"
    return text


def margin_of_error(
    n: int,
    *,
    expected: Tally | Sequence[float] | None = None,
    confidence_level: float = 0.95,
    method: IntervalMethod = DEFAULT_METHOD,
    population: int | None = None,
) -> MarginOfError:
    """Margin of error of the NPS of ``n`` answers, in points.

    Parameters
    ----------
    n : int
        Number of answers, at least 1.
    expected : Tally or sequence of three floats, optional
        Expected shares of detractors, passives and promoters (non-negative,
        adding up to 1 within 1e-9), or a tally whose shares to use, e.g.
        last wave's. By default the worst case, :data:`WORST_CASE` (see Notes).
    confidence_level : float, default 0.95
        Level of the two-sided interval, strictly between 0 and 1.
    method : str, default "adjusted-wald"
        Any method of :func:`npskit.confidence_interval` except the bootstrap
        ones, whose width is random.
    population : int, optional
        Size of the population the answers are drawn from without
        replacement, at least ``n``, for the finite-population correction.

    Returns
    -------
    MarginOfError
        ``margin`` in points with ``n`` and the options used.

    Raises
    ------
    ValueError
        If ``n < 1``, ``population < n``, the shares are negative or do not
        add up to 1, ``confidence_level`` is not in (0, 1), or ``method`` is
        unknown or a bootstrap method.
    TypeError
        If ``n``, ``population`` or ``expected`` has the wrong type.

    Warns
    -----
    DegenerateSampleWarning
        With ``method="wald"`` and expected shares all in one category: the
        Wald interval then has zero width at every ``n``.

    Notes
    -----
    The margin of error is half the width of the two-sided interval at
    ``confidence_level`` that ``method`` gives for the counts
    :math:`n\\,(d, s, p)`, :math:`(\\text{high} - \\text{low})/2`. For the
    Wald interval it is

    .. math:: m = 100\\, z_{1 - \\alpha/2} \\sqrt{\\frac{p + d - (p - d)^2}{n}}

    points. Half the width, rather than the larger distance from the estimate
    to an end, is the ``±`` figure reports quote; for intervals that are not
    centred on the estimate (adjusted Wald, Tango, exact, Bayes near the ends
    of the scale) the estimate can sit closer to one end than ``m``. Intervals
    clipped at ±100 count with their clipped width.

    Counts are not rounded: :math:`n\\,(d, s, p)` may be fractional, which
    every method accepts (the exact and Bayesian ones through Beta laws with
    fractional parameters, as for weighted data). When :math:`n\\,(d, s, p)`
    are whole numbers the margin is that of the sample with those counts;
    rounding them would make the margin jump with the rounding rather than
    with ``n``.

    Worst case: the per-answer variance :math:`p + d - (p - d)^2` is largest,
    1, at :math:`p = d = 1/2` with no passives, which maximises the Wald
    margin. npskit uses the same shares for every method; a test checks on a
    grid of shares (step 0.05) that none gives a wider interval, for every
    planning method at several n.

    With ``population`` :math:`N`, the counts are multiplied by
    :math:`(N - 1)/(N - n)`, the finite-population correction of the
    variance (Cochran 1977, eq. 3.4) applied as in
    :func:`npskit.confidence_interval`; at :math:`n = N` the margin is 0.

    References
    ----------
    .. [1] Cochran, W. G. (1977). *Sampling Techniques* (3rd ed.). Wiley.
    .. [2] Rocks, B. (2016). Interval estimation for the "Net Promoter
       Score". *The American Statistician*, 70(4), 365-372.
       https://doi.org/10.1080/00031305.2016.1158124

    Examples
    --------
    Worst case, 400 answers, Wald: :math:`196 \\sqrt{1/400} = 9.8` points.

    >>> from npskit import margin_of_error
    >>> round(margin_of_error(400, method="wald").margin, 3)
    9.8
    >>> print(margin_of_error(400, expected=(0.2, 0.3, 0.5)))
    margin of error ±7.6 points with n = 400 (95%, adjusted-wald, expected 20% detractors,
    30% passives, 50% promoters; rounded to 1 decimal)
    """
    size = check_positive_int("n", n)
    level = check_confidence_level(confidence_level)
    chosen = _check_method(method)
    shares, worst = _expected_shares(expected)
    universe = _check_population(population, size)
    _warn_if_degenerate(chosen, shares)
    return MarginOfError(
        margin=_margin(size, shares, level, chosen, universe),
        n=size,
        expected=shares,
        worst_case=worst,
        method=chosen,
        confidence_level=level,
        population=universe,
    )


def sample_size(
    margin: float,
    *,
    expected: Tally | Sequence[float] | None = None,
    confidence_level: float = 0.95,
    method: IntervalMethod = DEFAULT_METHOD,
    population: int | None = None,
) -> SampleSize:
    """The smallest number of answers whose NPS interval has a given margin of error.

    Parameters
    ----------
    margin : float
        The margin of error to reach, in points: half the width of the
        two-sided interval, strictly between 0 and 100.
    expected : Tally or sequence of three floats, optional
        Expected shares of detractors, passives and promoters, as for
        :func:`margin_of_error`; by default the worst case.
    confidence_level : float, default 0.95
        Level of the two-sided interval, strictly between 0 and 1.
    method : str, default "adjusted-wald"
        Any method of :func:`npskit.confidence_interval` except the bootstrap
        ones.
    population : int, optional
        Size of the population sampled without replacement; the answer is
        then at most ``population`` (a census has margin 0).

    Returns
    -------
    SampleSize
        ``n``, the margin achieved at ``n`` (at most ``margin``), and the
        options used.

    Raises
    ------
    ValueError
        If ``margin`` is not strictly between 0 and 100, the shares are bad,
        ``confidence_level`` is not in (0, 1), ``method`` is unknown or a
        bootstrap method, ``population < 1``, or more than
        :data:`MAX_SAMPLE_SIZE` answers would be needed.
    TypeError
        If an argument has the wrong type.

    Warns
    -----
    DegenerateSampleWarning
        As for :func:`margin_of_error`.

    Notes
    -----
    ``n`` is the smallest integer with
    ``margin_of_error(n, ...).margin <= margin``, the margin defined as in
    :func:`margin_of_error`. For the Wald interval it has the closed form

    .. math::

        n_0 = \\left\\lceil \\frac{z_{1-\\alpha/2}^2 \\,(p + d - (p - d)^2)}{m^2}
        \\right\\rceil,

    with :math:`m` the margin as a share; with a population of :math:`N`,
    :math:`n = \\lceil N n_0' / (n_0' + N - 1) \\rceil` with :math:`n_0'`
    the unrounded :math:`n_0` (Cochran 1977, sec. 4.4). Every method is
    searched from that starting point: the margin is evaluated at the start,
    a bracket is widened by doubling (or halving) until it holds the
    crossing, and bisection finds ``n`` with ``margin(n) <= margin <
    margin(n - 1)``, which is checked on return for every method, the Wald
    one included (so rounding in the closed form cannot be off by one).

    Monotonicity: at fixed shares the margin of every planning method
    decreases in ``n`` wherever the tests looked (every ``n`` up to 200 on a
    grid of shares in steps of 0.05 at levels 0.8, 0.95 and 0.99 for the
    Wald-type and Tango intervals; a smaller set of shares and sizes for the
    exact and Bayesian ones), so the crossing is the smallest such ``n``.
    This is an observation, not a theorem: were the margin to rise again
    somewhere, the returned ``n`` would still meet the target with ``n - 1``
    falling short, but it would be the crossing the bisection found, not
    necessarily the smallest.

    References
    ----------
    .. [1] Cochran, W. G. (1977). *Sampling Techniques* (3rd ed.). Wiley.
    .. [2] Rocks, B. (2016). Interval estimation for the "Net Promoter
       Score". *The American Statistician*, 70(4), 365-372.
       https://doi.org/10.1080/00031305.2016.1158124

    Examples
    --------
    Worst case, ±5 points at 95% with the Wald interval:
    :math:`\\lceil 1.959964^2 / 0.05^2 \\rceil = \\lceil 1536.6 \\rceil = 1537`.

    >>> from npskit import sample_size
    >>> sample_size(5, method="wald").n
    1537
    >>> plan = sample_size(5, expected=(0.2, 0.3, 0.5))
    >>> plan.n, round(plan.margin, 3)
    (935, 4.998)
    >>> print(sample_size(5, population=2000))
    n = 868 answers give a margin of error of ±5.00 points (target ±5; 95%, adjusted-wald,
    worst case, population 2000; margin rounded to 2 decimals)
    """
    target = _check_margin(margin)
    level = check_confidence_level(confidence_level)
    chosen = _check_method(method)
    shares, worst = _expected_shares(expected)
    universe = None if population is None else check_positive_int("population", population)
    _warn_if_degenerate(chosen, shares)
    limit = MAX_SAMPLE_SIZE if universe is None else universe

    def margin_at(size: int) -> float:
        return _margin(size, shares, level, chosen, universe)

    n = _smallest_size(margin_at, target, _wald_guess(shares, level, target, universe), limit)
    return SampleSize(
        n=n,
        margin=margin_at(n),
        target=target,
        expected=shares,
        worst_case=worst,
        method=chosen,
        confidence_level=level,
        population=universe,
    )


# -- the margin and the search ------------------------------------------------


def _margin(
    n: int, shares: Shares, level: float, method: IntervalMethod, population: int | None
) -> float:
    """Half the width of the two-sided interval at counts ``n * shares``, in points."""
    size = float(n)
    if population is not None:
        if n >= population:  # a census: no sampling error
            return 0.0
        size *= (population - 1) / (population - n)
    if method == "wald" and max(shares) == 1.0:
        return 0.0  # zero width; the public functions warned once
    low, high = interval_from_counts(
        size * shares.detractors,
        size * shares.passives,
        size * shares.promoters,
        confidence_level=level,
        method=method,
        warn=False,
    )
    return 0.5 * (high - low)


def _wald_guess(shares: Shares, level: float, target: float, population: int | None) -> int:
    """The Wald sample size in closed form (Cochran's with a population), at least 1."""
    from scipy.special import ndtri

    z = float(ndtri(0.5 + 0.5 * level))
    d, _, p = shares
    variance = max(p + d - (p - d) ** 2, 1e-6)  # a start only: one-category shares
    n0 = z * z * variance / (target / 100.0) ** 2
    if population is not None:
        n0 = population * n0 / (n0 + population - 1)
    return max(1, min(math.ceil(n0), MAX_SAMPLE_SIZE))


def _smallest_size(margin_at: Callable[[int], float], target: float, guess: int, limit: int) -> int:
    """``n`` in ``[1, limit]`` with ``margin_at(n) <= target < margin_at(n - 1)``.

    ``margin_at(limit) <= target`` is not assumed: without a population the
    search stops at ``limit`` with an error.
    """
    hi = min(guess, limit)
    if margin_at(hi) <= target:
        if hi == 1 or margin_at(hi - 1) > target:
            return hi
        lo = hi - 1
        while True:  # halve until the margin is above the target (or n = 1 meets it)
            hi, lo = lo, max(1, lo // 2)
            if margin_at(lo) > target:
                break
            if lo == 1:
                return 1
    else:
        lo = hi
        while True:  # double until the margin meets the target
            if lo >= limit:
                raise ValueError(
                    f"no sample size up to {limit} answers reaches margin={target!r} points; "
                    "ask for a wider margin"
                )
            hi = min(limit, 2 * lo)
            if margin_at(hi) <= target:
                break
            lo = hi
    while hi - lo > 1:
        middle = (lo + hi) // 2
        if margin_at(middle) <= target:
            hi = middle
        else:
            lo = middle
    return hi


# -- validation ----------------------------------------------------------------


def _check_method(method: object) -> IntervalMethod:
    if isinstance(method, str) and method.startswith("bootstrap"):
        allowed = ", ".join(repr(m) for m in PLANNING_METHODS)
        raise ValueError(
            f"method must be one of {allowed}; got {method!r}: a bootstrap interval's width "
            "is random, plan with 'wald' (which the percentile bootstrap approximates) instead"
        )
    chosen: IntervalMethod = check_choice("method", method, PLANNING_METHODS)
    return chosen


def _check_margin(margin: object) -> float:
    if isinstance(margin, bool) or not isinstance(margin, numbers.Real):
        raise TypeError(f"margin must be a number of points, got {margin!r}")
    value = float(margin)
    if not (math.isfinite(value) and 0.0 < value < 100.0):
        raise ValueError(
            f"margin must be strictly between 0 and 100 points (half the interval's width, "
            f"which is at most 100), got {margin!r}"
        )
    return value


def _check_population(population: object, n: int) -> int | None:
    if population is None:
        return None
    universe = check_positive_int("population", population)
    if universe < n:
        raise ValueError(f"population must be at least n ({n}), got {population!r}")
    return universe


def _expected_shares(expected: object) -> tuple[Shares, bool]:
    """The expected shares and whether they are the worst case."""
    if expected is None:
        return WORST_CASE, True
    if isinstance(expected, Tally):
        if expected.weight_sum <= 0:
            raise ValueError(f"expected must be a Tally with answers, got {expected!r}")
        return expected.shares, False
    if isinstance(expected, (str, bytes)) or not isinstance(expected, Sequence):
        raise TypeError(
            "expected must be a Tally or three shares (detractors, passives, promoters), "
            f"got {expected!r}"
        )
    if len(expected) != 3 or not all(
        isinstance(v, numbers.Real) and not isinstance(v, bool) for v in expected
    ):
        raise TypeError(
            f"expected must hold three shares (detractors, passives, promoters), got {expected!r}"
        )
    values = [float(v) for v in expected]
    if not all(math.isfinite(v) and v >= 0.0 for v in values) or abs(sum(values) - 1.0) > 1e-9:
        raise ValueError(
            "expected must be three non-negative shares (detractors, passives, promoters) "
            f"that add up to 1, got {expected!r}"
        )
    total = sum(values)
    return Shares(values[0] / total, values[1] / total, values[2] / total), False


def _warn_if_degenerate(method: IntervalMethod, shares: Shares) -> None:
    if method == "wald" and max(shares) == 1.0:
        warnings.warn(
            "the expected shares put every answer in one category, so the 'wald' interval "
            "has zero width at any n; plan with method='adjusted-wald' or 'tango' instead",
            DegenerateSampleWarning,
            stacklevel=3,
        )
