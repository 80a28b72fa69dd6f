"""MOVER interval and test for the difference of two independent NPS, vectorised.

With ``(l_j, u_j)`` Tango's score interval of period ``j`` and ``e_j`` its
NPS (shares), the difference ``e1 - e0`` gets Newcombe's (1998) method-10
limits, the "MOVER" of Zou and Donner (2008). The test inverts the interval:
the statistic is the critical value ``z`` at which the bound nearer to 0
touches 0. Everything takes ``(rows, 3)`` arrays of (effective) counts;
one comparison is one row.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._stats.normal import z_quantile
from npskit._stats.roots import decreasing_roots
from npskit._stats.tango import EDGE, score_statistic, tango_bounds, tango_bounds_array

__all__ = [
    "MAX_Z",
    "mover_bounds",
    "mover_difference",
    "mover_limits",
    "mover_statistic",
    "mover_statistic_one",
]

Floats = npt.NDArray[np.float64]

MAX_Z = 38.0
"""Largest |z| the MOVER inversion searches; beyond it the p-value underflows."""

_GAP_NOISE = 1e-12  # the angle equation's rounding noise: its two sides cancel near the root
_THETA_TOLERANCE = math.pi * 2.0**-57  # as 56 halvings of [0, pi/2]: below double precision


def mover_limits(e0: Any, l0: Any, u0: Any, e1: Any, l1: Any, u1: Any) -> tuple[Any, Any]:
    """Newcombe's method 10 / Zou and Donner's MOVER limits for ``e1 - e0``."""
    centre = e1 - e0
    low = centre - np.sqrt((e1 - l1) ** 2 + (u0 - e0) ** 2)
    high = centre + np.sqrt((u1 - e1) ** 2 + (e0 - l0) ** 2)
    return low, high


def mover_bounds(
    c0: tuple[float, float, float], c1: tuple[float, float, float], alpha: float
) -> tuple[float, float]:
    """Lower and upper MOVER bounds of one comparison (tail ``alpha`` each, unclipped).

    The same limits as :func:`mover_difference`, with each period's Tango
    bounds solved by Brent's method (:func:`npskit._stats.tango.tango_bounds`),
    which is faster than bisection for a single comparison.
    """
    e0 = (c0[2] - c0[0]) / sum(c0)
    e1 = (c1[2] - c1[0]) / sum(c1)
    l0, u0 = tango_bounds(*c0, alpha)
    l1, u1 = tango_bounds(*c1, alpha)
    low, high = mover_limits(e0, l0, u0, e1, l1, u1)
    return float(low), float(high)


def mover_difference(b: Floats, c: Floats, alpha: float) -> tuple[Floats, Floats, Floats]:
    """Lower and upper MOVER bounds (tail ``alpha`` each, unclipped) and the statistic.

    ``b`` and ``c`` are the ``(rows, 3)`` counts of the baseline and the
    current period; shares, not points.
    """
    nb, nc = b.sum(axis=1), c.sum(axis=1)
    e0 = (b[:, 2] - b[:, 0]) / nb
    e1 = (c[:, 2] - c[:, 0]) / nc
    z = z_quantile(alpha)
    l0, u0 = tango_bounds_array(b[:, 0], b[:, 1], b[:, 2], z)
    l1, u1 = tango_bounds_array(c[:, 0], c[:, 1], c[:, 2], z)
    low, high = mover_limits(e0, l0, u0, e1, l1, u1)
    return low, high, mover_statistic(b, c)


def mover_statistic(b: Floats, c: Floats) -> Floats:
    """The signed MOVER test statistic of ``current - baseline`` for every row.

    It is the critical value ``z`` at which the MOVER bound nearer to 0
    touches 0, capped at ``MAX_Z``. For a positive difference ``e1 - e0`` the
    lower bound is ``e1 - e0 - sqrt((e1 - l1(z))^2 + (u0(z) - e0)^2)``, with
    ``l1`` and ``u0`` Tango bounds solving ``Z1(l1) = z`` and ``Z0(u0) = -z``.
    It touches 0 where ``(e1 - l1, u0 - e0) = |e1 - e0| (cos t, sin t)`` for
    some angle ``t`` in ``[0, pi/2]`` with ``Z1(l1) + Z0(u0) = 0``; that sum
    decreases in ``t``, so one root search over ``t`` for all rows at once
    (the vectorised Illinois method of :mod:`npskit._stats.roots`, on
    ``arctan Z1 - arctan(-Z0)``, finite where a side is infinite) finds it,
    and ``z = Z1(l1)``. A Tango bound stuck at -1 or 1 (a score
    that never reaches ``z``) counts as an infinite ``Z``, which makes the
    root the larger of the two sides' ``z``. A negative difference is the
    positive one of the mirrored counts (promoters and detractors swapped).
    """
    angle = _Angle(b, c)
    low = np.zeros(len(angle.centre))
    high = np.full(len(angle.centre), 0.5 * math.pi)
    gap_low, gap_high = angle.gap(low), angle.gap(high)
    # First guess: with Wald bounds in place of Tango's the root angle is
    # atan2(se0, se1), se the standard errors of the two NPS.
    spreads = [
        np.maximum((p + d) / n - e * e, 0.0) / n
        for p, d, n, e in (
            (angle.p0, angle.d0, angle.nb, angle.e0),
            (angle.p1, angle.d1, angle.nc, angle.e1),
        )
    ]
    theta = decreasing_roots(
        _angle_gap,
        low,
        high,
        gap_low,
        gap_high,
        xtol=_THETA_TOLERANCE,
        ftol=_GAP_NOISE,
        args=angle.args(),
        guess=np.arctan2(np.sqrt(spreads[0]), np.sqrt(spreads[1])),
    )
    theta = np.where(gap_low <= 0.0, 0.0, np.where(gap_high > 0.0, high, theta))
    return angle.statistic(theta)


def mover_statistic_one(c0: tuple[float, float, float], c1: tuple[float, float, float]) -> float:
    """:func:`mover_statistic` of one comparison, its angle found by Brent's method.

    The same equation in the angle ``t`` as :func:`mover_statistic`, solved on
    ``arctan Z1(l1) - arctan(-Z0(u0))`` (finite where a side is infinite),
    which is faster than bisection for a single comparison.
    """
    from scipy.optimize import brentq

    angle = _Angle(np.array([c0], dtype=np.float64), np.array([c1], dtype=np.float64))
    if angle.centre[0] == 0.0:
        return 0.0

    def gap(theta: float) -> float:
        return float(angle.gap(np.array([theta]))[0])

    low_end, high_end = 0.0, 0.5 * math.pi
    if gap(low_end) <= 0.0:
        theta = low_end
    elif gap(high_end) >= 0.0:
        theta = high_end
    else:
        theta = float(brentq(gap, low_end, high_end, xtol=1e-15, rtol=8.9e-16))
    return float(angle.statistic(np.array([theta]))[0])


class _Angle:
    """The two sides ``Z1(l1)`` and ``-Z0(u0)`` of the MOVER equation as functions of the angle."""

    def __init__(self, b: Floats, c: Floats) -> None:
        self.nb, self.nc = b.sum(axis=1), c.sum(axis=1)
        self.centre = (c[:, 2] - c[:, 0]) / self.nc - (b[:, 2] - b[:, 0]) / self.nb
        self.flip = self.centre < 0
        self.d0 = np.where(self.flip, b[:, 2], b[:, 0])
        self.p0 = np.where(self.flip, b[:, 0], b[:, 2])
        self.d1 = np.where(self.flip, c[:, 2], c[:, 0])
        self.p1 = np.where(self.flip, c[:, 0], c[:, 2])
        self.e0 = (self.p0 - self.d0) / self.nb
        self.e1 = (self.p1 - self.d1) / self.nc
        self.width = np.abs(self.centre)

    def args(self) -> tuple[Floats, ...]:
        """The per-row values :func:`_sides` and :func:`_angle_gap` take after the angle."""
        return (self.e1, self.e0, self.width, self.p1, self.d1, self.nc, self.p0, self.d0, self.nb)

    def sides(self, theta: Floats) -> tuple[Floats, Floats]:
        """``Z1(l1)`` and ``-Z0(u0)`` at angle ``theta`` (infinite past the edges)."""
        return _sides(theta, *self.args())

    def gap(self, theta: Floats) -> Floats:
        """``arctan Z1(l1) - arctan(-Z0(u0))`` (see :func:`_angle_gap`)."""
        return _angle_gap(theta, *self.args())

    def statistic(self, theta: Floats) -> Floats:
        """The signed statistic at the root angle ``theta``, capped at ``MAX_Z``."""
        z1, z0 = self.sides(theta)
        magnitude = np.minimum(np.maximum(z1, z0), MAX_Z)
        signed = np.where(self.flip, -magnitude, magnitude)
        result: Floats = np.where(self.centre == 0.0, 0.0, signed)
        return result


def _sides(theta: Floats, *values: Floats) -> tuple[Floats, Floats]:
    """``Z1(l1)`` and ``-Z0(u0)`` at angle ``theta`` for rows given by :meth:`_Angle.args`."""
    e1, e0, width, p1, d1, nc, p0, d0, nb = values
    lower1 = e1 - width * np.cos(theta)
    upper0 = e0 + width * np.sin(theta)
    beyond1 = lower1 < -1.0 + EDGE
    beyond0 = upper0 > 1.0 - EDGE
    z1 = score_statistic(p1, d1, nc, np.where(beyond1, -1.0 + EDGE, lower1))
    z0 = -score_statistic(p0, d0, nb, np.where(beyond0, 1.0 - EDGE, upper0))
    return np.where(beyond1, np.inf, z1), np.where(beyond0, np.inf, z0)


def _angle_gap(theta: Floats, *values: Floats) -> Floats:
    """``arctan Z1(l1) - arctan(-Z0(u0))``: decreasing in ``theta``, finite, 0 at the root."""
    z1, z0 = _sides(theta, *values)
    result: Floats = np.arctan(z1) - np.arctan(z0)
    return result
