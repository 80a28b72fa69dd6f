"""Size of the paired methods at the 5% level by seeded simulation; prints a Markdown table.

Null configurations: the same category shares (0.2, 0.3, 0.5) both times and a
within-customer correlation rho (cell probabilities rho * diag(m) + (1 - rho) *
m m'). 20 000 samples per cell; each distinct vector of change counts is tested
once. Used for the table in docs/how-to/paired-surveys.md.

Run: python scripts/paired_size_table.py
"""

from __future__ import annotations

import warnings

import numpy as np

from npskit._compare.paired_methods import paired_test_and_bounds
from npskit._stats.paired_score import CELL_CHANGE, CHANGES

SHARES = np.array([0.2, 0.3, 0.5])
REPS = 20_000
METHODS = ("t", "tango", "wald")


def size(n: int, rho: float, seed: int) -> dict[str, float]:
    cells = rho * np.diag(SHARES) + (1 - rho) * np.outer(SHARES, SHARES)
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(n, cells.ravel(), size=REPS)
    changes = np.stack([draws[:, v == CELL_CHANGE].sum(axis=1) for v in CHANGES], axis=1)
    unique, inverse = np.unique(changes.astype(float), axis=0, return_inverse=True)
    result = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for method in METHODS:
            p = np.array(
                [
                    paired_test_and_bounds(
                        u, None, method, "two-sided", 0.025, rng=None, n_resamples=1
                    )[1]
                    for u in unique
                ]
            )
            result[method] = float(np.mean(p[inverse.ravel()] < 0.05))
    return result


def main() -> None:
    print("| pairs | rho | " + " | ".join(METHODS) + " |")
    print("|---|---|" + "---|" * len(METHODS))
    for n in (20, 50):
        for rho in (0.0, 0.3, 0.6):
            row = size(n, rho, seed=1000 * n + int(10 * rho))
            cells = " | ".join(f"{row[m]:.3f}" for m in METHODS)
            print(f"| {n} | {rho:.1f} | {cells} |")


if __name__ == "__main__":
    main()
