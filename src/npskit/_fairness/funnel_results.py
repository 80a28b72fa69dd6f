"""The result of :func:`npskit.funnel`: each unit against limits that narrow as n grows."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._core.results import Table, json_value, none_if_nan
from npskit._stats.funnel_limits import funnel_half_width

__all__ = ["Funnel", "FunnelPoint", "half_width"]


def half_width(
    se: Any, level: float, overdispersion: str, phi: float, tau2: float
) -> npt.NDArray[np.float64]:
    """Half-width of the ``level`` limits at standard errors ``se`` with the adjustment asked."""
    if overdispersion == "multiplicative":
        return funnel_half_width(se, level, phi=max(phi, 1.0))
    if overdispersion == "additive":
        return funnel_half_width(se, level, tau2=tau2)
    return funnel_half_width(se, level)


@dataclass(frozen=True, slots=True, kw_only=True)
class FunnelPoint:
    """One unit of a :class:`Funnel`.

    Attributes
    ----------
    key : object
        The unit.
    n : int
        Its answers.
    nps : float
        What is plotted: the unit's NPS, or its case-mix adjusted NPS.
    standard_error : float
        Its standard error under H0 (the unit is on the centre), in points.
    z : float
        ``(nps - centre) / standard_error``, before any overdispersion.
    inner_low, inner_high, outer_low, outer_high : float
        The inner (95%) and outer (99.8%) limits at this unit's standard error.
    flag : {"above outer", "above inner", "below inner", "below outer"} or None
        Where the unit falls; None inside the inner limits.
    """

    key: Any
    unit_name: str = field(repr=False, compare=False)
    n: int
    nps: float
    standard_error: float
    z: float
    inner_low: float
    inner_high: float
    outer_low: float
    outer_high: float
    flag: str | None

    def to_dict(self) -> dict[str, Any]:
        """A flat, JSON-serialisable dictionary."""
        return {
            self.unit_name: json_value(self.key),
            "n": self.n,
            "nps": none_if_nan(self.nps),
            "standard_error": none_if_nan(self.standard_error),
            "z": none_if_nan(self.z),
            "inner_low": none_if_nan(self.inner_low),
            "inner_high": none_if_nan(self.inner_high),
            "outer_low": none_if_nan(self.outer_low),
            "outer_high": none_if_nan(self.outer_high),
            "flag": self.flag,
        }


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Funnel(Table[FunnelPoint]):
    """A funnel plot's numbers (see :func:`npskit.funnel`).

    Attributes
    ----------
    unit_name : str
        Name of the unit column.
    centre : float
        The centre line, in points.
    unit_sd : float
        Standard deviation of one answer's score at the centre, in points:
        the limits for ``n`` answers are ``centre +- z sqrt(phi unit_sd^2 / n + tau2)``.
    adjusted : bool
        Whether the units' NPS are case-mix adjusted.
    overdispersion : {"none", "multiplicative", "additive"}
        How the limits were widened.
    phi : float
        Overdispersion factor from the winsorised z-scores (reported always;
        used when ``overdispersion="multiplicative"``).
    tau2 : float
        DerSimonian-Laird between-unit variance, points squared (used when
        ``overdispersion="additive"``).
    levels : tuple of two floats
        The inner and outer limits' levels.
    """

    unit_name: str
    centre: float
    unit_sd: float
    adjusted: bool
    overdispersion: str
    phi: float
    tau2: float
    levels: tuple[float, float]

    def limits(
        self, n: Any, level: float
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Lower and upper limits at ``level`` for ``n`` answers (arrays), for plotting.

        For case-mix adjusted units the curve uses the centre's spread per
        answer (``unit_sd``); each unit is flagged against its own standard error.
        """
        sizes = np.asarray(n, dtype=np.float64)
        with np.errstate(divide="ignore"):
            se = self.unit_sd / np.sqrt(sizes)
        half = half_width(se, level, self.overdispersion, self.phi, self.tau2)
        return np.clip(self.centre - half, -100.0, 100.0), np.clip(
            self.centre + half, -100.0, 100.0
        )

    @property
    def n_flagged(self) -> int:
        """Units outside the outer limits."""
        return sum(row.flag is not None and "outer" in row.flag for row in self.rows)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dictionary: the centre, overdispersion and the rows."""
        return {
            "unit_name": self.unit_name,
            "centre": self.centre,
            "unit_sd": self.unit_sd,
            "adjusted": self.adjusted,
            "overdispersion": self.overdispersion,
            "phi": none_if_nan(self.phi),
            "tau2": none_if_nan(self.tau2),
            "levels": list(self.levels),
            "rows": self.to_dicts(),
        }

    def _row_key(self, row: FunnelPoint) -> tuple[Any, ...]:
        return (row.key,)

    def _empty_columns(self) -> tuple[str, ...]:
        return (self.unit_name, "n", "nps", "z", "flag")

    def _markdown_columns(self) -> list[str]:
        return [
            self.unit_name,
            "n",
            "nps",
            "z",
            "inner_low",
            "inner_high",
            "outer_low",
            "outer_high",
            "flag",
        ]

    def _title(self) -> str:
        kind = "case-mix adjusted NPS" if self.adjusted else "NPS"
        return (
            f"Funnel of {kind}: {len(self.rows)} {self.unit_name} values around "
            f"{self.centre:+.1f}, overdispersion {self.overdispersion} (phi {self.phi:.2f}); "
            f"{self.n_flagged} outside the outer limits; z is before overdispersion"
        )

    def __str__(self) -> str:
        kind = "case-mix adjusted NPS" if self.adjusted else "NPS"
        inner, outer = (f"{100 * x:g}%" for x in self.levels)
        extra = {
            "none": "no overdispersion adjustment",
            "multiplicative": f"limits widened by sqrt(phi), phi = {self.phi:.2f}",
            "additive": f"random-effects tau = {math.sqrt(self.tau2):.1f} points",
        }[self.overdispersion]
        head = (
            f"Funnel of {kind} for {len(self.rows)} {self.unit_name} values around "
            f"{self.centre:+.1f}, {inner} and {outer} limits ({extra}; phi = {self.phi:.2f}); "
            f"{self.n_flagged} outside the {outer} limits. Rounded to 1 decimal."
        )
        return head + "\n" + self.to_markdown()
