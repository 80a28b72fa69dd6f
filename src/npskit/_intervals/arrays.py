"""Intervals and two-sample comparisons for many segments at once, on arrays of counts.

:func:`npskit.breakdown` needs one interval per segment and one comparison of
every segment with the rest of the population. Calling
:func:`npskit.confidence_interval` and :func:`npskit.compare` once per segment
costs about a millisecond per MOVER comparison, which is minutes for 10^5
segments. The methods whose formulas vectorise (the Wald family for one
sample; Wald, adjusted Wald and MOVER for two) run here on whole arrays, with
the same formulas as the scalar kernels (:mod:`npskit._stats.wald`,
:mod:`npskit._compare.methods`), so the results agree with the scalar
functions to about 1e-10. The other methods loop over segments through the
scalar kernels.

Everything takes effective counts as float arrays (Kish's when weighted) and
returns points; a segment without answers gets NaN.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._core.tally import Tally
from npskit._core.warnings import DegenerateSampleWarning
from npskit._stats.wald import PSEUDO_COUNTS
from npskit.typing import CompareMethod, IntervalMethod

from .methods import interval_from_counts

__all__ = ["compare_arrays", "effective_arrays", "interval_arrays", "mover_statistic"]

Floats = npt.NDArray[np.float64]
_EDGE = 1e-13  # Tango bounds are searched in [-1 + edge, 1 - edge], as in _compare_methods
_THETA_STEPS = 64  # halvings of [0, pi/2]: below double precision


def effective_arrays(counts: npt.NDArray[Any], squared_weights: npt.NDArray[Any] | None) -> Floats:
    """Effective counts per row: the counts, or weighted shares times Kish's n_eff."""
    c = np.asarray(counts, dtype=np.float64)
    if squared_weights is None:
        return c
    n = c.sum(axis=1)
    squares = np.asarray(squared_weights, dtype=np.float64).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.where((squares > 0) & (n > 0), n / squares, 0.0)  # n_eff / n
    result: Floats = c * scale[:, None]
    return result


# -- one sample ---------------------------------------------------------------------


def interval_arrays(
    counts: Floats, *, confidence_level: float, method: IntervalMethod, **options: Any
) -> tuple[Floats, Floats]:
    """Two-sided interval of each row's NPS in points (NaN for a row without answers).

    The Wald family (``"wald"``, ``"adjusted-wald"``, ``"agresti-min"``,
    ``"bonett-price"``) is computed on the arrays with the formula of
    :func:`npskit._stats.wald.wald_bounds`; other methods call
    :func:`npskit._intervals.methods.interval_from_counts` row by row with ``options``.
    """
    d, s, p = (np.asarray(counts[:, k], dtype=np.float64) for k in range(3))
    n = d + s + p
    present = n > 0
    low = np.full(len(n), np.nan)
    high = np.full(len(n), np.nan)
    alpha = (1.0 - confidence_level) / 2.0
    if method in PSEUDO_COUNTS:
        from scipy.special import ndtri

        if method == "wald":
            degenerate = present & (np.maximum(np.maximum(d, s), p) == n)
            if degenerate.any():
                warnings.warn(
                    f"{int(degenerate.sum())} segment(s) have every answer in one category, "
                    "so their 'wald' interval has zero width; use method='tango', 'exact' or "
                    "'bayes' for intervals that reflect the sampling error",
                    DegenerateSampleWarning,
                    stacklevel=3,
                )
        add_d, add_s, add_p = PSEUDO_COUNTS[method]
        da, sa, pa = d[present] + add_d, s[present] + add_s, p[present] + add_p
        na = da + sa + pa
        centre = (pa - da) / na
        variance = pa / na + da / na - centre * centre
        half = float(ndtri(1.0 - alpha)) * np.sqrt(np.maximum(variance, 0.0) / na)
        lower = np.clip(centre - half, -1.0, 1.0)
        upper = np.clip(centre + half, -1.0, 1.0)
        crossed = lower > upper  # only by rounding, for a zero-width interval
        middle = 0.5 * (lower + upper)
        low[present] = 100.0 * np.where(crossed, middle, lower)
        high[present] = 100.0 * np.where(crossed, middle, upper)
        return low, high
    for i in np.flatnonzero(present).tolist():
        low[i], high[i] = interval_from_counts(
            d[i], s[i], p[i], confidence_level=confidence_level, method=method, **options
        )
    return low, high


