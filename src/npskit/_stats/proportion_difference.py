"""Confidence bounds and tests for the difference of two independent proportions.

For ``p1 - p0`` (current minus baseline), vectorised over rows; counts are
floats (effective counts welcome); bounds are one-sided with tail ``alpha``,
in shares, unclipped.

- ``newcombe``: Newcombe's (1998) hybrid score interval, method 10 of
  "Interval estimation for the difference between independent proportions",
  *Statistics in Medicine* 17(8), 873-890,
  doi:10.1002/(SICI)1097-0258(19980430)17:8<873::AID-SIM779>3.0.CO;2-I: the
  MOVER (Zou and Donner 2008, doi:10.1002/sim.3095) of the two Wilson
  intervals. Its test is the interval's inversion: the statistic is the
  critical value ``z`` at which the bound nearer to 0 touches 0.
- ``agresti_caffo``: Agresti and Caffo (2000), doi:10.1080/00031305.2000.10474560,
  the Wald interval after adding one hit and one miss to each group; its
  test is the matching Wald z test.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from .mover import MAX_Z, mover_limits
from .normal import z_quantile
from .proportion import wilson_bounds

__all__ = [
    "agresti_caffo_bounds",
    "agresti_caffo_statistic",
    "newcombe_bounds",
    "newcombe_statistic",
]

Floats = npt.NDArray[np.float64]

_STEPS = 64  # bisection halvings of [0, MAX_Z]: below 1e-17 relative


def _z_bounds(x0: Any, n0: Any, x1: Any, n1: Any, z: Any) -> tuple[Floats, Floats]:
    l0, u0 = _wilson_at(x0, n0, z)
    l1, u1 = _wilson_at(x1, n1, z)
    e0, e1 = np.asarray(x0) / np.asarray(n0), np.asarray(x1) / np.asarray(n1)
    low, high = mover_limits(e0, l0, u0, e1, l1, u1)
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)


def _wilson_at(x: Any, n: Any, z: Any) -> tuple[Floats, Floats]:
    """Wilson bounds at critical value ``z`` (an array: one per row)."""
    xs, ns = np.asarray(x, dtype=np.float64), np.asarray(n, dtype=np.float64)
    centre = xs + z * z / 2
    half = z * np.sqrt(np.maximum(xs * (ns - xs) / ns, 0.0) + z * z / 4)
    return (centre - half) / (ns + z * z), (centre + half) / (ns + z * z)


def newcombe_bounds(x0: Any, n0: Any, x1: Any, n1: Any, alpha: float) -> tuple[Floats, Floats]:
    """Newcombe's hybrid score bounds of ``x1/n1 - x0/n0``.

    Examples
    --------
    >>> low, high = newcombe_bounds(40, 100, 60, 100, 0.025)
    >>> round(float(low), 6), round(float(high), 6)
    (0.061411, 0.328126)
    """
    l0, u0 = wilson_bounds(x0, n0, alpha)
    l1, u1 = wilson_bounds(x1, n1, alpha)
    e0 = np.asarray(x0, dtype=np.float64) / np.asarray(n0, dtype=np.float64)
    e1 = np.asarray(x1, dtype=np.float64) / np.asarray(n1, dtype=np.float64)
    low, high = mover_limits(e0, l0, u0, e1, l1, u1)
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)


def newcombe_statistic(x0: Any, n0: Any, x1: Any, n1: Any) -> Floats:
    """Signed ``z`` at which Newcombe's bound nearer 0 touches 0 (capped at ``MAX_Z``).

    The lower bound (upper bound) moves monotonically down (up) as ``z``
    grows, so one bisection over ``z`` for all rows finds where it reaches 0;
    the normal p-value of this ``z`` is below ``alpha`` exactly when the
    interval at tail ``alpha`` excludes 0.
    """
    xs0, ns0 = np.asarray(x0, dtype=np.float64), np.asarray(n0, dtype=np.float64)
    xs1, ns1 = np.asarray(x1, dtype=np.float64), np.asarray(n1, dtype=np.float64)
    centre = xs1 / ns1 - xs0 / ns0
    positive = centre >= 0
    start = np.zeros(np.broadcast(centre).shape)
    stop = np.full(start.shape, MAX_Z)
    for _ in range(_STEPS):
        middle = 0.5 * (start + stop)
        low, high = _z_bounds(xs0, ns0, xs1, ns1, middle)
        inside = np.where(positive, low > 0, high < 0)  # 0 still excluded: z too small
        start = np.where(inside, middle, start)
        stop = np.where(inside, stop, middle)
    z = 0.5 * (start + stop)
    result: Floats = np.where(centre == 0, 0.0, np.where(positive, z, -z))
    return result


def agresti_caffo_bounds(x0: Any, n0: Any, x1: Any, n1: Any, alpha: float) -> tuple[Floats, Floats]:
    """Agresti-Caffo bounds: Wald after one added hit and miss per group.

    Examples
    --------
    >>> low, high = agresti_caffo_bounds(40, 100, 60, 100, 0.025)
    >>> round(float(low), 6), round(float(high), 6)
    (0.061517, 0.33064)
    """
    centre, se = _caffo(x0, n0, x1, n1)
    z = z_quantile(alpha)
    return centre - z * se, centre + z * se


def agresti_caffo_statistic(x0: Any, n0: Any, x1: Any, n1: Any) -> Floats:
    """The Wald z of the Agresti-Caffo adjusted difference (0 where its SE is 0)."""
    centre, se = _caffo(x0, n0, x1, n1)
    with np.errstate(invalid="ignore", divide="ignore"):
        z: Floats = np.where(se > 0, centre / np.where(se > 0, se, 1.0), 0.0)
    return z


def _caffo(x0: Any, n0: Any, x1: Any, n1: Any) -> tuple[Floats, Floats]:
    p0 = (np.asarray(x0, dtype=np.float64) + 1) / (np.asarray(n0, dtype=np.float64) + 2)
    p1 = (np.asarray(x1, dtype=np.float64) + 1) / (np.asarray(n1, dtype=np.float64) + 2)
    se = np.sqrt(p0 * (1 - p0) / (np.asarray(n0) + 2) + p1 * (1 - p1) / (np.asarray(n1) + 2))
    return p1 - p0, se
