"""Kernels of control charts on standardised scores: Laney's sigma-Z, EWMA and CUSUM.

All work on z-scores ``z_i = (y_i - centre) / sigma_i`` (one per subgroup,
``sigma_i`` the sampling standard deviation of subgroup ``i``), vectorised:
a 2-D array holds one series per row.

- **Laney's sigma-Z** (Laney 2002, Quality Engineering 14(4):531-537,
  doi:10.1081/QEN-120003555): the average moving range of the z-scores over
  ``d2 = 1.128`` (the expected range of two normal observations). It is about
  1 when subgroups vary only by sampling; larger when the process itself
  wanders from subgroup to subgroup, which with large subgroups is the rule.
  The p'-chart's limits are ``centre +- 3 sigma_i sigma_Z``.
- **EWMA** (Roberts 1959; Montgomery, *Introduction to Statistical Quality
  Control*, 7th ed., sec. 9.2): ``w_i = lambda z_i + (1 - lambda) w_{i-1}``,
  ``w_0 = 0``, computed as one linear filter; its exact standard deviation
  after ``i`` points is ``sqrt(lambda / (2 - lambda) (1 - (1 - lambda)^(2 i)))``.
- **Tabular CUSUM** (Page 1954; Montgomery sec. 9.1):
  ``C+_i = max(0, C+_{i-1} + z_i - k)``, ``C-_i = max(0, C-_{i-1} - z_i - k)``.
  The recursion has the closed form ``C_i = S_i - min(0, min_{j <= i} S_j)``
  with ``S_i`` the cumulative sum of ``z_j - k`` (Lindley's), so it is one
  cumulative sum and one running minimum.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["D2", "cusum", "ewma", "ewma_sd", "laney_sigma_z"]

Floats = npt.NDArray[np.float64]

D2 = 1.128
"""Expected range of two independent standard normal observations, ``2 / sqrt(pi)`` rounded."""


def laney_sigma_z(z: Any) -> float:
    """Mean moving range of consecutive finite z-scores over ``D2``; NaN with fewer than 2."""
    x = np.asarray(z, dtype=np.float64)
    x = x[np.isfinite(x)]
    if x.size < 2:
        return float("nan")
    return float(np.mean(np.abs(np.diff(x))) / D2)


def ewma(z: Any, smoothing: float) -> Floats:
    """Exponentially weighted moving average of each row of ``z``, started at 0."""
    from scipy.signal import lfilter

    x = np.asarray(z, dtype=np.float64)
    result: Floats = lfilter([smoothing], [1.0, smoothing - 1.0], x, axis=-1)
    return result


def ewma_sd(size: int, smoothing: float) -> Floats:
    """Standard deviation of the EWMA of unit-variance z-scores after 1..``size`` points."""
    steps = np.arange(1, size + 1, dtype=np.float64)
    decay = (1.0 - smoothing) ** (2.0 * steps)
    result: Floats = np.sqrt(smoothing / (2.0 - smoothing) * (1.0 - decay))
    return result


def cusum(z: Any, reference: float) -> tuple[Floats, Floats]:
    """Upper and lower tabular CUSUMs of each row of ``z`` with reference value ``k``.

    Both are at least 0; the lower one is reported as a positive number (it
    signals a drop when it exceeds the decision interval ``h``).
    """
    x = np.asarray(z, dtype=np.float64)
    return _lindley(x - reference), _lindley(-x - reference)


def _lindley(steps: Floats) -> Floats:
    total = np.cumsum(steps, axis=-1)
    floor = np.minimum(np.minimum.accumulate(total, axis=-1), 0.0)
    result: Floats = total - floor
    return result
