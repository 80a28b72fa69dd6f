"""Shrinkage of segment NPS: a normal hierarchical model, the spread between segments integrated."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from npskit._core.grouped import GroupedTally, _label
from npskit._core.interval import Interval
from npskit._core.results import Table, keyed_dict, none_if_nan
from npskit._core.tally import Tally
from npskit._core.validation import check_choice, check_confidence_level
from npskit._intervals.arrays import effective_arrays
from npskit._stats.hierarchical import TAU_PRIOR_SCALE, fit_hierarchical, nps_observations

__all__ = ["RankBy", "ShrinkageResult", "ShrunkSegment", "shrink", "unique_key_names"]

RankBy = Literal["shrunk", "lower", "raw", "rule-of-thumb"]
"""How :meth:`ShrinkageResult.rank` orders segments."""

_RULE_OF_THUMB = 160.0  # AskNicely's "NPS - 160 / sqrt(n)"
_VALUE_FIELDS = (
    "n",
    "detractors",
    "passives",
    "promoters",
    "raw_nps",
    "shrunk_nps",
    "low",
    "high",
    "rule_of_thumb",
)


def unique_key_names(names: Iterable[str], taken: Iterable[str]) -> tuple[str, ...]:
    """Key column names for flat row dictionaries; ``key_<name>`` where one is ``taken``."""
    used = set(taken)
    result = []
    for name in names:
        label = name
        while label in used:
            label = f"key_{label}"
        used.add(label)
        result.append(label)
    return tuple(result)


@dataclass(frozen=True, slots=True, kw_only=True)
class ShrunkSegment:
    """One segment's raw and shrunk NPS (see :func:`shrink`).

    Attributes
    ----------
    key : tuple
        The segment's key.
    n : float
        Answers behind the estimate (the linearization's effective n when weighted).
    counts : tuple of three floats
        Detractors, passives and promoters used in the fit (scaled to the
        effective n when weighted).
    raw_nps : float
        The segment's own NPS in points; NaN without answers.
    shrunk_nps : float
        Posterior mean of NPS in points.
    confidence_interval : Interval
        Equal-tailed credible interval of NPS in points (it unpacks: ``low, high = ...``).
    rule_of_thumb : float
        ``raw_nps - 160 / sqrt(n)`` (AskNicely's ranking heuristic); NaN
        without answers.
    """

    key: tuple[Any, ...]
    key_names: tuple[str, ...] = field(repr=False, compare=False)
    n: float
    counts: tuple[float, float, float]
    raw_nps: float
    shrunk_nps: float
    confidence_interval: Interval
    rule_of_thumb: float

    def to_dict(self) -> dict[str, Any]:
        """A flat JSON-serialisable dictionary: key columns first; NaN becomes ``None``."""
        record = keyed_dict(self)
        record.update(
            n=self.n,
            detractors=self.counts[0],
            passives=self.counts[1],
            promoters=self.counts[2],
            raw_nps=none_if_nan(self.raw_nps),
            shrunk_nps=none_if_nan(self.shrunk_nps),
            low=none_if_nan(self.confidence_interval.low),
            high=none_if_nan(self.confidence_interval.high),
            rule_of_thumb=none_if_nan(self.rule_of_thumb),
        )
        return record


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class ShrinkageResult(Table[ShrunkSegment]):
    """Segments' NPS shrunk towards each other by a normal hierarchical model.

    A table: iterate over its :class:`ShrunkSegment` rows, look one up by its
    key (``result["ana"]``; positions are ``result.rows[i]``), or convert
    with ``to_dicts()``, ``to_pandas()``, ``to_polars()``, ``to_csv()`` and
    :meth:`to_markdown`.

    Attributes
    ----------
    rows : tuple of ShrunkSegment
        One row per segment, in the input order.
    names : tuple of str
        Names of the key columns.
    prior_nps : float
        Posterior mean of the segments' common level :math:`\\mu`, in points:
        what the segments are pulled towards.
    tau : float
        Posterior mean of :math:`\\tau`, the standard deviation of the true
        NPS between segments, in points.
    tau_interval : Interval
        Equal-tailed credible interval of :math:`\\tau` in points (at
        ``confidence_level``); a low end near 0 means the data cannot rule
        out that segments differ no more than noise.
    tau_prior_scale : float
        Scale of the half-Cauchy prior on :math:`\\tau`, in points.
    confidence_level : float
        Posterior probability of each interval.
    method : str
        ``"hierarchical-normal"``.
    """

    names: tuple[str, ...]
    prior_nps: float
    tau: float
    tau_interval: Interval
    tau_prior_scale: float
    confidence_level: float
    method: Literal["hierarchical-normal"] = "hierarchical-normal"

    def rank(self, by: RankBy = "shrunk") -> tuple[ShrunkSegment, ...]:
        """Segments from best to worst.

        Parameters
        ----------
        by : {"shrunk", "lower", "raw", "rule-of-thumb"}, default "shrunk"
            Shrunk NPS (posterior mean), the lower end of its credible
            interval, the raw NPS, or AskNicely's rule of thumb
            ``NPS - 160 / sqrt(n)``. Ties keep the input order; segments
            without answers come last under ``"raw"`` and ``"rule-of-thumb"``.

        Raises
        ------
        ValueError
            If ``by`` is not one of the options.
        """
        check_choice("by", by, ("shrunk", "lower", "raw", "rule-of-thumb"))

        def score(segment: ShrunkSegment) -> float:
            value = {
                "shrunk": segment.shrunk_nps,
                "lower": segment.confidence_interval.low,
                "raw": segment.raw_nps,
                "rule-of-thumb": segment.rule_of_thumb,
            }[by]
            return -math.inf if math.isnan(value) else value

        return tuple(sorted(self.rows, key=score, reverse=True))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dictionary."""
        return {
            "names": list(self.names),
            "rows": self.to_dicts(),
            "prior_nps": self.prior_nps,
            "tau": self.tau,
            "tau_low": self.tau_interval.low,
            "tau_high": self.tau_interval.high,
            "tau_prior_scale": self.tau_prior_scale,
            "confidence_level": self.confidence_level,
            "method": self.method,
        }

    def _row_key(self, row: ShrunkSegment) -> tuple[Any, ...]:
        return row.key

    def _empty_columns(self) -> tuple[str, ...]:
        return (*self.names, *_VALUE_FIELDS)

    def to_markdown(self, *, digits: int = 1, by: RankBy = "shrunk") -> str:
        """A Markdown table ranked ``by``; NPS rounded to ``digits`` decimals."""
        level = f"{100 * self.confidence_level:g}%"
        lines = [
            f"| rank | {' x '.join(self.names)} | n | raw NPS | shrunk NPS | {level} interval |",
            "|---:|---|---:|---:|---:|---|",
        ]
        for place, segment in enumerate(self.rank(by), start=1):
            raw = "-" if math.isnan(segment.raw_nps) else f"{segment.raw_nps:+.{digits}f}"
            low, high = segment.confidence_interval
            lines.append(
                f"| {place} | {_label(segment.key)} | {segment.n:.6g} | {raw} | "
                f"{segment.shrunk_nps:+.{digits}f} | [{low:.{digits}f}, {high:.{digits}f}] |"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        level = f"{100 * self.confidence_level:g}%"
        low, high = self.tau_interval
        head = (
            f"Bayesian shrinkage of {len(self.rows)} segments towards NPS "
            f"{self.prior_nps:+.1f}; true NPS differ between segments by a standard "
            f"deviation of {self.tau:.1f} points ({level} credible {low:.1f} to {high:.1f}); "
            "ranked by shrunk NPS, rounded to 1 decimal"
        )
        return head + "\n" + self.to_markdown()


def shrink(
    groups: GroupedTally | Mapping[Any, Tally] | Sequence[Tally],
    *,
    confidence_level: float = 0.95,
) -> ShrinkageResult:
    """Shrink each segment's NPS towards what all segments together suggest.

    A normal hierarchical model on the NPS scale: each segment's true NPS is
    drawn around a common level with a between-segment standard deviation
    :math:`\\tau`, and both are integrated out (not plugged in), so the
    intervals carry the uncertainty about how much segments differ. Each
    segment gets the posterior mean of its NPS and an equal-tailed credible
    interval. Small segments move most; ranking by the shrunk NPS (or by the
    interval's lower end) is fairer than ranking by raw NPS, which favours
    small segments whose few answers happened to be promoters.

    Parameters
    ----------
    groups : GroupedTally, mapping of key to Tally, or sequence of Tally
        The segments (for a sequence, keys are the positions 0, 1, ...).
    confidence_level : float, default 0.95
        Posterior probability of each credible interval.

    Returns
    -------
    ShrinkageResult
        Per-segment raw and shrunk NPS with intervals, the common level and
        the posterior of :math:`\\tau`.

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
    safeguarded Halley steps) give the interval, clipped to [-100, +100].

    **Why not plug in a fitted prior.** An empirical-Bayes fit that treats
    the fitted spread as known gives zero-width intervals whenever the fit
    says "no spread", and one very large segment can force that. Here the
    spread's uncertainty is in every interval, and a large segment mainly
    pins :math:`\\mu`, while the small segments still inform
    :math:`\\tau`.

    **Assumptions.** Segments are exchangeable (no covariates), their true
    NPS roughly normal around a common level, and each :math:`y_i` roughly
    normal given :math:`\\theta_i`; at identical shares (:math:`\\tau = 0`)
    the intervals are conservative, because the data cannot rule out small
    differences. A seeded calibration (``scripts/shrink_calibration_table.py``)
    gives coverage 0.94-0.96 with real spread between segments.

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
    >>> low, high = result["ben"].confidence_interval
    >>> round(low, 1), round(high, 1)
    (-3.8, 100.0)
    >>> [s.key[0] for s in result.rank("lower")]
    ['dev', 'ana', 'eve', 'ben', 'cho']
    >>> round(result.tau, 1), [round(end, 1) for end in result.tau_interval]
    (26.7, [9.6, 63.8])

    Five segments say little about how much segments differ (``tau`` is
    anywhere from 10 to 64 points), so three promoters are pulled from +100
    only to +42.3, with an interval from -3.8 to +100: ranking by the
    interval's lower end puts ben below every agent with 100 answers but cho.
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
    low = np.clip(100.0 * fit.low, -100.0, 100.0)
    high = np.clip(100.0 * fit.high, -100.0, 100.0)
    # plain Python floats first: indexing numpy arrays per row costs more than the rows
    columns = zip(
        grouped.keys,
        n.tolist(),
        counts.tolist(),
        raw.tolist(),
        (100.0 * fit.mean).tolist(),
        low.tolist(),
        high.tolist(),
        (raw - penalty).tolist(),
        strict=True,
    )
    segments = tuple(
        ShrunkSegment(
            key=key,
            key_names=key_names,
            n=size,
            counts=(row[0], row[1], row[2]),
            raw_nps=raw_nps,
            shrunk_nps=shrunk,
            confidence_interval=Interval(lower, upper),
            rule_of_thumb=rule,
        )
        for key, size, row, raw_nps, shrunk, lower, upper, rule in columns
    )
    return ShrinkageResult(
        rows=segments,
        names=grouped.names,
        prior_nps=100.0 * fit.mu,
        tau=100.0 * fit.tau_mean,
        tau_interval=Interval(100.0 * fit.tau_low, 100.0 * fit.tau_high),
        tau_prior_scale=100.0 * TAU_PRIOR_SCALE,
        confidence_level=level,
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
