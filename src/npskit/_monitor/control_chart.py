"""``control_chart``: Shewhart, Laney p'-style, EWMA and CUSUM charts of NPS over periods."""

from __future__ import annotations

import math
import numbers
from typing import Any, get_args

import numpy as np
import numpy.typing as npt

from npskit._core.scale import STANDARD_SCALE, Scale
from npskit._core.validation import check_choice
from npskit._stats.control_limits import cusum, ewma, ewma_sd, laney_sigma_z
from npskit._stats.net_variance import net_variance
from npskit._stats.runs import runs_test
from npskit.typing import ChartType, Frequency, NanPolicy

from .chart_results import ChartPoint, ControlChart, RunsSignal
from .series import as_grouped, period_series

__all__ = ["control_chart"]

Floats = npt.NDArray[np.float64]

_DEFAULT_LIMIT = {"shewhart": 3.0, "laney": 3.0, "ewma": 3.0, "cusum": 5.0}


def control_chart(
    scores: Any,
    periods: Any = None,
    *,
    chart: ChartType = "shewhart",
    period: str | None = None,
    freq: Frequency | None = None,
    baseline: int | None = None,
    limit: float | None = None,
    smoothing: float = 0.2,
    reference: float = 0.5,
    overdispersion: bool = False,
    data: Any = None,
    weights: Any = None,
    scale: Scale = STANDARD_SCALE,
    nan_policy: NanPolicy = "omit",
) -> ControlChart:
    """A control chart of the NPS per period: is a period out of control, or noise?

    Parameters
    ----------
    scores : array_like, str, GroupedTally or mapping of period to Tally
        Answers (or a column of ``data``) with ``periods``; or counts already
        made per period (``period`` names the column of a GroupedTally with
        several).
    periods : array_like or str, optional
        The period (or, with ``freq``, the date) of each answer.
    chart : {"shewhart", "laney", "ewma", "cusum"}, default "shewhart"
        ``"shewhart"``: NPS with limits ``centre +- 3 sigma_i``;
        ``"laney"``: the same with ``sigma_i`` times Laney's sigma-Z, for
        large periods whose NPS wanders more than sampling explains;
        ``"ewma"`` and ``"cusum"``: the exponentially weighted average and
        the tabular cumulative sums of the standardised NPS, which catch
        small persistent shifts sooner.
    period : str, optional
        The period column of a GroupedTally with several key columns.
    freq : {"day", "week", "month", "quarter", "year"}, optional
        Bucket dates into calendar periods.
    baseline : int, optional
        The limits come from the first ``baseline`` periods (a "phase I"
        that is believed in control); by default from all periods.
    limit : float, optional
        Width of the limits in sigmas (default 3) or, for CUSUM, the
        decision interval ``h`` in sigmas (default 5).
    smoothing : float, default 0.2
        The EWMA's weight ``lambda`` of the newest period, in (0, 1].
    reference : float, default 0.5
        The CUSUM's reference value ``k`` in sigmas (half the shift to catch).
    overdispersion : bool, default False
        For ``"ewma"`` and ``"cusum"``: divide the z-scores by Laney's
        sigma-Z from the baseline as well.
    data, weights, scale, nan_policy
        As for :func:`npskit.tally_by`.

    Returns
    -------
    ControlChart
        One row per period (statistic, limits, signal) and Anhøj's run rules.

    Raises
    ------
    ValueError
        For an unknown ``chart``, a ``baseline`` outside 2..periods, limits
        that are not positive, ``smoothing`` outside (0, 1], or
        ``overdispersion`` with a Shewhart or Laney chart.
    TypeError
        For arguments of the wrong kind.

    Notes
    -----
    Each answer scores +1, 0 or -1, so with the baseline's pooled shares
    ``p0``, ``d0`` and centre ``theta0 = p0 - d0`` the NPS of a period with
    ``n_i`` answers has standard error
    ``sigma_i = 100 sqrt((p0 + d0 - theta0^2) / n_i)`` (the trinomial
    variance). The z-score of period ``i`` is ``(NPS_i - 100 theta0) / sigma_i``.

    **Laney.** With hundreds of thousands of answers a period, ``sigma_i`` is
    tiny and the NPS moves more than sampling explains (the customers change,
    not the sample): Shewhart limits hug the centre and every period
    signals. Laney's p'-chart [1]_ multiplies ``sigma_i`` by
    ``sigma_Z = mean |z_i - z_{i-1}| / 1.128`` over the baseline: the
    between-period variation seen in the z-scores. With small periods
    ``sigma_Z`` is about 1 and the chart is Shewhart's.

    **EWMA, CUSUM.** On the z-scores (Montgomery [3]_): ``w_i = lambda z_i +
    (1 - lambda) w_{i-1}`` with limits ``+- L sqrt(lambda / (2 - lambda) (1 -
    (1 - lambda)^{2i}))``; ``C+_i = max(0, C+_{i-1} + z_i - k)`` and
    ``C-_i = max(0, C-_{i-1} - z_i - k)``, signalling above ``h``.

    **Run rules** (Anhøj and Olesen [2]_), over all periods about the centre:
    a run on one side longer than ``round(log2(n) + 3)`` or fewer than
    ``qbinom(0.05, n - 1, 0.5)`` crossings signals a shift, with a false
    alarm rate near 5% per chart for a random series.

    References
    ----------
    .. [1] Laney, D. B. (2002). Improved control charts for attributes.
       *Quality Engineering*, 14(4), 531-537. doi:10.1081/QEN-120003555
    .. [2] Anhøj, J., and Olesen, A. V. (2014). Run charts revisited: a
       simulation study of run chart rules for detection of non-random
       variation in health care processes. *PLoS ONE*, 9(11), e113825.
       doi:10.1371/journal.pone.0113825
    .. [3] Montgomery, D. C. (2013). *Introduction to Statistical Quality
       Control*, 7th ed., chapter 9. Wiley.

    Examples
    --------
    >>> from npskit import Tally, control_chart
    >>> weeks = {f"W{i:02d}": Tally(detractors=20, passives=30, promoters=50)
    ...          for i in range(1, 11)}
    >>> weeks["W11"] = Tally(detractors=45, passives=25, promoters=30)
    >>> result = control_chart(weeks, baseline=10)
    >>> result.centre, result["W11"].signal
    (30.0, 'below')
    >>> round(result["W11"].lower, 1), round(result["W11"].upper, 1)
    (6.6, 53.4)
    """
    kind: ChartType = check_choice("chart", chart, get_args(ChartType))
    width = _positive("limit", _DEFAULT_LIMIT[kind] if limit is None else limit)
    lam = _positive("smoothing", smoothing)
    if lam > 1.0:
        raise ValueError(f"smoothing must be in (0, 1], got {smoothing!r}")
    k = _positive("reference", reference, allow_zero=True)
    if not isinstance(overdispersion, bool):
        raise TypeError(f"overdispersion must be True or False, got {overdispersion!r}")
    if overdispersion and kind in ("shewhart", "laney"):
        raise ValueError(
            "overdispersion applies to chart='ewma' and 'cusum'; chart='laney' is the "
            "Shewhart chart with Laney's sigma-Z"
        )
    grouped = as_grouped(
        scores, periods, data=data, weights=weights, scale=scale, nan_policy=nan_policy
    )
    series = period_series(grouped, period=period, freq=freq)
    size = len(series.labels)
    phase = _baseline(baseline, size)
    counts = series.counts
    n = counts.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        nps = 100.0 * (counts[:, 2] - counts[:, 0]) / n
    pooled = counts[:phase].sum(axis=0)
    if pooled.sum() <= 0:
        raise ValueError("the baseline periods have no answers, so there is no centre line")
    shares = pooled / pooled.sum()
    centre = 100.0 * float(shares[2] - shares[0])
    unit = 100.0 * math.sqrt(float(net_variance(shares[0], shares[2])))
    with np.errstate(invalid="ignore", divide="ignore"):
        sigma = np.where(n > 0, unit / np.sqrt(n), np.nan)
        z = (nps - centre) / sigma
    sigma_z = laney_sigma_z(z[:phase]) if kind == "laney" or overdispersion else 1.0
    if not math.isfinite(sigma_z):
        raise ValueError("Laney's sigma-Z needs at least two baseline periods with answers")
    z = z / sigma_z
    statistic, lower_stat, low, high = _statistics(
        kind, nps, z, sigma * sigma_z, centre, width, lam, k
    )
    signal = np.where(statistic > high, 1, np.where(statistic < low, -1, 0))
    if lower_stat is not None:
        signal = np.where(-lower_stat > width, -1, signal)
    runs = RunsSignal.from_test(runs_test(nps, centre))
    rows = tuple(
        ChartPoint(
            period=series.labels[i],
            start=series.starts[i],
            n=series.tallies[i].n,
            effective_n=float(n[i]),
            nps=_value(nps[i]),
            z=_value(z[i]),
            statistic=_value(statistic[i]),
            statistic_lower=None if lower_stat is None else _value(lower_stat[i]),
            lower=_value(low[i]),
            upper=_value(high[i]),
            baseline=i < phase,
            signal={1: "above", -1: "below"}.get(int(signal[i])) if n[i] > 0 else None,
        )
        for i in range(size)
    )
    return ControlChart(
        rows=rows,
        chart=kind,
        centre=centre,
        n_baseline=phase,
        sigma_z=sigma_z,
        limit=width,
        smoothing=lam if kind == "ewma" else None,
        reference=k if kind == "cusum" else None,
        runs=runs,
    )


