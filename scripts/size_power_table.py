"""Size (type I error) and power of every two-period comparison method.

Two independent periods of n answers each (n = 10, 20, 50, 200), tested
two-sided at the 5% level:

- size: both periods share the true shares (d, s, p), for four null
  configurations;
- power: the current period's NPS is 10 or 20 points away from the
  baseline's (half the change moved between detractors and promoters, as
  ``npskit.power`` does), from two baselines.

"wald", "adjusted-wald" and "mover" are computed EXACTLY: every pair of
trinomial outcomes (outcomes less likely than 1e-15 left out, < 1e-9 of the
mass) is tested with the formulas of ``npskit.compare`` and the rejections
are summed with their probabilities (``npskit._planning.power.exact_rejection``).
"permutation", "bootstrap-percentile" and "bayes" are estimated by seeded simulation:
SIMULATIONS pairs of samples per configuration, each tested exactly as
``npskit.compare`` does (permutation: exact enumeration of the splits up to
20 000 tables, else 2 000 resamples; bootstrap: 2 000 resamples; bayes:
numerical integration, Jeffreys prior, rejecting when the 95% credible
interval excludes 0). Their Monte Carlo standard error is in the CSV and
beside each simulated figure in the table.

At n = 10, where enumeration is affordable, "bootstrap-percentile", "bayes" and
"permutation" are computed EXACTLY too, and "permutation" at n = 20 as well
(``EXACT_AT``): every pair of the 66 x 66 (231 x 231) outcomes is tested once,
and the rejections summed with their probabilities. Permutation: the kernel
enumerates every split of the pooled answers at these sizes, so its p-value is
exact and each pair has one answer. Bayes: the
posterior probability P(current > baseline) by numerical integration, as
``npskit.compare`` computes it. Bootstrap: the ideal percentile bootstrap
(infinitely many resamples), whose distribution of the resampled difference
is enumerated exactly (each period's resampled NPS is a function of a
Multinomial(n, observed shares) draw; the difference is their convolution);
it rejects when twice the smaller of P*(r <= 0) and P*(r >= 0) is below 0.05,
the p-value ``npskit.compare`` estimates with n_resamples draws.

Writes docs/explanation/comparing-periods-table.md (included by the page
"Comparing periods") and docs/explanation/comparing-periods.csv. Takes
several minutes on two cores. Run from the repository root:

    .venv/bin/python scripts/size_power_table.py
"""

from __future__ import annotations

import csv
import math
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from npskit._compare.methods import COMPARE_METHODS, CompareOptions
from npskit._planning.power import exact_rejection, shifted_shares
from npskit._stats.permutation import EXACT_TABLES

SIZES = (10, 20, 50, 200)
LEVEL = 0.95
NULLS = ((0.2, 0.3, 0.5), (0.1, 0.2, 0.7), (0.4, 0.3, 0.3), (0.05, 0.15, 0.8))
ALTERNATIVES = (
    ((0.2, 0.3, 0.5), -10.0),
    ((0.2, 0.3, 0.5), -20.0),
    ((0.4, 0.3, 0.3), 10.0),
    ((0.4, 0.3, 0.3), 20.0),
)
EXACT_METHODS = ("wald", "adjusted-wald", "mover")
SIMULATED_METHODS = ("permutation", "bootstrap-percentile", "bayes")
SIMULATIONS = 1000
EXACT_AT = {10: ("bootstrap-percentile", "bayes", "permutation"), 20: ("permutation",)}
RESAMPLES = 2000
SEED = 20260601
OUT = Path(__file__).resolve().parent.parent / "docs" / "explanation"

Shares = tuple[float, float, float]


def configurations() -> list[tuple[str, Shares, Shares, float]]:
    rows: list[tuple[str, Shares, Shares, float]] = [("size", s, s, 0.0) for s in NULLS]
    for base, shift in ALTERNATIVES:
        rows.append(("power", base, shifted_shares(base, shift), shift))
    return rows


