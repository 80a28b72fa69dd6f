"""Write docs/explanation/monitoring-validation-table.md: false alarms and sizes by simulation.

Usage::

    python scripts/monitoring_validation_table.py [TRIALS]

Seeded simulations (default 4000 trials each) of what the monitoring and
fair-comparison functions promise:

- Shewhart chart, in control, centre known (trials / 4 charts of 20 periods):
  share of points beyond 3 sigma
  (nominal 0.0027 for a normal statistic), n = 100 and 1000 answers a period.
- Anhøj's run rules on random series of 12, 24 and 48 points: share of charts
  that signal (each rule's limit sits near a 5% tail; together about 5%).
- Rolling windows of 30 days compared with the window ending 7 days earlier
  (23 days shared), same shares every day: share of two-sided p < 0.05.
- case_mix on six agents who answer alike within each call reason but take
  very different mixes: share of (unadjusted) p < 0.05 per agent.
- target: power of the one-sided test at the planned number of answers
  (asked: 0.8).

The Monte Carlo standard error of a rate r from m trials is sqrt(r (1 - r) / m);
it is printed next to each rate.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from pathlib import Path

import numpy as np

import npskit
from npskit._stats.runs import runs_test

OUTPUT = (
    Path(__file__).resolve().parents[1] / "docs" / "explanation" / "monitoring-validation-table.md"
)
SHARES = (0.25, 0.3, 0.45)


def _rate(hits: int, trials: int) -> str:
    rate = hits / trials
    return f"{rate:.4f} (± {math.sqrt(max(rate * (1 - rate), 1e-12) / trials):.4f})"


def shewhart(trials: int, n: int, rng: np.random.Generator) -> str:
    weeks = 20
    big = npskit.Tally(detractors=250_000, passives=300_000, promoters=450_000)
    beyond = 0
    charts = max(1, trials // 4)
    for _ in range(charts):
        series = {"B": big}
        for i, (d, s, p) in enumerate(rng.multinomial(n, SHARES, size=weeks).tolist()):
            series[f"W{i:02d}"] = npskit.Tally(detractors=d, passives=s, promoters=p)
        chart = npskit.control_chart(series, baseline=2)
        beyond += sum(r.signal is not None for r in chart.rows[1:])
    return _rate(beyond, charts * weeks)


def anhoej(trials: int, points: int, rng: np.random.Generator) -> str:
    hits = 0
    for _ in range(trials):
        test = runs_test(rng.standard_normal(points), 0.0)
        hits += test.runs_signal or test.crossings_signal
    return _rate(hits, trials)


def rolling_size(trials: int, rng: np.random.Generator) -> str:
    hits = 0
    start = dt.date(2026, 1, 1)
    for _ in range(trials):
        days = {
            start + dt.timedelta(days=i): npskit.Tally(detractors=d, passives=s, promoters=p)
            for i, (d, s, p) in enumerate(rng.multinomial(20, SHARES, size=37).tolist())
        }
        hits += npskit.rolling(days, window=30, compare_lag=7).rows[-1].pvalue < 0.05
    return _rate(hits, trials)


def case_mix_size(trials: int, rng: np.random.Generator) -> str:
    reasons = {"outage": (0.55, 0.30, 0.15), "how-to": (0.10, 0.20, 0.70)}
    hits = tests = 0
    for _ in range(max(1, trials // 6)):
        answers: list[int] = []
        agents: list[str] = []
        strata: list[str] = []
        for agent, share in zip("ABCDEF", (0.1, 0.2, 0.4, 0.6, 0.8, 0.9), strict=True):
            for reason, size in (("outage", int(200 * share)), ("how-to", 200 - int(200 * share))):
                category = rng.choice(3, size=size, p=reasons[reason])
                answers.extend(np.array([0, 7, 10])[category].tolist())
                agents.extend([agent] * size)
                strata.extend([reason] * size)
        result = npskit.case_mix(answers, agents, strata, p_adjust="none")
        hits += sum(row.pvalue < 0.05 for row in result)
        tests += len(result)
    return _rate(hits, tests)


def target_power(trials: int, rng: np.random.Generator) -> str:
    shares = (0.2, 0.3, 0.5)
    plan = npskit.target(npskit.Tally(detractors=2, passives=3, promoters=5), 22.0, expected=shares)
    assert plan.answers_needed is not None
    hits = 0
    for d, s, p in rng.multinomial(plan.answers_needed, shares, size=trials).tolist():
        test = npskit.nps_test(
            npskit.Tally(detractors=d, passives=s, promoters=p), value=22.0, alternative="greater"
        )
        hits += test.pvalue < 0.05
    return f"{_rate(hits, trials)} at n = {plan.answers_needed}"


def main(argv: list[str]) -> int:
    trials = int(argv[0]) if argv else 4000
    rng = np.random.default_rng(20261207)
    rows = [
        ("Shewhart, 3 sigma, n = 100 a period", "0.0027 per point", shewhart(trials, 100, rng)),
        ("Shewhart, 3 sigma, n = 1000 a period", "0.0027 per point", shewhart(trials, 1000, rng)),
        ("Anhøj run rules, 12 points", "about 0.05 per chart", anhoej(trials, 12, rng)),
        ("Anhøj run rules, 24 points", "about 0.05 per chart", anhoej(trials, 24, rng)),
        ("Anhøj run rules, 48 points", "about 0.05 per chart", anhoej(trials, 48, rng)),
        ("rolling 30 days vs 7 days earlier", "0.05", rolling_size(trials, rng)),
        ("case_mix, pure mix effect, per agent", "0.05", case_mix_size(trials, rng)),
        ("target: power at the planned n", "0.80", target_power(trials, rng)),
    ]
    lines = [
        f"| check | promised | measured (± Monte Carlo s.e.), {trials} trials |",
        "|---|---:|---:|",
        *(f"| {a} | {b} | {c} |" for a, b, c in rows),
    ]
    OUTPUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
