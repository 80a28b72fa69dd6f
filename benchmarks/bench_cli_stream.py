"""Benchmark: the npskit CLI streaming a large CSV vs polars.read_csv + group_by.

Run with ``python benchmarks/bench_cli_stream.py`` (``--rows 1000000`` for a
quick run). It writes a CSV of ``--rows`` answers (channel: 3 values, agent:
100 values, answer 0..10 with 2% blank, weight) into a temporary directory,
then, in the same run, times each contender as a child process and reads the
child's peak resident memory from ``resource.getrusage(RUSAGE_CHILDREN)``:

- ``npskit summary`` and ``npskit breakdown --by channel`` / ``--by agent``
  (the CLI as a user runs it: pyarrow's streaming CSV reader when pyarrow is
  installed, else the stdlib reader, counts per block, then the statistics);
- the same ``summary`` forced through the stdlib reader (``--stdlib``);
- ``polars.read_csv`` + ``group_by`` computing counts and NPS per channel
  (the whole file in memory, all cores).

It also times reading the answer column alone three ways (stdlib ``csv``,
``numpy.loadtxt``, ``pyarrow.csv.open_csv``), which is how the CLI's reader
was chosen. Figures: best of ``--repeat`` runs (wall seconds) and the peak
RSS of the first run of each.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

POLARS = """
import sys, polars as pl
df = pl.read_csv(sys.argv[1])
out = df.group_by("channel").agg(
    n=pl.col("answer").count(),
    detractors=(pl.col("answer") <= 6).sum(),
    promoters=(pl.col("answer") >= 9).sum(),
).with_columns(nps=100 * (pl.col("promoters") - pl.col("detractors")) / pl.col("n"))
print(out.sort("channel"))
"""

STDLIB_SUMMARY = """
import sys
import npskit._io.files as stream
stream.ARROW_MIN_BYTES = 1 << 62
from npskit.__main__ import main
sys.exit(main(["summary", sys.argv[1], "--score", "answer"]))
"""

READ_STDLIB = """
import csv, sys
with open(sys.argv[1], newline="") as f:
    r = csv.reader(f); next(r)
    n = sum(1 for row in r if row[2] != "")
print(n)
"""

READ_NUMPY = """
import sys, numpy as np
a = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1, usecols=2, dtype=float,
               converters={2: lambda s: float(s) if s else float("nan")})
print(int(np.count_nonzero(~np.isnan(a))))
"""

READ_ARROW = """
import sys, numpy as np, pyarrow as pa, pyarrow.csv as c
r = c.open_csv(sys.argv[1], convert_options=c.ConvertOptions(
    include_columns=["answer"], column_types={"answer": pa.float64()}, null_values=[""]))
print(sum(int(np.count_nonzero(~np.isnan(b.column(0).to_numpy(zero_copy_only=False)))) for b in r))
"""


def write_csv(path: Path, rows: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    step = 1_000_000
    with path.open("w") as out:
        out.write("channel,agent,answer,weight\n")
        for start in range(0, rows, step):
            n = min(step, rows - start)
            channel = np.array(["phone", "chat", "email"])[rng.integers(0, 3, n)]
            agent = np.char.add("A", rng.integers(0, 100, n).astype(str))
            answer = rng.integers(0, 11, n).astype(str).astype(object)
            answer[rng.random(n) < 0.02] = ""
            weight = np.round(rng.uniform(0.5, 2.0, n), 3).astype(str)
            lines = [",".join(t) for t in zip(channel, agent, answer, weight, strict=True)]
            out.write("\n".join(lines))
            out.write("\n")


def measure(argv: list[str], repeat: int) -> tuple[float, float]:
    """Best wall time over ``repeat`` runs, and peak RSS, each run in a helper process."""
    helper = (
        "import resource, subprocess, sys, time, json\n"
        "t = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
        "w = time.perf_counter() - t\n"
        "print(json.dumps([w, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024]))\n"
    )
    results = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", helper, *argv], check=True, capture_output=True, text=True
        )
        results.append(json.loads(out.stdout))
    return min(r[0] for r in results), max(r[1] for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-slow", action="store_true", help="skip stdlib and numpy runs")
    args = parser.parse_args()
    npskit = [sys.executable, "-m", "npskit"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "survey.csv"
        start = time.perf_counter()
        write_csv(path, args.rows)
        size = os.path.getsize(path) / 2**20
        print(f"{args.rows:,} rows, {size:.0f} MiB, written in {time.perf_counter() - start:.0f} s")
        file = str(path)
        cases = [
            ("npskit summary", [*npskit, "summary", file, "--score", "answer"]),
            (
                "npskit summary --weight",
                [*npskit, "summary", file, "--score", "answer", "--weight", "weight"],
            ),
            (
                "npskit breakdown --by channel",
                [*npskit, "breakdown", file, "--score", "answer", "--by", "channel"],
            ),
            (
                "npskit breakdown --by agent",
                [*npskit, "breakdown", file, "--score", "answer", "--by", "agent"],
            ),
            ("polars read_csv + group_by", [sys.executable, "-c", POLARS, file]),
            ("read answers: pyarrow open_csv", [sys.executable, "-c", READ_ARROW, file]),
        ]
        if not args.skip_slow:
            cases += [
                ("npskit summary, stdlib reader", [sys.executable, "-c", STDLIB_SUMMARY, file]),
                ("read answers: stdlib csv", [sys.executable, "-c", READ_STDLIB, file]),
                ("read answers: numpy.loadtxt", [sys.executable, "-c", READ_NUMPY, file]),
            ]
        results = {}
        for name, argv in cases:
            repeat = args.repeat if "stdlib" not in name and "numpy" not in name else 1
            results[name] = measure(argv, repeat)
            wall, peak = results[name]
            print(f"{name:<34} {wall:7.2f} s  peak RSS {peak:6.0f} MB", flush=True)
        polars = results["polars read_csv + group_by"][0]
        print()
        for name in [n for n in results if n.startswith("npskit")]:
            print(f"{name:<34} {results[name][0] / polars:5.2f} x polars' time")


if __name__ == "__main__":
    main()
