"""Cost of every two-period comparison method at n = 10^3 and n = 10^9 per period.

Every method works on the counts, so apart from the permutation test and the
bootstrap (whose cost is set by ``n_resamples``) the time should not depend on
n; the permutation test with 10^4 resamples should stay under 50 ms at any n.
Run from the repository root:

    .venv/bin/python benchmarks/bench_compare.py
"""

from __future__ import annotations

import timeit
import warnings
from typing import get_args

from npskit import Tally, compare
from npskit.typing import CompareMethod

SIZES = (10**3, 10**9)
PERMUTATION_BUDGET_MS = 50.0


def tallies(n: int) -> tuple[Tally, Tally]:
    """Baseline 20/30/50%, current 25/30/45% (NPS 30 and 20)."""
    before = Tally(detractors=n // 5, passives=n - n // 5 - n // 2, promoters=n // 2)
    after = Tally(detractors=n // 4, passives=n - n // 4 - 9 * n // 20, promoters=9 * n // 20)
    return before, after


def best_ms(method: CompareMethod, n: int) -> float:
    """Best of 5 rounds of the mean time per call, in milliseconds."""
    before, after = tallies(n)
    calls = 3 if method == "bayes" else 20

    def run() -> None:
        compare(before, after, compare_method=method, n_resamples=10_000, rng=0)

    run()  # warm up: scipy imports happen on first use
    return min(timeit.repeat(run, number=calls, repeat=5)) / calls * 1e3


def main() -> None:
    warnings.simplefilter("ignore")
    print(f"{'method':<16}" + "".join(f"{f'n = {n:.0e}':>14}" for n in SIZES) + "     ratio")
    failures = []
    for method in get_args(CompareMethod):
        times = [best_ms(method, n) for n in SIZES]
        ratio = times[1] / times[0]
        cells = "".join(f"{t:11.3f} ms" for t in times)
        print(f"{method:<16}{cells}{ratio:10.2f}")
        if method == "permutation" and max(times) > PERMUTATION_BUDGET_MS:
            failures.append(f"permutation takes {max(times):.1f} ms > {PERMUTATION_BUDGET_MS} ms")
    small = best_ms("permutation", 50)
    print(f"{'permutation':<16}{small:11.3f} ms at n = 50 (exact enumeration of the splits)")
    for failure in failures:
        print("FAIL:", failure)


if __name__ == "__main__":
    main()