def exact_task(args: tuple[str, int, str, Shares, Shares, float]) -> dict[str, Any]:
    method, n, kind, s0, s1, shift = args
    start = time.perf_counter()
    rate = exact_rejection(method, s0, s1, n, n, confidence_level=LEVEL, alternative="two-sided")
    return row(method, n, kind, s0, s1, shift, rate, "exact", 0, 0.0, time.perf_counter() - start)


def simulated_task(args: tuple[str, int, str, Shares, Shares, float, int]) -> dict[str, Any]:
    method, n, kind, s0, s1, shift, seed = args
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    draws0 = rng.multinomial(n, s0, size=SIMULATIONS).astype(float)
    draws1 = rng.multinomial(n, s1, size=SIMULATIONS).astype(float)
    rejections = 0
    if method == "bayes":
        rejections = bayes_rejections(draws0, draws1)
    else:
        for c0, c1 in zip(draws0, draws1, strict=True):
            t0, t1 = tuple(c0), tuple(c1)
            out = COMPARE_METHODS[method].kernel(
                t0,
                t1,
                (1.0 - LEVEL) / 2.0,
                "two-sided",
                CompareOptions(n_resamples=RESAMPLES, rng=rng),
            )
            rejections += out.pvalue < 1.0 - LEVEL
    rate = rejections / SIMULATIONS
    se = math.sqrt(max(rate * (1 - rate), 0.25 / SIMULATIONS) / SIMULATIONS)
    return row(
        method,
        n,
        kind,
        s0,
        s1,
        shift,
        rate,
        "simulation",
        SIMULATIONS,
        se,
        time.perf_counter() - start,
    )


def outcomes(n: int) -> Any:
    """All (D, S, P) with D + S + P = n, one per row."""
    return np.array(
        [(d, n - d - p, p) for d in range(n + 1) for p in range(n + 1 - d)], dtype=float
    )


def pmf(counts: Any, shares: Shares) -> Any:
    """Trinomial probabilities of every row of ``counts`` under ``shares``."""
    from scipy.special import gammaln, xlogy

    n = counts[0].sum()
    log = gammaln(n + 1) - gammaln(counts + 1).sum(axis=1)
    log = log + sum(xlogy(counts[:, k], shares[k]) for k in range(3))
    return np.exp(log)


def exact_reject_matrix(method: str, n: int) -> Any:
    """Whether each pair (baseline outcome, current outcome) is rejected, two-sided 5%."""
    counts = outcomes(n)
    k = len(counts)
    estimate = (counts[:, 2] - counts[:, 0]) / n
    if method == "bootstrap-percentile":
        # resampled NPS of each outcome: distribution over P* - D* in -n..n
        dist = np.zeros((k, 2 * n + 1))
        for i, c in enumerate(counts):
            dist[i] = np.bincount(
                (counts[:, 2] - counts[:, 0] + n).astype(int),
                weights=pmf(counts, tuple(c / n)),  # type: ignore[arg-type]
                minlength=2 * n + 1,
            )
        reject = np.zeros((k, k), dtype=bool)
        for i in range(k):
            for j in range(k):
                diff = np.convolve(dist[j], dist[i][::-1])  # current - baseline, -2n..2n
                at_most = diff[: 2 * n + 1].sum()
                at_least = diff[2 * n :].sum()
                reject[i, j] = min(1.0, 2.0 * min(at_most, at_least)) < 1.0 - LEVEL
        return reject
    if method == "permutation":
        # Below EXACT_TABLES splits the kernel enumerates every split: its p-value is
        # exact and does not use the generator, so each pair is tested once.
        assert (n + 1) * (n + 2) // 2 <= EXACT_TABLES
        rng = np.random.default_rng(0)
        reject = np.zeros((k, k), dtype=bool)
        for i in range(k):
            for j in range(k):
                out = COMPARE_METHODS["permutation"].kernel(
                    tuple(counts[i]),
                    tuple(counts[j]),
                    (1.0 - LEVEL) / 2.0,
                    "two-sided",
                    CompareOptions(n_resamples=RESAMPLES, rng=rng),
                )
                reject[i, j] = out.pvalue < 1.0 - LEVEL
        return reject
    from npskit._stats.bayes_difference import difference_cdf, posterior

    posts = [posterior(*c, 0.5) for c in counts]
    reject = np.zeros((k, k), dtype=bool)
    for i in range(k):
        for j in range(k):
            greater = 1.0 - difference_cdf(posts[i], posts[j], 0.0)
            lean = np.sign(greater - 0.5)
            agrees = lean == 0 or lean == np.sign(estimate[j] - estimate[i])
            reject[i, j] = min(greater, 1.0 - greater) < (1.0 - LEVEL) / 2.0 and agrees
    return reject


