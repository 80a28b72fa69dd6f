"""Roots of many decreasing functions at once: a vectorised Anderson-Björck search.

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

__all__ = ["decreasing_roots"]

Floats = npt.NDArray[np.float64]
Positions = npt.NDArray[np.intp]

_EPS = 2.220446049250313e-16
_ILLINOIS_STEPS = 24  # rows still open after this many steps bisect (none seen in tests)
_MAX_STEPS = _ILLINOIS_STEPS + 60  # bisection reaches double precision in 56 halvings


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
