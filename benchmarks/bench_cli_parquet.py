"""Benchmark: ``npskit breakdown --by agent,month`` over a large Parquet file vs DuckDB.

Run with ``python benchmarks/bench_cli_parquet.py`` (``--rows 10000000`` for a
quick run; the default is 10^8 rows). It writes, once, a Parquet file of
``--rows`` answers under ``--dir`` (default ``/tmp/npskit-bench``): agent (4,000
values) and month (12 values) as text, so 48,000 segments, answer 0..10 with
2% null, and a weight; row groups of 10^6 rows. Then, in the same run, it times
each contender as a child process (wall clock and CPU time, user + system,
best of ``--repeat``, the contenders alternating) and reads each child's peak
resident memory:

- ``npskit breakdown FILE --score answer --by agent,month --format csv``: the
  CLI as a user runs it (counting, then NPS, intervals and Holm-adjusted
  comparisons for every segment, and the table written out);
- the same counting by DuckDB, as its CLI would run it: ``duckdb`` (the Python
  package) running ``SELECT agent, month, count(*) FILTER (...) ... GROUP BY
  ALL`` over the same file and writing the rows out as CSV;
- ``npskit count only``: the CLI's file counting alone
  (:func:`npskit._io.files.count_file`), to show where the time goes.

The last lines give npskit's time as a multiple of DuckDB's, in wall clock
and in CPU time (the steadier figure when the machine is shared: DuckDB's
threads wait for a core like any process), the machine and its load
(``os.getloadavg`` before and after).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

DUCKDB = """
import sys, duckdb
rows = duckdb.sql(f'''
    SELECT agent, month,
           count(*) FILTER (WHERE answer <= 6) AS detractors,
           count(*) FILTER (WHERE answer BETWEEN 7 AND 8) AS passives,
           count(*) FILTER (WHERE answer >= 9) AS promoters,
           count(*) FILTER (WHERE answer IS NULL) AS missing
    FROM read_parquet('{sys.argv[1]}') GROUP BY ALL ORDER BY ALL''').fetchall()
sys.stdout.write("".join(",".join(map(str, row)) + "\\n" for row in rows))
"""

COUNT_ONLY = """
import sys
from npskit._io.files import count_file
from npskit._io.source import DataFile
print(len(count_file(DataFile(sys.argv[1]), "answer", ["agent", "month"])))
"""


def write_parquet(path: Path, rows: int, seed: int = 0) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    step = 1_000_000
    agents = pa.array([f"A{i:04d}" for i in range(4000)])
    months = pa.array([f"2024-{m:02d}" for m in range(1, 13)])
    schema = pa.schema(
        [
            ("agent", pa.string()),
            ("month", pa.string()),
            ("answer", pa.int64()),
            ("weight", pa.float64()),
        ]
    )
    partial = path.with_suffix(".partial")
    with pq.ParquetWriter(partial, schema) as writer:
        for start in range(0, rows, step):
            n = min(step, rows - start)
            answer = pa.array(rng.integers(0, 11, n), mask=rng.random(n) < 0.02)
            table = pa.table(
                {
                    "agent": agents.take(rng.integers(0, 4000, n)),
                    "month": months.take(rng.integers(0, 12, n)),
                    "answer": answer,
                    "weight": rng.uniform(0.5, 2.0, n),
                },
                schema=schema,
            )
            writer.write_table(table, row_group_size=step)
    partial.rename(path)


def measure(argv: list[str]) -> tuple[float, float, float]:
    """Wall time, peak RSS (MB) and CPU time (user + system) of one run, in a helper process."""
    helper = (
        "import resource, subprocess, sys, time, json\n"
        "t = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
        "w = time.perf_counter() - t\n"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(json.dumps([w, u.ru_maxrss / 1024, u.ru_utime + u.ru_stime]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", helper, *argv], check=True, capture_output=True, text=True
    )
    wall, peak, cpu = json.loads(out.stdout)
    return float(wall), float(peak), float(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", default="/tmp/npskit-bench")
    args = parser.parse_args()
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"agents-months-{args.rows}.parquet"
    if not path.exists():
        start = time.perf_counter()
        write_parquet(path, args.rows)
        print(f"wrote {path} in {time.perf_counter() - start:.0f} s")
    size = os.path.getsize(path) / 2**20
    print(f"{args.rows:,} rows, 48,000 segments, {size:.0f} MiB of Parquet")
    file = str(path)
    cases = {
        "npskit breakdown --by agent,month": [
            *(sys.executable, "-m", "npskit", "breakdown", file, "--score", "answer"),
            *("--by", "agent,month", "--format", "csv"),
        ],
        "duckdb GROUP BY agent, month": [sys.executable, "-c", DUCKDB, file],
        "npskit count only": [sys.executable, "-c", COUNT_ONLY, file],
    }
    load_before = os.getloadavg()
    results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in cases}
    for _ in range(args.repeat):
        for name, argv in cases.items():
            results[name].append(measure(argv))
    load_after = os.getloadavg()
    for name, runs in results.items():
        wall = min(run[0] for run in runs)
        peak = max(run[1] for run in runs)
        cpu = min(run[2] for run in runs)
        print(f"{name:<36} {wall:7.2f} s  CPU {cpu:7.2f} s  peak RSS {peak:6.0f} MB", flush=True)
    ours = results["npskit breakdown --by agent,month"]
    theirs = results["duckdb GROUP BY agent, month"]
    wall_ratio = min(r[0] for r in ours) / min(r[0] for r in theirs)
    cpu_ratio = min(r[2] for r in ours) / min(r[2] for r in theirs)
    print(f"\nnpskit breakdown / duckdb: wall {wall_ratio:.2f}x, CPU {cpu_ratio:.2f}x")
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"load average (1 min) {load_before[0]:.2f} before, {load_after[0]:.2f} after"
    )


if __name__ == "__main__":
    main()
