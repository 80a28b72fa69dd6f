"""Shrinkage of a share or mean metric (CSAT, CES, ...) across segments.

The same normal hierarchical model as :func:`npskit.shrink` (the kernel
:func:`npskit._stats.hierarchical.fit_hierarchical`, Gelman et al. 2013,
*Bayesian Data Analysis*, sec. 5.4; Rubin 1981, doi:10.3102/10769986006004377;
half-Cauchy prior on the spread, Gelman 2006, doi:10.1214/06-BA117A), fed
with each segment's estimate and a sampling variance that never is 0:

- a share (CSAT, CES-EASY): ``y_i = x_i / n_i`` and ``v_i = p (1 - p) / n_i``
  at the pooled share of all segments with the Agresti-Coull pseudo-counts
  (two hits and two misses added, Agresti and Coull 1998,
  doi:10.2307/2685469);
- a mean (CES): ``y_i`` the segment's mean and ``v_i = s^2 / n_i``, with
  ``s^2`` the pooled within-segment variance, to which one pseudo-answer of
  the largest variance a scale can have, ``(high - low)^2 / 4``, is added
  (``s^2 = (SS_within + (high - low)^2 / 4) / (df + 1)``), so that it is
  positive even when every segment answered with one value.

The intervals reported are the constant-coverage FAB confidence intervals of
:func:`npskit.shrink` (Pratt 1963, doi:10.1214/aoms/1177704170; Yu and Hoff
2018, doi:10.1093/biomet/asy009), each with a prior learnt from the other
segments (DerSimonian and Laird 1986, doi:10.1016/0197-2456(86)90046-2),
extended to contain the shrunk estimate; a segment without answers gets the
metric's whole range.

Pooled, not per-segment, variances keep ``v_i`` independent of ``y_i`` (a
segment of three satisfied customers would otherwise look precise;
Stijnen, Hamza and Ozdemir 2010, doi:10.1002/sim.4040). The fit runs on the
metric's range mapped to ``[0, 1]`` (an affine map, under which the normal
model is unchanged) with the half-Cauchy scale ``0.125``: one eighth of the
range, as the NPS uses 25 points of its 200. That is 12.5 percentage points
for CSAT and 0.75 scale units for CES on 1-7. Intervals are mapped back and
clipped to the metric's bounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from npskit._core.interval import Interval
from npskit._core.metric import Metric
from npskit._stats.fab import constant_coverage_intervals
from npskit._stats.hierarchical import HierarchicalFit, fit_hierarchical

__all__ = [
    "METRIC_TAU_PRIOR_SCALE",
    "MetricShrinkage",
    "metric_observations",
    "shrink_metric",
]

Floats = npt.NDArray[np.float64]

METRIC_TAU_PRIOR_SCALE = 0.125  # half-Cauchy scale as a fraction of the metric's range
_AGRESTI_COULL = 2.0  # pseudo hits and pseudo misses added to the pooled share


@dataclass(frozen=True, slots=True, kw_only=True)
class MetricShrinkage:
    """The hierarchical fit behind a :class:`npskit.MetricBreakdown`'s shrunk values.

    Attributes
    ----------
    prior : float
        Posterior mean of the common level the segments are pulled towards,
        in the metric's reported units.
    tau : float
        Posterior mean of the standard deviation of the true values between
        segments, same units.
    tau_interval : Interval
        Its equal-tailed credible interval.
    tau_prior_scale : float
        Scale of the half-Cauchy prior on ``tau``, same units (one eighth of
        the metric's range).
    method : str
        ``"hierarchical-normal"``.
    """

    prior: float
    tau: float
    tau_interval: Interval
    tau_prior_scale: float
    method: Literal["hierarchical-normal"] = "hierarchical-normal"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dictionary."""
        return {
            "method": self.method,
            "prior": self.prior,
            "tau": self.tau,
            "tau_low": self.tau_interval.low,
            "tau_high": self.tau_interval.high,
            "tau_prior_scale": self.tau_prior_scale,
        }


def _unit_scores(metric: Metric) -> Floats:
    """Per-point scores mapped to ``[0, 1]``: hits for a share, rescaled answers for a mean."""
    scores = metric.scores()
    if metric.kind == "share":
        return scores
    return (scores - metric.low) / (metric.high - metric.low)


def metric_observations(effective: Floats, metric: Metric) -> tuple[Floats, Floats]:
    """Each row's estimate ``y`` and sampling variance ``v`` on the range mapped to ``[0, 1]``.

    ``v`` is ``inf`` for a row without answers, positive otherwise.

    Examples
    --------
    Pooled CSAT hits 3 + 1 of 7, plus two and two: ``p = 6 / 11``,
    ``p (1 - p) = 30 / 121``, divided by 3 and 4:

    >>> from npskit._core.metric import CSAT
    >>> c = np.array([[0.0, 0.0, 0.0, 1.0, 2.0], [1.0, 1.0, 1.0, 0.0, 1.0]])
    >>> y, v = metric_observations(c, CSAT)
    >>> y.tolist(), v.round(5).tolist(), round(30 / 121 / 3, 5)
    ([1.0, 0.25], [0.08264, 0.06198], 0.08264)
    """
    c = np.asarray(effective, dtype=np.float64)
    u = _unit_scores(metric)
    n = c.sum(axis=1)
    present = n > 0
    safe = np.where(present, n, 1.0)
    y = np.where(present, (c @ u) / safe, 0.0)
    if metric.kind == "share":
        p = (float(c.sum(axis=0) @ u) + _AGRESTI_COULL) / (float(n.sum()) + 2 * _AGRESTI_COULL)
        sigma2 = p * (1.0 - p)
    else:
        within = float((c * (u[None, :] - y[:, None]) ** 2).sum())
        df = max(float(n.sum()) - int(present.sum()), 0.0)
        sigma2 = (within + 0.25) / (df + 1.0)  # 0.25 = (high - low)^2 / 4 on [0, 1]
    v = np.where(present, sigma2 / safe, np.inf)
    return y, v


def shrink_metric(
    effective: Floats, metric: Metric, *, confidence_level: float
) -> tuple[MetricShrinkage, Floats, Floats, Floats]:
    """The fit summary, every row's shrunk estimate and its FAB interval, in reported units.

    Needs at least two rows with answers (ValueError otherwise).
    """
    y, v = metric_observations(effective, metric)
    present = int(np.isfinite(v).sum())
    if present < 2:
        raise ValueError(
            f"shrinkage needs at least two segments with answers, got {present}; "
            "the spread between segments cannot be estimated from fewer"
        )
    fit: HierarchicalFit = fit_hierarchical(
        y, v, tail=(1.0 - confidence_level) / 2.0, tau_scale=METRIC_TAU_PRIOR_SCALE
    )
    first, last = metric.bounds
    span = float(last - first)

    def reported(unit: Floats) -> Floats:
        return np.clip(first + span * unit, first, last)

    summary = MetricShrinkage(
        prior=float(first + span * fit.mu),
        tau=span * fit.tau_mean,
        tau_interval=Interval(span * fit.tau_low, span * fit.tau_high),
        tau_prior_scale=span * METRIC_TAU_PRIOR_SCALE,
    )
    low, high = constant_coverage_intervals(y, v, confidence_level)
    low, high = np.minimum(low, fit.mean), np.maximum(high, fit.mean)
    return summary, reported(fit.mean), reported(low), reported(high)
