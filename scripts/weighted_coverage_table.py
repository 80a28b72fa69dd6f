"""Coverage of weighted intervals and comparisons, Kish versus linearization, by seeded simulation.

Population shares (detractors, passives, promoters) = (0.2, 0.3, 0.5), true
NPS +30. Each answer's weight is a category factor times lognormal noise;
answers are drawn with probability proportional to population share over
category factor, so the weighted estimate is consistent for the population
NPS (the factor is the inverse of a category's relative inclusion
probability). Three kinds of weights:

- uninformative: factor 1 for every category (weights unrelated to answers);
- detractors up-weighted: factor 3 for detractors (they answer less often);
- passives up-weighted: factor 3 for passives.

The lognormal noise's variance is set so that Kish's design effect
``1 + CV^2`` of the weights is 1.5 or 3 in expectation. For each cell
(weights, design effect, n = 100, 300, 1000) REPLICATES samples are drawn
(seed fixed per cell); each gets the default 95% interval (adjusted Wald)
on Kish's effective counts and on the linearization's
(``npskit._stats.effective``, with its small-sample correction), and a 95%
MOVER interval of the difference between two independent samples of the
same design (true difference 0).
Coverage is the share of intervals containing the truth; its Monte Carlo
standard error is ``sqrt(c (1 - c) / REPLICATES)``.

Writes docs/explanation/weighted-coverage-table.md (included by "Choosing an
interval method"). Takes about a minute. Run from the repository root:

    .venv/bin/python scripts/weighted_coverage_table.py
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

import numpy as np

from npskit._compare.arrays import compare_arrays
from npskit._intervals.arrays import interval_arrays
from npskit._stats.effective import kish_effective_counts, linearized_effective_counts

SHARES = np.array([0.2, 0.3, 0.5])
TRUE_NPS = 100.0 * (SHARES[2] - SHARES[0])
FACTORS = {
    "uninformative": np.array([1.0, 1.0, 1.0]),
    "detractors x3": np.array([3.0, 1.0, 1.0]),
    "passives x3": np.array([1.0, 3.0, 1.0]),
}
DESIGN_EFFECTS = (1.5, 3.0)
SIZES = (100, 300, 1000)
REPLICATES = 4000
LEVEL = 0.95
OUT = Path(__file__).resolve().parent.parent / "docs" / "explanation"


def noise_sigma(factors: Any, design_effect: float) -> float:
    """Lognormal sigma giving Kish's design effect ``design_effect`` in expectation.

    With independent multiplicative noise ``u``, ``E[w^2] / E[w]^2`` is the
    factors' design effect (over the sample's category shares) times
    ``E[u^2] / E[u]^2 = exp(sigma^2)``.
    """
    sample = SHARES / factors
    sample = sample / sample.sum()
    categorical = float(np.sum(sample * factors**2) / np.sum(sample * factors) ** 2)
    return math.sqrt(math.log(design_effect / categorical))


def draw(
    rng: np.random.Generator, factors: Any, sigma: float, n: int, reps: int
) -> tuple[Any, Any]:
    """Weight sums and squared-weight sums per category, ``(reps, 3)`` each."""
    sample = SHARES / factors
    sample = sample / sample.sum()
    category = rng.choice(3, size=(reps, n), p=sample)
    weights = factors[category] * rng.lognormal(-0.5 * sigma**2, sigma, size=(reps, n))
    sums = np.stack([np.where(category == c, weights, 0.0).sum(axis=1) for c in range(3)], 1)
    squares = np.stack([np.where(category == c, weights**2, 0.0).sum(axis=1) for c in range(3)], 1)
    return sums, squares


def covered(low: Any, high: Any, truth: float) -> Any:
    return (low <= truth + 1e-9) & (truth - 1e-9 <= high)


def cell(kind: str, design_effect: float, n: int) -> dict[str, Any]:
    factors = FACTORS[kind]
    sigma = noise_sigma(factors, design_effect)
    seed = [list(FACTORS).index(kind), int(10 * design_effect), n]
    rng = np.random.default_rng(seed)
    sums, squares = draw(rng, factors, sigma, n, REPLICATES)
    other_sums, other_squares = draw(rng, factors, sigma, n, REPLICATES)
    row: dict[str, Any] = {"weights": kind, "deff": design_effect, "n": n}
    row["kish_deff"] = n / float(np.mean(sums.sum(1) ** 2 / squares.sum(1)))
    answers = np.full(REPLICATES, n)
    for name in ("kish", "linearized"):
        if name == "kish":
            counts, other = (
                kish_effective_counts(s, q)[0]
                for s, q in ((sums, squares), (other_sums, other_squares))
            )
        else:
            counts, other = (
                linearized_effective_counts(s, q, answers)[0]
                for s, q in ((sums, squares), (other_sums, other_squares))
            )
        low, high = interval_arrays(counts, confidence_level=LEVEL, interval_method="adjusted-wald")
        row[name] = float(np.mean(covered(low, high, TRUE_NPS)))
        d_low, d_high, _, _ = compare_arrays(
            counts, other, compare_method="mover", confidence_level=LEVEL
        )
        row[f"{name}_difference"] = float(np.mean(covered(d_low, d_high, 0.0)))
    return row


def markdown(rows: list[dict[str, Any]]) -> str:
    se = lambda c: math.sqrt(c * (1 - c) / REPLICATES)  # noqa: E731
    lines = [
        "| weights | design effect | n | Kish deff (mean) | interval, Kish | interval, "
        "linearization | difference, Kish | difference, linearization |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        cells = [
            f"{r[k]:.3f} ± {se(r[k]):.3f}"
            for k in ("kish", "linearized", "kish_difference", "linearized_difference")
        ]
        lines.append(
            f"| {r['weights']} | {r['deff']:g} | {r['n']} | {r['kish_deff']:.2f} | "
            + " | ".join(cells)
            + " |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    rows = [cell(kind, deff, n) for kind in FACTORS for deff in DESIGN_EFFECTS for n in SIZES]
    text = markdown(rows)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "weighted-coverage-table.md").write_text(text)
    print(text, file=sys.stdout)


if __name__ == "__main__":
    main()
