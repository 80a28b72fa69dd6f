"""Counting a long array on several cores: :func:`count_in_parts`.

numpy's elementwise functions and reductions release the GIL, so the fast
counting path of :mod:`npskit._counting.kernel` runs on two or more
contiguous parts of a long array at once, in threads. The counts are integers
summed in a fixed order, so the result is the same, bit for bit, as counting
in one thread. The threads live only as long as the call (a small
function-scoped ``ThreadPoolExecutor``): there is no global pool. Arrays
shorter than :data:`MIN_PARALLEL` answers, and processes allowed a single CPU,
count in the calling thread. Otherwise the array is cut into parts of about
:data:`PART` answers, more parts than threads, and the calling thread and one
thread per other usable CPU take the next part as they finish one. On a
machine whose CPUs are busy a thread that gets no CPU simply takes fewer parts
(the calling thread never waits for it to start), so the work goes to
whichever threads are running: no guess from the load average is needed, and
it is never slower than one thread by more than the last part a slow thread holds.
"""

from __future__ import annotations

import itertools
import math
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import numpy.typing as npt

__all__ = ["MIN_PARALLEL", "MIN_PART", "PART", "count_in_parts", "usable_cpus"]

MIN_PARALLEL = 1 << 24
"""Shortest array split over threads (16 Mi answers, some 5 ms of counting uint8 on one
core): below it, waiting for a thread to be scheduled on a busy machine can cost more
than the thread saves."""

MIN_PART = 1 << 23
"""Fewest answers per thread."""

PART = 1 << 22
"""Answers per part handed to a thread (a few ms of counting): small enough that
a thread holding the last part delays the end little, large enough that taking
a part costs nothing next to counting it."""

_MAX_THREADS = 8

T = TypeVar("T", bound=tuple[int, ...])


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity mask where the OS has one)."""
    affinity = getattr(os, "sched_getaffinity", None)
    if affinity is not None:
        try:
            return max(1, len(affinity(0)))
        except OSError:  # pragma: no cover - some sandboxes refuse the call
            pass
    return max(1, os.cpu_count() or 1)


def count_in_parts(
    values: npt.NDArray[Any], count: Callable[[npt.NDArray[Any]], T | None]
) -> T | None:
    """``count(values)``, computed on contiguous parts in threads and summed.

    ``count`` returns a tuple of integer counts, or ``None`` when it cannot
    vouch for its part (then the whole result is ``None``, as
    ``count(values)`` would be). The parts are counted with the same
    function, so the sum equals the single-threaded result exactly.
    """
    n = len(values)
    threads = min(usable_cpus(), _MAX_THREADS, n // MIN_PART)
    if n < MIN_PARALLEL or threads < 2:
        return count(values)
    pieces = max(threads, math.ceil(n / PART))
    bounds = [n * i // pieces for i in range(pieces + 1)]
    parts = [values[start:stop] for start, stop in itertools.pairwise(bounds)]
    results: list[T | None] = [None] * pieces
    failed = threading.Event()
    taken = itertools.count()
    lock = threading.Lock()

    def work() -> None:
        while not failed.is_set():
            with lock:
                index = next(taken)
            if index >= pieces:
                return
            result = count(parts[index])
            if result is None:
                failed.set()  # one part not vouched for: the whole is None
                return
            results[index] = result

    # The calling thread counts too, from the first part on: it never sits
    # idle waiting for a thread to be scheduled.
    with ThreadPoolExecutor(max_workers=threads - 1) as pool:
        helpers = [pool.submit(work) for _ in range(threads - 1)]
        work()
        for helper in helpers:
            helper.result()  # re-raises an error of a helper thread
    if failed.is_set():
        return None
    totals = [sum(column) for column in zip(*results, strict=True)]
    summed: T = tuple(totals)  # type: ignore[assignment]
    return summed
