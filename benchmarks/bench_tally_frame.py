"""Benchmark: ``npskit.tally_frame`` vs hand-written native counting, engine by engine.

Run with ``python benchmarks/bench_tally_frame.py`` (``--rows 10000000`` by
default; ``--engines polars,duckdb`` to choose). The data are the Parquet
file of ``benchmarks/bench_cli_parquet.py`` (agent x month: 48,000 groups,
answer 0..10 with 2% null), written once under ``--dir`` if missing. For each
engine, in the same process and run, the two contenders alternate
``--repeat`` times and the best wall time of each is kept (the median over
the rounds of the per-round ratio is printed too: an engine's own time moves
by a fifth or more between runs on a shared 2-core machine):

- ``tally_frame(frame, score="answer", by=["agent", "month"])``: npskit's
  generated query (which also checks every answer) plus turning the counts
  table into tallies;
- a native query written by hand for that engine, counting detractors,
  passives, promoters and missing answers per group and collecting the
  result (no validation): polars ``group_by().agg((col <= 6).sum(), ...)``,
  DuckDB ``count(*) FILTER (WHERE ...)``, Dask boolean columns cast to int64
  and summed per group, Spark ``sum(cast(cond as long))``.

Each engine reads the Parquet file itself (polars ``scan_parquet``, DuckDB
``read_parquet``, Dask ``read_parquet``, Spark ``spark.read.parquet``). Spark
runs only where Java is installed (``java -version``). The last column is
npskit's time over the native time, in wall-clock and in CPU time of this
process (all its threads; the fairer figure on a machine shared with other
work, except for Spark, whose work is done in its JVM).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from bench_cli_parquet import write_parquet

from npskit import tally_frame

KEYS = ["agent", "month"]


def polars_cases(path: str) -> tuple[Callable[[], Any], Callable[[], Any]]:
    import polars as pl

    def native() -> Any:
        s = pl.col("answer")
        return (
            pl.scan_parquet(path)
            .group_by(KEYS)
            .agg(
                (s <= 6).sum().alias("detractors"),
                s.is_between(7, 8).sum().alias("passives"),
                (s >= 9).sum().alias("promoters"),
                s.null_count().alias("missing"),
            )
            .collect(engine="streaming")
        )

    return (lambda: tally_frame(pl.scan_parquet(path), score="answer", by=KEYS)), native


def duckdb_cases(path: str) -> tuple[Callable[[], Any], Callable[[], Any]]:
    import duckdb

    connection = duckdb.connect()

    def native() -> Any:
        return connection.sql(
            f"""SELECT agent, month,
                   count(*) FILTER (WHERE answer <= 6) AS detractors,
                   count(*) FILTER (WHERE answer BETWEEN 7 AND 8) AS passives,
                   count(*) FILTER (WHERE answer >= 9) AS promoters,
                   count(*) FILTER (WHERE answer IS NULL) AS missing
            FROM read_parquet('{path}') GROUP BY ALL"""
        ).fetchall()

    def npskit() -> Any:
        relation = connection.sql(f"SELECT * FROM read_parquet('{path}')")
        return tally_frame(relation, score="answer", by=KEYS)

    return npskit, native


def dask_cases(path: str) -> tuple[Callable[[], Any], Callable[[], Any]]:
    import dask.dataframe as dd

    def native() -> Any:
        frame = dd.read_parquet(path)
        s = frame["answer"]
        flags = frame[KEYS].assign(
            detractors=(s <= 6).astype("int64"),
            passives=((s >= 7) & (s <= 8)).astype("int64"),
            promoters=(s >= 9).astype("int64"),
            missing=s.isna().astype("int64"),
        )
        return flags.groupby(KEYS, dropna=False).sum().compute()

    return (lambda: tally_frame(dd.read_parquet(path), score="answer", by=KEYS)), native


def spark_cases(path: str) -> tuple[Callable[[], Any], Callable[[], Any]]:
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F  # noqa: N812 - the usual spelling

    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.driver.host", "127.0.0.1")  # loopback only
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", "3g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")

    def native() -> Any:
        s = F.col("answer")
        return (
            spark.read.parquet(path)
            .groupBy(*KEYS)
            .agg(
                F.sum((s <= 6).cast("long")).alias("detractors"),
                F.sum(s.between(7, 8).cast("long")).alias("passives"),
                F.sum((s >= 9).cast("long")).alias("promoters"),
                F.sum(s.isNull().cast("long")).alias("missing"),
            )
            .collect()
        )

    return (lambda: tally_frame(spark.read.parquet(path), score="answer", by=KEYS)), native


ENGINES = {"polars": polars_cases, "duckdb": duckdb_cases, "dask": dask_cases, "spark": spark_cases}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", default="/tmp/npskit-bench")
    parser.add_argument("--engines", default=",".join(ENGINES))
    args = parser.parse_args()
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"agents-months-{args.rows}.parquet"
    if not path.exists():
        write_parquet(path, args.rows)
    print(f"{args.rows:,} rows, 48,000 groups (agent x month), Parquet read by each engine")
    load_before = os.getloadavg()
    for engine in args.engines.split(","):
        if engine == "spark" and shutil.which("java") is None:
            print("spark: not measured (no Java on this machine)")
            continue
        npskit, native = ENGINES[engine](str(path))
        times: dict[str, list[float]] = {"npskit": [], "native": []}
        cpu: dict[str, list[float]] = {"npskit": [], "native": []}
        for _ in range(args.repeat):
            for name, run in (("npskit", npskit), ("native", native)):
                start, start_cpu = time.perf_counter(), time.process_time()
                run()
                times[name].append(time.perf_counter() - start)
                cpu[name].append(time.process_time() - start_cpu)
        ours, theirs = min(times["npskit"]), min(times["native"])
        ours_cpu, theirs_cpu = min(cpu["npskit"]), min(cpu["native"])
        median = statistics.median(
            a / b for a, b in zip(times["npskit"], times["native"], strict=True)
        )
        # Spark works in its JVM, whose CPU time this process does not see.
        cpu_ratio = "   (JVM)" if engine == "spark" else f"{ours_cpu / theirs_cpu:7.2f}x"
        print(
            f"{engine:<7} tally_frame {ours:7.2f} s   native {theirs:7.2f} s   "
            f"wall {ours / theirs:5.2f}x (median of rounds {median:5.2f}x)   CPU {cpu_ratio}",
            flush=True,
        )
    load_after = os.getloadavg()
    print(
        f"{os.cpu_count()} cores; load average (1 min) {load_before[0]:.2f} before, "
        f"{load_after[0]:.2f} after"
    )


if __name__ == "__main__":
    main()
