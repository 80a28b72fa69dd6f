"""FlagCounter against a count in plain Python, at the edges of its rows of words.

The counter sums rows of 255 words of 8 flags each, bytewise; the risks are a
carry crossing a byte (255 ones in one byte of a row), padding after the flags
that is not zero (a longer earlier fill, then :meth:`shorten`), and lengths
just off a row.
"""

from __future__ import annotations

import numpy as np
import pytest

from npskit._counting import flags as _flags
from npskit._counting.flags import SPAN, FlagCounter


@pytest.fixture(params=[False, True], ids=["default", "rows-always"])
def rows_always(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Run each test with the default cut-over and with rows for every length."""
    if request.param:
        monkeypatch.setattr(_flags, "MIN_ROWS", 0)
    return bool(request.param)


LENGTHS = [0, 1, 7, 8, 9, SPAN - 1, SPAN, SPAN + 1, 3 * SPAN + 5, _flags.MIN_ROWS + 3]


@pytest.mark.usefixtures("rows_always")
@pytest.mark.parametrize("length", LENGTHS)
def test_count_equals_a_python_count(length: int) -> None:
    rng = np.random.default_rng(length)
    counter = FlagCounter(length)
    for share in (0.0, 0.3, 1.0):
        counter.flags[:] = rng.random(length) < share
        assert counter.count() == sum(counter.flags.tolist())


@pytest.mark.usefixtures("rows_always")
def test_all_ones_do_not_carry_between_bytes() -> None:
    # every byte of every row sum reaches 255, the most a byte holds
    counter = FlagCounter(4 * SPAN)
    counter.flags[:] = True
    assert counter.count() == 4 * SPAN


@pytest.mark.usefixtures("rows_always")
@pytest.mark.parametrize("short", [0, 1, SPAN - 1, SPAN, 2 * SPAN + 3])
def test_shorten_forgets_the_flags_past_the_new_end(short: int) -> None:
    counter = FlagCounter(3 * SPAN)
    counter.flags[:] = True
    counter.shorten(short)
    assert len(counter.flags) == short
    assert counter.count() == short
    counter.flags[::2] = False
    assert counter.count() == short // 2


def test_the_default_cut_over_counts_long_buffers_by_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a long buffer takes the row path: break count_nonzero to prove it
    counter = FlagCounter(_flags.MIN_ROWS)
    counter.flags[::3] = True
    monkeypatch.setattr(_flags.np, "count_nonzero", None)
    assert counter.count() == len(range(0, _flags.MIN_ROWS, 3))