# -- two samples --------------------------------------------------------------------


def compare_arrays(
    baseline: Floats,
    current: Floats,
    *,
    method: CompareMethod,
    confidence_level: float,
    rng: Any = None,
    n_resamples: int = 10_000,
    prior: float = 0.5,
) -> tuple[Floats, Floats, Floats, Floats]:
    """Two-sided comparison ``current - baseline`` of every row, in points.

    ``baseline`` and ``current`` are ``(rows, 3)`` effective counts. Returns
    ``(low, high, statistic, pvalue)``; the difference itself is the caller's
    (it is the plain difference of the two NPS). Rows where either side has
    no answers get NaN. ``"wald"``, ``"adjusted-wald"`` and ``"mover"`` are
    vectorised; the other methods run the scalar kernels of
    :mod:`npskit._compare.methods` row by row (``rng`` is used in turn by
    every row, so results depend on the row order only through the random
    stream).
    """
    rows = len(baseline)
    low, high, statistic, pvalue = (np.full(rows, np.nan) for _ in range(4))
    ok = (baseline.sum(axis=1) > 0) & (current.sum(axis=1) > 0)
    if not ok.any():
        return low, high, statistic, pvalue
    b, c = baseline[ok], current[ok]
    if method in ("wald", "adjusted-wald", "mover"):
        if method == "mover":
            parts = _mover_arrays(b, c, confidence_level)
        else:
            parts = _wald_arrays(b, c, method, confidence_level)
        for target, part in zip((low, high, statistic, pvalue), parts, strict=True):
            target[ok] = part
        return low, high, statistic, pvalue
    from npskit._compare import methods as m

    generator = np.random.default_rng(rng) if method in ("permutation", "bootstrap") else None
    for i, b_row, c_row in zip(np.flatnonzero(ok).tolist(), b.tolist(), c.tolist(), strict=True):
        c0: tuple[float, float, float] = (b_row[0], b_row[1], b_row[2])
        c1: tuple[float, float, float] = (c_row[0], c_row[1], c_row[2])
        if method == "permutation":
            outcome = m.permutation_compare(
                c0,
                c1,
                confidence_level=confidence_level,
                alternative="two-sided",
                n_resamples=n_resamples,
                rng=generator,
            )
        elif method == "bootstrap":
            outcome = m.bootstrap_compare(
                c0,
                c1,
                confidence_level=confidence_level,
                alternative="two-sided",
                n_resamples=n_resamples,
                rng=generator,
            )
        else:
            outcome = m.bayes_compare(
                c0, c1, confidence_level=confidence_level, alternative="two-sided", prior=prior
            )
        low[i], high[i] = 100.0 * outcome.low, 100.0 * outcome.high
        statistic[i] = outcome.statistic * (100.0 if method == "permutation" else 1.0)
        pvalue[i] = outcome.pvalue
    return low, high, statistic, pvalue


def _wald_arrays(
    b: Floats, c: Floats, method: str, confidence_level: float
) -> tuple[Floats, Floats, Floats, Floats]:
    from scipy.special import ndtri

    from npskit._compare.methods import pvalue_from_z, wald_parts

    centre, se = wald_parts(*b.T, *c.T, method=method)
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = np.where(
            se > 0, centre / se, np.where(centre == 0, 0.0, np.copysign(np.inf, centre))
        )
    pvalue = pvalue_from_z(statistic, "two-sided")
    half = float(ndtri(1.0 - (1.0 - confidence_level) / 2.0)) * se
    low = np.clip(centre - half, -2.0, 2.0)
    high = np.clip(centre + half, -2.0, 2.0)
    return 100.0 * low, 100.0 * high, statistic, pvalue


