"""Funnel-plot limits and overdispersion: winsorised phi and DerSimonian-Laird tau^2.

Each unit ``i`` has an estimate ``y_i`` with standard error ``s_i`` under the
hypothesis that it shares the centre ``theta``; its z-score is
``z_i = (y_i - theta) / s_i``. The limits at level ``1 - alpha`` (two-sided)
for a unit whose standard error is ``s`` are:

- no overdispersion: ``theta +- z_{1 - alpha/2} s``;
- multiplicative: ``theta +- z_{1 - alpha/2} sqrt(phi) s`` with
  ``phi = (1 / I) sum_i zw_i^2`` over the ``I`` units' z-scores winsorised at
  the 10th and 90th percentiles (``zw``);
- additive (random effects): ``theta +- z_{1 - alpha/2} sqrt(s^2 + tau^2)``
  with DerSimonian and Laird's moment estimate
  ``tau^2 = max(0, (I phi - (I - 1)) / (sum w_i - sum w_i^2 / sum w_i))``,
  ``w_i = 1 / s_i^2``, from the same winsorised ``phi``.

Spiegelhalter (2005), "Funnel plots for comparing institutional
performance", Statistics in Medicine 24:1185-1202, doi:10.1002/sim.1970;
Spiegelhalter (2005), "Handling over-dispersion of performance indicators",
Quality and Safety in Health Care 14:347-351, doi:10.1136/qshc.2005.013755;
the same formulas as the R package FunnelPlotR (``phi_func``, ``tau2_func``),
here on the identity scale of the NPS.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["dersimonian_laird_tau2", "funnel_half_width", "winsorised_phi"]

Floats = npt.NDArray[np.float64]


def winsorised_phi(z: Any, fraction: float = 0.1) -> float:
    """Mean of the squared z-scores after winsorising ``fraction`` in each tail.

    Winsorising replaces z-scores below the ``fraction`` quantile by that
    quantile and those above the ``1 - fraction`` quantile by that one
    (quantiles by linear interpolation, numpy's and R's default type 7).
    """
    x = np.asarray(z, dtype=np.float64)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return float("nan")
    low, high = np.quantile(x, [fraction, 1.0 - fraction])
    return float(np.mean(np.clip(x, low, high) ** 2))


def dersimonian_laird_tau2(phi: float, standard_errors: Any) -> float:
    """Between-unit variance ``tau^2`` by DerSimonian and Laird from ``phi`` and the ``s_i``."""
    s = np.asarray(standard_errors, dtype=np.float64)
    s = s[np.isfinite(s) & (s > 0)]
    units = s.size
    if units < 2 or not np.isfinite(phi):
        return 0.0
    w = 1.0 / s**2
    denominator = float(w.sum() - (w**2).sum() / w.sum())
    excess = units * phi - (units - 1)
    if excess <= 0.0 or denominator <= 0.0:
        return 0.0
    return excess / denominator


def funnel_half_width(
    standard_errors: Any, level: float, *, phi: float = 1.0, tau2: float = 0.0
) -> Floats:
    """Half-width of the two-sided ``level`` limits for units with these standard errors.

    ``z sqrt(phi s^2 + tau2)``: pass ``phi`` for the multiplicative
    adjustment or ``tau2`` for the additive one (not both).
    """
    from scipy.special import ndtri

    s = np.asarray(standard_errors, dtype=np.float64)
    z = float(ndtri(0.5 + level / 2.0))
    result: Floats = z * np.sqrt(phi * s**2 + tau2)
    return result