def exact_small_task(args: tuple[str, int]) -> list[dict[str, Any]]:
    method, n = args
    start = time.perf_counter()
    reject = exact_reject_matrix(method, n)
    counts = outcomes(n)
    rows = []
    for kind, s0, s1, shift in configurations():
        rate = float(pmf(counts, s0) @ reject.astype(float) @ pmf(counts, s1))
        rows.append(
            row(method, n, kind, s0, s1, shift, rate, "exact", 0, 0.0, time.perf_counter() - start)
        )
    return rows


def bayes_rejections(draws0: Any, draws1: Any) -> int:
    """Reject when the equal-tailed 95% credible interval excludes 0.

    That is when P(diff > 0) is above 0.975 or below 0.025, which needs one
    evaluation of the posterior distribution function per pair; posteriors
    are cached by counts (the same samples recur often).
    """
    from npskit._stats.bayes_difference import difference_cdf, posterior

    cache: dict[tuple[float, ...], Any] = {}

    def post(counts: Any) -> Any:
        key = tuple(counts)
        if key not in cache:
            cache[key] = posterior(*key, 0.5)
        return cache[key]

    rejections = 0
    for c0, c1 in zip(draws0, draws1, strict=True):
        greater = 1.0 - difference_cdf(post(c0), post(c1), 0.0)
        rejections += min(greater, 1.0 - greater) < (1.0 - LEVEL) / 2.0
    # Check the shortcut against the full method on a few pairs.
    for c0, c1 in list(zip(draws0, draws1, strict=True))[:3]:
        out = COMPARE_METHODS["bayes"].kernel(
            tuple(c0), tuple(c1), (1.0 - LEVEL) / 2.0, "two-sided", CompareOptions(prior=0.5)
        )
        greater = 1.0 - difference_cdf(post(c0), post(c1), 0.0)
        assert (out.low > 0 or out.high < 0) == (min(greater, 1 - greater) < 0.025)
    return rejections


def row(
    method: str,
    n: int,
    kind: str,
    s0: Shares,
    s1: Shares,
    shift: float,
    rate: float,
    computation: str,
    simulations: int,
    se: float,
    seconds: float,
) -> dict[str, Any]:
    return {
        "n_per_period": n,
        "kind": kind,
        "method": method,
        "baseline_d": s0[0],
        "baseline_s": s0[1],
        "baseline_p": s0[2],
        "current_d": round(s1[0], 12),
        "current_s": round(s1[1], 12),
        "current_p": round(s1[2], 12),
        "shift_points": shift,
        "rejection_rate": rate,
        "computation": computation,
        "simulations": simulations,
        "mc_standard_error": se,
        "seconds": round(seconds, 2),
    }


