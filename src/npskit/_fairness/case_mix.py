"""``case_mix``: is this agent worse, or do they take the hard calls? Indirect standardisation."""

from __future__ import annotations

import math
from typing import Any, get_args

import numpy as np

from npskit._core.errors import EmptyDataError
from npskit._core.scale import STANDARD_SCALE, Scale
from npskit._core.validation import check_choice, check_confidence_level
from npskit._stats.multiplicity import adjust_pvalues
from npskit._stats.net_variance import net_variance
from npskit._stats.normal import normal_pvalue, tail_probability, z_quantile
from npskit.typing import NanPolicy, PAdjustMethod

from .case_mix_results import CaseMix, CaseMixRow
from .inputs import unit_cube

__all__ = ["case_mix"]


def case_mix(
    scores: Any,
    units: Any = None,
    strata: Any = None,
    *,
    data: Any = None,
    weights: Any = None,
    confidence_level: float = 0.95,
    p_adjust: PAdjustMethod = "holm",
    scale: Scale = STANDARD_SCALE,
    nan_policy: NanPolicy = "omit",
) -> CaseMix:
    """Each unit's NPS against what the centre would score on the same mix of calls.

    Parameters
    ----------
    scores : array_like, str or GroupedTally
        Answers (or a column of ``data``); or counts per unit and stratum
        (a cube from :func:`npskit.tally_by`), other key columns summed over.
    units : array_like or str
        The unit (agent, team, site) of each answer, or the unit column's name.
    strata : array_like, str, tuple or list of str, optional
        What makes a call easy or hard (queue, call reason, channel, tier):
        one array, a tuple of arrays, or column names. Each combination of
        values is a stratum. With a GroupedTally, all its columns other than
        ``units`` by default.
    data, weights, scale, nan_policy
        As for :func:`npskit.tally_by`. Weighted cells enter with Kish's
        effective counts.
    confidence_level : float, default 0.95
        Level of the intervals of O - E.
    p_adjust : {"holm", "bonferroni", "benjamini-hochberg", "none"}, default "holm"
        Multiplicity adjustment over the units.

    Returns
    -------
    CaseMix
        One row per unit: observed, expected, O - E with interval and test,
        adjusted NPS, and O/E of promoters and detractors.

    Raises
    ------
    EmptyDataError
        Without answers.
    ValueError
        For names that are not columns, or bad options.

    Notes
    -----
    Indirect standardisation (as for standardised mortality ratios;
    Breslow and Day [1]_, ch. 2). Stratum ``s`` has centre shares
    ``d_s, p_s`` over all ``N_s`` answers, NPS ``r_s = p_s - d_s`` and
    per-answer variance ``v_s = p_s + d_s - r_s^2``. Unit ``a`` with
    ``n_as`` answers in stratum ``s`` (``n_a`` in all) has

    - observed ``O_a = (P_a - D_a) / n_a``;
    - expected ``E_a = sum_s n_as r_s / n_a``;
    - under H0 (its answers in each stratum follow the centre's), since the
      centre includes the unit's own answers,
      ``Var(O_a - E_a) = sum_s n_as v_s (1 - n_as / N_s) / n_a^2``
      (the variance of ``ybar_as - ybar_s`` is ``v_s (1 - f) / n_as`` with
      ``f = n_as / N_s``: the unit's share of its stratum pulls the centre
      towards it).

    The test is ``z = (O_a - E_a) / sqrt(Var)`` (H0: O = E; H1: O != E), the
    interval ``O_a - E_a +- z_{1 - alpha/2} sqrt(Var)``, the adjusted NPS the
    centre's NPS plus ``O_a - E_a``. An O/E ratio of NPS itself is not
    reported: NPS can be 0 or negative. The ratios of observed to expected
    promoters (``P_a / sum_s n_as p_s``) and detractors are.

    References
    ----------
    .. [1] Breslow, N. E., and Day, N. E. (1987). *Statistical Methods in
       Cancer Research, Vol. II: The Design and Analysis of Cohort Studies*.
       IARC Scientific Publications 82, ch. 2.
    .. [2] Spiegelhalter, D. J. (2005). Funnel plots for comparing
       institutional performance. *Statistics in Medicine*, 24, 1185-1202.
       doi:10.1002/sim.1970

    Examples
    --------
    >>> from npskit import case_mix
    >>> answers = [10, 10, 9, 2, 9, 3, 1, 10, 0, 2, 9, 10]
    >>> agents = ["ann"] * 6 + ["bob"] * 6
    >>> reasons = ["how-to"] * 4 + ["outage"] * 2 + ["how-to"] * 2 + ["outage"] * 4
    >>> result = case_mix(answers, agents, reasons)
    >>> [(row.key, round(row.observed, 1), round(row.expected, 1)) for row in result]
    [('ann', 33.3, 22.2), ('bob', 0.0, 11.1)]
    """
    level = check_confidence_level(confidence_level)
    adjust: PAdjustMethod = check_choice("p_adjust", p_adjust, get_args(PAdjustMethod))
    cube = unit_cube(
        scores, units, strata, data=data, weights=weights, scale=scale, nan_policy=nan_policy
    )
    cells = cube.cells
    stratum_counts = cells.sum(axis=0)  # (strata, 3)
    big_n = stratum_counts.sum(axis=1)
    if big_n.sum() <= 0:
        raise EmptyDataError("there are no answers to compare units by")
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(big_n[:, None] > 0, stratum_counts / big_n[:, None], 0.0)
        fraction = np.where(big_n > 0, cells.sum(axis=2) / big_n, 0.0)  # (units, strata)
    rate = shares[:, 2] - shares[:, 0]
    variance = net_variance(shares[:, 0], shares[:, 2])
    n_as = cells.sum(axis=2)
    n_a = n_as.sum(axis=1)
    total = stratum_counts.sum(axis=0)
    centre = 100.0 * float((total[2] - total[0]) / total.sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        observed = 100.0 * (cells[:, :, 2].sum(1) - cells[:, :, 0].sum(1)) / n_a
        expected = 100.0 * (n_as @ rate) / n_a
        se = 100.0 * np.sqrt((n_as * variance * (1.0 - fraction)).sum(axis=1)) / n_a
        difference = observed - expected
        statistic = difference / se
        promoters_ratio = cells[:, :, 2].sum(1) / (n_as @ shares[:, 2])
        detractors_ratio = cells[:, :, 0].sum(1) / (n_as @ shares[:, 0])

    pvalue = np.where(se > 0, normal_pvalue(statistic, "two-sided"), np.nan)
    pvalue = np.where(n_a > 0, pvalue, np.nan)
    adjusted = adjust_pvalues(pvalue, p_adjust=adjust)
    half = z_quantile(tail_probability(level, "two-sided")) * se
    rows = tuple(
        CaseMixRow(
            key=key,
            unit_name=cube.unit_name,
            n=int(cube.answers[i]),
            observed=float(observed[i]),
            expected=float(expected[i]),
            difference=float(difference[i]),
            low=float(difference[i] - half[i]),
            high=float(difference[i] + half[i]),
            standard_error=float(se[i]),
            statistic=float(statistic[i]),
            pvalue=float(pvalue[i]),
            pvalue_adjusted=float(adjusted[i]),
            significant=bool(adjusted[i] < 1.0 - level),
            adjusted_nps=float(centre + difference[i]),
            promoters_ratio=_ratio(promoters_ratio[i]),
            detractors_ratio=_ratio(detractors_ratio[i]),
        )
        for i, key in enumerate(cube.units)
    )
    return CaseMix(
        rows=rows,
        unit_name=cube.unit_name,
        strata_names=cube.strata_names,
        n_strata=int((big_n > 0).sum()),
        centre=centre,
        confidence_level=level,
        p_adjust=adjust,
    )


def _ratio(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None
