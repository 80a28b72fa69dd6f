"""Empirical-Bayes shrinkage of segment NPS: a Dirichlet-multinomial fitted across segments."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from npskit._core.grouped import GroupedTally, _label
from npskit._core.interval import Interval
from npskit._core.results import Table, json_value, none_if_nan
from npskit._core.tally import Tally
from npskit._core.validation import check_choice, check_confidence_level
from npskit._intervals.arrays import effective_arrays
from npskit._stats.dirichlet import dirichlet_difference_quantiles, fit_dirichlet

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
        record: dict[str, Any] = {
            name: json_value(value) for name, value in zip(self.key_names, self.key, strict=True)
        }
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
    """Segments' NPS shrunk towards a Dirichlet prior fitted across them.

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
    prior : tuple of three floats, or None
        Fitted Dirichlet parameters (detractors, passives, promoters); None
        when the fit pooled fully (``pooled``).
    prior_mean : tuple of three floats
        Prior mean shares of detractors, passives and promoters.
    prior_nps : float
        NPS of the prior mean, in points.
    concentration : float
        Sum of the prior parameters: how many answers' worth of weight the
        prior gets; ``inf`` when ``pooled``.
    pooled : bool
        True when segments differ no more than sampling noise explains, so the
        fitted concentration is infinite (every segment gets the pooled NPS).
    log_likelihood : float
        Maximised log marginal likelihood (multinomial coefficients left out).
    confidence_level : float
        Posterior probability of each interval.
    method : str
        ``"marginal-likelihood"``.
    """

    names: tuple[str, ...]
    prior: tuple[float, float, float] | None
    prior_mean: tuple[float, float, float]
    prior_nps: float
    concentration: float
    pooled: bool
    log_likelihood: float
    confidence_level: float
    method: Literal["marginal-likelihood"] = "marginal-likelihood"

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
        """A JSON-serialisable dictionary; infinite concentration becomes ``None``."""
        return {
            "names": list(self.names),
            "rows": self.to_dicts(),
            "prior": None if self.prior is None else list(self.prior),
            "prior_mean": list(self.prior_mean),
            "prior_nps": none_if_nan(self.prior_nps),
            "concentration": none_if_nan(self.concentration),
            "pooled": self.pooled,
            "log_likelihood": none_if_nan(self.log_likelihood),
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
        prior = (
            "segments differ no more than noise: full pooling"
            if self.pooled
            else f"prior worth {self.concentration:.3g} answers"
        )
        head = (
            f"Empirical-Bayes shrinkage of {len(self.rows)} segments towards NPS "
            f"{self.prior_nps:+.1f} ({prior}); ranked by shrunk NPS, rounded to 1 decimal"
        )
        return head + "\n" + self.to_markdown()


def shrink(
    groups: GroupedTally | Mapping[Any, Tally] | Sequence[Tally],
    *,
    confidence_level: float = 0.95,
) -> ShrinkageResult:
    """Shrink each segment's NPS towards what all segments together suggest.

    Fits a Dirichlet prior to the segments' counts by maximum marginal
    (Dirichlet-multinomial) likelihood, then gives each segment the
    posterior mean of its NPS and an equal-tailed credible interval. Small
    segments move most; ranking by the shrunk NPS (or by the interval's lower
    end) is fairer than ranking by raw NPS, which favours small segments
    whose few answers happened to be promoters.

    Parameters
    ----------
    groups : GroupedTally, mapping of key to Tally, or sequence of Tally
        The segments (for a sequence, keys are the positions 0, 1, ...).
    confidence_level : float, default 0.95
        Posterior probability of each credible interval.

    Returns
    -------
    ShrinkageResult
        Per-segment raw and shrunk NPS with intervals, and the fitted prior.

    Raises
    ------
    ValueError
        If fewer than two segments have answers, or ``confidence_level`` is
        not strictly between 0 and 1.
    TypeError
        If ``groups`` is not one of the kinds above (for example one Tally).

    Notes
    -----
    Segment :math:`i` has counts :math:`x_i = (D_i, S_i, P_i)` with
    :math:`n_i` answers, drawn from its own shares
    :math:`\\pi_i \\sim \\mathrm{Dirichlet}(\\alpha)`. The counts then follow
    the Dirichlet-multinomial law, and :math:`\\alpha` maximises the marginal
    log-likelihood (multinomial coefficients dropped)

    .. math::

        \\ell(\\alpha) = \\sum_i \\Big[\\ln\\Gamma(A) - \\ln\\Gamma(n_i + A)
        + \\sum_k \\big(\\ln\\Gamma(x_{ik} + \\alpha_k) - \\ln\\Gamma(\\alpha_k)\\big)\\Big],
        \\quad A = \\textstyle\\sum_k \\alpha_k,

    as in Minka [1]_, here over :math:`\\log\\alpha` by L-BFGS-B with the
    analytic gradient, started at a method-of-moments estimate. The
    posterior of segment :math:`i` is
    :math:`\\mathrm{Dirichlet}(\\alpha + x_i)`: its NPS has mean
    :math:`100\\,(\\alpha_P + P_i - \\alpha_D - D_i)/(A + n_i)`, and its
    quantiles are computed deterministically (the distribution function of
    :math:`p - d` as one integral, inverted by Brent's method; no sampling).

    **Degenerate fit.** When segments differ no more than multinomial noise
    explains, the likelihood keeps rising as :math:`A \\to \\infty`: the
    prior would pin every segment to the pooled shares. npskit reports this
    as ``pooled=True`` (fitted :math:`A` above :math:`10^6`, or not better
    than the pooled multinomial): each segment gets the pooled NPS, and the
    interval collapses to that point. Empirical Bayes treats the fitted
    prior as known; it does not carry the uncertainty of :math:`\\alpha`
    into the intervals [2]_.

    **Weights.** A weighted segment enters with its effective counts: its
    weighted shares times the effective number of answers of the
    linearization variance (see :func:`npskit.confidence_interval`).

    **Rule of thumb.** :meth:`ShrinkageResult.rank` also offers AskNicely's
    ``NPS - 160 / sqrt(n)`` [3]_, a penalty for small segments, for
    comparison.

    References
    ----------
    .. [1] Minka, T. P. (2000). Estimating a Dirichlet distribution. Technical
       report, MIT.
       https://tminka.github.io/papers/dirichlet/minka-dirichlet.pdf
    .. [2] Efron, B., and Morris, C. (1975). Data analysis using Stein's
       estimator and its generalizations. *Journal of the American
       Statistical Association*, 70(350), 311-319.
       doi:10.1080/01621459.1975.10479864
    .. [3] AskNicely help centre, "Smart Ranking": rank = NPS - 160 / sqrt(number
       of responses).
       https://asknicely.zendesk.com/hc/en-us/articles/4402033861780-Smart-Ranking

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
    [('dev', 35.2), ('ana', 27.8), ('ben', 27.8), ('eve', 16.8), ('cho', -1.6)]
    >>> low, high = result["ben"].confidence_interval
    >>> round(result.concentration, 1), round(low, 1), round(high, 1)
    (35.8, 2.5, 51.1)
    """
    level = check_confidence_level(confidence_level)
    grouped = _as_grouped(groups)
    counts = effective_arrays(grouped.counts, grouped.squared_weights, grouped.responses)
    n_effective = counts.sum(axis=1)
    key_names = unique_key_names(grouped.names, _VALUE_FIELDS)
    fit = fit_dirichlet(counts)
    tail = (1.0 - level) / 2.0
    segments = []
    for key, x, n in zip(grouped.keys, counts, n_effective, strict=True):
        raw = float(100.0 * (x[2] - x[0]) / n) if n > 0 else math.nan
        if fit.alpha is None:
            shrunk = float(100.0 * (fit.mean[2] - fit.mean[0]))
            interval = Interval(shrunk, shrunk)
        else:
            posterior = fit.alpha + x
            shrunk = float(100.0 * (posterior[2] - posterior[0]) / posterior.sum())
            low, high = dirichlet_difference_quantiles(posterior, tail)
            interval = Interval(100.0 * low, 100.0 * high)
        segments.append(
            ShrunkSegment(
                key=key,
                key_names=key_names,
                n=float(n),
                counts=(float(x[0]), float(x[1]), float(x[2])),
                raw_nps=raw,
                shrunk_nps=shrunk,
                confidence_interval=interval,
                rule_of_thumb=raw - _RULE_OF_THUMB / math.sqrt(float(n)) if n > 0 else math.nan,
            )
        )
    return ShrinkageResult(
        rows=tuple(segments),
        names=grouped.names,
        prior=None
        if fit.alpha is None
        else (float(fit.alpha[0]), float(fit.alpha[1]), float(fit.alpha[2])),
        prior_mean=(float(fit.mean[0]), float(fit.mean[1]), float(fit.mean[2])),
        prior_nps=100.0 * float(fit.mean[2] - fit.mean[0]),
        concentration=fit.concentration,
        pooled=fit.alpha is None,
        log_likelihood=fit.log_likelihood,
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