def _statistics(
    kind: str,
    nps: Floats,
    z: Floats,
    sigma: Floats,
    centre: float,
    width: float,
    lam: float,
    k: float,
) -> tuple[Floats, Floats | None, Floats, Floats]:
    """The plotted statistic (and the lower CUSUM), and the limits, per period."""
    present = np.isfinite(z)
    if kind in ("shewhart", "laney"):
        low = np.clip(centre - width * sigma, -100.0, 100.0)
        high = np.clip(centre + width * sigma, -100.0, 100.0)
        return nps, None, low, high
    # Periods without answers are skipped by the recursions, which run over
    # the periods with answers only, and get no statistic.
    statistic = np.full(len(z), np.nan)
    low = np.full(len(z), np.nan)
    high = np.full(len(z), np.nan)
    if kind == "ewma":
        statistic[present] = ewma(z[present], lam)
        band = width * ewma_sd(int(present.sum()), lam)
        low[present], high[present] = -band, band
        return statistic, None, low, high
    upper, lower = cusum(z[present], k)
    statistic[present] = upper
    lower_stat = np.full(len(z), np.nan)
    lower_stat[present] = -lower
    low[present], high[present] = -width, width
    return statistic, lower_stat, low, high


def _baseline(baseline: object, size: int) -> int:
    if baseline is None:
        return size
    if isinstance(baseline, bool) or not isinstance(baseline, numbers.Integral):
        raise TypeError(f"baseline must be a number of periods, got {baseline!r}")
    if not 2 <= int(baseline) <= size:
        raise ValueError(f"baseline must be between 2 and the {size} periods, got {baseline!r}")
    return int(baseline)


def _positive(name: str, value: object, *, allow_zero: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number) or number < 0 or (number == 0 and not allow_zero):
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return number


def _value(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None
