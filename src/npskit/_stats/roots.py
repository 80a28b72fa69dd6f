"""Roots of many decreasing functions at once: a vectorised Illinois method.

The Tango score bounds and the MOVER test statistic solve one equation per
segment. Bisection needs 56 evaluations of every equation to reach double
precision; the Illinois variant of regula falsi (Dowell and Jarratt 1971)
converges superlinearly and needs about ten. Every row keeps a bracket
``[a, b]`` with ``g(a) > 0 >= g(b)``; a step tries the regula-falsi point,
halving the function value kept at an end that was kept twice in a row (the
Illinois rule), and bisects instead whenever the previous step did not halve
the bracket, so no row ever needs more than about twice the steps of
bisection. Rows leave the computation as soon as their bracket is as narrow
as double precision allows, so later steps cost only the rows still open.

It converges to the boundary of ``{g > 0}``, the same point bisection on the
sign of ``g > 0`` converges to, with the same precision (brackets narrower
than ``xtol`` or with no double strictly inside), and returns the midpoint of
the last bracket, as bisection does.

Reference: Dowell, M., & Jarratt, P. (1971). A modified regula falsi method
for computing the root of an equation. *BIT Numerical Mathematics*, 11(2),
168-174. https://doi.org/10.1007/BF01934364
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

__all__ = ["decreasing_roots"]

Floats = npt.NDArray[np.float64]
Positions = npt.NDArray[np.intp]

_ILLINOIS_STEPS = 24  # rows still open after this many steps bisect (none seen in tests)
_MAX_STEPS = _ILLINOIS_STEPS + 60  # bisection reaches double precision in 56 halvings


def decreasing_roots(
    gap: Callable[[Floats, Positions], Floats],
    low: Floats,
    high: Floats,
    gap_low: Floats,
    gap_high: Floats,
    *,
    xtol: float,
    guess: Floats | None = None,
) -> Floats:
    """For every row, the point where the decreasing ``gap`` falls from > 0 to <= 0.

    ``gap(x, rows)`` evaluates the functions of the rows at the positions
    ``rows`` at the points ``x``. Each row needs ``gap_low > 0 >= gap_high``
    at its ends ``low < high`` (rows that do not are returned as the midpoint
    of their ends: the caller settles them first). ``guess`` (optional) is
    tried first where it lies inside the bracket. The result is within
    ``xtol`` (absolute) or one double of the boundary.
    """
    a, b = low.astype(np.float64), high.astype(np.float64)
    fa, fb = gap_low.astype(np.float64), gap_high.astype(np.float64)
    kept = np.zeros(len(a), dtype=np.int8)  # +1: ``a`` was moved last; -1: ``b``
    last_x = np.full(len(a), np.nan)
    settled = np.full(len(a), np.nan)
    rows = np.flatnonzero((fa > 0.0) & ~(fb > 0.0) & _open(a, b, xtol))
    for count in range(_MAX_STEPS):
        if len(rows) == 0:
            break
        ra, rb, rfa, rfb = a[rows], b[rows], fa[rows], fb[rows]
        last = kept[rows]
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            x = (ra * rfb - rb * rfa) / (rfb - rfa)
        bisect = count >= _ILLINOIS_STEPS
        # A point that rounds onto an end moves one double inside: if the root
        # is there, the bracket closes.
        x = np.where(x <= ra, np.nextafter(ra, rb), np.where(x >= rb, np.nextafter(rb, ra), x))
        x = np.where(bisect | np.isnan(x), 0.5 * (ra + rb), x)
        if count == 0 and guess is not None:
            tried = guess[rows]
            x = np.where((tried > ra) & (tried < rb), tried, x)
        fx = gap(x, rows)
        above = fx > 0.0
        # Illinois: an end kept twice in a row has its function value halved.
        rfb = np.where(above & (last == 1), 0.5 * rfb, rfb)
        rfa = np.where(~above & (last == -1), 0.5 * rfa, rfa)
        na, nb = np.where(above, x, ra), np.where(above, rb, x)
        a[rows], b[rows] = na, nb
        fa[rows] = np.where(above, fx, rfa)
        fb[rows] = np.where(above, rfb, fx)
        kept[rows] = np.where(above, 1, -1)
        # A step as small as the precision wanted: the iterate is the root (the
        # function is only known to its rounding noise there).
        previous = last_x[rows]
        last_x[rows] = x
        precision = 4.0 * np.maximum(xtol, np.spacing(np.abs(x)))
        tiny = (not bisect) & (np.abs(x - previous) <= precision)
        tiny |= fx == 0.0
        settled[rows[tiny]] = x[tiny]
        rows = rows[_open(na, nb, xtol) & ~tiny]
    result: Floats = np.where(np.isnan(settled), 0.5 * (a + b), settled)
    return result


def _open(a: Floats, b: Floats, xtol: float) -> npt.NDArray[np.bool_]:
    """Brackets wider than ``xtol`` with a double strictly inside."""
    middle = 0.5 * (a + b)
    return ((b - a) > xtol) & (middle > a) & (middle < b)
