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
thread per other idle usable CPU take the next part as they finish one.

Idle means not wanted, at the moment of the call, by a runnable thread of any
process but this one (:func:`busy_cpus`: Linux's instantaneous count of
runnable threads, not the load average, which lags by a minute and counts
work that has ended).
On an oversubscribed machine a second thread does not just wait for a CPU: it
holds the GIL when the scheduler takes its CPU away, and the other thread then
waits for the GIL between two numpy calls; measured on 2 CPUs both running
another process, 10^8 uint8 answers took 42.6 ms in two threads against 19.2
ms in one. So a busy machine counts in one thread. A helper that loses its
CPU during the call anyway takes fewer parts (the calling thread never waits
for it to start), holding at most the part it took.
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

__all__ = ["MIN_PARALLEL", "MIN_PART", "PART", "busy_cpus", "count_in_parts", "usable_cpus"]

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

_LOADAVG = "/proc/loadavg"
_TASKS = "/proc/self/task"

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


def busy_cpus() -> int:
    """CPUs that threads of other processes want right now (0 where the OS does not say).

    Linux's ``/proc/loadavg`` has, in its fourth field (``running/total``),
    the number of threads of all processes that are runnable at this instant,
    the reading thread included. Runnable threads of this process (the
    caller, and an engine's worker threads that spin for a moment after their
    work, as polars' do) are taken off: they hold no CPU for long, and
    counting them would make every call after a polars query single-threaded.
    """
    try:
        with open(_LOADAVG, encoding="ascii") as file:
            running = int(file.read().split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        return 0
    if running <= 1:
        return 0
    return max(0, running - _own_runnable())


def _own_runnable() -> int:
    """Runnable threads of this process (1, the caller, where the OS does not say)."""
    count = 0
    try:
        tasks = os.listdir(_TASKS)
    except OSError:
        return 1
    for task in tasks:
        try:
            with open(
                os.path.join(_TASKS, task, "stat"), encoding="ascii", errors="replace"
            ) as file:
                stat = file.read()
        except OSError:  # a thread that ended meanwhile
            continue
        # "pid (name) state ...": the name may hold spaces and parentheses
        close = stat.rfind(")")
        count += stat[close + 2 : close + 3] == "R"
    return max(1, count)


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
    if n < MIN_PARALLEL:
        return count(values)
    usable = usable_cpus()
    idle = usable - 1 - busy_cpus() if usable > 1 else 0  # besides the calling thread's
    threads = min(1 + max(0, idle), usable, _MAX_THREADS, n // MIN_PART)
    if threads < 2:
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
