"""Benchmark: per-segment counts and NPS with npskit.tally_by vs pandas and polars.

Run with ``python benchmarks/bench_groups.py`` (add ``--rows 1000000`` for a
quick run). Every engine starts from the same in-memory input (numpy arrays, a
numpy str array, a Python list or an object array of keys, and integer answers
0..10) and ends with detractor, passive and promoter counts and the NPS of
every segment. Frame construction counts for pandas and polars, since a caller
holding arrays has to pay it; times with the frame already built are printed
too (``pandas*``, ``polars*``). Each time is the best of ``--repeat`` runs.
Ratios are engine time over npskit time, measured in the same run;
``polars*/npskit`` compares npskit, given the keys, with polars grouping a
frame it already holds: the issue-15 target for text keys held by polars
(>= 1) and for Python lists (>= 0.5).

Text keys held by polars (a String or Categorical Series) are factorised by
polars itself (physical codes), pyarrow text by its dictionary, pandas
categoricals by their codes; ``--text-only`` skips the integer cases.
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


def with_pandas(scores: np.ndarray, keys: Any) -> Any:
    import pandas as pd

    frame = pd.DataFrame({"score": scores, "segment": keys})
    return pandas_counts(frame)


def pandas_counts(frame: Any) -> Any:
    score = frame["score"]
    counts = (
        frame.assign(detractors=score <= 6, promoters=score >= 9)
        .groupby("segment", sort=True)
        .agg(n=("score", "size"), detractors=("detractors", "sum"), promoters=("promoters", "sum"))
    )
    counts["passives"] = counts["n"] - counts["detractors"] - counts["promoters"]
    counts["nps"] = 100 * (counts["promoters"] - counts["detractors"]) / counts["n"]
    return counts


def with_polars(scores: np.ndarray, keys: Any) -> Any:
    import polars as pl

    frame = pl.DataFrame({"score": scores, "segment": keys})
    return polars_counts(frame)


def polars_counts(frame: Any) -> Any:
    import polars as pl

    return (
        frame.lazy()
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


def with_npskit(scores: np.ndarray, keys: Any) -> Any:
    grouped = npskit.tally_by(scores, keys)
    return grouped.counts, grouped.nps


def check_same(scores: np.ndarray, keys: Any) -> None:
    """All three engines agree on the counts (checked once per case, untimed)."""
    grouped = npskit.tally_by(scores, keys)
    frame = with_pandas(scores, keys)
    assert np.array_equal(grouped.counts[:, 0], frame["detractors"].to_numpy())
    assert np.array_equal(grouped.counts[:, 2], frame["promoters"].to_numpy())
    polars_frame = with_polars(scores, keys)
    assert np.array_equal(grouped.counts[:, 1], polars_frame["passives"].to_numpy())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--text-only", action="store_true", help="skip the integer-key cases")
    args = parser.parse_args()
    import pandas as pd
    import polars as pl

    rng = np.random.default_rng(2024)
    n = args.rows
    scores = rng.integers(0, 11, n, dtype=np.int64)
    cases: list[tuple[str, Any, int]] = [
        (f"{segments} integer segments", rng.integers(0, segments, n), args.repeat)
        for segments in (() if args.text_only else (10, 1_000, 100_000))
    ]
    labels = np.array([f"agent_{i:04d}" for i in range(1_000)])
    text = labels[rng.integers(0, 1_000, n)]
    slow = max(1, args.repeat - 1)
    cases.append(("1000 text segments, numpy str array", text, slow))
    cases.append(("1000 text segments, Python list", text.tolist(), slow))
    cases.append(("1000 text segments, object array", text.astype(object), slow))
    cases.append(("1000 text segments, polars String", pl.Series(text), slow))
    cases.append(
        ("1000 text segments, polars Categorical", pl.Series(text).cast(pl.Categorical), slow)
    )
    cases.append(("1000 text segments, pandas category", pd.Series(text, dtype="category"), slow))

    print(
        f"npskit {npskit.__version__}, numpy {np.__version__}, pandas {pd.__version__}, "
        f"polars {pl.__version__}; {n:,} answers; best of {args.repeat} "
        f"({slow} for text) runs; seconds"
    )
    header = (
        f"{'case':<40} {'npskit':>8} {'pandas':>8} {'polars':>8} "
        f"{'pandas/npskit':>14} {'polars/npskit':>14} {'pandas*':>8} {'polars*':>8} "
        f"{'polars*/npskit':>15}"
    )
    print(header)
    print("-" * len(header))
    for name, keys, repeat in cases:
        check_same(scores[:100_000], keys[:100_000])
        t_npskit = best_of(lambda k=keys: with_npskit(scores, k), repeat)
        t_pandas = best_of(lambda k=keys: with_pandas(scores, k), repeat)
        t_polars = best_of(lambda k=keys: with_polars(scores, k), repeat)
        pandas_frame = pd.DataFrame({"score": scores, "segment": keys})
        polars_frame = pl.DataFrame({"score": scores, "segment": keys})
        t_pandas_built = best_of(lambda f=pandas_frame: pandas_counts(f), repeat)
        t_polars_built = best_of(lambda f=polars_frame: polars_counts(f), repeat)
        del pandas_frame, polars_frame
        print(
            f"{name:<40} {t_npskit:8.3f} {t_pandas:8.3f} {t_polars:8.3f} "
            f"{t_pandas / t_npskit:14.2f} {t_polars / t_npskit:14.2f} "
            f"{t_pandas_built:8.3f} {t_polars_built:8.3f} {t_polars_built / t_npskit:15.2f}",
            flush=True,
        )
    print("pandas*, polars*: group-by only, on a frame built beforehand (not in the ratios).")


if __name__ == "__main__":
    main()
