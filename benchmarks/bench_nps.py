"""How fast is ``npskit.nps`` next to hand-written numpy and pandas?

Run from the repository root (after ``pip install -e .[test]``)::

    python benchmarks/bench_nps.py
    python benchmarks/bench_nps.py --sizes 1e6,1e7 --repeat 7

For each size and dtype (uint8, int64, float64 with 1% NaN) the script times,
on the same array and in the same run:

* ``npskit.nps(x)``: validation included (every answer is checked to be a
  whole number on the 0-10 scale, NaN counted as missing);
* numpy, no validation: the fastest of several block lengths of
  ``count_nonzero(c <= 6)`` and ``count_nonzero(c >= 9)`` over blocks ``c``,
  plus ``count_nonzero(isnan(c))`` for the float case (the n of an NPS leaves
  missing answers out);
* pandas, no validation: ``(s >= 9).mean() - (s <= 6).mean()`` on a Series
  built beforehand; for the float case ``((s >= 9).sum() - (s <= 6).sum()) /
  s.count()``, because the mean of a comparison counts NaN rows as False;
* polars (if installed), no validation: one ``select`` of ``(x <= 6).sum()``,
  ``(x >= 9).sum()`` and, for floats, ``x.is_nan().sum()`` on a DataFrame
  built beforehand (polars evaluates the expressions on all cores; it sorts
  NaN above every number, so ``NaN >= 9`` is true and the NaN count is taken
  off the promoters).

npskit counts arrays of at least 16 Mi answers in parts on all usable CPUs
(``npskit._counting.parallel``); ``--threads 1`` times it single-threaded too
(column ``npskit 1T``), the comparison behind "never slower than
single-threaded".

Times are the best of ``--repeat`` runs (the contenders take turns, so a
burst of load on the machine hits them alike); the ratio to polars is also
given as the median over the rounds of the per-round ratio. Generating the
data is not timed. The script checks that the three NPS values agree and that npskit's
counts equal numpy's.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import npskit

DTYPES = ("uint8", "int64", "float64")
NUMPY_BLOCKS = (1 << 14, 1 << 16, 1 << 18, 1 << 20, 1 << 22)
TARGET = 1.5
# Shares of the answers 0..10 in the synthetic data: a typical lopsided NPS
# survey, most answers at 8-10 and a long tail of detractors.
SHARES = np.array([3, 1, 1, 2, 2, 5, 6, 12, 20, 18, 30], dtype=float)


def make_answers(n: int, dtype: str, seed: int = 20251123) -> np.ndarray[Any, Any]:
    rng = np.random.default_rng(seed)
    cumulative = np.cumsum(SHARES / SHARES.sum())
    answers = np.empty(n, dtype=dtype)
    step = 1 << 22
    for start in range(0, n, step):  # in pieces, to keep the temporaries small
        u = rng.random(min(step, n - start))
        answers[start : start + len(u)] = np.searchsorted(cumulative, u, side="right")
    if dtype.startswith("float"):
        answers[rng.random(n) < 0.01] = np.nan
    return answers


def numpy_counts(x: np.ndarray[Any, Any], block: int) -> tuple[int, int, int]:
    """Detractors, promoters and answers present, by chunked count_nonzero."""
    detractors = promoters = missing = 0
    is_float = x.dtype.kind == "f"
    for start in range(0, len(x), block):
        c = x[start : start + block]
        detractors += np.count_nonzero(c <= 6)
        promoters += np.count_nonzero(c >= 9)
        if is_float:
            missing += np.count_nonzero(np.isnan(c))
    return detractors, promoters, len(x) - missing


def numpy_nps(x: np.ndarray[Any, Any], block: int) -> float:
    detractors, promoters, n = numpy_counts(x, block)
    return 100.0 * (promoters - detractors) / n


def pandas_nps(s: Any) -> float:
    if s.dtype.kind == "f":
        return float(100.0 * ((s >= 9).sum() - (s <= 6).sum()) / s.count())
    return float(100.0 * ((s >= 9).mean() - (s <= 6).mean()))


def polars_nps(frame: Any) -> float:
    import polars as pl

    x = pl.col("x")
    if frame.schema["x"].is_float():
        row = frame.select(d=(x <= 6).sum(), p=(x >= 9).sum(), nan=x.is_nan().sum()).row(0)
        detractors, promoters, n = row[0], row[1] - row[2], frame.height - row[2]
    else:
        detractors, promoters = frame.select(d=(x <= 6).sum(), p=(x >= 9).sum()).row(0)
        n = frame.height
    return 100.0 * (promoters - detractors) / n


def round_times(contenders: dict[str, Callable[[], float]], repeat: int) -> dict[str, list[float]]:
    """Wall times of each contender in every round; they take turns within a round."""
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(repeat):
        for name, run in contenders.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return times


def single_threaded(x: np.ndarray[Any, Any]) -> float:
    """npskit.nps with the parallel split turned off (the one-core baseline)."""
    from npskit._counting import parallel

    saved = parallel.MIN_PARALLEL
    parallel.MIN_PARALLEL = 1 << 62
    try:
        return float(npskit.nps(x))
    finally:
        parallel.MIN_PARALLEL = saved


def simd_features() -> str:
    try:
        simd = np.show_config(mode="dicts")["SIMD Extensions"]  # type: ignore[func-returns-value]
        return f"baseline {','.join(simd['baseline'])}; found {','.join(simd['found'])}"
    except (TypeError, KeyError):  # numpy older than 1.26
        return "unknown (see numpy.show_runtime())"


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def describe_machine() -> None:
    versions = f"python {platform.python_version()}, numpy {np.__version__}"
    print(f"{versions}, npskit {npskit.__version__}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {cpu_model()}")
    print(f"numpy SIMD: {simd_features()}")
    print(
        f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(not set)')} "
        "(BLAS plays no part in these elementwise counts)"
    )
    if hasattr(os, "getloadavg"):
        print(f"load average at start: {os.getloadavg()[0]:.2f}")


def parse_sizes(text: str) -> list[int]:
    sizes = []
    for part in text.split(","):
        value = float(part)
        if value < 1 or value != int(value):
            raise argparse.ArgumentTypeError(f"sizes must be positive whole numbers, got {part!r}")
        sizes.append(int(value))
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=parse_sizes, default=[10**6, 10**7, 10**8])
    parser.add_argument("--repeat", type=int, default=5, help="runs per contender (best kept)")
    parser.add_argument("--dtypes", default=",".join(DTYPES))
    parser.add_argument(
        "--threads", type=int, default=1, help="also time npskit single-threaded (1) or not (0)"
    )
    args = parser.parse_args(argv)
    try:
        import pandas as pd
    except ImportError:
        pd = None
    try:
        import polars as pl
    except ImportError:
        pl = None
    describe_machine()
    from npskit._counting.parallel import usable_cpus

    print(f"npskit counts in parts on {usable_cpus()} usable CPUs")
    if pd is not None:
        print(f"pandas {pd.__version__}")
    if pl is not None:
        print(f"polars {pl.__version__} ({pl.thread_pool_size()} threads)")
    print()
    header = (
        f"{'n':>11} {'dtype':>8} {'npskit ms':>10} {'1T ms':>7} {'numpy ms':>9} {'(block)':>8} "
        f"{'pandas ms':>10} {'polars ms':>10} {'npskit/numpy':>13} {'npskit/pandas':>14} "
        f"{'npskit/polars':>14} {'median':>7}  {'NPS':>9}"
    )
    print(header)
    print("-" * len(header))
    worst = worst_polars = 0.0
    for n in args.sizes:
        for dtype in args.dtypes.split(","):
            x = make_answers(n, dtype)
            series = pd.Series(x, copy=False) if pd is not None else None
            frame = pl.DataFrame({"x": x}) if pl is not None else None
            expected = npskit.tally(x)
            counts = numpy_counts(x, 1 << 16)
            if (expected.detractors, expected.promoters, expected.n) != counts:
                raise SystemExit(f"npskit and numpy disagree on the counts: {expected} {counts}")
            contenders: dict[str, Callable[[], float]] = {"npskit": lambda x=x: npskit.nps(x)}
            for block in NUMPY_BLOCKS:
                if block < 4 * n:
                    contenders[f"numpy {block}"] = lambda x=x, b=block: numpy_nps(x, b)
            if series is not None:
                contenders["pandas"] = lambda s=series: pandas_nps(s)
            if frame is not None:
                contenders["polars"] = lambda f=frame: polars_nps(f)
            if args.threads:
                contenders["npskit 1T"] = lambda x=x: single_threaded(x)
            values = {name: run() for name, run in contenders.items()}
            if not all(math.isclose(v, values["npskit"], abs_tol=1e-9) for v in values.values()):
                raise SystemExit(f"the NPS values disagree: {values}")
            rounds = round_times(contenders, args.repeat)
            times = {name: min(seen) for name, seen in rounds.items()}
            fastest = min((k for k in times if k.startswith("numpy")), key=times.__getitem__)
            t_npskit, t_numpy = times["npskit"], times[fastest]
            t_pandas = times.get("pandas", math.nan)
            t_polars = times.get("polars", math.nan)
            t_single = times.get("npskit 1T", math.nan)
            median = (
                statistics.median(
                    a / b for a, b in zip(rounds["npskit"], rounds["polars"], strict=True)
                )
                if "polars" in rounds
                else math.nan
            )
            ratio = t_npskit / t_numpy
            worst = max(worst, ratio) if n >= 10**7 else worst
            worst_polars = max(worst_polars, t_npskit / t_polars) if n >= 10**8 else worst_polars
            print(
                f"{n:>11,} {dtype:>8} {1e3 * t_npskit:>10.2f} {1e3 * t_single:>7.2f} "
                f"{1e3 * t_numpy:>9.2f} {fastest.split()[1]:>8} {1e3 * t_pandas:>10.2f} "
                f"{1e3 * t_polars:>10.2f} {ratio:>13.2f} {t_npskit / t_pandas:>14.2f} "
                f"{t_npskit / t_polars:>14.2f} {median:>7.2f}  {values['npskit']:>9.4f}",
                flush=True,
            )
            del x, series, frame, contenders, values
            gc.collect()
    print()
    print(
        "npskit validates every answer (whole number on 0..10, NaN counted as missing); "
        "numpy and pandas do not."
    )
    if hasattr(os, "getloadavg"):
        print(f"load average at end: {os.getloadavg()[0]:.2f}")
    if worst:
        verdict = "within" if worst <= TARGET else "NOT within"
        print(f"worst npskit/numpy at n >= 10^7: {worst:.2f} ({verdict} the {TARGET}x target)")
    if worst_polars:
        verdict = "met" if worst_polars <= 1.0 else "NOT met"
        print(f"worst npskit/polars at n >= 10^8: {worst_polars:.2f} (target <= 1: {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
