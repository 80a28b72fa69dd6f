"""Benchmark: npskit.breakdown vs a pandas groupby doing counts + NPS only.

Run with ``python benchmarks/bench_breakdown.py`` (add ``--rows 1000000`` for a
quick run). Each case has integer answers 0..10 and integer segment keys in
numpy arrays. Timed, best of ``--repeat`` runs:

- ``breakdown``: npskit.breakdown with its defaults (counts, adjusted-Wald
  interval per segment, MOVER comparison of every segment with the rest,
  Holm adjustment, impact, row objects): far more than the pandas side.
- ``tally_by``: npskit's counting step alone (counts + NPS per segment), the
  like-for-like comparison with pandas.
- ``stats``: ``breakdown`` given the counts (a GroupedTally): the cost of the
  per-segment statistics alone.
- ``pandas``: frame construction plus ``groupby`` giving counts and NPS per
  segment (no interval, no test).
- ``polars``: the same with polars (frame construction plus a lazy
  ``group_by`` giving counts and NPS, sorted by segment), on all cores.

The contenders take turns within each round (a burst of load hits them
alike). Ratios are peer time over npskit time: best of the rounds, and the
median over the rounds of the per-round ratio ("median"). The issue-15
target is ``polars/breakdown >= 1`` at 10^3 and 10^5 segments.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import npskit


def with_pandas(scores: np.ndarray, keys: np.ndarray) -> Any:
    import pandas as pd

    frame = pd.DataFrame({"score": scores, "segment": keys})
    score = frame["score"]
    counts = (
        frame.assign(detractors=score <= 6, promoters=score >= 9)
        .groupby("segment", sort=True)
        .agg(n=("score", "size"), detractors=("detractors", "sum"), promoters=("promoters", "sum"))
    )
    counts["passives"] = counts["n"] - counts["detractors"] - counts["promoters"]
    counts["nps"] = 100 * (counts["promoters"] - counts["detractors"]) / counts["n"]
    return counts


def with_polars(scores: np.ndarray, keys: np.ndarray) -> Any:
    import polars as pl

    return (
        pl.DataFrame({"score": scores, "segment": keys})
        .lazy()
        .group_by("segment")
        .agg(
            n=pl.len(),
            detractors=(pl.col("score") <= 6).sum(),
            promoters=(pl.col("score") >= 9).sum(),
        )
        .with_columns(
            passives=pl.col("n") - pl.col("detractors") - pl.col("promoters"),
            nps=100 * (pl.col("promoters") - pl.col("detractors")) / pl.col("n"),
        )
        .sort("segment")
        .collect()
    )


def rounds_of(contenders: dict[str, Callable[[], Any]], repeat: int) -> dict[str, list[float]]:
    """Wall times of every contender in every round; they take turns within a round."""
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(repeat):
        for name, run in contenders.items():
            gc.collect()
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--segments",
        type=lambda text: [int(float(v)) for v in text.split(",")],
        default=[10, 1_000, 100_000],
    )
    args = parser.parse_args()
    import pandas as pd
    import polars as pl

    rng = np.random.default_rng(2024)
    n = args.rows
    scores = rng.integers(0, 11, n, dtype=np.int64)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else math.nan
    print(
        f"npskit {npskit.__version__}, numpy {np.__version__}, pandas {pd.__version__}, "
        f"polars {pl.__version__}; {n:,} answers; best of {args.repeat} rounds; seconds; "
        f"load average at start {load:.2f}"
    )
    header = (
        f"{'segments':>9} {'breakdown':>10} {'tally_by':>9} {'stats':>7} {'pandas':>8} "
        f"{'polars':>8} {'pandas/breakdown':>17} {'polars/breakdown':>17} {'median':>7} "
        f"{'polars/tally_by':>16}"
    )
    print(header)
    print("-" * len(header))
    npskit.breakdown(scores[:1000], rng.integers(0, 3, 1000))  # load scipy once, untimed
    for segments in args.segments:
        keys = rng.integers(0, segments, n)
        grouped = npskit.tally_by(scores, keys)
        frame = with_pandas(scores, keys)  # same counts, checked once (untimed)
        assert np.array_equal(grouped.counts[:, 2], frame["promoters"].to_numpy())
        polars_frame = with_polars(scores, keys)
        assert np.array_equal(grouped.counts[:, 0], polars_frame["detractors"].to_numpy())
        result = npskit.breakdown(scores, keys)
        assert len(result) == len(frame)
        rounds = rounds_of(
            {
                "breakdown": lambda k=keys: npskit.breakdown(scores, k),
                "tally_by": lambda k=keys: npskit.tally_by(scores, k),
                "stats": lambda g=grouped: npskit.breakdown(g),
                "pandas": lambda k=keys: with_pandas(scores, k),
                "polars": lambda k=keys: with_polars(scores, k),
            },
            args.repeat,
        )
        best = {name: min(times) for name, times in rounds.items()}
        median = statistics.median(
            p / b for p, b in zip(rounds["polars"], rounds["breakdown"], strict=True)
        )
        print(
            f"{segments:>9,} {best['breakdown']:10.3f} {best['tally_by']:9.3f} "
            f"{best['stats']:7.3f} {best['pandas']:8.3f} {best['polars']:8.3f} "
            f"{best['pandas'] / best['breakdown']:17.2f} "
            f"{best['polars'] / best['breakdown']:17.2f} {median:7.2f} "
            f"{best['polars'] / best['tally_by']:16.2f}",
            flush=True,
        )
    if hasattr(os, "getloadavg"):
        print(f"load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
