"""The ``Metric``: an answer scale and how a score is made of its answers.

NPS, CSAT and CES are all a mean of a per-answer score over a bounded scale:

- ``"net"`` (NPS): score +1 for a promoter, 0 for a passive, -1 for a
  detractor; the mean times 100 is the NPS in points, -100..100.
- ``"share"`` (CSAT top-2-box, CES share of easy): score 1 for an answer in
  the box, 0 otherwise; the mean times 100 is the share in percent, 0..100.
- ``"mean"`` (CES mean, a star average): the score is the answer itself; the
  mean is on the scale, ``low..high``.

So the counts per answer point (a :class:`npskit.Histogram`) are the
sufficient statistic of every metric, and :meth:`Metric.scores` is all a kernel
needs to know about the metric besides its kind.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, get_args

import numpy as np
import numpy.typing as npt

from npskit.typing import MetricKind, MetricName

from .scale import STANDARD_SCALE, Scale, scale_type_message

__all__ = ["CES", "CES_EASY", "CSAT", "METRICS", "NPS", "Metric", "as_metric"]


def _int(name: str, value: object) -> int:
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(
            f"{name} must be an integer, got {value!r} of type {type(value).__name__}"
        ) from None


@dataclass(frozen=True, slots=True, kw_only=True)
class Metric:
    """A survey metric: its answer scale and how it scores answers.

    Build one with :meth:`nps`, :meth:`top_box`, :meth:`bottom_box` or
    :meth:`mean`, or use a preset: ``npskit.NPS``, ``npskit.CSAT`` (1-5,
    share of 4-5, "top-2-box"), ``npskit.CES`` (mean of a 1-7 agreement
    scale) and ``npskit.CES_EASY`` (1-7, share of 5-7). Every verb that takes
    ``metric=`` also takes a preset's name (``"nps"``, ``"csat"``, ``"ces"``,
    ``"ces-easy"``).

    Parameters
    ----------
    name : str
        Short name shown in results (``"csat"``); lowercase by convention.
    kind : MetricKind
        How answers are scored: "net", "share" or "mean" (module notes).
    low, high : int
        The answer scale ``low..high``.
    box : tuple of two ints, optional
        For ``kind="share"`` only: the answers ``box[0]..box[1]`` (inclusive)
        are the "hits"; it must leave at least one answer outside.
    scale : Scale, optional
        For ``kind="net"`` only: the NPS scale with its cut points; its
        ``low`` and ``high`` must be the metric's.

    Raises
    ------
    TypeError
        If a bound is not an integer or ``scale`` not a Scale.
    ValueError
        If the fields do not fit the kind.

    Examples
    --------
    >>> from npskit import CSAT, Metric
    >>> CSAT
    Metric(name='csat', kind='share', low=1, high=5, box=(4, 5))
    >>> CSAT.scores().tolist()
    [0.0, 0.0, 0.0, 1.0, 1.0]
    >>> Metric.mean(low=1, high=5, name="stars").bounds
    (1.0, 5.0)
    >>> Metric.nps().scores().tolist()
    [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, 0.0, 0.0, 1.0, 1.0]
    """

    name: str
    kind: MetricKind
    low: int
    high: int
    box: tuple[int, int] | None = None
    scale: Scale | None = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        if not isinstance(self.name, str) or not self.name:
            raise TypeError(f"name must be a non-empty string, got {self.name!r}")
        if self.kind not in get_args(MetricKind):
            raise ValueError(
                f"kind must be one of {', '.join(map(repr, get_args(MetricKind)))}, "
                f"got {self.kind!r}"
            )
        set_(self, "low", _int("low", self.low))
        set_(self, "high", _int("high", self.high))
        # Scale checks low < high and the number of points.
        Scale(low=self.low, high=self.high, detractor_max=self.low, promoter_min=self.high)
        if self.kind == "share":
            self._check_box()
        elif self.box is not None:
            raise ValueError(f"box applies to kind='share' only, got box={self.box!r}")
        if self.kind == "net":
            if not isinstance(self.scale, Scale):
                raise TypeError(scale_type_message(self.scale))
            if (self.scale.low, self.scale.high) != (self.low, self.high):
                raise ValueError(
                    f"scale {self.scale.low}..{self.scale.high} does not match the metric's "
                    f"{self.low}..{self.high}; build it with Metric.nps(scale)"
                )
        elif self.scale is not None:
            raise ValueError(f"scale applies to kind='net' only, got scale={self.scale!r}")

    def _check_box(self) -> None:
        box = self.box
        if not isinstance(box, tuple) or len(box) != 2:
            raise ValueError(f"a share metric needs box=(first, last), got {box!r}")
        first, last = _int("box[0]", box[0]), _int("box[1]", box[1])
        if not self.low <= first <= last <= self.high:
            raise ValueError(
                f"box must satisfy low <= box[0] <= box[1] <= high, got box={box!r} on "
                f"{self.low}..{self.high}"
            )
        if (first, last) == (self.low, self.high):
            raise ValueError(
                f"box={box!r} holds every answer of {self.low}..{self.high}, so its share is "
                "always 100%; leave at least one answer outside the box"
            )
        object.__setattr__(self, "box", (first, last))

    # -- constructors ---------------------------------------------------------

    @classmethod
    def nps(cls, scale: Scale = STANDARD_SCALE, *, name: str = "nps") -> Metric:
        """The NPS on ``scale`` (promoters' share minus detractors', in points)."""
        if not isinstance(scale, Scale):
            raise TypeError(scale_type_message(scale))
        return cls(name=name, kind="net", low=scale.low, high=scale.high, scale=scale)

    @classmethod
    def top_box(cls, *, low: int, high: int, cut: int, name: str = "top-box") -> Metric:
        """Share of answers ``>= cut`` (CSAT top-2-box: ``low=1, high=5, cut=4``)."""
        return cls(name=name, kind="share", low=low, high=high, box=(cut, high))

    @classmethod
    def bottom_box(cls, *, low: int, high: int, cut: int, name: str = "bottom-box") -> Metric:
        """Share of answers ``<= cut`` (for scales where a low answer is the good one)."""
        return cls(name=name, kind="share", low=low, high=high, box=(low, cut))

    @classmethod
    def mean(cls, *, low: int, high: int, name: str = "mean") -> Metric:
        """Mean answer on ``low..high`` (CES mean: ``low=1, high=7``)."""
        return cls(name=name, kind="mean", low=low, high=high)

    # -- what kernels need --------------------------------------------------

    @property
    def n_points(self) -> int:
        """Number of possible answers, ``high - low + 1``."""
        return self.high - self.low + 1

    def values(self) -> npt.NDArray[np.int64]:
        """The possible answers, ``low..high``, in order."""
        return np.arange(self.low, self.high + 1, dtype=np.int64)

    def scores(self) -> npt.NDArray[np.float64]:
        """Score of each possible answer: -1/0/+1 (net), 0/1 (share), the answer (mean)."""
        if self.scale is not None:
            return self.scale.categories().astype(np.float64)
        values = self.values().astype(np.float64)
        if self.box is not None:
            return ((values >= self.box[0]) & (values <= self.box[1])).astype(np.float64)
        return values

    @property
    def factor(self) -> float:
        """Reported value per unit of mean score: 100 (points, percent) or 1 (mean)."""
        return 1.0 if self.kind == "mean" else 100.0

    @property
    def bounds(self) -> tuple[float, float]:
        """The range of the reported value: (-100, 100), (0, 100) or (low, high)."""
        if self.kind == "net":
            return (-100.0, 100.0)
        if self.kind == "share":
            return (0.0, 100.0)
        return (float(self.low), float(self.high))

    @property
    def counting_scale(self) -> Scale:
        """The Scale answers are validated against (its cut points only matter for NPS)."""
        if self.scale is not None:
            return self.scale
        return Scale(low=self.low, high=self.high, detractor_max=self.low, promoter_min=self.high)

    # -- display ----------------------------------------------------------------

    @property
    def label(self) -> str:
        """Name for displays: ``"NPS"``, ``"CSAT"``, ``"CES"``, ``"CES-EASY"``."""
        return self.name.upper()

    def format(self, value: float, *, signed: bool | None = None) -> str:
        """A value for display, rounded: ``+30.0`` (net), ``80.0%`` (share), ``5.12`` (mean)."""
        if value != value:  # NaN
            return "-"
        if self.kind == "net" or signed:
            return f"{value:+.1f}"
        if self.kind == "share":
            return f"{value:.1f}%"
        return f"{value:.2f}"

    def describe(self) -> str:
        """One line saying what the metric is."""
        span = f"{self.low}-{self.high}"
        if self.scale is not None:
            return f"{self.label}: promoters minus detractors, {self.scale.describe()}"
        if self.box is not None:
            first, last = self.box
            inside = str(first) if first == last else f"{first}-{last}"
            return f"{self.label}: share of answers {inside} on a {span} scale, in percent"
        return f"{self.label}: mean answer on a {span} scale"

    def __repr__(self) -> str:
        extra = ""
        if self.box is not None:
            extra = f", box={self.box!r}"
        elif self.scale is not None and self.scale != STANDARD_SCALE:
            extra = f", scale={self.scale!r}"
        return (
            f"Metric(name={self.name!r}, kind={self.kind!r}, low={self.low}, "
            f"high={self.high}{extra})"
        )

    def to_dict(self) -> dict[str, Any]:
        """The metric as a JSON-serialisable dictionary (see :meth:`from_dict`)."""
        return {
            "name": self.name,
            "kind": self.kind,
            "low": self.low,
            "high": self.high,
            "box": None if self.box is None else list(self.box),
            "scale": None if self.scale is None else self.scale.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Metric:
        """Rebuild a metric from :meth:`to_dict`."""
        unknown = sorted(set(data) - {"name", "kind", "low", "high", "box", "scale"})
        if unknown:
            raise ValueError(f"unknown keys for a Metric: {unknown!r}")
        box, scale = data.get("box"), data.get("scale")
        return cls(
            name=data["name"],
            kind=data["kind"],
            low=data["low"],
            high=data["high"],
            box=None if box is None else (box[0], box[1]),
            scale=None if scale is None else Scale(**scale),
        )


NPS = Metric.nps()
"""The NPS on the standard 0-10 scale (Reichheld 2003)."""

CSAT = Metric.top_box(low=1, high=5, cut=4, name="csat")
"""CSAT as the share of 4-5 answers on a 1-5 satisfaction scale ("top-2-box")."""

CES = Metric.mean(low=1, high=7, name="ces")
"""CES as the mean answer on a 1-7 agreement scale ("the company made it easy ...")."""

CES_EASY = Metric.top_box(low=1, high=7, cut=5, name="ces-easy")
"""CES as the share of "easy" answers, 5-7 on the 1-7 agreement scale."""

METRICS: dict[str, Metric] = {"nps": NPS, "csat": CSAT, "ces": CES, "ces-easy": CES_EASY}
"""The preset metrics by name; the keys are exactly ``get_args(MetricName)``."""


def as_metric(metric: object, scale: object = STANDARD_SCALE) -> Metric:
    """The validator of every ``metric=`` (and the ``scale=`` beside it).

    ``metric`` is a :class:`Metric` or a preset name. ``scale`` is the NPS
    scale of the existing verbs: with ``"nps"`` it gives the NPS on that scale;
    with any other metric it must be left at the standard scale (the metric
    carries its own scale).
    """
    if isinstance(metric, str):
        if metric not in METRICS:
            raise ValueError(
                f"metric must be a Metric or one of {', '.join(map(repr, get_args(MetricName)))}, "
                f"got {metric!r}"
            )
        chosen = METRICS[metric]
    elif isinstance(metric, Metric):
        chosen = metric
    else:
        raise TypeError(
            f"metric must be an npskit.Metric or a preset name, got {type(metric).__name__} "
            f"{metric!r}"
        )
    if not isinstance(scale, Scale):
        raise TypeError(scale_type_message(scale))
    if chosen.kind == "net" and metric == "nps":
        return chosen if scale == STANDARD_SCALE else Metric.nps(scale)
    if scale != STANDARD_SCALE:
        raise ValueError(
            f"scale applies to the NPS only; the metric {chosen.name!r} carries its own scale "
            f"({chosen.low}..{chosen.high}): build it with Metric.top_box(...), "
            "Metric.bottom_box(...) or Metric.mean(...) for another scale"
        )
    return chosen
