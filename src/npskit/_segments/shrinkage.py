"""Empirical-Bayes shrinkage of segment NPS: a Dirichlet-multinomial fitted across segments."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from npskit._core.grouped import GroupedTally, _json_value, _label
from npskit._core.interval import Interval
from npskit._core.tally import Tally
from npskit._core.validation import check_choice, check_confidence_level
from npskit._stats.effective import kish_effective_counts

__all__ = ["RankBy", "ShrinkageResult", "ShrunkSegment", "shrink"]

RankBy = Literal["shrunk", "lower", "raw", "rule-of-thumb"]
"""How :meth:`ShrinkageResult.rank` orders segments."""

_POOLED_CONCENTRATION = 1e6  # a fitted prior worth more answers than this is full pooling
_LOG_BOUNDS = (math.log(1e-8), math.log(1e9))
_RULE_OF_THUMB = 160.0  # AskNicely's "NPS - 160 / sqrt(n)"


@dataclass(frozen=True, slots=True, kw_only=True)
class ShrunkSegment:
    """One segment's raw and shrunk NPS (see :func:`shrink`).

    Attributes
    ----------
    key : tuple
        The segment's key.
    n : float
        Answers behind the estimate (Kish's effective n when weighted).
    counts : tuple of three floats
        Detractors, passives and promoters used in the fit (scaled to the
        effective n when weighted).
    raw_nps : float
        The segment's own NPS in points; NaN without answers.
    shrunk_nps : float
        Posterior mean of NPS in points.
    interval : Interval
        Equal-tailed credible interval of NPS in points.
    rule_of_thumb : float
        ``raw_nps - 160 / sqrt(n)`` (AskNicely's ranking heuristic); NaN
        without answers.
    """

    key: tuple[Any, ...]
    n: float
    counts: tuple[float, float, float]
    raw_nps: float
    shrunk_nps: float
    interval: Interval
    rule_of_thumb: float

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dictionary (NaN becomes ``None``)."""
        return {
            "key": [_json_value(v) for v in self.key],
            "n": self.n,
            "counts": list(self.counts),
            "raw_nps": _finite_or_none(self.raw_nps),
            "shrunk_nps": self.shrunk_nps,
            "interval": self.interval.to_dict(),
            "rule_of_thumb": _finite_or_none(self.rule_of_thumb),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ShrinkageResult:
    """Segments' NPS shrunk towards a Dirichlet prior fitted across them.

    Attributes
    ----------
    names : tuple of str
        Names of the key columns.
    segments : tuple of ShrunkSegment
        One row per segment, in the input order.
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
    segments: tuple[ShrunkSegment, ...]
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
                "lower": segment.interval.low,
                "raw": segment.raw_nps,
                "rule-of-thumb": segment.rule_of_thumb,
            }[by]
            return -math.inf if math.isnan(value) else value

        return tuple(sorted(self.segments, key=score, reverse=True))

    def to_dicts(self) -> list[dict[str, Any]]:
        """One flat dictionary per segment (key columns, n, NPS, interval); unrounded."""
        rows = []
        for segment in self.segments:
            row: dict[str, Any] = dict(zip(self.names, segment.key, strict=True))
            row.update(
                n=segment.n,
                raw_nps=segment.raw_nps,
                shrunk_nps=segment.shrunk_nps,
                low=segment.interval.low,
                high=segment.interval.high,
                rule_of_thumb=segment.rule_of_thumb,
            )
            rows.append(row)
        return rows

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dictionary; infinite concentration becomes ``None``."""
        return {
            "names": list(self.names),
            "segments": [segment.to_dict() for segment in self.segments],
            "prior": None if self.prior is None else list(self.prior),
            "prior_mean": list(self.prior_mean),
            "prior_nps": self.prior_nps,
            "concentration": _finite_or_none(self.concentration),
            "pooled": self.pooled,
            "log_likelihood": self.log_likelihood,
            "confidence_level": self.confidence_level,
            "method": self.method,
        }

    def to_pandas(self) -> Any:
        """The segments as a pandas DataFrame (pandas is imported here)."""
        import pandas as pd

        return pd.DataFrame(self.to_dicts())

    def to_polars(self) -> Any:
        """The segments as a polars DataFrame (polars is imported here)."""
        import polars as pl

        return pl.DataFrame(self.to_dicts())

    def to_markdown(self, *, by: RankBy = "shrunk") -> str:
        """A Markdown table ranked ``by`` (NPS rounded to 1 decimal)."""
        level = f"{100 * self.confidence_level:g}%"
        lines = [
            f"| rank | {' x '.join(self.names)} | n | raw NPS | shrunk NPS | {level} interval |",
            "|---:|---|---:|---:|---:|---|",
        ]
        for place, segment in enumerate(self.rank(by), start=1):
            raw = "-" if math.isnan(segment.raw_nps) else f"{segment.raw_nps:+.1f}"
            lines.append(
                f"| {place} | {_label(segment.key)} | {segment.n:.6g} | {raw} | "
                f"{segment.shrunk_nps:+.1f} | {segment.interval} |"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        prior = (
            "segments differ no more than noise: full pooling"
            if self.pooled
            else f"prior worth {self.concentration:.3g} answers"
        )
        head = (
            f"Empirical-Bayes shrinkage of {len(self.segments)} segments towards NPS "
            f"{self.prior_nps:+.1f} ({prior}); ranked by shrunk NPS, rounded to 1 decimal"
        )
        return head + "\n" + self.to_markdown()


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


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
        If ``groups`` is not one of the kinds above.

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

    **Weights.** A weighted segment enters with Kish's effective number of
    answers, its weighted shares times :math:`n_\\mathrm{eff}`.

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
    >>> round(result.concentration, 1), result.segments[1].interval
    (35.8, Interval(low=2.5, high=51.1))
    """
    level = check_confidence_level(confidence_level)
    grouped = _as_grouped(groups)
    counts, n_effective = kish_effective_counts(grouped.counts, grouped.squared_weights)
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
                n=float(n),
                counts=(float(x[0]), float(x[1]), float(x[2])),
                raw_nps=raw,
                shrunk_nps=shrunk,
                interval=interval,
                rule_of_thumb=raw - _RULE_OF_THUMB / math.sqrt(float(n)) if n > 0 else math.nan,
            )
        )
    return ShrinkageResult(
        names=grouped.names,
        segments=tuple(segments),
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


@dataclass(frozen=True, slots=True)
class DirichletFit:
    """Result of :func:`fit_dirichlet` (``alpha`` is None when fully pooled)."""

    alpha: npt.NDArray[np.float64] | None
    mean: npt.NDArray[np.float64]
    concentration: float
    log_likelihood: float


def fit_dirichlet(counts: npt.NDArray[np.float64]) -> DirichletFit:
    """Maximum marginal-likelihood Dirichlet prior for rows of category counts."""
    from scipy.optimize import minimize
    from scipy.special import digamma, gammaln

    x = np.asarray(counts, dtype=np.float64)
    x = x[x.sum(axis=1) > 0]
    if len(x) < 2:
        raise ValueError(
            f"shrinkage needs at least two segments with answers, got {len(x)}; "
            "the spread between segments cannot be estimated from fewer"
        )
    pooled = x.sum(axis=0) / x.sum()
    pooled_ll = float((x[:, pooled > 0] * np.log(pooled[pooled > 0])).sum())
    active = pooled > 0
    if active.sum() < 2:  # every answer in one category: nothing to shrink
        return DirichletFit(None, pooled, math.inf, pooled_ll)
    xa = x[:, active]
    n = xa.sum(axis=1)

    def negative(theta: npt.NDArray[np.float64]) -> tuple[float, npt.NDArray[np.float64]]:
        alpha = np.exp(theta)
        total = alpha.sum()
        value = len(xa) * gammaln(total) - gammaln(n + total).sum()
        value += (gammaln(xa + alpha) - gammaln(alpha)).sum()
        common = len(xa) * digamma(total) - digamma(n + total).sum()
        gradient = common + (digamma(xa + alpha) - digamma(alpha)).sum(axis=0)
        return -float(value), -(gradient * alpha)

    start = np.log(pooled[active] * _moment_concentration(xa))
    bounds = [_LOG_BOUNDS] * int(active.sum())
    found = minimize(negative, start, jac=True, method="L-BFGS-B", bounds=bounds)
    alpha_active = np.exp(found.x)
    ll = -float(found.fun)
    concentration = float(alpha_active.sum())
    if concentration >= _POOLED_CONCENTRATION or ll <= pooled_ll:
        return DirichletFit(None, pooled, math.inf, pooled_ll)
    alpha = np.zeros(3)
    alpha[active] = alpha_active
    return DirichletFit(alpha, alpha / concentration, concentration, ll)


def _moment_concentration(x: npt.NDArray[np.float64]) -> float:
    """A method-of-moments start for the concentration ``A``.

    Under the Dirichlet-multinomial, ``sum_i n_i (p_ik - m_k)^2`` has
    expectation about ``m_k (1 - m_k) sum_i (1 + (n_i - 1) rho)`` with
    ``rho = 1 / (A + 1)``; solve for ``rho`` and average over categories.
    """
    n = x.sum(axis=1)
    m = x.sum(axis=0) / n.sum()
    shares = x / n[:, None]
    spread = (n[:, None] * (shares - m) ** 2).sum(axis=0)
    denominator = float((n - 1).sum())
    if denominator <= 0:
        return 10.0
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = (spread / (m * (1 - m)) - len(x)) / denominator
    rho = rho[np.isfinite(rho)]
    value = float(rho.mean()) if len(rho) else 0.1
    value = min(max(value, 1e-6), 0.99)
    return 1.0 / value - 1.0


def dirichlet_difference_quantiles(
    alpha: npt.NDArray[np.float64], tail: float
) -> tuple[float, float]:
    """The ``tail`` and ``1 - tail`` quantiles of ``p - d`` under ``Dirichlet(alpha)``.

    ``alpha`` is ordered detractors, passives, promoters. Uses the
    deterministic distribution function of npskit's Bayesian interval
    (``_bayes``), inverted by Brent's method. A zero parameter means that
    category has no mass, handled in closed form through the Beta law.
    """
    a_d, a_s, a_p = (float(v) for v in alpha)
    if a_s == 0.0 or a_d == 0.0 or a_p == 0.0:
        return _two_category_quantiles(a_d, a_s, a_p, tail)
    from npskit._stats.bayes import _posterior_cdf
    from npskit._stats.quantiles import invert_cdf

    cdf = _posterior_cdf(a_d, a_s, a_p)
    return invert_cdf(cdf, tail), invert_cdf(cdf, 1.0 - tail)


def _two_category_quantiles(a_d: float, a_s: float, a_p: float, tail: float) -> tuple[float, float]:
    from scipy.special import betaincinv

    if a_d == 0.0 and a_p == 0.0:
        return 0.0, 0.0
    if a_d == 0.0:  # p - d = p ~ Beta(a_p, a_s)
        if a_s == 0.0:
            return 1.0, 1.0
        return float(betaincinv(a_p, a_s, tail)), float(betaincinv(a_p, a_s, 1 - tail))
    if a_p == 0.0:  # p - d = -d, d ~ Beta(a_d, a_s)
        if a_s == 0.0:
            return -1.0, -1.0
        return -float(betaincinv(a_d, a_s, 1 - tail)), -float(betaincinv(a_d, a_s, tail))
    # no passives: p - d = 2p - 1 with p ~ Beta(a_p, a_d)
    return (
        2.0 * float(betaincinv(a_p, a_d, tail)) - 1.0,
        2.0 * float(betaincinv(a_p, a_d, 1 - tail)) - 1.0,
    )
