"""Answers needed for a one-sided test of NPS against a target to reach a given power.

The test is Tango's score test of H0: NPS <= target against H1: NPS > target
(the test of :func:`npskit.nps_test` with ``alternative="greater"``). At
expected shares ``(d1, p1)`` with NPS ``delta1 = p1 - d1`` above the target
``delta0``, the score statistic is approximately normal with mean
``sqrt(n) (delta1 - delta0) / sigma0`` and standard deviation
``sigma1 / sigma0``, where ``sigma1^2 = p1 + d1 - delta1^2`` and ``sigma0^2``
is the variance at the restricted maximum likelihood shares under H0
(Tango 1998, eq. 4, :func:`npskit._stats.tango.restricted_mle`). Power
``1 - beta`` at level ``alpha`` needs

``n = ((z_{1-alpha} sigma0 + z_{1-beta} sigma1) / (delta1 - delta0))^2``

(the usual two-variance sample size formula for a score test; see e.g.
Chow, Shao and Wang, *Sample Size Calculations in Clinical Research*, sec. 4.1).
"""

from __future__ import annotations

import math

from .net_variance import net_variance
from .tango import restricted_mle

__all__ = ["one_sided_size"]


def one_sided_size(d: float, p: float, target: float, alpha: float, power: float) -> float:
    """Answers (not rounded) for power ``power`` at one-sided level ``alpha``; shares.

    ``d`` and ``p`` are the expected detractor and promoter shares, ``target``
    the NPS under H0 as a share. Infinite when the expected NPS is not above
    the target.
    """
    from scipy.special import ndtri

    delta1 = p - d
    if delta1 <= target:
        return math.inf
    q0 = restricted_mle(p, d, 1.0, target)  # detractor share under H0
    sigma0 = math.sqrt(float(net_variance(q0, q0 + target)))
    sigma1 = math.sqrt(float(net_variance(d, p)))
    z = float(ndtri(1.0 - alpha)) * sigma0 + float(ndtri(power)) * sigma1
    return (z / (delta1 - target)) ** 2
