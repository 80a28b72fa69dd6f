"""Cost of every interval method at n = 10^3 and n = 10^9 answers.

Every method works on the three counts, so apart from the bootstrap (whose
cost is set by ``n_resamples``) the time should not depend on n; the bootstrap
with 10^4 resamples should stay under 20 ms at any n. Run from the repository
root:

    .venv/bin/python benchmarks/bench_intervals.py
"""

from __future__ import annotations

import timeit
import warnings
from typing import get_args

from npskit import Tally, confidence_interval
from npskit.typing import IntervalMethod

SIZES = (10**3, 10**9)
BOOTSTRAP_BUDGET_MS = 20.0


def tally_of(n: int) -> Tally:
    """Shares 20% detractors, 30% passives, 50% promoters."""
    return Tally(detractors=n // 5, passives=n - n // 5 - n // 2, promoters=n // 2)


def best_ms(method: IntervalMethod, t: Tally) -> float:
    """Best of 5 rounds of the mean time per call, in milliseconds."""
    calls = 3 if method in ("exact", "bayes") else 20

    def run() -> None:
        confidence_interval(t, interval_method=method, n_resamples=10_000, rng=0)

    run()  # warm up: scipy imports happen on first use
    return min(timeit.repeat(run, number=calls, repeat=5)) / calls * 1e3


def main() -> None:
    warnings.simplefilter("ignore")
    print(f"{'method':<22}" + "".join(f"{f'n = {n:.0e}':>14}" for n in SIZES) + "     ratio")
    failures = []
    for method in get_args(IntervalMethod):
        times = [best_ms(method, tally_of(n)) for n in SIZES]
        ratio = times[1] / times[0]
        cells = "".join(f"{t:11.3f} ms" for t in times)
        print(f"{method:<22}{cells}{ratio:10.2f}")
        if method.startswith("bootstrap") and max(times) > BOOTSTRAP_BUDGET_MS:
            failures.append(f"{method} takes {max(times):.1f} ms > {BOOTSTRAP_BUDGET_MS} ms")
    if failures:
        raise SystemExit("; ".join(failures))


if __name__ == "__main__":
    main()
