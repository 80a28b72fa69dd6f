"""Counting in parts on several threads gives the single-threaded counts and errors exactly."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import npskit
from npskit._core.errors import InvalidScoresError, MissingAnswersError
from npskit._counting import parallel

pytestmark = pytest.mark.property


@contextmanager
def tiny_parts(cpus: int = 4) -> Iterator[None]:
    """Split arrays of a few answers over threads, as 10^8 answers are."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parallel, "MIN_PARALLEL", 8)
        patch.setattr(parallel, "MIN_PART", 2)
        patch.setattr(parallel, "PART", 25)
        patch.setattr(parallel, "usable_cpus", lambda: cpus)
        patch.setattr(parallel, "busy_cpus", lambda: 0)
        yield


def _plain_counts(values: list[float]) -> tuple[int, int, int, int]:
    """Detractors, passives, promoters, missing: the definition, in plain Python."""
    present = [v for v in values if v == v]
    detractors = sum(v <= 6 for v in present)
    promoters = sum(v >= 9 for v in present)
    return detractors, len(present) - detractors - promoters, promoters, len(values) - len(present)


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.one_of(st.integers(0, 10), st.none()), min_size=0, max_size=120),
    dtype=st.sampled_from(["uint8", "int8", "int16", "int64", "uint64", "float32", "float64"]),
)
def test_threaded_counts_equal_the_definition(values: list[int | None], dtype: str) -> None:
    if np.dtype(dtype).kind != "f":
        values = [v for v in values if v is not None]
    array = np.array([np.nan if v is None else v for v in values], dtype=dtype)
    with tiny_parts():
        t = npskit.tally(array)
    floats = [float("nan") if v is None else float(v) for v in values]
    assert (t.detractors, t.passives, t.promoters, t.n_missing) == _plain_counts(floats)


@settings(max_examples=100, deadline=None)
@given(
    values=st.lists(st.integers(0, 10), min_size=8, max_size=100),
    bad=st.lists(
        st.tuples(st.integers(0, 99), st.sampled_from([11.0, -1.0, 2.5, np.inf])),
        min_size=1,
        max_size=5,
    ),
)
def test_threaded_errors_equal_the_single_threaded_ones(
    values: list[int], bad: list[tuple[int, float]]
) -> None:
    array = np.array(values, dtype=np.float64)
    for position, value in bad:
        array[position % len(array)] = value
    with pytest.raises(InvalidScoresError) as single:
        npskit.tally(array)
    with tiny_parts(), pytest.raises(InvalidScoresError) as threaded:
        npskit.tally(array)
    assert str(threaded.value) == str(single.value)
    assert threaded.value.positions == single.value.positions


def test_missing_answers_in_a_later_part_raise_as_before() -> None:
    array = np.array([9.0] * 50 + [np.nan] + [3.0] * 10)
    with (
        tiny_parts(),
        pytest.raises(MissingAnswersError, match=r"1 missing answer \(first at position 50: nan\)"),
    ):
        npskit.tally(array, nan_policy="raise")


def test_integer_out_of_range_in_the_last_part() -> None:
    array = np.array([10] * 40 + [12], dtype=np.int64)
    with tiny_parts(), pytest.raises(InvalidScoresError, match="position 40"):
        npskit.tally(array)


def test_one_cpu_counts_in_the_calling_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_PARALLEL", 8)
    monkeypatch.setattr(parallel, "MIN_PART", 2)
    monkeypatch.setattr(parallel, "usable_cpus", lambda: 1)
    calls: list[int] = []
    assert parallel.count_in_parts(
        np.arange(100), lambda part: (calls.append(len(part)) or 1,)
    ) == (1,)
    assert calls == [100]


def test_parts_cover_the_array_once() -> None:
    seen: list[tuple[int, int]] = []

    def count(part: np.ndarray) -> tuple[int, int]:
        seen.append((int(part[0]), len(part)))
        return int(part.sum()), len(part)

    with tiny_parts():
        assert parallel.count_in_parts(np.arange(101), count) == (sum(range(101)), 101)
    # 101 answers in parts of about PART = 25: five parts, more than the threads
    assert sorted(seen) == [(0, 20), (20, 20), (40, 20), (60, 20), (80, 21)]


def test_usable_cpus_is_positive() -> None:
    assert parallel.usable_cpus() >= 1


