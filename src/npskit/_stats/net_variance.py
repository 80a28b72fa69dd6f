"""The variance of one answer's net score, and of the NPS of overlapping windows.

An answer scores +1 (promoter), 0 (passive) or -1 (detractor). With shares
``p`` and ``d`` its mean is ``p - d`` and its variance the trinomial
``p + d - (p - d)^2``; the NPS of ``n`` independent answers (as a share) has
variance ``(p + d - (p - d)^2) / n``.

Two windows ``A`` and ``B`` that overlap share answers. Split them into three
disjoint parts: ``A`` only (``n_a`` answers, score sum ``S_a``), both
(``n_c``, ``S_c``) and ``B`` only (``n_b``, ``S_b``), so ``N_A = n_a + n_c``
and ``N_B = n_b + n_c``. Then

``NPS_A - NPS_B = S_a / N_A - S_b / N_B + S_c (1 / N_A - 1 / N_B)``

and, the three sums being independent with variances ``n_k sigma_k^2``,

``Var(NPS_A - NPS_B) = n_a sigma_a^2 / N_A^2 + n_b sigma_b^2 / N_B^2
+ n_c sigma_c^2 (1 / N_A - 1 / N_B)^2``.

Shared answers cancel out exactly when the windows are equally large; treating
the windows as independent would add ``n_c sigma_c^2 (1/N_A^2 + 1/N_B^2)``
instead and make the test too cautious (and, with unequal windows, wrong).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["net_variance", "overlap_difference_variance"]

Floats = npt.NDArray[np.float64]


def net_variance(d: Any, p: Any) -> Floats:
    """Variance of one answer's net score from detractor and promoter shares.

    ``p + d - (p - d)^2``, elementwise, never below 0 (rounding). Shares,
    not points; multiply by ``100^2`` for points squared.
    """
    d_, p_ = np.asarray(d, dtype=np.float64), np.asarray(p, dtype=np.float64)
    result: Floats = np.maximum(p_ + d_ - (p_ - d_) ** 2, 0.0)
    return result


def overlap_difference_variance(
    only_a: Any,
    shared: Any,
    only_b: Any,
) -> Floats:
    """Variance (shares squared) of ``NPS_A - NPS_B`` for windows sharing answers.

    Each argument holds counts (detractors, passives, promoters) in its last
    axis: the answers in ``A`` only, in both windows, and in ``B`` only. Each
    part's variance per answer is its own trinomial variance (plug-in); a
    part without answers contributes nothing. Vectorised over leading axes.
    """
    parts = [np.asarray(x, dtype=np.float64) for x in (only_a, shared, only_b)]
    sizes = [x.sum(axis=-1) for x in parts]
    variances = []
    for counts, size in zip(parts, sizes, strict=True):
        with np.errstate(invalid="ignore", divide="ignore"):
            shares = np.where(size[..., None] > 0, counts / size[..., None], 0.0)
        variances.append(net_variance(shares[..., 0], shares[..., 2]))
    n_a, n_c, n_b = sizes
    big_a, big_b = n_a + n_c, n_b + n_c
    with np.errstate(invalid="ignore", divide="ignore"):
        inv_a = np.where(big_a > 0, 1.0 / big_a, np.nan)
        inv_b = np.where(big_b > 0, 1.0 / big_b, np.nan)
    result: Floats = (
        n_a * variances[0] * inv_a**2
        + n_b * variances[2] * inv_b**2
        + n_c * variances[1] * (inv_a - inv_b) ** 2
    )
    return result
