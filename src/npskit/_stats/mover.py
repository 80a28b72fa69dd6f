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
from npskit._stats.tango import EDGE, score_statistic, tango_bounds_array

__all__ = ["MAX_Z", "mover_difference", "mover_limits", "mover_statistic"]

Floats = npt.NDArray[np.float64]

MAX_Z = 38.0
"""Largest |z| the MOVER inversion searches; beyond it the p-value underflows."""

_THETA_STEPS = 64  # halvings of [0, pi/2]: below double precision


def mover_limits(e0: Any, l0: Any, u0: Any, e1: Any, l1: Any, u1: Any) -> tuple[Any, Any]:
    """Newcombe's method 10 / Zou and Donner's MOVER limits for ``e1 - e0``."""
    centre = e1 - e0
    low = centre - np.sqrt((e1 - l1) ** 2 + (u0 - e0) ** 2)
    high = centre + np.sqrt((u1 - e1) ** 2 + (e0 - l0) ** 2)
    return low, high


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
    decreases in ``t``, so one bisection over ``t`` for all rows at once
    finds it, and ``z = Z1(l1)``. A Tango bound stuck at -1 or 1 (a score
    that never reaches ``z``) counts as an infinite ``Z``, which makes the
    root the larger of the two sides' ``z``. A negative difference is the
    positive one of the mirrored counts (promoters and detractors swapped).
    """
    nb, nc = b.sum(axis=1), c.sum(axis=1)
    centre = (c[:, 2] - c[:, 0]) / nc - (b[:, 2] - b[:, 0]) / nb
    flip = centre < 0
    d0 = np.where(flip, b[:, 2], b[:, 0])
    p0 = np.where(flip, b[:, 0], b[:, 2])
    d1 = np.where(flip, c[:, 2], c[:, 0])
    p1 = np.where(flip, c[:, 0], c[:, 2])
    e0 = (p0 - d0) / nb
    e1 = (p1 - d1) / nc
    gap = np.abs(centre)

    def sides(theta: Floats) -> tuple[Floats, Floats]:
        """``Z1(l1)`` and ``-Z0(u0)`` at angle ``theta`` (infinite past the edges)."""
        lower1 = e1 - gap * np.cos(theta)
        upper0 = e0 + gap * np.sin(theta)
        beyond1 = lower1 < -1.0 + EDGE
        beyond0 = upper0 > 1.0 - EDGE
        z1 = score_statistic(p1, d1, nc, np.where(beyond1, -1.0 + EDGE, lower1))
        z0 = -score_statistic(p0, d0, nb, np.where(beyond0, 1.0 - EDGE, upper0))
        return np.where(beyond1, np.inf, z1), np.where(beyond0, np.inf, z0)

    start = np.zeros(len(centre))
    stop = np.full(len(centre), 0.5 * math.pi)
    for _ in range(_THETA_STEPS):
        middle = 0.5 * (start + stop)
        z1, z0 = sides(middle)
        larger = z1 > z0  # Z1(l1) + Z0(u0) > 0: the angle is too small
        start = np.where(larger, middle, start)
        stop = np.where(larger, stop, middle)
    z1, z0 = sides(0.5 * (start + stop))
    magnitude = np.minimum(np.maximum(z1, z0), MAX_Z)
    signed = np.where(flip, -magnitude, magnitude)
    result: Floats = np.where(centre == 0.0, 0.0, signed)
    return result
