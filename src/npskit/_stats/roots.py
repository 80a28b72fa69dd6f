"""Roots of many decreasing functions at once: vectorised Anderson-Björck and Newton searches.

The Tango score bounds and the MOVER test statistic solve one equation per
segment. Bisection needs 56 evaluations of every equation to reach double
precision; regula falsi with the Anderson-Björck modification converges
superlinearly and needs about ten (fewer from a good first guess). Every row
keeps a bracket ``[a, b]`` with ``g(a) > 0 >= g(b)``; a step takes the
regula-falsi point and, when the same end has moved twice in a row, scales
the function value kept at the other end by ``1 - g(x) / g(moving end)``
(halves it, the Illinois rule, when that is not positive), so neither end
stalls. Rows whose search is still open after ``_ILLINOIS_STEPS`` steps
finish by bisection. Rows leave the computation as soon as they are settled,
so later steps cost only the rows still open.

Where the slope is cheap (Tango's score has it in closed form),
:func:`newton_roots` takes safeguarded Newton steps instead, two to four
evaluations from a Wald-type guess, and hands any row it leaves open to
:func:`decreasing_roots` with the bracket it has narrowed.

A row is settled when its bracket is as narrow as the precision asked for,
or where ``|g|`` is within the function's rounding noise (``ftol``): there
the sign of ``g`` no longer tells on which side the root lies, and bisection
would wander inside the same noise band.

References: Dowell, M., & Jarratt, P. (1971). A modified regula falsi method
for computing the root of an equation. *BIT*, 11(2), 168-174.
https://doi.org/10.1007/BF01934364 ; Anderson, N., & Björck, Å. (1973). A new
high order method of regula falsi type for computing a root of an equation.
*BIT*, 13(3), 253-264. https://doi.org/10.1007/BF01951936
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

__all__ = ["decreasing_roots", "newton_roots"]

Floats = npt.NDArray[np.float64]
Positions = npt.NDArray[np.intp]

_EPS = 2.220446049250313e-16
_ILLINOIS_STEPS = 24  # rows still open after this many steps bisect (none seen in tests)
_MAX_STEPS = _ILLINOIS_STEPS + 60  # bisection reaches double precision in 56 halvings
_NEWTON_STEPS = 8  # Newton evaluations before the rows left open go to regula falsi
_NEAR_ROOT = 1e-8  # largest |f| at which a tiny Newton step may settle a row


def decreasing_roots(
    gap: Callable[..., Floats],
    low: Floats,
    high: Floats,
    gap_low: Floats,
    gap_high: Floats,
    *,
    xtol: float,
    ftol: float = 0.0,
    args: tuple[Floats, ...] = (),
    guess: Floats | None = None,
) -> Floats:
    """For every row, the point where the decreasing ``gap`` falls from > 0 to <= 0.

    ``gap(x, *row_args)`` evaluates the functions of some rows at the points
    ``x``, given those rows of ``args`` (arrays with one value per row). Each
    row needs ``gap_low > 0 >= gap_high`` at its ends ``low < high`` (rows
    that do not are returned as the midpoint of their ends: the caller settles
    them first). ``guess`` (optional) is tried first where it lies inside the
    bracket. A row is settled when its bracket is narrower than ``xtol`` (or
    than two doubles), or where
    ``|gap| <= ftol``: the rounding noise of ``gap`` near its root, where the
    sign of ``gap`` no longer tells which side the root is on.
    """
    result: Floats = 0.5 * (low + high)
    rows = np.flatnonzero((gap_low > 0.0) & ~(gap_high > 0.0) & _open(low, high, xtol))
    a, b, fa, fb = (np.asarray(v, dtype=np.float64)[rows] for v in (low, high, gap_low, gap_high))
    tried = None if guess is None else guess[rows]
    values = tuple(arg[rows] for arg in args)
    rose = np.zeros(len(rows), dtype=bool)  # the last step moved ``a`` (else ``b``)
    done = np.zeros(len(rows), dtype=bool)
    for count in range(_MAX_STEPS):
        if len(rows) == 0:
            break
        bisect = count >= _ILLINOIS_STEPS
        if bisect:
            x = 0.5 * (a + b)
        else:
            with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
                x = (a * fb - b * fa) / (fb - fa)
            if tried is not None and count == 0:
                x = np.where((tried > a) & (tried < b), tried, x)
            _keep_inside(x, a, b)
        fx = gap(x, *values)
        above = fx > 0.0
        if count:
            # Anderson-Bjorck: the function value at an end kept twice in a row
            # is scaled by 1 - f(x) / f(moving end), or halved (Illinois) when
            # that is not positive; the more the moving end stalls, the harder
            # the pull.
            for again, moving, kept in ((above & rose, fa, fb), (~above & ~rose, fb, fa)):
                if again.any():
                    with np.errstate(invalid="ignore", divide="ignore"):
                        scale = 1.0 - fx[again] / moving[again]
                    kept[again] *= np.where(scale > 0.0, scale, 0.5)
        np.copyto(a, x, where=above)
        np.copyto(fa, fx, where=above)
        below = ~above
        np.copyto(b, x, where=below)
        np.copyto(fb, fx, where=below)
        rose = above
        # A value within the function's noise settles the row at ``x``; a
        # bracket as narrow as the precision wanted at its midpoint.
        tiny = np.abs(fx) <= ftol
        leave = (tiny | ((b - a) <= xtol + _EPS * np.abs(a))) & ~done
        if leave.any():
            result[rows[leave]] = np.where(tiny, x, 0.5 * (a + b))[leave]
            done |= leave
            if 8 * np.count_nonzero(done) >= len(done):  # compact once enough rows are done
                keep = ~done
                rows, rose, done = rows[keep], rose[keep], done[keep]
                a, b, fa, fb = a[keep], b[keep], fa[keep], fb[keep]
                values = tuple(v[keep] for v in values)
    if len(rows):
        open_rows = ~done
        result[rows[open_rows]] = 0.5 * (a + b)[open_rows]
    return result


def _keep_inside(x: Floats, a: Floats, b: Floats) -> None:
    """Move points at or beyond an end one double inside it; NaN to the midpoint."""
    outside = ~((x > a) & (x < b))
    if outside.any():
        ao, bo, xo = a[outside], b[outside], x[outside]
        x[outside] = np.where(
            xo <= ao,
            np.nextafter(ao, bo),
            np.where(xo >= bo, np.nextafter(bo, ao), 0.5 * (ao + bo)),
        )


def _open(a: Floats, b: Floats, xtol: float) -> npt.NDArray[np.bool_]:
    """Brackets wider than ``xtol`` with a double strictly inside."""
    middle = 0.5 * (a + b)
    return ((b - a) > xtol) & (middle > a) & (middle < b)


def newton_roots(
    value_and_slope: Callable[..., tuple[Floats, Floats]],
    low: Floats,
    high: Floats,
    gap_low: Floats,
    gap_high: Floats,
    guess: Floats,
    *,
    xtol: float,
    ftol: float,
    args: tuple[Floats, ...] = (),
) -> tuple[Floats, tuple[Positions, Floats, Floats, Floats, Floats]]:
    """Safeguarded Newton steps towards the root of decreasing functions, every row at once.

    ``value_and_slope(x, *row_args)`` gives ``f`` and ``f'`` of some rows at
    ``x``; every row has ``f(low) = gap_low > 0 >= gap_high = f(high)``.
    Starting from ``guess`` (the middle of the bracket when it is outside),
    each evaluation narrows the bracket by the sign of ``f`` and moves to
    the Newton point, or to the middle of the bracket when the Newton point
    leaves it (or is not finite). A row is settled where ``|f| <= ftol`` (at
    that point), where the bracket is as narrow as ``xtol`` (or two doubles;
    at its middle, as :func:`decreasing_roots`) or where the Newton step is
    below ``xtol`` plus 8 ulps of ``x`` with ``|f| <= 1e-8`` and a finite,
    negative slope (at the Newton point). Near a simple root Newton converges
    quadratically: from a Wald-type guess two to four evaluations reach
    double precision.

    Returns the roots (NaN where not settled after ``_NEWTON_STEPS``
    evaluations) and, for the rows not settled, their positions, brackets and
    the values of ``f`` at the bracket ends, for :func:`decreasing_roots` to
    finish.
    """
    result: Floats = np.full(len(low), np.nan)
    rows = np.arange(len(low))
    a, b = np.array(low, dtype=np.float64), np.array(high, dtype=np.float64)
    fa, fb = np.array(gap_low, dtype=np.float64), np.array(gap_high, dtype=np.float64)
    x = np.where((guess > a) & (guess < b), guess, 0.5 * (a + b))
    values = args
    for _ in range(_NEWTON_STEPS):
        if len(rows) == 0:
            break
        f, slope = value_and_slope(x, *values)
        rising = f > 0.0  # the root lies above x
        np.copyto(a, x, where=rising)
        np.copyto(fa, f, where=rising)
        falling = ~rising
        np.copyto(b, x, where=falling)
        np.copyto(fb, f, where=falling)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            newton = x - f / slope
        inside = (newton > a) & (newton < b)  # False for NaN
        small = np.abs(f) <= ftol
        narrow = (b - a) <= xtol + _EPS * np.abs(a)
        # A tiny step counts only where f is near 0 and the slope is a slope:
        # at a kink (an infinite slope) the step is 0 far from the root.
        step = (np.abs(newton - x) <= xtol + 8.0 * _EPS * np.abs(x)) & (np.abs(f) <= _NEAR_ROOT)
        step &= (slope < 0.0) & np.isfinite(slope)
        done = small | narrow | step
        if done.any():
            # x is an end of the bracket now; a Newton point past it is noise.
            settled = np.where(small, x, np.where(narrow, 0.5 * (a + b), np.clip(newton, a, b)))
            result[rows[done]] = settled[done]
            keep = ~done
            rows, a, b, fa, fb = rows[keep], a[keep], b[keep], fa[keep], fb[keep]
            x, newton, inside = x[keep], newton[keep], inside[keep]
            values = tuple(v[keep] for v in values)
        x = np.where(inside, newton, 0.5 * (a + b))
    return result, (rows, a, b, fa, fb)
