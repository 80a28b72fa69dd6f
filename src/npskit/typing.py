"""Type aliases for npskit's option values.

Import them to annotate code that passes options through::

    from npskit.typing import NanPolicy
"""

from __future__ import annotations

from typing import Literal

__all__ = [
    "Alternative",
    "ChartType",
    "CompareMethod",
    "CompareTo",
    "DriverMissing",
    "DriverOutcome",
    "Frequency",
    "ImportanceMethod",
    "IntervalMethod",
    "MeanCompareMethod",
    "MeanIntervalMethod",
    "MeanPairedMethod",
    "MetricKind",
    "MetricName",
    "MissingKeys",
    "NanPolicy",
    "NpsTestMethod",
    "Overdispersion",
    "PAdjustMethod",
    "PairedMethod",
    "PowerMethod",
    "ScalePreset",
    "ShareCompareMethod",
    "ShareIntervalMethod",
    "SharePairedMethod",
    "SortBy",
    "TopicRule",
]

NanPolicy = Literal["omit", "raise"]
"""What to do with missing answers (NaN, None, pandas NA, polars null).

``"omit"`` leaves them out and counts them in ``Tally.n_missing``;
``"raise"`` raises :class:`npskit.MissingAnswersError`.
"""

MetricKind = Literal["net", "share", "mean"]
"""How a metric scores answers (see :class:`npskit.Metric`).

``"net"``: the NPS, promoters' share minus detractors' share; ``"share"``: the
share of answers in a box (CSAT top-2-box, CES share of easy); ``"mean"``: the
mean answer of a bounded scale (CES mean, a star average).
"""

MetricName = Literal["nps", "csat", "ces", "ces-easy"]
"""The name of a preset metric: ``npskit.NPS``, ``CSAT``, ``CES``, ``CES_EASY``."""

ShareIntervalMethod = Literal["wilson", "agresti-coull", "jeffreys", "clopper-pearson"]
"""A confidence interval method for a share metric (CSAT top-box, CES share of easy)."""

MeanIntervalMethod = Literal["t", "bootstrap-t", "scaled-wilson"]
"""A confidence interval method for a mean metric (CES mean, star average)."""

ShareCompareMethod = Literal["newcombe", "agresti-caffo"]
"""A method comparing a share metric between two independent samples."""

MeanCompareMethod = Literal["welch"]
"""A method comparing a mean metric between two independent samples."""

SharePairedMethod = Literal["tango"]
"""A method comparing a share metric between two answers of the same respondents."""

MeanPairedMethod = Literal["t"]
"""A method comparing a mean metric between two answers of the same respondents."""

Alternative = Literal["two-sided", "less", "greater"]
"""The alternative hypothesis of a test, and the side of its interval.

As in :mod:`scipy.stats`: a ``"greater"`` test gives an interval
``[low, upper end of the scale]``, a ``"less"`` test ``[lower end, high]``.
"""

IntervalMethod = Literal[
    "wald",
    "adjusted-wald",
    "agresti-min",
    "bonett-price",
    "tango",
    "exact",
    "bayes",
    "bootstrap-percentile",
    "bootstrap-bca",
]
"""A confidence interval method for one NPS (see :func:`npskit.confidence_interval`).

``"adjusted-wald"`` is the default; "Choosing an interval method" in the docs
compares them by exact coverage.
"""

NpsTestMethod = Literal["tango", "exact", "wald"]
"""A test of H0: NPS = value (see :func:`npskit.nps_test`), named after the interval it inverts.

``"tango"`` (Tango's score test) is the default.
"""

PairedMethod = Literal["t", "tango", "wald", "bootstrap-percentile"]
"""A method for the difference of two NPS of the same respondents.

Used by :func:`npskit.compare` with ``paired=True``; ``"t"`` is the default.
"""

PAdjustMethod = Literal["holm", "bonferroni", "benjamini-hochberg", "none"]
"""A multiplicity adjustment of p-values (see :func:`npskit.adjust_pvalues`)."""

Frequency = Literal["day", "week", "month", "quarter", "year"]
"""How :func:`npskit.trend` buckets dates into periods (weeks are ISO weeks, from Monday)."""

CompareMethod = Literal[
    "mover", "wald", "adjusted-wald", "permutation", "bootstrap-percentile", "bayes"
]
"""A method comparing two independent periods (see :func:`npskit.compare`).

``"mover"`` is the default; "Comparing periods" in the docs compares them by
exact size and power.
"""

PowerMethod = Literal["mover", "wald", "adjusted-wald"]
"""A test whose power :func:`npskit.power` and :func:`npskit.sample_size_compare` compute."""

MissingKeys = Literal["group", "raise"]
"""What to do with rows whose segment key is missing: their own group (key ``None``) or raise."""

SortBy = Literal["nps", "n", "impact", "lower", "shrunk"]
"""What :func:`npskit.breakdown` can sort its rows by."""

CompareTo = Literal["rest", "total"]
"""What each segment is compared with: the rest of the population, or the total."""

ChartType = Literal["shewhart", "laney", "ewma", "cusum"]
"""A control chart of NPS over periods (see :func:`npskit.control_chart`)."""

Overdispersion = Literal["none", "multiplicative", "additive"]
"""How :func:`npskit.funnel` widens its limits when units differ more than sampling explains."""

DriverOutcome = Literal["score", "promoter", "detractor"]
"""What :func:`npskit.drivers` explains: the 0-10 answer (linear) or a binary category."""

ImportanceMethod = Literal["relative-weights", "shapley"]
"""A relative-importance method of :func:`npskit.drivers`.

``"relative-weights"`` (Johnson 2000; logistic: Tonidandel & LeBreton 2010) is
the default; ``"shapley"`` is the exact LMG / general dominance weight.
"""

DriverMissing = Literal["complete-cases", "raise"]
"""What :func:`npskit.drivers` does with missing ratings: leave the rows out (counted), or raise."""

TopicRule = Literal["shapley", "marginal"]
"""How :func:`npskit.topic_impact` shares a comment with several topics.

``"shapley"`` splits the impact of shared comments exactly among their topics
(the shares add up to the impact of all topics together); ``"marginal"`` gives
each topic the whole of every comment that mentions it (shares overlap).
"""

ScalePreset = Literal["0-10", "1-10", "1-7", "1-5", "1-3"]
"""Names of the answer scales :meth:`npskit.Scale.preset` knows.

``"0-10"`` is the standard scale; ``"1-10"`` keeps its cut points; ``"1-7"``
and ``"1-5"`` rescale them; ``"1-3"`` is a column of NPS group codes
(1 detractor, 2 passive, 3 promoter). See :meth:`npskit.Scale.preset`.
"""
