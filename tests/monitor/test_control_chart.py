"""control_chart: limits against hand formulas, Laney's adjustment, EWMA/CUSUM, false alarms."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from npskit import GroupedTally, Tally, control_chart, load_example, tally_by


def _weeks(counts: list[tuple[int, int, int]]) -> dict[str, Tally]:
    return {
        f"W{i:02d}": Tally(detractors=d, passives=s, promoters=p)
        for i, (d, s, p) in enumerate(counts, start=1)
    }


def test_shewhart_limits_by_hand() -> None:
    weeks = _weeks([(20, 30, 50), (30, 30, 40), (25, 25, 50), (10, 10, 30)])
    chart = control_chart(weeks)
    # pooled: d = 85/350, p = 170/350 -> centre 100 * 85/350
    d, p = 85 / 350, 170 / 350
    centre = 100 * (p - d)
    sd = 100 * math.sqrt(p + d - (p - d) ** 2)
    assert math.isclose(chart.centre, centre)
    for row, n in zip(chart, (100, 100, 100, 50), strict=True):
        assert math.isclose(row.upper, centre + 3 * sd / math.sqrt(n))
        assert math.isclose(row.lower, centre - 3 * sd / math.sqrt(n))
        assert math.isclose(row.z, (row.nps - centre) / (sd / math.sqrt(n)))
    assert json.dumps(chart.to_dict(), allow_nan=False)


def test_laney_sigma_z_recomputed_from_the_definition() -> None:
    # Independent re-computation written differently from the code: Laney
    # (2002) p'-chart steps, here for the net score: z_i, moving ranges,
    # sigma_Z = mean(MR) / 1.128, limits centre +- 3 sigma_i sigma_Z.
    rng = np.random.default_rng(5)
    counts = []
    for _ in range(12):  # the detractor share itself wanders from week to week
        share = 0.2 + 0.03 * rng.standard_normal()
        d, s, p = rng.multinomial(20_000, (share, 0.3, 0.7 - share)).tolist()
        counts.append((d, s, p))
    chart = control_chart(_weeks(counts), chart="laney")
    total = np.sum(counts, axis=0)
    dbar, pbar = total[0] / total.sum(), total[2] / total.sum()
    centre = pbar - dbar
    sigma = math.sqrt(pbar + dbar - centre**2) / math.sqrt(20_000)
    z = [((c[2] - c[0]) / 20_000 - centre) / sigma for c in counts]
    ranges = [abs(z[i] - z[i - 1]) for i in range(1, len(z))]
    sigma_z = sum(ranges) / len(ranges) / 1.128
    assert math.isclose(chart.sigma_z, sigma_z, rel_tol=1e-12)
    assert chart.sigma_z > 2  # the periods wander: limits must widen, not hug the mean
    for row in chart:
        assert math.isclose(row.upper, 100 * (centre + 3 * sigma * sigma_z), rel_tol=1e-12)
    plain = control_chart(_weeks(counts))
    assert plain.n_signals > chart.n_signals


def test_baseline_phase_sets_the_limits() -> None:
    counts = [(20, 30, 50)] * 8 + [(40, 30, 30)] * 4
    chart = control_chart(_weeks(counts), baseline=8)
    assert chart.centre == 30.0
    assert [row.baseline for row in chart] == [True] * 8 + [False] * 4
    assert [row.signal for row in chart.rows[8:]] == ["below"] * 4


def test_ewma_and_cusum_signal_a_persistent_drop() -> None:
    counts = [(20, 30, 50)] * 10 + [(26, 30, 44)] * 10  # -12 points, ~1.5 sigma a week
    ewma = control_chart(_weeks(counts), chart="ewma", baseline=10)
    cusum = control_chart(_weeks(counts), chart="cusum", baseline=10)
    shewhart = control_chart(_weeks(counts), baseline=10)
    assert shewhart.n_signals == 0
    assert ewma.rows[-1].signal == "below"
    assert cusum.rows[-1].signal == "below"
    assert cusum.rows[-1].statistic_lower is not None
    assert cusum.rows[-1].statistic_lower < -5


def test_runs_rule_flags_a_shift_within_the_limits() -> None:
    counts = [(21, 30, 49), (19, 30, 51)] * 6 + [(23, 30, 47)] * 12
    chart = control_chart(_weeks(counts))
    assert chart.runs.signal
    assert chart.runs.longest_run == 12


def test_accepts_answers_with_dates_and_a_cube() -> None:
    data = load_example()
    by_answers = control_chart(data["answer"], data["date"], freq="month")
    cube = tally_by(data["answer"], [data["date"], data["queue"]])
    by_cube = control_chart(cube, period="key0", freq="month")
    assert [r.period for r in by_answers] == ["2026-01", "2026-02", "2026-03", "2026-04",
                                             "2026-05", "2026-06"]  # fmt: skip
    assert [r.nps for r in by_answers] == [r.nps for r in by_cube]
    assert isinstance(cube, GroupedTally)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"chart": "pchart"}, ValueError),
        ({"baseline": 1}, ValueError),
        ({"limit": -1.0}, ValueError),
        ({"smoothing": 1.5}, ValueError),
        ({"overdispersion": True}, ValueError),
        ({"baseline": "4"}, TypeError),
    ],
)
def test_bad_options(kwargs: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        control_chart(_weeks([(20, 30, 50)] * 5), **kwargs)  # type: ignore[arg-type]


@pytest.mark.slow
def test_in_control_false_alarm_rates() -> None:
    # A process in control with known shares. A first, huge period (10^6
    # answers at the true shares) is the baseline, so the centre and sigma
    # are the true ones to ~1e-3 points. Each Shewhart point then falls
    # outside 3 sigma with probability about 0.0027 (normal approximation
    # to the trinomial mean, n = 400 a week); Anhøj's rules, applied to the
    # 24 simulated weeks, raise a false signal on roughly 5% of charts (each
    # limit is set near the 5% tail; the union of the two rules lands between
    # 4% and 8% for 12 to 48 points, scripts/monitoring_validation_table.py).
    # Monte Carlo error of a rate r from m trials: sqrt(r (1 - r) / m).
    from npskit._stats.runs import runs_test

    rng = np.random.default_rng(20260)
    shares = (0.25, 0.3, 0.45)
    charts, weeks = 2000, 24
    baseline = {"B": Tally(detractors=250_000, passives=300_000, promoters=450_000)}
    beyond = points = run_signals = 0
    for _ in range(charts):
        counts = rng.multinomial(400, shares, size=weeks)
        series = dict(baseline)
        for i, (d, s, p) in enumerate(counts.tolist()):
            series[f"W{i:02d}"] = Tally(detractors=d, passives=s, promoters=p)
        chart = control_chart(series, baseline=2)
        beyond += sum(row.signal is not None for row in chart.rows[1:])
        points += weeks
        runs = runs_test([row.nps for row in chart.rows[1:]], chart.centre)
        run_signals += runs.runs_signal or runs.crossings_signal
    rate = beyond / points
    assert abs(rate - 0.0027) < 4 * math.sqrt(0.0027 * 0.9973 / points), rate
    run_rate = run_signals / charts
    assert 0.02 < run_rate < 0.09, run_rate
