"""Shrinkage of segment NPS: a normal hierarchical model, with intervals of constant coverage."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from npskit._core.grouped import GroupedTally
from npskit._core.interval import Interval, checked_floats_interval
from npskit._core.rows import LazyRows
from npskit._core.tally import Tally
from npskit._core.validation import check_confidence_level
from npskit._intervals.arrays import effective_arrays
from npskit._stats.fab import constant_coverage_intervals
from npskit._stats.hierarchical import TAU_PRIOR_SCALE, fit_hierarchical, nps_observations

from .shrinkage_results import (
    _RULE_OF_THUMB,
    _VALUE_FIELDS,
    RankBy,
    ShrinkageResult,
    ShrunkSegment,
    unique_key_names,
)

__all__ = ["RankBy", "ShrinkageResult", "ShrunkSegment", "shrink", "unique_key_names"]


def shrink(
    groups: GroupedTally | Mapping[Any, Tally] | Sequence[Tally],
    *,
    confidence_level: float = 0.95,
) -> ShrinkageResult:
    """Shrink each segment's NPS towards what all segments together suggest.

    A normal hierarchical model on the NPS scale: each segment's true NPS is
    drawn around a common level with a between-segment standard deviation
    :math:`\\tau`, and both are integrated out (not plugged in), so the
    estimates carry the uncertainty about how much segments differ. Each
    segment gets the posterior mean of its NPS, a confidence interval that
    covers its true NPS at the stated level *whatever* that NPS is (Pratt's
    FAB interval with a prior learnt from the other segments), and the
    model's credible interval. Small segments move most; ranking by the
    shrunk NPS (or by the confidence interval's lower end) is fairer than
    ranking by raw NPS, which favours small segments whose few answers
    happened to be promoters.

    Parameters
    ----------
    groups : GroupedTally, mapping of key to Tally, or sequence of Tally
        The segments (for a sequence, keys are the positions 0, 1, ...).
    confidence_level : float, default 0.95
        Coverage of each confidence interval, posterior probability of each
        credible interval.

    Returns
    -------
    ShrinkageResult
        Per-segment raw and shrunk NPS with both intervals, the common
        level and the posterior of :math:`\\tau`.

    Raises
    ------
    ValueError
        If fewer than two segments have answers, or ``confidence_level`` is
        not strictly between 0 and 1.
    TypeError
        If ``groups`` is not one of the kinds above (for example one Tally).

    Notes
    -----
    Segment :math:`i` with counts :math:`(D_i, S_i, P_i)` and :math:`n_i`
    answers reports :math:`y_i = (P_i - D_i)/n_i` (NPS as a share) with
    sampling variance :math:`v_i = \\sigma^2/n_i`, where
    :math:`\\sigma^2 = p + d - (p - d)^2` is the variance of one answer's
    score at the pooled shares of all segments, with the adjusted-Wald
    pseudo-counts (3/4, 3/2, 3/4) added so that it is positive even when
    every answer is in one category. The pooled variance, not each segment's
    own, keeps :math:`v_i` independent of :math:`y_i` (with its own shares a
    segment of three promoters would look precise and be shrunk too little
    [5]_); for a large segment far from the others it is conservative. The
    model of [1]_ and [2]_ is

    .. math::

        y_i \\mid \\theta_i \\sim N(\\theta_i, v_i), \\qquad
        \\theta_i \\sim N(\\mu, \\tau^2), \\qquad
        p(\\mu) \\propto 1, \\qquad
        p(\\tau) \\propto \\frac{1}{1 + (\\tau / 0.25)^2} \\text{ on } [0, 1],

    a half-Cauchy prior with scale 25 points (weakly informative, as Gelman
    [3]_ recommends for a group-level standard deviation), truncated at 100
    points, the largest standard deviation NPS values can have. :math:`\\mu`
    is integrated out in closed form; :math:`\\tau` numerically, on grids
    zoomed in on its posterior mass (Gauss-Legendre), vectorised over all
    segments at once. Given :math:`\\tau`, :math:`\\theta_i` is normal
    with mean :math:`\\hat\\mu + (1 - B_i)(y_i - \\hat\\mu)`,
    :math:`B_i = v_i/(v_i + \\tau^2)` [1]_; so its posterior is a mixture
    of normals, whose mean is the shrunk NPS and whose quantiles (found by
    safeguarded Halley steps) give the credible interval, clipped to
    [-100, +100].

    **Confidence intervals of constant coverage.** A credible interval
    covers 95% of segments *on average* over segments drawn from the model:
    it over-covers when segments do not differ at all (the data cannot rule
    out small differences) and under-covers the best and worst segments,
    whose true NPS it pulls towards the middle. The confidence interval is
    instead the FAB ("frequentist, assisted by Bayes") interval of Pratt
    [6]_ and Yu and Hoff [7]_: among intervals whose coverage is exactly
    the confidence level for every true value :math:`\\theta_i` (given
    :math:`y_i \\sim N(\\theta_i, v_i)`), the one that is shortest on
    average when :math:`\\theta_i \\sim N(\\mu_i, \\tau_i^2)`. It splits
    the level's error between the two tails according to how far
    :math:`\\theta` is from :math:`\\mu_i`, so it is shorter than
    :math:`y_i \\pm 1.96 \\sqrt{v_i}` for segments like the others and
    shifted towards them otherwise; it always contains :math:`y_i`. The
    prior :math:`(\\mu_i, \\tau_i^2)` is estimated from the *other*
    segments only (DerSimonian-Laird moment estimate of the spread [8]_ and
    the random-effects weighted mean), as Yu and Hoff do, so it is
    independent of :math:`y_i` and the coverage guarantee holds; with fewer
    than two other segments it is the plain normal interval. It is
    extended, where needed, to contain the shrunk NPS, and is
    ``[-100, 100]`` for a segment without answers.

    **Why not plug in a fitted prior.** An empirical-Bayes fit that treats
    the fitted spread as known gives zero-width intervals whenever the fit
    says "no spread", and one very large segment can force that. Here the
    spread's uncertainty is in every interval, and a large segment mainly
    pins :math:`\\mu`, while the small segments still inform
    :math:`\\tau`.

    **Assumptions.** Segments are exchangeable (no covariates), their true
    NPS roughly normal around a common level, and each :math:`y_i` roughly
    normal given :math:`\\theta_i`; at identical shares (:math:`\\tau = 0`)
    the credible intervals are conservative, because the data cannot rule
    out small differences. The confidence intervals need only the normal
    approximation of each :math:`y_i` and independent segments. A seeded
    calibration (``scripts/shrink_calibration_table.py``, table in the
    docs) gives the confidence intervals 0.94-0.96 in every scenario, the
    identical-shares case and the best and worst segments included.

    **Weights.** A weighted segment enters with its effective counts: its
    weighted shares times the effective number of answers of the
    linearization variance (see :func:`npskit.confidence_interval`).

    **Rule of thumb.** :meth:`ShrinkageResult.rank` also offers AskNicely's
    ``NPS - 160 / sqrt(n)`` [4]_, a penalty for small segments, for
    comparison.

    References
    ----------
    .. [1] Gelman, A., Carlin, J. B., Stern, H. S., Dunson, D. B., Vehtari,
       A., and Rubin, D. B. (2013). *Bayesian Data Analysis*, 3rd ed.,
       section 5.4. CRC Press. http://www.stat.columbia.edu/~gelman/book/
    .. [2] Rubin, D. B. (1981). Estimation in parallel randomized
       experiments. *Journal of Educational Statistics*, 6(4), 377-401.
       doi:10.3102/10769986006004377
    .. [3] Gelman, A. (2006). Prior distributions for variance parameters in
       hierarchical models. *Bayesian Analysis*, 1(3), 515-534.
       doi:10.1214/06-BA117A
    .. [4] AskNicely help centre, "Smart Ranking": rank = NPS - 160 / sqrt(number
       of responses).
       https://asknicely.zendesk.com/hc/en-us/articles/4402033861780-Smart-Ranking
    .. [5] Stijnen, T., Hamza, T. H., and Ozdemir, P. (2010). Random effects
       meta-analysis of event outcome in the framework of the generalized
       linear mixed model with applications in sparse data. *Statistics in
       Medicine*, 29(29), 3046-3067. doi:10.1002/sim.4040
    .. [6] Pratt, J. W. (1963). Shorter confidence intervals for the mean of
       a normal distribution with known variance. *Annals of Mathematical
       Statistics*, 34(2), 574-586. doi:10.1214/aoms/1177704170
    .. [7] Yu, C. and Hoff, P. D. (2018). Adaptive multigroup confidence
       intervals with constant coverage. *Biometrika*, 105(2), 319-335.
       doi:10.1093/biomet/asy009
    .. [8] DerSimonian, R. and Laird, N. (1986). Meta-analysis in clinical
       trials. *Controlled Clinical Trials*, 7(3), 177-188.
       doi:10.1016/0197-2456(86)90046-2

    Examples
    --------
    >>> from npskit import Tally, shrink
    >>> agents = {
    ...     "ana": Tally(detractors=20, passives=30, promoters=50),
    ...     "ben": Tally(detractors=0, passives=0, promoters=3),
    ...     "cho": Tally(detractors=40, passives=30, promoters=30),
    ...     "dev": Tally(detractors=10, passives=40, promoters=50),
    ...     "eve": Tally(detractors=25, passives=35, promoters=40),
    ... }
    >>> result = shrink(agents)
    >>> [s.key[0] for s in result.rank("raw")]
    ['ben', 'dev', 'ana', 'eve', 'cho']
    >>> [(s.key[0], round(s.shrunk_nps, 1)) for s in result.rank("shrunk")]
    [('ben', 42.3), ('dev', 37.7), ('ana', 29.0), ('eve', 15.9), ('cho', -5.8)]
    >>> [round(end, 1) for end in result["ben"].confidence_interval]
    [17.1, 100.0]
    >>> [round(end, 1) for end in result["ben"].credible_interval]
    [-3.8, 100.0]
    >>> [s.key[0] for s in result.rank("lower")]
    ['dev', 'ben', 'ana', 'eve', 'cho']
    >>> round(result.tau, 1), [round(end, 1) for end in result.tau_interval]
    (26.7, [9.6, 63.8])

    Five segments say little about how much segments differ (``tau`` is
    anywhere from 10 to 64 points), so three promoters are pulled from +100
    only to +42.3. Its confidence interval, 17.1 to 100, holds 95% of the
    time whatever ben's true NPS; the credible interval, -3.8 to 100, is a
    statement about agents like these on average.
    """
    level = check_confidence_level(confidence_level)
    grouped = _as_grouped(groups)
    counts = effective_arrays(grouped.counts, grouped.squared_weights, grouped.responses)
    n = counts.sum(axis=1)
    present = n > 0
    if int(present.sum()) < 2:
        raise ValueError(
            f"shrinkage needs at least two segments with answers, got {int(present.sum())}; "
            "the spread between segments cannot be estimated from fewer"
        )
    key_names = unique_key_names(grouped.names, _VALUE_FIELDS)
    y, v = nps_observations(counts)
    fit = fit_hierarchical(y, v, tail=(1.0 - level) / 2.0)
    raw = np.where(present, 100.0 * y, np.nan)
    penalty = np.full(len(n), np.nan)
    penalty[present] = _RULE_OF_THUMB / np.sqrt(n[present])
    shrunk = np.clip(100.0 * fit.mean, -100.0, 100.0)
    fab_low, fab_high = constant_coverage_intervals(y, v, level)
    # the interval never contradicts the estimate it is reported with (FAB
    # intervals contain y_i; the posterior mean is inside in all but rare cases)
    low = np.clip(np.minimum(100.0 * fab_low, shrunk), -100.0, 100.0)
    high = np.clip(np.maximum(100.0 * fab_high, shrunk), -100.0, 100.0)
    credible_low = np.clip(100.0 * fit.low, -100.0, 100.0)
    credible_high = np.clip(100.0 * fit.high, -100.0, 100.0)
    arrays = {
        "n": n,
        "counts": counts,
        "raw": raw,
        "shrunk": shrunk,
        "low": low,
        "high": high,
        "credible_low": credible_low,
        "credible_high": credible_high,
        "rule": raw - penalty,
    }
    keys = grouped.keys
    for array in arrays.values():
        array.setflags(write=False)

    def build(key: tuple[Any, ...], values: Sequence[Any]) -> ShrunkSegment:
        size, row, raw_nps, estimate, lower, upper, c_lower, c_upper, rule = values
        return ShrunkSegment(
            key=key,
            key_names=key_names,
            n=size,
            counts=(row[0], row[1], row[2]),
            raw_nps=raw_nps,
            shrunk_nps=estimate,
            confidence_interval=checked_floats_interval(lower, upper),
            credible_interval=checked_floats_interval(c_lower, c_upper),
            rule_of_thumb=rule,
        )

    def build_one(i: int) -> ShrunkSegment:
        return build(keys[i], [array[i].tolist() for array in arrays.values()])

    def build_all() -> list[ShrunkSegment]:
        # plain Python floats first: indexing numpy arrays per row costs more than the rows
        lists = [array.tolist() for array in arrays.values()]
        return [build(key, values) for key, *values in zip(keys, *lists, strict=True)]

    return ShrinkageResult(
        rows=LazyRows(len(keys), build_one, build_all, keys=keys),
        names=grouped.names,
        prior_nps=100.0 * fit.mu,
        tau=100.0 * fit.tau_mean,
        tau_interval=Interval(100.0 * fit.tau_low, 100.0 * fit.tau_high),
        tau_prior_scale=100.0 * TAU_PRIOR_SCALE,
        confidence_level=level,
        estimates=(shrunk, low, high),
    )


def _as_grouped(groups: object) -> GroupedTally:
    if isinstance(groups, Tally):
        raise TypeError(
            "groups must hold several segments (a GroupedTally, a mapping of key to Tally or "
            "a sequence of Tally), got one Tally; shrinkage pulls segments towards each other"
        )
    if isinstance(groups, GroupedTally):
        return groups
    if isinstance(groups, Mapping):
        return GroupedTally.from_tallies(groups)
    if isinstance(groups, Sequence) and not isinstance(groups, (str, bytes)):
        return GroupedTally.from_tallies(list(enumerate(groups)))
    raise TypeError(
        "groups must be a GroupedTally, a mapping of key to Tally or a sequence of "
        f"Tally, got {type(groups).__name__}"
    )