def markdown(rows: list[dict[str, Any]]) -> str:
    methods = EXACT_METHODS + SIMULATED_METHODS
    lines = [
        "Two-sided tests at the 5% level, n answers in each period. Size: mean and "
        "maximum type I error over the four null configurations (same true shares in "
        "both periods). Power: mean rejection rate over the two baselines for a true "
        "change of 10 and of 20 points. Exact enumeration for wald, adjusted-wald and "
        "mover at every n, for bootstrap-percentile (the ideal bootstrap, infinitely "
        "many resamples), bayes and permutation at n = 10 and for permutation at "
        "n = 20 (its p-value enumerates every split); seeded simulation "
        f"({SIMULATIONS} pairs of samples per configuration) otherwise, marked * with "
        "its Monte Carlo standard error after ±. Produced by "
        "`scripts/size_power_table.py`; rounded to 3 decimals.",
        "",
        "| n | method | mean size | max size | power, 10 points | power, 20 points |",
        "|---|---|---|---|---|---|",
    ]
    for n in SIZES:
        for method in methods:
            sub = [r for r in rows if r["n_per_period"] == n and r["method"] == method]
            size = [r["rejection_rate"] for r in sub if r["kind"] == "size"]
            p10 = [r["rejection_rate"] for r in sub if abs(r["shift_points"]) == 10]
            p20 = [r["rejection_rate"] for r in sub if abs(r["shift_points"]) == 20]
            simulated = sub[0]["computation"] == "simulation"
            mark = "*" if simulated else ""
            if simulated:  # Monte Carlo standard errors: of the mean, of the largest cell
                se = {r["rejection_rate"]: r["mc_standard_error"] for r in sub}
                sizes = [r for r in sub if r["kind"] == "size"]
                se_mean = math.sqrt(sum(r["mc_standard_error"] ** 2 for r in sizes)) / len(sizes)
                se_p10 = (
                    math.sqrt(
                        sum(
                            r["mc_standard_error"] ** 2 for r in sub if abs(r["shift_points"]) == 10
                        )
                    )
                    / 2
                )
                se_p20 = (
                    math.sqrt(
                        sum(
                            r["mc_standard_error"] ** 2 for r in sub if abs(r["shift_points"]) == 20
                        )
                    )
                    / 2
                )
                lines.append(
                    f"| {n} | {method}{mark} | {np.mean(size):.3f} ± {se_mean:.3f} "
                    f"| {max(size):.3f} ± {se[max(size)]:.3f} "
                    f"| {np.mean(p10):.3f} ± {se_p10:.3f} | {np.mean(p20):.3f} ± {se_p20:.3f} |"
                )
            else:
                lines.append(
                    f"| {n} | {method}{mark} | {np.mean(size):.3f} | {max(size):.3f} | "
                    f"{np.mean(p10):.3f} | {np.mean(p20):.3f} |"
                )
    lines += [
        "",
        "Type I error by null configuration (true shares d / s / p in both periods):",
        "",
        "| n | method | " + " | ".join("/".join(f"{v:g}" for v in s) for s in NULLS) + " |",
        "|---|---|" + "---|" * len(NULLS),
    ]
    for n in SIZES:
        for method in methods:
            cells = []
            for s in NULLS:
                match = [
                    r
                    for r in rows
                    if r["n_per_period"] == n
                    and r["method"] == method
                    and r["kind"] == "size"
                    and r["baseline_d"] == s[0]
                    and r["baseline_p"] == s[2]
                ]
                if match[0]["computation"] == "simulation":
                    cells.append(
                        f"{match[0]['rejection_rate']:.3f} ± {match[0]['mc_standard_error']:.3f}"
                    )
                else:
                    cells.append(f"{match[0]['rejection_rate']:.3f}")
            simulated = any(
                r["computation"] == "simulation"
                for r in rows
                if r["n_per_period"] == n and r["method"] == method
            )
            mark = "*" if simulated else ""
            lines.append(f"| {n} | {method}{mark} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> int:
    configs = configurations()
    seeds = np.random.SeedSequence(SEED).generate_state(len(SIZES) * len(configs) * 3)
    exact_jobs = [(m, n, *c) for n in SIZES for c in configs for m in EXACT_METHODS]
    sim_jobs = []
    k = 0
    for n in SIZES:
        for c in configs:
            for m in SIMULATED_METHODS:
                if m not in EXACT_AT.get(n, ()):
                    sim_jobs.append((m, n, *c, int(seeds[k])))
                k += 1
    small_jobs = [(m, n) for n, methods in EXACT_AT.items() for m in methods]
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=2) as pool:
        rows = list(pool.map(exact_task, exact_jobs)) + list(pool.map(simulated_task, sim_jobs))
        rows += [r for batch in pool.map(exact_small_task, small_jobs) for r in batch]
    rows.sort(key=lambda r: (r["n_per_period"], r["kind"] == "power", r["method"]))
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "comparing-periods.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    (OUT / "comparing-periods-table.md").write_text(markdown(rows))
    print(f"wrote {len(rows)} rows in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
