"""``funnel``: each unit's NPS against the number of answers, with limits that narrow."""

from __future__ import annotations

import math
from typing import Any, get_args

import numpy as np

from npskit._core.scale import STANDARD_SCALE, Scale
from npskit._core.validation import check_choice, check_probability
from npskit._stats.funnel_limits import dersimonian_laird_tau2, winsorised_phi
from npskit._stats.net_variance import net_variance
from npskit.typing import NanPolicy, Overdispersion

from .case_mix_results import CaseMix
from .funnel_results import Funnel, FunnelPoint, half_width
from .inputs import unit_cube

__all__ = ["funnel"]

LEVELS = (0.95, 0.998)
"""Spiegelhalter's inner and outer limits: about 2 and 3 standard errors."""


def funnel(
    scores: Any,
    units: Any = None,
    *,
    data: Any = None,
    weights: Any = None,
    overdispersion: Overdispersion = "none",
    winsorise: float = 0.1,
    scale: Scale = STANDARD_SCALE,
    nan_policy: NanPolicy = "omit",
) -> Funnel:
    """A funnel plot of units (agents, teams): who is outside what chance explains?

    Parameters
    ----------
    scores : array_like, str, GroupedTally or CaseMix
        Answers (or a column of ``data``) with ``units``; counts per unit (a
        GroupedTally whose column ``units`` names, others summed over); or a
        :func:`npskit.case_mix` result, to plot case-mix adjusted NPS.
    units : array_like or str, optional
        The unit of each answer, or the unit column's name.
    data, weights, scale, nan_policy
        As for :func:`npskit.tally_by`.
    overdispersion : {"none", "multiplicative", "additive"}, default "none"
        Widen the limits when units differ more than sampling explains: by
        ``sqrt(phi)`` (multiplicative, used only when ``phi > 1``) or by a
        between-unit variance ``tau^2`` (additive random effects).
    winsorise : float, default 0.1
        Share of z-scores winsorised in each tail when estimating ``phi``.

    Returns
    -------
    Funnel
        Per unit: NPS, z-score, limits at its size, and a flag.

    Raises
    ------
    ValueError, TypeError
        For bad options or inputs.

    Notes
    -----
    Spiegelhalter's funnel plot [1]_ draws each unit's indicator ``y_i``
    against its precision, with limits ``theta0 +- z_{1-alpha/2} s(n)``
    around the centre ``theta0`` (the NPS of all answers) at 95% and 99.8%
    (``z = 1.96`` and ``3.09``). For the NPS,
    ``s(n) = 100 sqrt((p0 + d0 - theta0^2) / n)`` from the centre's shares
    (the trinomial variance, normal approximation). For a case-mix result,
    ``y_i`` is the adjusted NPS and ``s_i`` the standard error of O - E.

    **Overdispersion** [2]_: with ``z_i = (y_i - theta0) / s_i``, winsorised
    at the ``winsorise`` and ``1 - winsorise`` quantiles,
    ``phi = mean(z_w^2)``; multiplicative limits are
    ``theta0 +- z sqrt(phi) s``; additive ones ``theta0 +- z sqrt(s^2 + tau^2)``
    with ``tau^2 = max(0, (I phi - (I - 1)) / (sum w - sum w^2 / sum w))``,
    ``w_i = 1 / s_i^2`` (DerSimonian and Laird). FunnelPlotR uses the same
    formulas (``phi_func``, ``tau2_func``), on a transformed scale for ratios.

    References
    ----------
    .. [1] Spiegelhalter, D. J. (2005). Funnel plots for comparing
       institutional performance. *Statistics in Medicine*, 24, 1185-1202.
       doi:10.1002/sim.1970
    .. [2] Spiegelhalter, D. J. (2005). Handling over-dispersion of
       performance indicators. *Quality and Safety in Health Care*, 14,
       347-351. doi:10.1136/qshc.2005.013755

    Examples
    --------
    >>> from npskit import funnel
    >>> answers = [10] * 36 + [0] * 4 + [10] * 12 + [0] * 28 + [9, 3]
    >>> agents = ["ann"] * 40 + ["bob"] * 40 + ["cy"] * 2
    >>> result = funnel(answers, agents)
    >>> [(row.key, row.nps, row.flag) for row in result]
    [('ann', 80.0, 'above outer'), ('bob', -40.0, 'below outer'), ('cy', 0.0, None)]
    """
    mode: Overdispersion = check_choice("overdispersion", overdispersion, get_args(Overdispersion))
    tail = check_probability("winsorise", winsorise)
    if tail >= 0.5:
        raise ValueError(f"winsorise must be below 0.5, got {winsorise!r}")
    if isinstance(scores, CaseMix):
        if units is not None:
            raise TypeError("units must be None with a CaseMix result (it has its units)")
        unit_name = scores.unit_name
        keys = [row.key for row in scores]
        n = np.array([row.n for row in scores], dtype=np.int64)
        y = np.array([row.adjusted_nps for row in scores])
        se = np.array([row.standard_error for row in scores])
        centre = scores.centre
        share_n = np.array([row.n for row in scores], dtype=float)
        unit_sd = float(np.nanmedian(se * np.sqrt(share_n)))
        adjusted = True
    else:
        cube = unit_cube(
            scores, units, (), data=data, weights=weights, scale=scale, nan_policy=nan_policy
        )
        unit_name, keys = cube.unit_name, cube.units
        counts = cube.cells.sum(axis=1)
        effective = counts.sum(axis=1)
        total = counts.sum(axis=0)
        shares = total / total.sum()
        centre = 100.0 * float(shares[2] - shares[0])
        unit_sd = 100.0 * math.sqrt(float(net_variance(shares[0], shares[2])))
        with np.errstate(invalid="ignore", divide="ignore"):
            y = 100.0 * (counts[:, 2] - counts[:, 0]) / effective
            se = unit_sd / np.sqrt(effective)
        n = cube.answers
        adjusted = False
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (y - centre) / se
    phi = winsorised_phi(z, tail)
    tau2 = dersimonian_laird_tau2(phi, se)
    inner = half_width(se, LEVELS[0], mode, phi, tau2)
    outer = half_width(se, LEVELS[1], mode, phi, tau2)
    rows = []
    for i, key in enumerate(keys):
        gap = y[i] - centre
        if abs(gap) > outer[i]:  # flags use the unclipped limits
            flag: str | None = ("above" if gap > 0 else "below") + " outer"
        elif abs(gap) > inner[i]:
            flag = ("above" if gap > 0 else "below") + " inner"
        else:
            flag = None
        rows.append(
            FunnelPoint(
                key=key,
                unit_name=unit_name,
                n=int(n[i]),
                nps=float(y[i]),
                standard_error=float(se[i]),
                z=float(z[i]),
                inner_low=_clip(centre - inner[i]),
                inner_high=_clip(centre + inner[i]),
                outer_low=_clip(centre - outer[i]),
                outer_high=_clip(centre + outer[i]),
                flag=flag if math.isfinite(gap) else None,
            )
        )
    return Funnel(
        rows=tuple(rows),
        unit_name=unit_name,
        centre=centre,
        unit_sd=unit_sd,
        adjusted=adjusted,
        overdispersion=mode,
        phi=phi,
        tau2=tau2,
        levels=LEVELS,
    )


def _clip(value: float) -> float:
    """A limit within the scale of the NPS, -100..100."""
    return min(100.0, max(-100.0, float(value)))
