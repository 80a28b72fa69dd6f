"""The registry of methods comparing two NPS of the same respondents.

``PAIRED_METHODS`` maps every name of :data:`npskit.typing.PairedMethod` to
one :class:`PairedMethodEntry`. Every kernel works on the counts of the five
change scores (and, for the bootstrap, the 9 transition cells) and returns
``(statistic, pvalue, lower, upper)``, the bounds as shares with tail
``alpha`` each; the kernels live in :mod:`npskit._stats.paired_score` and
:mod:`npskit._stats.paired_moments`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._stats.paired_moments import paired_bootstrap, paired_t, paired_wald
from npskit._stats.paired_score import score_bounds
from npskit.typing import PairedMethod

__all__ = [
    "DEFAULT_PAIRED_METHOD",
    "PAIRED_METHODS",
    "PairedMethodEntry",
    "paired_test_and_bounds",
]

DEFAULT_PAIRED_METHOD: PairedMethod = "t"
"""The paired method :func:`npskit.compare` uses with ``paired=True`` unless told otherwise."""

Floats = npt.NDArray[np.float64]

PairedKernel = Callable[
    [Floats, Any, str, float, "np.random.Generator | None", int], tuple[float, float, float, float]
]
"""``(change_counts, cells, alternative, alpha, rng, n_resamples) -> (z, pvalue, lo, hi)``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PairedMethodEntry:
    """One paired method: its kernel, what it needs, and its source."""

    kernel: PairedKernel
    citation: str
    resamples: bool = False
    collapses_when_degenerate: bool = True
    minimum_pairs: int = 1


def _bootstrap(
    counts: Floats,
    cells: Any,
    alternative: str,
    alpha: float,
    rng: np.random.Generator | None,
    n_resamples: int,
) -> tuple[float, float, float, float]:
    generator = np.random.default_rng(rng)
    return paired_bootstrap(cells, alternative, alpha, rng=generator, n_resamples=n_resamples)


PAIRED_METHODS: dict[str, PairedMethodEntry] = {
    "t": PairedMethodEntry(
        kernel=lambda counts, cells, side, alpha, rng, b: paired_t(counts, side, alpha),
        minimum_pairs=2,
        citation="Student (1908), doi:10.1093/biomet/6.1.1",
    ),
    "tango": PairedMethodEntry(
        kernel=lambda counts, cells, side, alpha, rng, b: score_bounds(counts, side, alpha),
        collapses_when_degenerate=False,
        citation="Lang (2008) score interval; Tango (1998) for change scores -1, 0, 1",
    ),
    "wald": PairedMethodEntry(
        kernel=lambda counts, cells, side, alpha, rng, b: paired_wald(counts, side, alpha),
        citation="Wald interval with the multinomial maximum likelihood variance",
    ),
    "bootstrap-percentile": PairedMethodEntry(
        kernel=_bootstrap,
        resamples=True,
        citation="percentile bootstrap of respondents; Hall & Wilson (1991) p-value",
    ),
}
"""Every paired method by name; the keys are exactly ``get_args(PairedMethod)``."""


def paired_test_and_bounds(
    counts: Floats,
    cells: Any,
    compare_method: PairedMethod,
    alternative: str,
    alpha: float,
    *,
    rng: np.random.Generator | None,
    n_resamples: int,
) -> tuple[float, float, float, float]:
    """``(statistic, pvalue, lower, upper)`` of ``compare_method``; bounds with tail ``alpha``."""
    entry = PAIRED_METHODS[compare_method]
    return entry.kernel(counts, cells, alternative, alpha, rng, n_resamples)