def _mover_arrays(
    b: Floats, c: Floats, confidence_level: float
) -> tuple[Floats, Floats, Floats, Floats]:
    from scipy.special import ndtri

    from npskit._compare.methods import mover_limits, pvalue_from_z, tango_bounds_array

    z = float(ndtri(1.0 - (1.0 - confidence_level) / 2.0))
    nb, nc = b.sum(axis=1), c.sum(axis=1)
    e0 = (b[:, 2] - b[:, 0]) / nb
    e1 = (c[:, 2] - c[:, 0]) / nc
    l0, u0 = tango_bounds_array(b[:, 0], b[:, 1], b[:, 2], z)
    l1, u1 = tango_bounds_array(c[:, 0], c[:, 1], c[:, 2], z)
    low, high = mover_limits(e0, l0, u0, e1, l1, u1)
    statistic = mover_statistic(b, c)
    pvalue = pvalue_from_z(statistic, "two-sided")
    return 100.0 * np.clip(low, -2.0, 2.0), 100.0 * np.clip(high, -2.0, 2.0), statistic, pvalue


def mover_statistic(b: Floats, c: Floats) -> Floats:
    """The signed MOVER test statistic of ``current - baseline`` for every row.

    It is the critical value ``z`` at which the MOVER bound nearer to 0
    touches 0 (see :func:`npskit._compare.methods.mover_compare`), capped at
    ``MAX_Z``. For a positive difference ``e1 - e0`` the lower bound is
    ``e1 - e0 - sqrt((e1 - l1(z))^2 + (u0(z) - e0)^2)``, with ``l1`` and
    ``u0`` Tango bounds solving ``Z1(l1) = z`` and ``Z0(u0) = -z``. It
    touches 0 where ``(e1 - l1, u0 - e0) = |e1 - e0| (cos t, sin t)`` for
    some angle ``t`` in ``[0, pi/2]`` with ``Z1(l1) + Z0(u0) = 0``; that sum
    decreases in ``t``, so one bisection over ``t`` for all rows at once
    finds it, and ``z = Z1(l1)``. A Tango bound stuck at -1 or 1 (a score
    that never reaches ``z``) counts as an infinite ``Z``, which makes the
    root the larger of the two sides' ``z``. A negative difference is the
    positive one of the mirrored counts (promoters and detractors swapped).
    """
    from npskit._compare.methods import MAX_Z, _score

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
        beyond1 = lower1 < -1.0 + _EDGE
        beyond0 = upper0 > 1.0 - _EDGE
        z1 = _score(p1, d1, nc, np.where(beyond1, -1.0 + _EDGE, lower1))
        z0 = -_score(p0, d0, nb, np.where(beyond0, 1.0 - _EDGE, upper0))
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


def tally_from_row(
    counts: npt.NDArray[Any],
    n_missing: int,
    squared_weights: npt.NDArray[Any] | None,
    responses: int,
) -> Tally:
    """A Tally from one row of grouped arrays (counts clipped at 0 against rounding)."""
    if squared_weights is None:
        return Tally(
            detractors=int(counts[0]),
            passives=int(counts[1]),
            promoters=int(counts[2]),
            n_missing=int(n_missing),
        )
    c = np.maximum(np.asarray(counts, dtype=np.float64), 0.0)
    q = np.maximum(np.asarray(squared_weights, dtype=np.float64), 0.0)
    return Tally(
        detractors=float(c[0]),
        passives=float(c[1]),
        promoters=float(c[2]),
        n_missing=int(n_missing),
        squared_weights=(float(q[0]), float(q[1]), float(q[2])),
        responses=int(responses),
    )
