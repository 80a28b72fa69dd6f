"""Exact coverage and mean width of every NPS interval method, by enumeration.

For n = 10, 30 and 100 every trinomial outcome (D, S, P) with D + S + P = n is
enumerated once; each method's two-sided 95% interval is computed once per
outcome. The coverage at a true (d, p) is then the sum of the trinomial
probabilities of the outcomes whose interval contains p - d, for every point
of a grid of step 0.05 over the simplex (231 points, edges included), in one
matrix product. The bootstrap methods are enumerated with a fixed seed per
outcome (seed 0, 10 000 resamples), so their figures are the exact coverage of
that seeded procedure.

The default method is chosen on a finer grid: step 0.01 (5151 points), whose
interior (every share at least 0.05, 3741 points) gives the mean and minimum
coverage of docs/explanation/coverage-fine-table.md.

Writes docs/explanation/coverage-table.md (summary, included by the page
"Choosing an interval method"), docs/explanation/coverage-fine-table.md (the
fine grid) and docs/explanation/coverage.csv (every point of the 0.05 grid).
Takes a few minutes on two cores: the exact and Bayesian intervals need
numerical integration. Run from the repository root:

    .venv/bin/python scripts/coverage_table.py
"""

from __future__ import annotations

import csv
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, get_args

import numpy as np
from scipy.special import gammaln, xlogy

from npskit._intervals.methods import KernelOptions, interval_from_counts
from npskit.typing import IntervalMethod

SIZES = (10, 30, 100)
STEP = 0.05
FINE_STEP = 0.01
LEVEL = 0.95
TOLERANCE = 1e-9  # points: a bound equal to the true value (up to rounding) covers it
METHODS: tuple[IntervalMethod, ...] = get_args(IntervalMethod)
OUT = Path(__file__).resolve().parent.parent / "docs" / "explanation"


def outcomes(n: int) -> np.ndarray[Any, Any]:
    """All (D, S, P) with D + S + P = n, one per row."""
    rows = [(d, n - d - p, p) for d in range(n + 1) for p in range(n + 1 - d)]
    return np.array(rows, dtype=np.int64)


def grid(step: float = STEP) -> np.ndarray[Any, Any]:
    """True (d, s, p) on the lattice of the simplex with ``step``, one per row."""
    k = round(1 / step)
    rows = [(i / k, (k - i - j) / k, j / k) for i in range(k + 1) for j in range(k + 1 - i)]
    return np.array(rows)


def probabilities(counts: np.ndarray[Any, Any], truth: np.ndarray[Any, Any]) -> Any:
    """Trinomial probabilities, outcomes by grid points."""
    n = counts[0].sum()
    log_coef = gammaln(n + 1) - gammaln(counts + 1).sum(axis=1)
    log_p = sum(xlogy(counts[:, [k]], truth[None, :, k]) for k in range(3))
    return np.exp(log_coef[:, None] + log_p)


def intervals(task: tuple[str, int]) -> tuple[str, int, Any]:
    """Every outcome's interval (points) for one method and n."""
    method, n = task
    counts = outcomes(n)
    bounds = np.empty((len(counts), 2))
    done: dict[tuple[int, int, int], tuple[float, float]] = {}
    symmetric = not method.startswith("bootstrap")
    for row, (d, s, p) in enumerate(counts):
        if symmetric and (p, s, d) in done:  # mirror: swap promoters and detractors
            low, high = done[(p, s, d)]
            bounds[row] = (-high, -low)
            continue
        low, high = interval_from_counts(
            float(d),
            float(s),
            float(p),
            confidence_level=LEVEL,
            interval_method=method,
            options=KernelOptions(rng=np.random.default_rng(0)),
        )
        bounds[row] = (low, high)
        done[(int(d), int(s), int(p))] = (low, high)
    return method, n, bounds


