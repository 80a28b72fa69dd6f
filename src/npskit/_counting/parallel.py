"""Counting a long array on several cores: :func:`count_in_parts`.

numpy's elementwise functions and reductions release the GIL, so the fast
counting path of :mod:`npskit._counting.kernel` runs on two or more
contiguous parts of a long array at once, in threads. The counts are integers
summed in a fixed order, so the result is the same, bit for bit, as counting
in one thread. The threads live only as long as the call (a small
function-scoped ``ThreadPoolExecutor``): there is no global pool. Arrays
shorter than :data:`MIN_PARALLEL` answers, and processes allowed a single CPU,
count in the calling thread, and so does a machine whose CPUs are all busy
(:func:`idle_cpus`); otherwise the calling thread counts the first part and
one thread per other idle CPU the others.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import numpy.typing as npt

__all__ = ["MIN_PARALLEL", "MIN_PART", "count_in_parts", "idle_cpus", "usable_cpus"]

MIN_PARALLEL = 1 << 24
"""Shortest array split over threads (16 Mi answers, some 5 ms of counting uint8 on one
core): below it, waiting for a thread to be scheduled on a busy machine can cost more
than the thread saves."""

MIN_PART = 1 << 23
"""Fewest answers per thread."""

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


def idle_cpus() -> int:
    """Usable CPUs not busy with other work (the 1-minute load average, less this process).

    On a machine whose CPUs are all busy, a second thread mostly waits (for a
    CPU, and then for the GIL held by a thread that lost its CPU): counting
    in one thread is faster there.
    """
    cpus = usable_cpus()
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # pragma: no cover - no load average on this OS
        return cpus
    # The load average counts this process too (about one runnable thread).
    return max(1, min(cpus, math.floor(cpus + 1.5 - load)))


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
    threads = min(idle_cpus(), _MAX_THREADS, n // MIN_PART)
    if n < MIN_PARALLEL or threads < 2:
        return count(values)
    bounds = [n * i // threads for i in range(threads + 1)]
    parts = [values[start:stop] for start, stop in itertools.pairwise(bounds)]
    # The calling thread counts the first part itself while the pool counts
    # the others: it never sits idle waiting for a thread to be scheduled.
    with ThreadPoolExecutor(max_workers=threads - 1) as pool:
        later = [pool.submit(count, part) for part in parts[1:]]
        results = [count(parts[0]), *(future.result() for future in later)]
    if any(result is None for result in results):
        return None
    totals = [sum(column) for column in zip(*results, strict=True)]
    summed: T = tuple(totals)  # type: ignore[assignment]
    return summed
