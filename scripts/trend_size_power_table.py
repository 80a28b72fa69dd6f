"""Size and power of trend's linear-trend test, by seeded simulation.

For 4 and 12 periods of 20, 50 and 200 answers each, REPLICATES series are
drawn (one numpy seed per cell) and tested at the 5% level two-sided with

- the test npskit uses (``npskit._trend.series_tests.null_trend``): the
  least-squares slope weighted by the variance under H0, from the pooled
  shares;
- the test it replaced: weights from each period's own estimated variance,
  taken as known (a period with all answers in one category gets the pooled
  variance).

Size: every period has the same shares (three configurations). Power: the
NPS rises linearly by 10 or 20 points from the first period to the last
(detractors give half of the change to promoters), from shares
0.2/0.3/0.5. The Monte Carlo standard error of a rate r is
sqrt(r (1 - r) / REPLICATES) (0.0015 at r = 0.05).

Writes docs/explanation/trend-size-power-table.md (included by "Comparing
periods"). Takes under a minute. Run from the repository root:

    .venv/bin/python scripts/trend_size_power_table.py
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import ndtr

from npskit._trend.series_tests import null_trend

PERIODS = (4, 12)
SIZES = (20, 50, 200)
NULLS = ((0.05, 0.15, 0.8), (0.2, 0.3, 0.5), (0.3, 0.4, 0.3))
CHANGES = (10, 20)  # points, first period to last
REPLICATES = 20_000
ALPHA = 0.05
OUT = Path(__file__).resolve().parent.parent / "docs" / "explanation"


def own_variance_pvalue(counts: Any, index: Any) -> Any:
    """The replaced test: WLS slope with each period's own variance taken as known."""
    n = counts.sum(axis=-1)
    shares = counts / n[..., None]
    theta = shares[..., 2] - shares[..., 0]
    spread = shares[..., 2] + shares[..., 0] - theta**2
    pooled = counts.sum(axis=-2) / n.sum(axis=-1)[..., None]
    pooled_spread = pooled[..., 2] + pooled[..., 0] - (pooled[..., 2] - pooled[..., 0]) ** 2
    spread = np.where(spread > 1e-15, spread, pooled_spread[..., None])
    w = n / spread
    centre = np.sum(w * theta, axis=-1) / np.sum(w, axis=-1)
    t_bar = np.sum(w * index, axis=-1) / np.sum(w, axis=-1)
    dt = index - t_bar[..., None]
    sxx = np.sum(w * dt**2, axis=-1)
    slope = np.sum(w * dt * (theta - centre[..., None]), axis=-1) / sxx
    z = slope * np.sqrt(sxx)
    return np.where(np.isfinite(z), 2 * ndtr(-np.abs(z)), 1.0)


def null_pvalue(counts: Any, index: Any) -> Any:
    slope, se = null_trend(counts, index)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = slope / se
    return np.where(np.isfinite(z), 2 * ndtr(-np.abs(z)), 1.0)


def rates(shares: Any, n: int, seed: list[int]) -> tuple[float, float]:
    """Rejection rates (npskit's test, the replaced one) for per-period ``shares`` (k, 3)."""
    rng = np.random.default_rng(seed)
    k = len(shares)
    counts = np.stack(
        [rng.multinomial(n, shares[i], size=REPLICATES) for i in range(k)], axis=1
    ).astype(np.float64)
    index = np.arange(k, dtype=np.float64)
    return (
        float(np.mean(null_pvalue(counts, index) < ALPHA)),
        float(np.mean(own_variance_pvalue(counts, index) < ALPHA)),
    )


def se(rate: float) -> float:
    return math.sqrt(rate * (1 - rate) / REPLICATES)


def main() -> None:
    size_rows = []
    for j, null in enumerate(NULLS):
        for k in PERIODS:
            shares = np.tile(np.array(null), (k, 1))
            cells = [rates(shares, n, [1, j, k, n]) for n in SIZES]
            size_rows.append((null, k, cells))
    power_rows = []
    for change in CHANGES:
        for k in PERIODS:
            step = change / 100 / (k - 1)
            shift = step * np.arange(k) / 2
            shares = np.column_stack([0.2 - shift, np.full(k, 0.3), 0.5 + shift])
            cells = [rates(shares, n, [2, change, k, n]) for n in SIZES]
            power_rows.append((change, k, cells))
    head = " | ".join(f"n = {n}: npskit | n = {n}: own variances" for n in SIZES)
    lines = [
        "**Size** (no trend; nominal 0.05)",
        "",
        f"| shares d / s / p | periods | {head} |",
        "|---|---:|" + "---:|---:|" * len(SIZES),
    ]
    for null, k, cells in size_rows:
        text = " | ".join(f"{a:.3f} ± {se(a):.3f} | {b:.3f} ± {se(b):.3f}" for a, b in cells)
        lines.append(f"| {null[0]:g} / {null[1]:g} / {null[2]:g} | {k} | {text} |")
    lines += [
        "",
        "**Power** (NPS rises linearly from +30; 5% two-sided)",
        "",
        f"| rise, first to last period | periods | {head} |",
        "|---|---:|" + "---:|---:|" * len(SIZES),
    ]
    for change, k, cells in power_rows:
        text = " | ".join(f"{a:.3f} ± {se(a):.3f} | {b:.3f} ± {se(b):.3f}" for a, b in cells)
        lines.append(f"| {change} points | {k} | {text} |")
    out = "\n".join(lines) + "\n"
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "trend-size-power-table.md").write_text(out)
    print(out)


if __name__ == "__main__":
    main()
