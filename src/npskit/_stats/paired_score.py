"""Kernels for two NPS of the same respondents, on the change-score counts.

A respondent's change score is the category code (-1 detractor, 0 passive,
+1 promoter) now minus the code then, in ``{-2, ..., 2}``; the mean change
score is exactly the difference of the two NPS (as shares). Everything here
works on the counts of the five change scores (or the 9 cells of the
transition table), so its cost does not depend on the number of respondents.

- :func:`restricted_mle`, :func:`score_statistic`, :func:`score_bounds`: the
  score (Rao) test and interval for the mean of a multinomial (Lang 2008),
  which reduces to Tango's (1998) with change scores -1, 0, 1.
- :func:`stuart_maxwell_statistic`: the Stuart-Maxwell test of marginal
  homogeneity of the 3 x 3 table.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._stats.normal import normal_pvalue, z_quantile

__all__ = [
    "CELL_CHANGE",
    "CHANGES",
    "change_counts",
    "restricted_mle",
    "score_bounds",
    "score_statistic",
    "stuart_maxwell_statistic",
]

Floats = npt.NDArray[np.float64]

CHANGES: Floats = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
"""The five change scores, as shares."""

CELL_CHANGE: Floats = (np.arange(3)[None, :] - np.arange(3)[:, None]).ravel().astype(np.float64)
"""Change score of each of the 9 transition cells, row-major (rows = baseline category)."""


def change_counts(cells: Any) -> Floats:
    """Counts of the change scores -2..2 from the 9 transition cells (row-major)."""
    counts: Floats = np.bincount(
        (CELL_CHANGE + 2).astype(np.intp), weights=np.asarray(cells, float).ravel(), minlength=5
    ).astype(np.float64)
    return counts


def restricted_mle(counts: Any, values: Any, delta: float) -> Floats:
    """Maximum likelihood cell probabilities of a multinomial under ``sum(pi * values) = delta``.

    ``counts[k]`` observations sit at support point ``values[k]`` (sorted,
    increasing); ``delta`` must lie strictly between the first and last
    support point. Cells with a count are ``counts / (n + lam (values - delta))``
    with ``lam`` the root of the score equation; when that root would need a
    negative denominator at an empty end cell, the Karush-Kuhn-Tucker
    conditions put ``lam`` on that boundary and the empty end cell takes the
    remaining probability.
    """
    from scipy.optimize import brentq

    m = np.asarray(counts, dtype=np.float64)
    u = np.asarray(values, dtype=np.float64) - delta
    n = float(m.sum())
    seen = m > 0
    mo, uo = m[seen], u[seen]

    def score(lam: float) -> float:
        return float(np.sum(mo * uo / (n + lam * uo)))

    lam_low, lam_high = -n / u[-1], -n / u[0]  # where an end cell's denominator is 0
    lam: float
    if not seen[-1] and score(lam_low) <= 0.0:
        lam, boundary = lam_low, len(m) - 1
    elif not seen[0] and score(lam_high) >= 0.0:
        lam, boundary = lam_high, 0
    else:
        boundary = -1
        # An observed end cell is a pole of the score; the root keeps a relative
        # distance of at least 1/n from it (its probability is at most 1), so
        # starting 1e-12 inside brackets it for any realistic n.
        lo = lam_low if not seen[-1] else lam_low * (1.0 - 1e-12)
        hi = lam_high if not seen[0] else lam_high * (1.0 - 1e-12)
        lam = float(brentq(score, lo, hi, xtol=1e-14 * n, rtol=1e-15))
    pi = np.zeros(len(m))
    pi[seen] = mo / (n + lam * uo)
    if boundary >= 0:
        pi[boundary] = max(0.0, 1.0 - float(pi.sum()))
    result: Floats = pi / pi.sum()
    return result


def score_statistic(counts: Any, delta: float) -> float:
    """The paired score statistic ``Z(delta)`` (shares) from the change counts -2..2."""
    m = np.asarray(counts, dtype=np.float64)
    n = float(m.sum())
    mean = float(np.dot(m, CHANGES)) / n
    if delta <= -2.0 or delta >= 2.0:
        return 0.0 if mean == delta else math.copysign(math.inf, mean - delta)
    pi = restricted_mle(m, CHANGES, delta)
    variance = float(np.dot(pi, (CHANGES - delta) ** 2))
    if variance <= 0.0:
        return 0.0 if mean == delta else math.copysign(math.inf, mean - delta)
    return (mean - delta) * math.sqrt(n) / math.sqrt(variance)


def score_bounds(
    counts: Floats, alternative: str, alpha: float
) -> tuple[float, float, float, float]:
    """``(statistic, pvalue, lower, upper)`` of the score method; bounds with tail ``alpha``.

    The interval is ``{delta : |Z(delta)| <= z}``, solved by Brent's method;
    the p-value is the normal tail of ``Z(0)``.
    """
    from scipy.optimize import brentq

    n = float(counts.sum())
    mean = float(np.dot(counts, CHANGES)) / n
    z = z_quantile(alpha)
    statistic = score_statistic(counts, 0.0)
    edge = 1e-12
    lower = -2.0
    if mean > -2.0 + edge:
        lower = float(
            brentq(lambda d: score_statistic(counts, d) - z, -2.0 + edge, mean, xtol=1e-13)
        )
    upper = 2.0
    if mean < 2.0 - edge:
        upper = float(
            brentq(lambda d: score_statistic(counts, d) + z, mean, 2.0 - edge, xtol=1e-13)
        )
    return statistic, float(normal_pvalue(statistic, alternative)), lower, upper


def stuart_maxwell_statistic(table: Any) -> tuple[float, int, float]:
    """``(statistic, df, pvalue)`` of the Stuart-Maxwell test of a 3 x 3 table of counts.

    With ``d`` the first two components of (row totals - column totals) and
    ``S`` their estimated covariance, the statistic is ``d' S^+ d`` with
    ``S^+`` the Moore-Penrose inverse and ``df`` the rank of ``S`` (0: nobody
    changed category, statistic 0 and p-value 1).
    """
    from scipy.special import chdtrc

    t = np.asarray(table, dtype=np.float64).reshape(3, 3)
    d = (t.sum(axis=1) - t.sum(axis=0))[:2]
    s = -(t + t.T)[:2, :2]
    np.fill_diagonal(s, t.sum(axis=1)[:2] + t.sum(axis=0)[:2] - 2.0 * np.diag(t)[:2])
    rank = int(np.linalg.matrix_rank(s))
    if rank == 0:
        return 0.0, 0, 1.0
    statistic = max(float(d @ np.linalg.pinv(s) @ d), 0.0)
    return statistic, rank, float(chdtrc(rank, statistic))
