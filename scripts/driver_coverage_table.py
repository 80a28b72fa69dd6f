"""Coverage of npskit's bootstrap intervals of driver importances, by seeded simulation.

The model: three attribute ratings ``x ~ N(0, S)`` with correlations 0.5, 0.3
and 0.2 (two collinear drivers and a weak third), a latent
``7 + 1.5 (0.6 x1 + 0.3 x2 + 0.15 x3) + N(0, 1.6^2)`` and the answer its
rounding clipped to 0..10. The true importances are those of the model, taken
as ``npskit.drivers`` on one sample of 2,000,000 rows (no resampling; their
Monte Carlo error is below 1e-3 of the interval widths). For each sample size
and method, ``REPS`` samples are drawn from one seeded generator and analysed
with ``npskit.drivers(..., n_resamples=RESAMPLES, rng=<child seed>)``; the
table shows the share of 95% intervals that contain the true importance, per
driver, with its Monte Carlo standard error sqrt(c (1 - c) / REPS).

Writes docs/explanation/driver-coverage-table.md (included by the page
"What driver importance means"). Run from the repository root (about 5
minutes on two cores):

    python scripts/driver_coverage_table.py [--reps 300] [--resamples 400]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

import npskit

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "explanation" / "driver-coverage-table.md"
CORRELATION = np.array([[1.0, 0.5, 0.3], [0.5, 1.0, 0.2], [0.3, 0.2, 1.0]])
COEFFICIENTS = np.array([0.6, 0.3, 0.15])
SIZES = (100, 400, 1600)
METHODS = ("relative-weights", "shapley")


def sample(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Answers 0..10 and three ratings from the model of the docstring."""
    x = rng.multivariate_normal(np.zeros(3), CORRELATION, size=n)
    latent = 7.0 + 1.5 * (x @ COEFFICIENTS) + rng.normal(0.0, 1.6, n)
    return np.clip(np.round(latent), 0, 10), x


def truth(method: str) -> np.ndarray:
    answers, x = sample(np.random.default_rng(12345), 2_000_000)
    result = npskit.drivers(answers, x, importance_method=method, n_resamples=0)  # type: ignore[arg-type]
    return np.array([result[f"x{j + 1}"].importance for j in range(3)])


def coverage(n: int, method: str, true: np.ndarray, reps: int, resamples: int, seed: int) -> Any:
    rng = np.random.default_rng(seed)
    seeds = np.random.SeedSequence(seed).spawn(reps)
    hits = np.zeros(3)
    widths = np.zeros(3)
    for rep in range(reps):
        answers, x = sample(rng, n)
        result = npskit.drivers(
            answers,
            x,
            importance_method=method,
            n_resamples=resamples,
            rng=seeds[rep],  # type: ignore[arg-type]
        )
        for j in range(3):
            row = result[f"x{j + 1}"]
            hits[j] += row.low <= true[j] <= row.high
            widths[j] += row.high - row.low
    return hits / reps, widths / reps


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=300)
    parser.add_argument("--resamples", type=int, default=400)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    lines = [
        "| method | n | x1 (true) | x2 (true) | x3 (true) | mean width x1 / x2 / x3 |",
        "|---|---|---|---|---|---|",
    ]
    for method in METHODS:
        true = truth(method)
        for n in SIZES:
            share, width = coverage(n, method, true, args.reps, args.resamples, seed=n)
            cells = [
                f"{100 * c:.1f}% ± {100 * np.sqrt(c * (1 - c) / args.reps):.1f} ({t:.3f})"
                for c, t in zip(share, true, strict=True)
            ]
            widths = " / ".join(f"{w:.3f}" for w in width)
            lines.append(f"| {method} | {n} | {' | '.join(cells)} | {widths} |")
            print(lines[-1], flush=True)
    note = (
        f"\n*{args.reps} samples per row, {args.resamples} bootstrap resamples each, "
        "nominal 95% percentile intervals; ± is one Monte Carlo standard error. "
        "Written by `scripts/driver_coverage_table.py`.*\n"
    )
    OUT.write_text("\n".join(lines) + "\n" + note, encoding="utf-8")
    print(f"wrote {OUT} in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
