"""adjust_pvalues: hand-worked examples and brute-force definitions of each procedure."""

from __future__ import annotations

import math

import numpy as np
import pytest

from npskit import adjust_pvalues

# Hand-worked family (m = 4). Sorted: 0.005, 0.01, 0.03, 0.04.
#   Bonferroni: 4p = 0.02, 0.04, 0.12, 0.16.
#   Holm: (m - j + 1) p(j) = 4*0.005, 3*0.01, 2*0.03, 1*0.04 = 0.02, 0.03, 0.06, 0.04;
#         running maximum -> 0.02, 0.03, 0.06, 0.06.
#   BH:   m p(j) / j = 0.02, 0.02, 0.04, 0.04; running minimum from the top
#         -> 0.02, 0.02, 0.04, 0.04.
RAW = [0.01, 0.04, 0.03, 0.005]


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("bonferroni", [0.04, 0.16, 0.12, 0.02]),
        ("holm", [0.03, 0.06, 0.06, 0.02]),
        ("benjamini-hochberg", [0.02, 0.04, 0.04, 0.02]),
        ("none", RAW),
    ],
)
def test_hand_worked(method: str, expected: list[float]) -> None:
    adjusted = adjust_pvalues(RAW, p_adjust=method)  # type: ignore[arg-type]
    np.testing.assert_allclose(adjusted, expected, rtol=1e-12)


def test_default_is_holm_and_nan_passes_through_uncounted() -> None:
    # With the NaN not counted, m = 4 and the result is the hand-worked Holm one.
    result = adjust_pvalues([0.01, math.nan, 0.04, 0.03, 0.005])
    assert math.isnan(result[1])
    np.testing.assert_allclose(result[[0, 2, 3, 4]], [0.03, 0.06, 0.06, 0.02])
    assert np.all(np.isnan(adjust_pvalues([math.nan, math.nan])))
    assert adjust_pvalues([]).shape == (0,)


def test_capped_at_one() -> None:
    # Bonferroni: 3 * 0.5 = 1.5 -> 1; Holm: 3 * 0.4 = 1.2 -> 1.
    assert adjust_pvalues([0.5, 0.9, 0.6], p_adjust="bonferroni").tolist() == [1.0, 1.0, 1.0]
    assert adjust_pvalues([0.4, 0.9, 0.6], p_adjust="holm").max() == 1.0


def _holm_rejects(p: np.ndarray, alpha: float) -> np.ndarray:
    """Holm's step-down procedure at level alpha, as Holm (1979) states it."""
    m = len(p)
    order = np.argsort(p)
    rejected = np.zeros(m, dtype=bool)
    for j, i in enumerate(order):
        if p[i] <= alpha / (m - j):
            rejected[i] = True
        else:
            break
    return rejected


def _bh_rejects(p: np.ndarray, alpha: float) -> np.ndarray:
    """Benjamini-Hochberg step-up: reject the k smallest, k the largest j with p(j) <= j a / m."""
    m = len(p)
    order = np.argsort(p)
    k = 0
    for j in range(1, m + 1):
        if p[order[j - 1]] <= j * alpha / m:
            k = j
    rejected = np.zeros(m, dtype=bool)
    rejected[order[:k]] = True
    return rejected


def _bonferroni_rejects(p: np.ndarray, alpha: float) -> np.ndarray:
    return p <= alpha / len(p)


@pytest.mark.parametrize(
    ("method", "rejects"),
    [
        ("holm", _holm_rejects),
        ("benjamini-hochberg", _bh_rejects),
        ("bonferroni", _bonferroni_rejects),
    ],
)
def test_adjusted_pvalue_is_smallest_level_that_rejects(method: str, rejects: object) -> None:
    # The adjusted p-value of H_i is the smallest alpha at which the procedure
    # rejects H_i. Brute force: scan a fine grid of alpha and record when each
    # hypothesis is first rejected; compare with the closed forms.
    rng = np.random.default_rng(20240601)
    grid = np.linspace(0.0, 1.0, 2001)
    for _ in range(12):
        m = int(rng.integers(1, 9))
        p = np.round(rng.uniform(0, 0.3, m) ** 1.5, 4)  # rounding makes ties likely
        first = np.full(m, 1.0)
        for alpha in grid[::-1]:
            hit = rejects(p, alpha)  # type: ignore[operator]
            first[hit] = alpha
        got = adjust_pvalues(p, p_adjust=method)  # type: ignore[arg-type]
        # The grid step is 5e-4: the first rejecting grid point is within one step.
        assert np.all(got <= first + 1e-12)
        assert np.all(first - got < 5e-4 + 1e-12)


def test_monotone_in_raw_pvalues() -> None:
    rng = np.random.default_rng(7)
    for method in ("holm", "benjamini-hochberg", "bonferroni"):
        p = rng.uniform(size=30)
        adjusted = adjust_pvalues(p, p_adjust=method)  # type: ignore[arg-type]
        order = np.argsort(p)
        assert np.all(np.diff(adjusted[order]) >= 0)
        assert np.all(adjusted >= p)
        assert np.all(adjusted <= 1)


def test_errors() -> None:
    with pytest.raises(ValueError, match="p_adjust must be one of"):
        adjust_pvalues([0.1], p_adjust="hochberg")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"\[0, 1\].*1.5 at position 1"):
        adjust_pvalues([0.1, 1.5])
    with pytest.raises(ValueError, match="one-dimensional"):
        adjust_pvalues([[0.1, 0.2]])
    with pytest.raises(TypeError, match="pvalues must be numbers"):
        adjust_pvalues(["a"])
    with pytest.raises(ValueError, match="inf"):
        adjust_pvalues([math.inf])


@pytest.mark.parametrize("method", ["holm", "benjamini-hochberg", "bonferroni", "none"])
def test_repeated_pvalues_are_the_written_out_family(method: str) -> None:
    from npskit._stats.multiplicity import adjust_repeated_pvalues

    rng = np.random.default_rng(4)
    pvalues = np.round(rng.uniform(0, 0.2, 300), 3)  # ties between entries too
    pvalues[[3, 50]] = math.nan
    repeats = rng.integers(1, 6, len(pvalues))
    written_out = adjust_pvalues(np.repeat(pvalues, repeats), p_adjust=method)  # type: ignore[arg-type]
    adjusted = adjust_repeated_pvalues(pvalues, repeats, method)  # type: ignore[arg-type]
    assert np.array_equal(np.repeat(adjusted, repeats), written_out, equal_nan=True)
