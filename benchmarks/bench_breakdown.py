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

Ratios are pandas time over npskit time, measured in the same run.
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import npskit


def best_of(function: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import pandas as pd

    rng = np.random.default_rng(2024)
    n = args.rows
    scores = rng.integers(0, 11, n, dtype=np.int64)
    print(
        f"npskit {npskit.__version__}, numpy {np.__version__}, pandas {pd.__version__}; "
        f"{n:,} answers; best of {args.repeat} runs; seconds"
    )
    header = (
        f"{'segments':>9} {'breakdown':>10} {'tally_by':>9} {'stats':>7} {'pandas':>8} "
        f"{'pandas/breakdown':>17} {'pandas/tally_by':>16}"
    )
    print(header)
    print("-" * len(header))
    npskit.breakdown(scores[:1000], rng.integers(0, 3, 1000))  # load scipy once, untimed
    for segments in (10, 1_000, 100_000):
        keys = rng.integers(0, segments, n)
        grouped = npskit.tally_by(scores, keys)
        frame = with_pandas(scores, keys)  # same counts, checked once (untimed)
        assert np.array_equal(grouped.counts[:, 2], frame["promoters"].to_numpy())
        result = npskit.breakdown(scores, keys)
        assert len(result) == len(frame)
        t_breakdown = best_of(lambda k=keys: npskit.breakdown(scores, k), args.repeat)
        t_tally = best_of(lambda k=keys: npskit.tally_by(scores, k), args.repeat)
        t_stats = best_of(lambda g=grouped: npskit.breakdown(g), args.repeat)
        t_pandas = best_of(lambda k=keys: with_pandas(scores, k), args.repeat)
        print(
            f"{segments:>9,} {t_breakdown:10.3f} {t_tally:9.3f} {t_stats:7.3f} {t_pandas:8.3f} "
            f"{t_pandas / t_breakdown:17.2f} {t_pandas / t_tally:16.2f}"
        )


if __name__ == "__main__":
    main()
