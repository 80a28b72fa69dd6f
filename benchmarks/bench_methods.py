"""Benchmark: what each interval and comparison method of ``breakdown`` costs per segment.

Run with ``python benchmarks/bench_methods.py`` (``--segments 20,80`` and
``--answers 100`` by default; ``--repeat`` runs, best kept). For every
interval method (comparisons fixed to ``wald``) and every comparison method
(intervals fixed to ``wald``), ``npskit.breakdown`` is timed on the same
answers cut into each number of segments of about ``--answers`` answers, with
``rng=1`` and the default 10,000 resamples. The table gives milliseconds per
segment at each size, and whether the method has an array kernel in its
registry (``bounds_array`` of ``npskit._intervals.methods.INTERVAL_METHODS``,
``rows`` of ``npskit._compare.methods.COMPARE_METHODS``): with one, every
segment is computed at once and the time is mostly fixed; without, the method
runs once per distinct count row (it draws or integrates on each segment's own
counts), so its cost per segment stays about level as segments are added
(falling a little as segments share counts). The ``wald`` / ``wald``
baseline is printed first; each row's time includes it. One untimed call
warms up the imports first.

This is the measurement behind issue 15's "document which methods cannot be
vectorised and what they cost per segment" (results in benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import typing

import numpy as np

import npskit
from npskit._compare.methods import COMPARE_METHODS
from npskit._intervals.methods import INTERVAL_METHODS
from npskit.typing import CompareMethod, IntervalMethod

SHARES = np.array([3, 1, 1, 2, 2, 5, 6, 12, 20, 18, 30], dtype=float)


def best_time(repeat: int, **kwargs: typing.Any) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        npskit.breakdown(**kwargs)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", default="20,80", help="segment counts, comma-separated")
    parser.add_argument("--answers", type=int, default=100, help="answers per segment")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    sizes = [int(part) for part in args.segments.split(",")]
    rng = np.random.default_rng(2024)
    cases = {}
    for k in sizes:
        n = k * args.answers
        scores = rng.choice(11, size=n, p=SHARES / SHARES.sum())
        cases[k] = (scores, rng.integers(0, k, n))
    print(
        f"npskit {npskit.__version__}, numpy {np.__version__}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; about "
        f"{args.answers} answers per segment; ms per segment, best of {args.repeat}"
    )
    npskit.breakdown(*cases[sizes[0]], min_n=1)  # imports, untimed
    header = f"{'method':<34}" + "".join(f"{f'k={k}':>12}" for k in sizes) + "  array kernel"
    print(header)
    print("-" * len(header))
    rows: list[tuple[str, IntervalMethod, CompareMethod]] = [
        ("baseline wald / wald", "wald", "wald")
    ]
    rows += [(f"interval {m}", m, "wald") for m in typing.get_args(IntervalMethod) if m != "wald"]
    rows += [(f"compare {m}", "wald", m) for m in typing.get_args(CompareMethod) if m != "wald"]
    for label, interval, compare in rows:
        per_segment = []
        for k in sizes:
            scores, keys = cases[k]
            seconds = best_time(
                args.repeat,
                scores=scores,
                by=keys,
                interval_method=interval,
                compare_method=compare,
                min_n=1,
                rng=1,
            )
            per_segment.append(1e3 * seconds / k)
        if label.startswith("compare"):
            vectorised = COMPARE_METHODS[compare].rows is not None
        else:
            vectorised = INTERVAL_METHODS[interval].bounds_array is not None
        cells = "".join(f"{ms:12.3f}" for ms in per_segment)
        print(f"{label:<34}{cells}  {'yes' if vectorised else 'no: per segment'}", flush=True)
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
