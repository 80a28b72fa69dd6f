"""Benchmark: npskit.shrink for 2,000 and 50,000 segments against peers in the same run.

Run with ``python benchmarks/bench_shrink.py`` (``--segments 2000,50000``,
``--repeat 3``). Each case draws true shares from ``Dirichlet(6, 6, 12)`` and
3-300 answers per segment (log-uniform), seeded. Timed, best of ``--repeat``:

- ``shrink``: ``npskit.shrink`` on a GroupedTally (the counts given): the
  hierarchical fit, every segment's posterior mean and 95% interval, and the
  row objects.
- ``kernel``: the same computation without result objects
  (``npskit._stats.hierarchical``), to show what the rows cost.
- ``pandas``: the peer; the answers (about 150 per segment, as a long frame
  built beforehand) grouped by segment into counts and raw NPS, no interval.
- ``old``: the Dirichlet-multinomial fit npskit used before (copied in
  ``scripts/shrink_calibration_table.py``), timed on the first ``--old``
  segments (default 200; 0 skips it) and reported per segment and scaled to
  the case, since it grows linearly with the segments.

Ratios are the peer's time over shrink's, measured in the same run. The load
average is printed: other jobs on the machine slow every contender alike.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import npskit
from npskit._stats.hierarchical import fit_hierarchical, nps_observations

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from shrink_calibration_table import old_shrink


def best_of(function: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def make_case(segments: int, seed: int) -> tuple[np.ndarray, Any, Any]:
    """Counts per segment, the GroupedTally, and the long pandas frame of answers."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    shares = rng.dirichlet([6.0, 6.0, 12.0], segments)
    n = np.round(np.exp(rng.uniform(np.log(3), np.log(300), segments))).astype(np.int64)
    counts = rng.multinomial(n, shares)
    grouped = npskit.GroupedTally.from_arrays(
        ("agent",),
        [(i,) for i in range(segments)],
        counts,
        np.zeros(segments, dtype=np.int64),
        n,
    )
    segment = np.repeat(np.arange(segments), n)
    category = np.repeat(np.tile([0, 7, 10], segments), counts.ravel())
    frame = pd.DataFrame({"segment": segment, "score": category})
    return counts.astype(float), grouped, frame


def with_pandas(frame: Any) -> Any:
    score = frame["score"]
    counts = (
        frame.assign(detractors=score <= 6, promoters=score >= 9)
        .groupby("segment", sort=True)
        .agg(n=("score", "size"), detractors=("detractors", "sum"), promoters=("promoters", "sum"))
    )
    counts["nps"] = 100 * (counts["promoters"] - counts["detractors"]) / counts["n"]
    return counts


def kernel(counts: np.ndarray) -> Any:
    y, v = nps_observations(counts)
    return fit_hierarchical(y, v, tail=0.025)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", default="2000,50000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--old", type=int, default=200)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}, numpy {np.__version__}")
    print(
        "| segments | shrink s | with every row built s | kernel s | pandas s | pandas/shrink | "
        "old s/segment | old (scaled) s | old/shrink |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for segments in (int(s) for s in args.segments.split(",")):
        counts, grouped, frame = make_case(segments, seed=segments)
        npskit.shrink(grouped)  # warm-up: lazy imports
        shrink_s = best_of(lambda g=grouped: npskit.shrink(g), args.repeat)
        rows_s = best_of(lambda g=grouped: len(list(npskit.shrink(g))), args.repeat)
        kernel_s = best_of(lambda c=counts: kernel(c), args.repeat)
        pandas_s = best_of(lambda f=frame: with_pandas(f), args.repeat)
        if args.old:
            part = counts[: args.old]
            old_each = best_of(lambda p=part: old_shrink(p), 1) / len(part)
            old_cells = f"{old_each * 1e3:.1f} ms | {old_each * segments:.0f} | "
            old_cells += f"{old_each * segments / shrink_s:.0f}"
        else:
            old_cells = "- | - | -"
        print(
            f"| {segments:,} | {shrink_s:.3f} | {rows_s:.3f} | {kernel_s:.3f} | {pandas_s:.3f} | "
            f"{pandas_s / shrink_s:.2f} | {old_cells} |",
            flush=True,
        )
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