def main() -> None:
    import warnings

    warnings.simplefilter("ignore")  # Wald and bootstrap warn on one-category outcomes
    truth = grid()
    true_nps = 100 * (truth[:, 2] - truth[:, 0])
    tasks = [(m, n) for n in SIZES for m in METHODS]
    started = time.perf_counter()
    quiet = {"initializer": warnings.simplefilter, "initargs": ("ignore",)}
    with ProcessPoolExecutor(max_workers=2, **quiet) as pool:
        results = list(pool.map(intervals, tasks))
    print(f"intervals computed in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    summary = []
    detail = []
    fine = grid(FINE_STEP)
    fine_interior = fine[np.all(fine >= STEP - 1e-12, axis=1)]
    fine_nps = 100 * (fine_interior[:, 2] - fine_interior[:, 0])
    fine_summary = []
    for method, n, bounds in results:
        weights = probabilities(outcomes(n), fine_interior)
        low, high = bounds[:, [0]], bounds[:, [1]]
        covers = (low - TOLERANCE <= fine_nps[None, :]) & (fine_nps[None, :] <= high + TOLERANCE)
        coverage = (weights * covers).sum(axis=0)
        worst = fine_interior[int(np.argmin(coverage))]
        fine_summary.append(
            {
                "method": method,
                "n": n,
                "mean": coverage.mean(),
                "min": coverage.min(),
                "at": f"{worst[0]:.2f} / {worst[1]:.2f} / {worst[2]:.2f}",
            }
        )
    for method, n, bounds in results:
        weights = probabilities(outcomes(n), truth)
        low, high = bounds[:, [0]], bounds[:, [1]]
        covers = (low - TOLERANCE <= true_nps[None, :]) & (true_nps[None, :] <= high + TOLERANCE)
        coverage = (weights * covers).sum(axis=0)
        width = weights.T @ (bounds[:, 1] - bounds[:, 0])
        interior = np.all(truth >= STEP - 1e-12, axis=1)
        summary.append(
            {
                "method": method,
                "n": n,
                "mean_coverage": coverage.mean(),
                "min_coverage": coverage.min(),
                "share_below_0.93": np.mean(coverage < 0.93),
                "interior_mean": coverage[interior].mean(),
                "interior_min": coverage[interior].min(),
                "mean_width": width.mean(),
            }
        )
        for (d, s, p), c, w in zip(truth, coverage, width, strict=True):
            detail.append(
                {
                    "method": method,
                    "n": n,
                    "detractors": round(d, 2),
                    "passives": round(s, 2),
                    "promoters": round(p, 2),
                    "coverage": f"{c:.6f}",
                    "expected_width": f"{w:.4f}",
                }
            )
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "coverage.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(detail[0]))
        writer.writeheader()
        writer.writerows(detail)
    (OUT / "coverage-table.md").write_text(markdown(summary))
    (OUT / "coverage-fine-table.md").write_text(fine_markdown(fine_summary))
    print(markdown(summary))
    print(fine_markdown(fine_summary))


def fine_markdown(summary: list[dict[str, Any]]) -> str:
    """Interior mean and minimum on the 0.01 grid, one row per method, n across."""
    header = " | ".join(f"n = {n} mean | n = {n} min | n = {n} worst d / s / p" for n in SIZES)
    lines = [f"| method | {header} |", "|---|" + "---:|---:|---|" * len(SIZES)]
    for method in METHODS:
        cells = []
        for n in SIZES:
            row = next(r for r in summary if r["method"] == method and r["n"] == n)
            cells.append(f"{row['mean']:.3f} | {row['min']:.3f} | {row['at']}")
        lines.append(f"| `{method}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def markdown(summary: list[dict[str, Any]]) -> str:
    lines = [
        "| method | n | mean coverage | min coverage | points below 0.93 "
        "| interior mean | interior min | mean width |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines.extend(
        f"| `{row['method']}` | {row['n']} | {row['mean_coverage']:.3f} "
        f"| {row['min_coverage']:.3f} | {100 * row['share_below_0.93']:.0f}% "
        f"| {row['interior_mean']:.3f} | {row['interior_min']:.3f} "
        f"| {row['mean_width']:.1f} |"
        for n in SIZES
        for row in summary
        if row["n"] == n
    )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
