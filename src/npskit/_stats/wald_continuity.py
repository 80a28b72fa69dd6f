"""Wald interval with a continuity correction of 1/n (throwaway proof of the registry)."""

from __future__ import annotations

from typing import Any

from npskit._stats.normal import z_quantile
from npskit._stats.wald import wald_estimate

__all__ = ["wald_continuity_bounds"]


def wald_continuity_bounds(d: Any, s: Any, p: Any, alpha: float) -> tuple[Any, Any]:
    """Wald bounds widened by ``1/n`` on each side (shares, unclipped; floats or arrays)."""
    centre, se = wald_estimate(d, s, p)
    half = z_quantile(alpha) * se + 1.0 / (d + s + p)
    return centre - half, centre + half
