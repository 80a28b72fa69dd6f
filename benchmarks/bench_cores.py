"""Benchmark: what numpy's passes cost per byte, and what a second core gives them.

Run with ``python benchmarks/bench_cores.py``. Two measurements behind the
uint8 row of issue 15 (``nps`` on 10^8 uint8 answers against polars), where
npskit's counting is made of numpy passes over cache-sized blocks:

1. Nanoseconds per byte of each pass the uint8 kernel makes over a block in
   cache (``--block`` bytes, 2 MiB by default, as ``_INT_BLOCK_BYTES``): a
   comparison into a boolean buffer, counting the true flags
   (``FlagCounter.count``: row sums of 64-bit words, and
   ``np.count_nonzero``), the range check (``max``), and the alternatives
   tried instead (a 64-bit add, and, ``bitwise_count`` for bit tricks on
   words; ``np.take`` through a lookup table; ``np.bincount``).
2. The same comparison repeated over one block per worker, in one thread,
   two threads and two processes (each worker's own loop time; the longer
   of the two counts): the speed-up a second core gives to work
   that never leaves the cache. Two processes share no GIL, so a shortfall
   there is the machine's (cores that share their caches or memory
   bandwidth, or vCPUs that share a physical core), not Python's.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from npskit._counting.flags import FlagCounter


def per_byte(function: Callable[[], Any], size: int, seconds: float = 0.3) -> float:
    """Best nanoseconds per byte of ``function`` over a ``size``-byte block."""
    repeats = 1
    while True:
        start = time.perf_counter()
        for _ in range(repeats):
            function()
        elapsed = time.perf_counter() - start
        if elapsed > seconds / 5:
            break
        repeats *= 2
    best = elapsed
    for _ in range(4):
        start = time.perf_counter()
        for _ in range(repeats):
            function()
        best = min(best, time.perf_counter() - start)
    return 1e9 * best / repeats / size


def compare_loop(size: int, repeats: int, seed: int) -> float:
    """Seconds for ``repeats`` comparisons of one in-cache block (one worker)."""
    block = np.random.default_rng(seed).integers(0, 11, size, dtype=np.uint8)
    flags = np.empty(size, dtype=np.bool_)
    start = time.perf_counter()
    for _ in range(repeats):
        np.less_equal(block, 6, out=flags)
    return time.perf_counter() - start


def in_threads(size: int, repeats: int) -> float:
    """The longer of two threads' own loop times (each starts as soon as it can)."""
    seconds: list[float] = []
    threads = [
        threading.Thread(target=lambda i=i: seconds.append(compare_loop(size, repeats, i)))
        for i in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return max(seconds)


def _process_worker(size: int, repeats: int, seed: int, ready: Any, out: Any) -> None:
    compare_loop(1024, 1, seed)  # numpy imported and warm
    ready.wait()  # both workers start together
    out.put(compare_loop(size, repeats, seed))


def in_processes(size: int, repeats: int) -> float:
    """The longer of two processes' own loop times, started together."""
    context = multiprocessing.get_context("spawn")
    ready, out = context.Barrier(2), context.Queue()
    workers = [
        context.Process(target=_process_worker, args=(size, repeats, i, ready, out))
        for i in range(2)
    ]
    for worker in workers:
        worker.start()
    seconds = [out.get() for _ in workers]
    for worker in workers:
        worker.join()
    return max(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--block", type=int, default=1 << 21, help="bytes per block")
    args = parser.parse_args()
    size = args.block
    rng = np.random.default_rng(0)
    answers = rng.integers(0, 11, size, dtype=np.uint8)
    counter = FlagCounter(size)
    np.less_equal(answers, 6, out=counter.flags)
    words = answers.view(np.uint64)
    word_out = np.empty_like(words)
    popcounts = np.empty(len(words), dtype=np.uint8)
    table = np.array([0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 2], dtype=np.uint8)
    table_out = np.empty(size, dtype=np.uint8)
    offset, high_bits = np.uint64(0x7979797979797979), np.uint64(0x8080808080808080)
    passes = {
        "less_equal into bool (kernel)": lambda: np.less_equal(answers, 6, out=counter.flags),
        "count flags by word rows (kernel)": counter.count,
        "np.count_nonzero of flags": lambda: np.count_nonzero(counter.flags),
        "max (kernel range check)": answers.max,
        "add on uint64 words": lambda: np.add(words, offset, out=word_out),
        "and on uint64 words": lambda: np.bitwise_and(word_out, high_bits, out=word_out),
        "bitwise_count of words": lambda: np.bitwise_count(word_out, out=popcounts),
        "take through a lookup table": lambda: np.take(table, answers, out=table_out),
        "bincount": lambda: np.bincount(answers, minlength=11),
    }
    print(
        f"numpy {np.__version__}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.2f}; block of {size:,} uint8 answers"
    )
    print(f"{'pass':<36} {'ns/byte':>8}")
    for name, function in passes.items():
        print(f"{name:<36} {per_byte(function, size):8.4f}", flush=True)
    kernel = sum(
        per_byte(passes[name], size)
        for name in ("less_equal into bool (kernel)", "count flags by word rows (kernel)")
    )
    kernel = 2 * kernel + per_byte(passes["max (kernel range check)"], size)
    print(f"kernel: 2 x (compare + count) + max = {kernel:.3f} ns/byte on one core")
    repeats = max(1, (1 << 34) // size)  # about a second of comparisons per worker
    one = compare_loop(size, repeats, 0)
    two_threads = in_threads(size, repeats)
    two_processes = in_processes(size, repeats)
    print(
        f"in-cache comparisons, 2 workers x {repeats} passes: one worker alone {one:.3f} s; "
        f"speed-up of two: threads {2 * one / two_threads:.2f}x, "
        f"processes {2 * one / two_processes:.2f}x (2.00x = perfect)"
    )
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
