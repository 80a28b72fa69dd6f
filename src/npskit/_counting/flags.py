"""Counting the true entries of a boolean buffer fast: :class:`FlagCounter`.

``np.count_nonzero`` on a long boolean array runs at about half the speed of
a plain sum of 64-bit integers. The counter owns a boolean buffer padded to
a multiple of 255 words of 8 bytes, views it as rows of 255 ``uint64`` words
and sums each row: every byte of a row's sum adds 255 flags of 0 or 1 at
most, so no carry crosses a byte, and the bytes of the row sums add up to
the count (in any byte order). The padding after the flags is kept at zero.
Short buffers, where the two calls cost more than they save, are counted
with ``np.count_nonzero``. A counter is made per call and never shared, so
concurrent calls from several threads are safe.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["SPAN", "FlagCounter"]

_ROW = 255  # words per row: a byte of their sum holds 255 ones
SPAN = _ROW * 8
"""Flags per row; the buffer is padded to a multiple of it."""

MIN_ROWS = 1 << 19
"""Shortest ``flags`` counted by rows (shorter ones by ``np.count_nonzero``).

Rows win clearly on the 2 MiB blocks of one-byte answers; on the 256 Ki
flags of a block of int64 or float64 answers, counted on two threads, they
measured slower than ``np.count_nonzero``."""


class FlagCounter:
    """A boolean buffer ``flags`` of a given length, and :meth:`count` of its true entries.

    Write the flags into ``flags`` (for instance as the ``out`` of a
    comparison), then call :meth:`count`.
    """

    __slots__ = ("_buffer", "_rows", "_sums", "flags")

    def __init__(self, length: int) -> None:
        self._buffer = np.zeros(-(-length // SPAN) * SPAN, dtype=np.bool_)
        self._rows = self._buffer.view(np.uint64).reshape(-1, _ROW)
        self._sums = np.empty(len(self._rows), dtype=np.uint64)
        self.flags: npt.NDArray[np.bool_] = self._buffer[:length]

    def shorten(self, length: int) -> None:
        """Make ``flags`` its first ``length`` entries (for a short last block)."""
        self._buffer[length:] = False
        self.flags = self._buffer[:length]

    def count(self) -> int:
        """The number of true entries of ``flags``."""
        if len(self.flags) < MIN_ROWS:
            return int(np.count_nonzero(self.flags))
        np.add.reduce(self._rows, axis=1, out=self._sums)
        return int(np.add.reduce(self._sums.view(np.uint8), dtype=np.uint64))
