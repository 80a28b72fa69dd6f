"""Confidence bounds and tests for the mean of a bounded answer scale, vectorised.

Every function takes ``counts`` of shape ``(rows, points)`` (effective counts
of weighted data welcome) and the ``scores`` of the points (the answers
``low..high``), and returns one-sided bounds with tail ``alpha`` in the units
of the scores, unclipped. With ``n`` answers, mean ``m`` and sample variance
``s^2`` (divisor ``n - 1``):

- ``t_bounds``: Student's t interval ``m -+ t_{n-1} s / sqrt(n)`` (Student
  1908, doi:10.1093/biomet/6.1.1); it assumes the mean is nearly normal,
  which a bounded scale makes true quickly, and it can leave the scale for a
  small sample near an end.
- ``scaled_wilson_bounds``: the answers are rescaled to ``[0, 1]`` (``u``);
  a variable on ``[0, 1]`` with mean ``mu`` has variance at most
  ``mu (1 - mu)`` (Bhatia and Davis 2000, doi:10.1080/00029890.2000.12005203),
  with equality for answers only at the two ends (a proportion). The
  interval is Wilson's score interval for a proportion ``m_u`` observed on
  the *effective* sample size ``n* = n m_u (1 - m_u) / s_u^2`` (``s_u^2``
  the sample variance of ``u``), with Student's ``t_{n-1}`` quantile in
  place of the normal one since the variance is estimated: the variance
  ratio acts as the design effect of Korn and Graubard's (1998)
  effective-sample-size Wilson interval (*Survey Methodology* 24(2),
  193-201). It stays within the scale and is asymmetric near an end, where
  the t interval spills over; away from the ends it is close to the t
  interval. A sample with every answer at one end is treated as a
  proportion of 0 or 1 on ``n - 1`` answers; a sample with every answer at
  one inner point (no spread seen) gets the variance it would have with one
  answer a scale step away, ``1 / n`` steps squared, so its interval is never
  a single point.
- ``bootstrap_t_bounds``: the studentised (bootstrap-t) interval of Efron
  and Tibshirani (1993, *An Introduction to the Bootstrap*, ch. 12): the
  counts are resampled from the multinomial of the observed shares and the
  quantiles of ``(m* - m) / se*`` replace the t quantiles.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

__all__ = [
    "Moments",
    "bootstrap_t_bounds",
    "moments",
    "scaled_wilson_bounds",
    "scaled_wilson_from_moments",
    "t_bounds",
    "t_bounds_from_moments",
    "t_pvalue",
]

Floats = npt.NDArray[np.float64]


class Moments(NamedTuple):
    """Answers, mean and variance (divisor ``n - 1``) of every row."""

    n: Floats
    mean: Floats
    variance: Floats


def moments(counts: Any, scores: Any) -> Moments:
    """``n``, mean and sample variance (divisor ``n - 1``, NaN for ``n <= 1``) per row."""
    c = np.atleast_2d(np.asarray(counts, dtype=np.float64))
    x = np.asarray(scores, dtype=np.float64)
    n = c.sum(axis=1)
    safe = np.where(n > 0, n, 1.0)
    mean = (c @ x) / safe
    square = np.sum(c * (x[None, :] - mean[:, None]) ** 2, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        variance = np.where(n > 1, square / np.where(n > 1, n - 1, 1.0), np.nan)
    return Moments(n, mean, variance)


def t_bounds(counts: Any, scores: Any, alpha: float) -> tuple[Floats, Floats]:
    """Student's t bounds; rows of at most one answer get the whole scale.

    Examples
    --------
    Answers 4, 5, 5, 3 (mean 4.25, s = 0.9574):

    >>> low, high = t_bounds([[0, 0, 1, 1, 2]], [1, 2, 3, 4, 5], 0.025)
    >>> round(float(low[0]), 6), round(float(high[0]), 6)
    (2.72652, 5.77348)
    """
    x = np.asarray(scores, dtype=np.float64)
    return t_bounds_from_moments(moments(counts, x), float(x[0]), float(x[-1]), alpha)


def t_bounds_from_moments(
    stats: Moments, lowest: float, highest: float, alpha: float
) -> tuple[Floats, Floats]:
    """:func:`t_bounds` from ``(n, mean, variance)`` arrays (its sufficient statistic)."""
    from scipy.special import stdtrit

    n, mean, variance = (np.asarray(v, dtype=np.float64) for v in stats)
    usable = n > 1
    df = np.where(usable, n - 1, 1.0)
    half = stdtrit(df, 1.0 - alpha) * np.sqrt(
        np.where(usable, variance, 0.0) / np.where(usable, n, 1.0)
    )
    low = np.where(usable, mean - half, lowest)
    high = np.where(usable, mean + half, highest)
    return low, high


def t_pvalue(counts: Any, scores: Any, value: float, alternative: str) -> tuple[Floats, Floats]:
    """One-sample t test of ``mean = value``: ``(t, pvalue)`` (NaN t gives p = 1)."""
    from scipy.special import stdtr

    n, mean, variance = moments(counts, scores)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = (mean - value) / np.sqrt(variance / n)
    return t, _t_tail(t, n - 1, alternative, stdtr)


def _t_tail(t: Floats, df: Floats, alternative: str, stdtr: Any) -> Floats:
    with np.errstate(invalid="ignore"):
        if alternative == "greater":
            p = stdtr(df, -t)
        elif alternative == "less":
            p = stdtr(df, t)
        else:
            p = np.minimum(1.0, 2 * stdtr(df, -np.abs(t)))
    result: Floats = np.where(np.isnan(p), 1.0, p)
    return result


def scaled_wilson_bounds(counts: Any, scores: Any, alpha: float) -> tuple[Floats, Floats]:
    """Wilson bounds on the rescaled mean at effective n ``n m(1 - m) / s^2`` (module notes).

    The critical value is Student's ``t_{n-1}`` quantile, as the variance is
    estimated; rows of at most one answer get the whole scale.

    Examples
    --------
    Answers 4, 5, 5, 3 on 1-5: near the top the interval is asymmetric and
    stays below 5, where the t interval reaches 5.77.

    >>> low, high = scaled_wilson_bounds([[0, 0, 1, 1, 2]], [1, 2, 3, 4, 5], 0.025)
    >>> round(float(low[0]), 4), round(float(high[0]), 4)
    (2.391, 4.8896)
    """
    x = np.asarray(scores, dtype=np.float64)
    return scaled_wilson_from_moments(moments(counts, x), float(x[0]), float(x[-1]), alpha)


def scaled_wilson_from_moments(
    stats: Moments, lowest: float, highest: float, alpha: float
) -> tuple[Floats, Floats]:
    """:func:`scaled_wilson_bounds` from ``(n, mean, variance)`` arrays on ``lowest..highest``."""
    from scipy.special import stdtrit

    n = np.asarray(stats.n, dtype=np.float64)
    span = highest - lowest
    mean = (np.asarray(stats.mean, dtype=np.float64) - lowest) / span
    variance = np.asarray(stats.variance, dtype=np.float64) / span**2
    usable = n > 1
    m = np.where(usable, np.clip(mean, 0.0, 1.0), 0.5)
    bernoulli = m * (1 - m)
    s2 = np.where(usable, variance, 0.0)
    # Every answer at one inner point: no spread is seen, yet one answer a step away
    # would show some. Use that sample's variance, 1 / n steps^2 (integer answers with
    # any spread have at least that much), so that the interval is never a single point.
    floor = 1.0 / (np.maximum(n, 1.0) * span**2)
    s2 = np.where(usable & (bernoulli > 0), np.maximum(s2, floor), s2)
    with np.errstate(invalid="ignore", divide="ignore"):
        # answers all at one end: the Bernoulli case, ratio n / (n - 1)
        ratio = np.where(bernoulli > 0, s2 / np.where(bernoulli > 0, bernoulli, 1.0), 1.0)
        n_star = np.where(ratio > 0, n / np.where(ratio > 0, ratio, 1.0), np.inf)
        n_star = np.where(bernoulli > 0, n_star, np.maximum(n - 1, 1.0))
    z = stdtrit(np.where(usable, n - 1, 1.0), 1.0 - alpha)
    finite = np.isfinite(n_star)
    ns = np.where(finite, n_star, 1.0)
    centre = m * ns + z * z / 2
    half = z * np.sqrt(np.maximum(bernoulli * ns, 0.0) + z * z / 4)
    low = np.where(finite, (centre - half) / (ns + z * z), m)
    high = np.where(finite, (centre + half) / (ns + z * z), m)
    low = np.where(usable, low, 0.0)
    high = np.where(usable, high, 1.0)
    return lowest + span * low, lowest + span * high


def bootstrap_t_bounds(
    counts: Any, scores: Any, alpha: float, *, n_resamples: int, rng: np.random.Generator
) -> tuple[Floats, Floats]:
    """Studentised bootstrap bounds; resamples ``round(n)`` answers per row.

    A resample whose answers are all equal has no standard error: its
    ``t*`` is 0 when its mean is the sample's, else infinite with the sign
    of the difference (it speaks for the far tail). A sample with no spread
    collapses to its mean.
    """
    c = np.atleast_2d(np.asarray(counts, dtype=np.float64))
    x = np.asarray(scores, dtype=np.float64)
    n, mean, variance = moments(c, x)
    low, high = t_bounds(c, x, alpha)  # rows of <= 1 answer keep the whole scale
    for row in np.flatnonzero(n > 1):
        size = max(int(np.rint(n[row])), 2)
        se = np.sqrt(variance[row] / n[row])
        if not se > 0:
            low[row] = high[row] = mean[row]
            continue
        draws = rng.multinomial(size, c[row] / n[row], size=n_resamples).astype(np.float64)
        star = moments(draws, x)
        star_se = np.sqrt(star.variance / size)
        gap = star.mean - mean[row]
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.where(
                star_se > 0, gap / np.where(star_se > 0, star_se, 1.0), np.sign(gap) * np.inf
            )
        t = np.where((star_se > 0) | (gap != 0), t, 0.0)
        upper_q, lower_q = np.quantile(t, [1.0 - alpha, alpha])
        low[row] = mean[row] - upper_q * se
        high[row] = mean[row] - lower_q * se
    return low, high
