"""The rows and table of :func:`npskit.shrink`: raw and shrunk NPS, two intervals per segment."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from npskit._core.grouped import _label
from npskit._core.interval import Interval
from npskit._core.results import Table, keyed_dict, none_if_nan
from npskit._core.validation import check_choice

__all__ = ["RankBy", "ShrinkageResult", "ShrunkSegment", "unique_key_names"]

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
    "credible_low",
    "credible_high",
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
        Confidence interval of NPS in points, whose coverage is the
        confidence level whatever the segment's true NPS (the FAB interval
        of :func:`npskit.shrink`; it unpacks: ``low, high = ...``). It
        borrows from the other segments, so it is narrower than the
        segment's own interval where its NPS is close to theirs, and it
        always contains ``raw_nps`` and ``shrunk_nps``. ``[-100, 100]``
        without answers.
    credible_interval : Interval
        Equal-tailed posterior (credible) interval of NPS in points under
        the hierarchical model: narrower, but its coverage holds on average
        over segments drawn from the model, not for each segment (it can
        miss the best and worst segments; see :func:`npskit.shrink`).
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
    credible_interval: Interval
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
            credible_low=none_if_nan(self.credible_interval.low),
            credible_high=none_if_nan(self.credible_interval.high),
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
        Coverage of each confidence interval and posterior probability of
        each credible interval.
    method : str
        ``"hierarchical-normal"``.
    estimates : tuple of three arrays or None
        The shrunk NPS and the confidence intervals' low and high ends as
        read-only numpy arrays in row order (the rows are built from them
        when first read).
    """

    names: tuple[str, ...]
    prior_nps: float
    tau: float
    tau_interval: Interval
    tau_prior_scale: float
    confidence_level: float
    method: Literal["hierarchical-normal"] = "hierarchical-normal"
    estimates: tuple[Any, Any, Any] | None = field(default=None, repr=False, compare=False)

    def rank(self, by: RankBy = "shrunk") -> tuple[ShrunkSegment, ...]:
        """Segments from best to worst.

        Parameters
        ----------
        by : {"shrunk", "lower", "raw", "rule-of-thumb"}, default "shrunk"
            Shrunk NPS (posterior mean), the lower end of its confidence
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
            f"| rank | {' x '.join(self.names)} | n | raw NPS | shrunk NPS | {level} CI |",
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
            f"ranked by shrunk NPS, with {level} confidence intervals (FAB), rounded to 1 decimal"
        )
        return head + "\n" + self.to_markdown()
