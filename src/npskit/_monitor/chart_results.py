"""The result of :func:`npskit.control_chart`: one row per period, the limits and the signals."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any

from npskit._core.results import Table, json_value, none_if_nan
from npskit._stats.runs import RunsTest

__all__ = ["ChartPoint", "ControlChart", "RunsSignal"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ChartPoint:
    """One period of a :class:`ControlChart`.

    Attributes
    ----------
    period : object
        The period's label (as in :func:`npskit.trend`).
    start : datetime.date or None
        First day of the period (with ``freq`` only).
    n : int
        Answers in the period.
    effective_n : float
        Kish's effective number of answers (``n`` when unweighted); the
        standard errors use it.
    nps : float or None
        The period's NPS in points; None without answers.
    z : float or None
        ``(nps - centre) / sigma``, sigma the trinomial standard error at
        the centre's shares for this period's ``n`` (times Laney's sigma-Z
        for ``"laney"`` and with ``overdispersion=True``).
    statistic : float or None
        What the chart plots: the NPS (``"shewhart"``, ``"laney"``), the
        EWMA of ``z`` (``"ewma"``) or the upper CUSUM (``"cusum"``).
    statistic_lower : float or None
        The lower CUSUM, as a negative number (``"cusum"`` only).
    lower, upper : float or None
        Control limits of ``statistic`` for this period.
    baseline : bool
        Whether the period belongs to the baseline phase the limits come from.
    signal : {"above", "below"} or None
        The statistic is beyond a limit.
    """

    period: Any
    start: _dt.date | None = None
    n: int
    effective_n: float
    nps: float | None
    z: float | None
    statistic: float | None
    statistic_lower: float | None = None
    lower: float | None
    upper: float | None
    baseline: bool
    signal: str | None

    def to_dict(self) -> dict[str, Any]:
        """A flat, JSON-serialisable dictionary."""
        return {
            "period": json_value(self.period),
            "start": json_value(self.start),
            "n": self.n,
            "effective_n": self.effective_n,
            "nps": none_if_nan(self.nps),
            "z": none_if_nan(self.z),
            "statistic": none_if_nan(self.statistic),
            "statistic_lower": none_if_nan(self.statistic_lower),
            "lower": none_if_nan(self.lower),
            "upper": none_if_nan(self.upper),
            "baseline": self.baseline,
            "signal": self.signal,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class RunsSignal:
    """Anhøj's run rules over the NPS series about the centre line.

    Attributes
    ----------
    n_useful : int
        Periods with answers not exactly on the centre line.
    longest_run, longest_run_max : int
        The longest run on one side of the centre, and the most a random
        series allows (``round(log2(n_useful) + 3)``).
    crossings, crossings_min : int
        Crossings of the centre line, and the fewest a random series allows
        (``qbinom(0.05, n_useful - 1, 0.5)``).
    signal : bool
        A run too long or too few crossings: a shift, not noise.
    """

    n_useful: int
    longest_run: int
    longest_run_max: int
    crossings: int
    crossings_min: int
    signal: bool

    @classmethod
    def from_test(cls, test: RunsTest) -> RunsSignal:
        """From the kernel's named tuple."""
        return cls(
            n_useful=test.n_useful,
            longest_run=test.longest_run,
            longest_run_max=test.longest_run_max,
            crossings=test.crossings,
            crossings_min=test.crossings_min,
            signal=test.runs_signal or test.crossings_signal,
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dictionary."""
        return {
            "n_useful": self.n_useful,
            "longest_run": self.longest_run,
            "longest_run_max": self.longest_run_max,
            "crossings": self.crossings,
            "crossings_min": self.crossings_min,
            "signal": self.signal,
        }


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class ControlChart(Table[ChartPoint]):
    """A control chart of NPS over periods (see :func:`npskit.control_chart`).

    A table of :class:`ChartPoint` rows, looked up by period label.

    Attributes
    ----------
    chart : {"shewhart", "laney", "ewma", "cusum"}
        The kind of chart.
    centre : float
        The centre line: the pooled NPS of the baseline periods, in points.
    n_baseline : int
        Periods in the baseline phase.
    sigma_z : float
        Laney's sigma-Z from the baseline (1 when not used).
    limit : float
        Width of the limits: sigmas for Shewhart, Laney and EWMA; the
        decision interval ``h`` for CUSUM.
    smoothing : float or None
        The EWMA's lambda.
    reference : float or None
        The CUSUM's reference value ``k`` (in sigmas).
    runs : RunsSignal
        Anhøj's run rules over all periods.
    n_signals : int
        Periods beyond a limit.
    """

    chart: str
    centre: float
    n_baseline: int
    sigma_z: float
    limit: float
    smoothing: float | None = None
    reference: float | None = None
    runs: RunsSignal

    @property
    def n_signals(self) -> int:
        """Periods beyond a limit."""
        return sum(row.signal is not None for row in self.rows)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dictionary: the options, the run rules and the rows."""
        return {
            "chart": self.chart,
            "centre": self.centre,
            "n_baseline": self.n_baseline,
            "sigma_z": none_if_nan(self.sigma_z),
            "limit": self.limit,
            "smoothing": self.smoothing,
            "reference": self.reference,
            "runs": self.runs.to_dict(),
            "n_signals": self.n_signals,
            "rows": self.to_dicts(),
        }

    def _row_key(self, row: ChartPoint) -> tuple[Any, ...]:
        return (row.period,)

    def _empty_columns(self) -> tuple[str, ...]:
        return tuple(ChartPoint.__dataclass_fields__)

    def _markdown_columns(self) -> list[str]:
        columns = ["period", "n", "nps", "statistic", "lower", "upper", "signal"]
        if self.chart == "cusum":
            columns.insert(4, "statistic_lower")
        return columns

    def __str__(self) -> str:
        runs = self.runs
        verdict = "a shift (non-random pattern)" if runs.signal else "no shift"
        lines = [
            f"{self.chart} chart of NPS over {len(self.rows)} periods; centre {self.centre:+.1f} "
            f"from {self.n_baseline} baseline periods"
            + (f"; Laney sigma-Z {self.sigma_z:.2f}" if self.sigma_z != 1.0 else ""),
            f"{self.n_signals} period(s) beyond the limits; run rules: longest run "
            f"{runs.longest_run} (max {runs.longest_run_max}), crossings {runs.crossings} "
            f"(min {runs.crossings_min}): {verdict}",
            "Values rounded to 1 decimal.",
            self.to_markdown(),
        ]
        return "\n".join(lines)
