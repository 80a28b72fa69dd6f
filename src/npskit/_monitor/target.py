"""``target``: is the NPS above a target? Posterior probability, one-sided test, answers needed."""

from __future__ import annotations

import math
import numbers
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from npskit._core.scale import STANDARD_SCALE, Scale
from npskit._core.tally import Tally
from npskit._core.validation import check_confidence_level, check_probability
from npskit._core.warnings import InputWarning
from npskit._counting.tally import tally
from npskit._intervals.methods import check_prior
from npskit._intervals.nps_test import nps_test
from npskit._planning.shared import MAX_SAMPLE_SIZE
from npskit._stats.bayes_difference import posterior
from npskit._stats.target_size import one_sided_size
from npskit.typing import NanPolicy

__all__ = ["TargetResult", "target"]


@dataclass(frozen=True, slots=True, kw_only=True)
class TargetResult:
    """Result of :func:`target`.

    Attributes
    ----------
    target : float
        The target NPS in points.
    estimate : float
        The NPS so far, in points.
    n : int
        Answers so far.
    effective_n : float
        Kish's effective number of answers (``n`` when unweighted).
    probability_above : float
        Posterior probability that the NPS is above the target, under a
        ``Dirichlet(prior, prior, prior)`` prior.
    prior : float
        The prior's parameter per category.
    statistic, pvalue : float
        Tango's score test of H0: NPS <= target against H1: NPS > target.
    confidence_level : float
        The test's level is ``1 - confidence_level``; also the level of power planning.
    power : float
        The power the planned number of answers reaches.
    answers_needed : int or None
        Answers that show NPS > target with ``power`` if the shares stay as
        expected; None when the expected NPS is not above the target.
    answers_remaining : int or None
        ``answers_needed - n``, at least 0.
    expected_nps : float
        The NPS the plan expects (that of ``expected``, or the estimate).
    """

    target: float
    estimate: float
    n: int
    effective_n: float
    probability_above: float
    prior: float
    statistic: float
    pvalue: float
    confidence_level: float
    power: float
    answers_needed: int | None
    answers_remaining: int | None
    expected_nps: float
    tally: Tally = field(repr=False)

    @property
    def above(self) -> bool:
        """Whether the test shows the NPS above the target at ``1 - confidence_level``."""
        return self.pvalue < 1.0 - self.confidence_level

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dictionary."""
        return {
            "target": self.target,
            "estimate": self.estimate,
            "n": self.n,
            "effective_n": self.effective_n,
            "probability_above": self.probability_above,
            "prior": self.prior,
            "statistic": self.statistic,
            "pvalue": self.pvalue,
            "above": self.above,
            "confidence_level": self.confidence_level,
            "power": self.power,
            "answers_needed": self.answers_needed,
            "answers_remaining": self.answers_remaining,
            "expected_nps": self.expected_nps,
        }

    def __str__(self) -> str:
        verdict = "above" if self.above else "not shown above"
        plan = (
            f"{self.answers_needed} answers show it with power {self.power:g} "
            f"({self.answers_remaining} more)"
            if self.answers_needed is not None
            else "the expected NPS is not above the target: no number of answers shows it"
        )
        return (
            f"NPS {self.estimate:+.1f} from {self.n} answers vs target {self.target:+.1f}: "
            f"P(NPS > target) = {self.probability_above:.3f}; one-sided p = {self.pvalue:.3g} "
            f"({verdict} at level {1 - self.confidence_level:g}); at NPS "
            f"{self.expected_nps:+.1f}, {plan}. Rounded."
        )


def target(
    data: Any,
    target: float,
    *,
    confidence_level: float = 0.95,
    power: float = 0.8,
    expected: Tally | tuple[float, float, float] | None = None,
    prior: float = 0.5,
    weights: Any = None,
    scale: Scale = STANDARD_SCALE,
    nan_policy: NanPolicy = "omit",
) -> TargetResult:
    """Is the NPS above a target? The Bayesian probability, the test, and the answers needed.

    ====================  ==================  ==================
    test                  H0                  H1
    ====================  ==================  ==================
    one-sided             NPS <= ``target``   NPS > ``target``
    ====================  ==================  ==================

    Parameters
    ----------
    data : array_like or Tally
        Answers so far (anything :func:`npskit.tally` accepts) or their tally.
    target : float
        The target NPS in points, strictly between -100 and 100.
    confidence_level : float, default 0.95
        The test rejects H0 when its p-value is below ``1 - confidence_level``.
    power : float, default 0.8
        The power the planned number of answers should reach.
    expected : Tally or three shares, optional
        Shares of detractors, passives and promoters to plan with; by
        default those observed.
    prior : float, default 0.5
        Parameter of the symmetric Dirichlet prior (0.5: Jeffreys-like, as
        the ``"bayes"`` interval).
    weights, scale, nan_policy
        As for :func:`npskit.tally`, with answers.

    Returns
    -------
    TargetResult

    Raises
    ------
    EmptyDataError
        Without answers.
    ValueError
        For a target outside (-100, 100), bad shares or levels.

    Notes
    -----
    **Probability.** With counts ``(D, S, P)`` the posterior of the shares
    is ``Dirichlet(D + a, S + a, P + a)``, and ``P(p - d > t)`` is one minus
    the posterior distribution function of ``p - d`` at ``t``, computed
    without sampling (the machinery of the ``"bayes"`` comparison).

    **Test.** :func:`npskit.nps_test` with ``alternative="greater"`` and
    Tango's score statistic.

    **Answers needed.** For the score test at level ``alpha`` and power
    ``1 - beta`` when the shares are ``(d1, p1)``:
    ``n = ((z_{1-alpha} sigma0 + z_{1-beta} sigma1) / (delta1 - delta0))^2``,
    ``sigma1^2 = p1 + d1 - delta1^2``, ``sigma0^2`` the same at Tango's
    restricted maximum likelihood shares under ``NPS = target``.

    Examples
    --------
    >>> from npskit import Tally, target
    >>> quarter = Tally(detractors=110, passives=150, promoters=240)
    >>> result = target(quarter, 20.0)
    >>> round(result.estimate, 1), round(result.probability_above, 3), result.above
    (26.0, 0.951, True)
    >>> result.answers_needed, result.answers_remaining
    (1111, 611)
    """
    level = check_confidence_level(confidence_level)
    wanted = check_probability("power", power)
    goal = _target(target)
    a = check_prior(prior, used=True, method_name="target", method="bayes")
    counts = (
        data
        if isinstance(data, Tally)
        else tally(data, weights=weights, scale=scale, nan_policy=nan_policy)
    )
    test = nps_test(counts, value=goal, alternative="greater", interval_method="tango")
    d, s, p = _effective(counts)
    post = posterior(d, s, p, a)
    below = float(np.interp(goal / 100.0, post.grid, post.cdf, left=0.0, right=1.0))
    shares = _shares(expected) if expected is not None else (d / (d + s + p), p / (d + s + p))
    size = one_sided_size(shares[0], shares[1], goal / 100.0, 1.0 - level, wanted)
    needed = None if not math.isfinite(size) or size > MAX_SAMPLE_SIZE else max(1, math.ceil(size))
    return TargetResult(
        target=goal,
        estimate=test.estimate,
        n=counts.n,
        effective_n=test.effective_n,
        probability_above=1.0 - below,
        prior=a,
        statistic=test.statistic,
        pvalue=test.pvalue,
        confidence_level=level,
        power=wanted,
        answers_needed=needed,
        answers_remaining=None if needed is None else max(0, needed - counts.n),
        expected_nps=100.0 * (shares[1] - shares[0]),
        tally=counts,
    )


def _effective(counts: Tally) -> tuple[float, float, float]:
    d, s, p = float(counts.detractors), float(counts.passives), float(counts.promoters)
    total = d + s + p
    scale = counts.effective_n / total if total > 0 else 0.0
    return d * scale, s * scale, p * scale


def _target(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"target must be a number of points, got {value!r}")
    number = float(value)
    if not -100.0 < number < 100.0:
        raise ValueError(f"target must be strictly between -100 and 100 points, got {value!r}")
    if 0.0 < abs(number) < 1.0:
        warnings.warn(
            f"target={value!r} is in NPS points (-100..100), so this tests NPS > {number:g} "
            f"points; for {100 * number:g} points pass target={100 * number:g}",
            InputWarning,
            stacklevel=3,
        )
    return number


def _shares(expected: object) -> tuple[float, float]:
    if isinstance(expected, Tally):
        shares = expected.shares
        return float(shares.detractors), float(shares.promoters)
    values = np.asarray(expected, dtype=np.float64)
    if values.shape != (3,) or (values < 0).any() or not math.isclose(values.sum(), 1.0):
        raise ValueError(
            f"expected must be a Tally or three shares (detractors, passives, promoters) "
            f"summing to 1, got {expected!r}"
        )
    return float(values[0]), float(values[2])