def _fake_proc(tmp_path: Path, loadavg: str, states: list[str]) -> tuple[str, str]:
    """A /proc/loadavg and a /proc/self/task with one thread per state."""
    path = tmp_path / "loadavg"
    path.write_text(loadavg, encoding="ascii")
    tasks = tmp_path / "task"
    for tid, state in enumerate(states, start=100):
        (tasks / str(tid)).mkdir(parents=True)
        name = "(a (tricky) name)" if tid == 100 else "(python)"
        (tasks / str(tid) / "stat").write_text(f"{tid} {name} {state} 1 2 3\n", encoding="ascii")
    return str(path), str(tasks)


@pytest.mark.parametrize(
    ("loadavg", "states", "busy"),
    [
        ("0.52 0.41 0.30 1/108 32003\n", ["R"], 0),  # only the reading thread runs
        ("3.10 2.00 1.50 3/112 32091\n", ["R", "S"], 2),  # two other processes
        ("3.10 2.00 1.50 3/112 32091\n", ["R", "R", "R", "S"], 0),  # our own threads
        ("3.10 2.00 1.50 4/112 32091\n", ["R", "R", "S"], 2),
        ("0.00 0.00 0.00 0/90 1\n", ["R"], 0),
        ("garbage\n", ["R"], 0),
        ("1.0 1.0 1.0 x/12 3\n", ["R"], 0),
    ],
)
def test_busy_cpus_counts_runnable_threads_of_other_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loadavg: str, states: list[str], busy: int
) -> None:
    path, tasks = _fake_proc(tmp_path, loadavg, states)
    monkeypatch.setattr(parallel, "_LOADAVG", path)
    monkeypatch.setattr(parallel, "_TASKS", tasks)
    assert parallel.busy_cpus() == busy


def test_busy_cpus_without_the_task_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, _ = _fake_proc(tmp_path, "2.0 2.0 2.0 3/100 5\n", [])
    monkeypatch.setattr(parallel, "_LOADAVG", path)
    monkeypatch.setattr(parallel, "_TASKS", str(tmp_path / "absent"))
    assert parallel.busy_cpus() == 2  # the caller alone is ours


def test_busy_cpus_without_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "_LOADAVG", str(tmp_path / "absent"))
    assert parallel.busy_cpus() == 0


@pytest.mark.parametrize(("cpus", "busy", "threads"), [(4, 0, 4), (4, 1, 3), (4, 3, 1), (2, 5, 1)])
def test_only_idle_cpus_count(cpus: int, busy: int, threads: int) -> None:
    used: set[int] = set()
    gate = threading.Barrier(threads) if threads > 1 else None

    def count(part: np.ndarray) -> tuple[int]:
        if gate is not None and threading.get_ident() not in used:
            used.add(threading.get_ident())
            gate.wait(timeout=5)  # every thread of the call takes a first part
        used.add(threading.get_ident())
        return (len(part),)

    with tiny_parts(cpus=cpus), pytest.MonkeyPatch.context() as patch:
        patch.setattr(parallel, "busy_cpus", lambda: busy)
        assert parallel.count_in_parts(np.arange(1000), count) == (1000,)
    assert len(used) == threads


def test_a_thread_without_a_cpu_leaves_its_parts_to_the_others() -> None:
    # A helper thread that stalls (as one without a CPU on a busy machine)
    # holds at most the part it took; the calling thread counts the rest.
    caller = threading.get_ident()
    stalled = threading.Event()
    counted_by: dict[int, int] = {}

    def count(part: np.ndarray) -> tuple[int]:
        if threading.get_ident() != caller and not stalled.is_set():
            stalled.set()
            time.sleep(0.3)
        counted_by[int(part[0])] = threading.get_ident()
        return (len(part),)

    with tiny_parts(cpus=2):
        assert parallel.count_in_parts(np.arange(1000), count) == (1000,)
    assert len(counted_by) == 40
    assert sum(ident == caller for ident in counted_by.values()) >= 39


def test_one_part_not_vouched_for_makes_the_whole_none() -> None:
    def count(part: np.ndarray) -> tuple[int] | None:
        return None if 500 in part else (len(part),)

    with tiny_parts():
        assert parallel.count_in_parts(np.arange(1000), count) is None
