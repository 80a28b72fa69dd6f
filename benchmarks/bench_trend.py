"""Cost of ``npskit.trend`` on 10^7 answers in 100 periods (target: under 1 s).

Three inputs: integer period labels (100 keys), daily dates bucketed by
``freq="month"`` into 100 months, and the same dates by ``freq="week"`` (435
weeks). Answers are float64 with about 3% missing, the way a CSV column comes
in. The time includes bucketing, counting (one ``bincount``), the 100 period
intervals, the 99 comparisons with ``npskit.compare``'s default method, the
multiplicity adjustment and the two series tests. Run from the repository
root:

    .venv/bin/python benchmarks/bench_trend.py
"""

from __future__ import annotations

import time

import numpy as np

from npskit import trend

N = 10**7
BUDGET_S = 1.0


def data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    scores = rng.integers(0, 11, N).astype(np.float64)
    scores[rng.random(N) < 0.03] = np.nan
    keys = np.sort(rng.integers(0, 100, N))
    start = np.datetime64("2018-01-01")
    days = (start + np.sort(rng.integers(0, 3040, N))).astype("datetime64[D]")  # 100 months
    return scores, keys, days


def best_s(run: object, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        begin = time.perf_counter()
        run()  # type: ignore[operator]
        times.append(time.perf_counter() - begin)
    return min(times)


def main() -> None:
    scores, keys, days = data()
    trend(scores[:1000], keys[:1000])  # warm up: scipy imports happen on first use
    cases = {
        "100 integer keys": lambda: trend(scores, keys),
        "dates, freq='month' (100 months)": lambda: trend(scores, days, freq="month"),
        "dates, freq='week' (435 weeks)": lambda: trend(scores, days, freq="week"),
    }
    print(f"trend over {N:.0e} answers (best of 3)")
    worst = 0.0
    for name, run in cases.items():
        seconds = best_s(run)
        rows = len(run())
        worst = max(worst, seconds) if "week" not in name else worst
        print(f"  {name:<36} {seconds * 1e3:8.1f} ms  ({rows} rows)")
    verdict = "within" if worst < BUDGET_S else "OVER"
    print(f"100 periods: worst {worst * 1e3:.1f} ms, {verdict} the {BUDGET_S:.0f} s budget")


if __name__ == "__main__":
    main()
