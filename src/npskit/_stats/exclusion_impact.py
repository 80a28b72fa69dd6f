"""Impact of a subgroup on NPS, ``NPS(all) - NPS(without it)``, and its delta-method variance.

The subgroup (say, the answers whose comment mentions a topic) has weighted
share ``s`` and NPS ``A``; the others have NPS ``B``. Since
``NPS(all) = s A + (1 - s) B``,

    impact = NPS(all) - B = s (A - B),

the share times the gap. Everything is a smooth function of the 2 x 3 table
(in the subgroup or not) x (detractor, passive, promoter), so the delta method
applies to the table's cells. With the answers' categories ``c_i`` in
``{-1, 0, 1}`` and indicators ``t_i``, the influence function of the impact
is (Deville 1999's linearisation of a function of totals)

    u_i = (c_i - NPS(all)) - (1 - t_i) (c_i - B) / (1 - s),

whose first term is the influence of the overall NPS and second that of the
NPS of the rest; it takes six values, one per cell, so the variance is

    Var = n / (n - 1) * sum_cells Q_cell u_cell^2 / W^2

with ``W`` the total weight and ``Q_cell`` the cell's sum of squared weights
(its count when unweighted): the with-replacement linearisation variance of
survey sampling. It accounts for the dependence between the share and the
gap (both move with the same cells). Shares, not points; vectorised over the
leading axes (topics, periods).

References: Deville, J.-C. (1999), Variance estimation for complex
statistics and estimators: linearization and residual techniques. Survey
Methodology 25(2), 193-203.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["exclusion_impact"]

FloatArray = npt.NDArray[np.float64]

_CODES = np.array([-1.0, 0.0, 1.0])


def exclusion_impact(
    weights: FloatArray, squares: FloatArray, n: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Share, NPS with, NPS without, impact and its variance (all in shares).

    ``weights`` and ``squares`` have shape ``(..., 2, 3)``: axis -2 is
    (without, with), axis -1 (detractors, passives, promoters); they hold
    the weight sums and squared-weight sums of the cells (counts for both
    when unweighted). ``n`` is the number of answers, shape ``(...)``.
    NaN where a quantity does not exist (nobody with, or nobody without).
    """
    group = weights.sum(axis=-1)  # (..., 2)
    total = group.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = group[..., 1] / total
        nps_group = (weights @ _CODES) / group  # (..., 2)
        without, within = nps_group[..., 0], nps_group[..., 1]
        overall = (weights.sum(axis=-2) @ _CODES) / total
        impact = overall - without
        indicator = np.array([0.0, 1.0])[:, None]  # (2, 1): t of each cell row
        influence = (_CODES - overall[..., None, None]) - (1.0 - indicator) * (
            _CODES - without[..., None, None]
        ) / (1.0 - share[..., None, None])
        variance = (
            np.sum(squares * influence * influence, axis=(-2, -1)) / (total * total) * n / (n - 1.0)
        )
    return share, within, without, impact, variance
