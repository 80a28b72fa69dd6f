"""Exact coverage of the CSAT / CES interval methods, and size of their tests.

Shares (CSAT top-2-box, CES share of easy): every interval of a share depends
on the answers only through the number of hits, which is Binomial(n, p)
whatever the rest of the multinomial over the scale, so the enumeration over
the multinomial reduces exactly to the n + 1 binomial outcomes. Coverage is
computed at p = 0.01, 0.02, ..., 0.99 for n = 10, 30, 100 (two-sided 95%).

Means (CES on 1-7, a 1-5 star average): the t and scaled-Wilson intervals
depend on the answers only through (sum, sum of squares), so the multinomial
is enumerated exactly through the distribution of that pair, built by
convolving n answers (dynamic programming over the two sums). True
distributions: every point of the lattice of step 1/5 on the 1-5 simplex
(126 distributions) and of step 1/3 on the 1-7 simplex (84), edges
included. The bootstrap-t interval depends on the whole histogram and on
resampling, so it is not enumerated (it is checked against the t interval
in the tests).

Tests: the size of the one-sample tests is one minus the coverage of their
dual interval (score test / Wilson, exact binomial / Clopper-Pearson,
t test / t), read from the same tables; the size of the two-sample share
tests (Newcombe, Agresti-Caffo) is enumerated over both binomials at
p0 = p1 on a grid. Writes docs/explanation/csat-ces-coverage-table.md.
Run from the repository root (about five minutes on one core):

    python scripts/metric_coverage_table.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any, get_args

import numpy as np
from scipy.stats import binom

from npskit._intervals.methods import KernelOptions
from npskit._intervals.metric_methods import SHARE_INTERVAL_METHODS
from npskit._stats.mean_interval import (
    Moments,
    scaled_wilson_from_moments,
    t_bounds_from_moments,
)
from npskit._stats.normal import normal_pvalue
from npskit._stats.proportion_difference import agresti_caffo_statistic, newcombe_statistic
from npskit.typing import ShareIntervalMethod

SIZES = (10, 30, 100)
LEVEL = 0.95
ALPHA = (1 - LEVEL) / 2
TOLERANCE = 1e-12
OUT = Path(__file__).resolve().parent.parent / "docs" / "explanation"


def share_rows() -> list[tuple[str, int, float, float, float, float, float]]:
    """(method, n, mean coverage, min, share of p below 0.93, interior min, mean width)."""
    truth = np.round(np.arange(1, 100) / 100, 2)
    interior = (truth >= 0.05) & (truth <= 0.95)
    rows = []
    for method in get_args(ShareIntervalMethod):
        entry = SHARE_INTERVAL_METHODS[method]
        for n in SIZES:
            hits = np.arange(n + 1, dtype=np.float64)
            counts = np.stack([n - hits, hits], axis=1)
            low, high = entry.bounds(counts, np.array([0.0, 1.0]), ALPHA, KernelOptions())
            low, high = np.clip(low, 0, 1), np.clip(high, 0, 1)
            low, high = np.minimum(low, hits / n), np.maximum(high, hits / n)
            pmf = binom.pmf(hits[None, :], n, truth[:, None])  # (truths, outcomes)
            inside = (low[None, :] <= truth[:, None] + TOLERANCE) & (
                truth[:, None] - TOLERANCE <= high[None, :]
            )
            coverage = np.sum(pmf * inside, axis=1)
            width = pmf @ (high - low)
            rows.append(
                (
                    method,
                    n,
                    float(coverage.mean()),
                    float(coverage.min()),
                    float(np.mean(coverage < 0.93)),
                    float(coverage[interior].min()),
                    float(100 * width.mean()),
                )
            )
    return rows


def lattice(points: int, steps: int) -> np.ndarray[Any, Any]:
    """Every distribution on ``points`` answers with shares in multiples of 1/steps."""
    found: list[list[int]] = []

    def walk(prefix: list[int], left: int) -> None:
        if len(prefix) == points - 1:
            found.append([*prefix, left])
            return
        for k in range(left + 1):
            walk([*prefix, k], left - k)

    walk([], steps)
    return np.array(found, dtype=np.float64) / steps


def sums_pmf(shares: np.ndarray[Any, Any], n: int) -> np.ndarray[Any, Any]:
    """P(S1 = a, S2 = b) for n answers u = 0..k-1 with P(u) = shares[u]; S2 = sum u^2.

    The n-fold convolution of one answer's distribution, as the n-th power of
    its two-dimensional discrete Fourier transform on a grid that holds the
    whole support (no wrap-around); rounding leaves errors near 1e-16, and
    negative ones are set to 0. Checked against direct enumeration in
    tests/intervals/test_metric_coverage.py.
    """
    k = len(shares)
    size = ((k - 1) * n + 1, (k - 1) ** 2 * n + 1)
    one = np.zeros(size)
    for u, share in enumerate(shares):
        one[u, u * u] = share
    transform = np.fft.rfft2(one) ** n
    pmf = np.fft.irfft2(transform, s=size)
    return np.where(pmf > 1e-300, pmf, 0.0)


def mean_rows(points: int, steps: int) -> list[tuple[str, int, float, float, float, float, float]]:
    truths = lattice(points, steps)
    span = points - 1
    result = []
    for n in SIZES:
        start = time.time()
        a = np.arange(span * n + 1, dtype=np.float64)
        b = np.arange(span**2 * n + 1, dtype=np.float64)
        mean = a[:, None] / n
        with np.errstate(invalid="ignore"):
            variance = (b[None, :] - a[:, None] ** 2 / n) / (n - 1)
        feasible = variance >= -1e-9
        stats = Moments(
            np.full(variance.shape, float(n)), mean + 0 * b[None, :], np.maximum(variance, 0.0)
        )
        bounds = {
            "t": t_bounds_from_moments(stats, 0.0, float(span), ALPHA),
            "scaled-wilson": scaled_wilson_from_moments(stats, 0.0, float(span), ALPHA),
        }
        coverage = {name: [] for name in bounds}
        width = {name: [] for name in bounds}
        for shares in truths:
            pmf = sums_pmf(shares, n) * feasible
            mu = float(shares @ np.arange(points))
            for name, (low, high) in bounds.items():
                low, high = np.clip(low, 0, span), np.clip(high, 0, span)
                inside = (low <= mu + TOLERANCE) & (mu - TOLERANCE <= high)
                coverage[name].append(float(np.sum(pmf * inside)))
                width[name].append(float(np.sum(pmf * (high - low))))
        spread = np.array([np.count_nonzero(s) > 1 for s in truths])
        for name in bounds:
            c = np.array(coverage[name])
            result.append(
                (
                    name,
                    n,
                    float(c[spread].mean()),
                    float(c[spread].min()),
                    float(np.mean(c[spread] < 0.93)),
                    float(np.mean(c[~spread])) if (~spread).any() else float("nan"),
                    float(np.mean(width[name])),
                )
            )
        print(f"  1-{points} n={n}: {time.time() - start:.0f} s", file=sys.stderr)
    return result


def two_sample_size() -> list[tuple[str, int, float, float]]:
    """(method, n per group, mean size, max size) of the 5% two-sided test at p0 = p1."""
    truth = np.round(np.arange(5, 96, 5) / 100, 2)
    rows = []
    for n in SIZES:
        hits = np.arange(n + 1, dtype=np.float64)
        x0, x1 = np.meshgrid(hits, hits, indexing="ij")
        for name, statistic in (
            ("newcombe", newcombe_statistic),
            ("agresti-caffo", agresti_caffo_statistic),
        ):
            z = statistic(x0.ravel(), float(n), x1.ravel(), float(n))
            reject = np.asarray(normal_pvalue(z, "two-sided")) < 0.05
            sizes = []
            for p in truth:
                pmf = binom.pmf(hits, n, p)
                joint = np.outer(pmf, pmf).ravel()
                sizes.append(float(joint @ reject))
            rows.append((name, n, float(np.mean(sizes)), float(np.max(sizes))))
    return rows


def main() -> None:
    shares = share_rows()
    print("shares done", file=sys.stderr)
    five = mean_rows(5, 5)
    seven = mean_rows(7, 3)
    sizes = two_sample_size()
    lines = [
        "#### Shares (CSAT top-2-box, CES share of easy): exact binomial enumeration, "
        "true share 0.01 to 0.99",
        "",
        "| method | n | mean coverage | min coverage | shares below 0.93 | "
        "min for 0.05 <= p <= 0.95 | mean width (points) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| `{m}` | {n} | {mean:.3f} | {low:.3f} | {100 * below:.0f}% | {inner:.3f} | {w:.1f} |"
        for m, n, mean, low, below, inner, w in shares
    ]
    for title, rows in (("1-5 scale, 126 true distributions", five), ("1-7 scale, 84", seven)):
        lines += [
            "",
            f"#### Means, {title}: exact enumeration of (sum, sum of squares)",
            "",
            "| method | n | mean coverage | min coverage | distributions below 0.93 | "
            "one-point distributions | mean width (scale) |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        lines += [
            f"| `{m}` | {n} | {mean:.3f} | {low:.3f} | {100 * below:.0f}% | {point:.3f} | {w:.2f} |"
            for m, n, mean, low, below, point, w in rows
        ]
    lines += [
        "",
        "#### Size of the two-sample share tests at 5% (p0 = p1 = 0.05, 0.10, ..., 0.95)",
        "",
        "| method | n per group | mean size | largest size |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| `{m}` | {n} | {mean:.4f} | {high:.4f} |" for m, n, mean, high in sizes]
    (OUT / "csat-ces-coverage-table.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
