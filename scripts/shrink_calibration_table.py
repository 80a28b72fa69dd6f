"""Calibration of ``npskit.shrink``: coverage and ranking, old model and new, simulated.

Scenarios (true shares of detractors, passives, promoters; answers per segment):

- identical shares, 8 segments of 100 answers (the case of issue 13);
- identical shares, 30 segments of 20-500 answers (log-uniform);
- modest spread: 30 segments of 20-500 answers, true shares from
  ``Dirichlet(100 m)`` around ``m = (0.25, 0.30, 0.45)`` (true NPS +20, standard
  deviation between segments about 8 points);
- realistic spread: the same with ``Dirichlet(6, 6, 12)`` (NPS +25, SD about 17);
- one huge segment: 4 segments of 20-500 answers and one of 10^6, modest spread;
- 60 agents of 3-300 answers, ``Dirichlet(6, 6, 12)`` (the ranking test's setup).

For each replicate and method: coverage of the 95% intervals averaged over the
segments, coverage of the two segments with the highest and the lowest true NPS
(where the true NPS differ), mean interval width, the share of zero-width intervals, Spearman's
correlation of the estimates with the true NPS, and top-5 precision (shares of
the five truly best segments among the five ranked best; only with 30 or more
segments), and the paired differences new - old of the two ranking measures.
The table shows means over replicates with Monte Carlo standard errors
(standard deviation over replicates over sqrt(R)).

"old" is the model npskit 0.x used until this change: a Dirichlet prior fitted
by maximum Dirichlet-multinomial likelihood and plugged in (Minka 2000), with
a point interval when the fit pools fully. Its code is copied below from
``src/npskit/_stats/dirichlet.py`` as it was, only to compare; it takes about
14 ms per segment, so it gets fewer replicates. "new" is ``npskit.shrink``:
its confidence interval (FAB, constant coverage) and its credible interval
(the hierarchical model's posterior) share the shrunk estimates, so the ranking
columns are shown once.

Writes docs/explanation/shrinkage-calibration-table.md (included by "Fair
rankings and why the total moved"). Most of the time goes to the old model's
intervals (about 14 ms per segment on a quiet core): about ten minutes quiet,
about 40 minutes on a heavily loaded 2-core machine. Run from the repository
root:

    python scripts/shrink_calibration_table.py
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize
from scipy.special import betaincinv, digamma, gammaln
from scipy.stats import spearmanr

import npskit
from npskit._stats.bayes import _posterior_cdf
from npskit._stats.quantiles import invert_cdf

Floats = npt.NDArray[np.float64]
Draw = Callable[[np.random.Generator], tuple[Floats, Floats]]

NEW_REPLICATES = 400
OLD_REPLICATES = 60
LEVEL = 0.95
MEAN = np.array([0.25, 0.30, 0.45])
OUT = Path("docs/explanation/shrinkage-calibration-table.md")


def _sizes(rng: np.random.Generator, k: int, low: float, high: float) -> Floats:
    return np.round(np.exp(rng.uniform(math.log(low), math.log(high), k)))


def _counts(rng: np.random.Generator, n: Floats, shares: Floats) -> tuple[Floats, Floats]:
    counts = np.array([rng.multinomial(int(m), q) for m, q in zip(n, shares, strict=True)])
    return counts.astype(float), 100.0 * (shares[:, 2] - shares[:, 0])


SCENARIOS: dict[str, Draw] = {
    "identical shares, 8 x 100 answers": lambda rng: _counts(
        rng, np.full(8, 100.0), np.tile(MEAN, (8, 1))
    ),
    "identical shares, 30 x 20-500": lambda rng: _counts(
        rng, _sizes(rng, 30, 20, 500), np.tile(MEAN, (30, 1))
    ),
    "modest spread (SD 8), 30 x 20-500": lambda rng: _counts(
        rng, _sizes(rng, 30, 20, 500), rng.dirichlet(100 * MEAN, 30)
    ),
    "realistic spread (SD 17), 30 x 20-500": lambda rng: _counts(
        rng, _sizes(rng, 30, 20, 500), rng.dirichlet([6.0, 6.0, 12.0], 30)
    ),
    "one huge segment: 4 x 20-500 + 1 x 10^6, SD 8": lambda rng: _counts(
        rng,
        np.concatenate([_sizes(rng, 4, 20, 500), [1e6]]),
        rng.dirichlet(100 * MEAN, 5),
    ),
    "60 agents x 3-300, SD 17": lambda rng: _counts(
        rng, _sizes(rng, 60, 3, 300), rng.dirichlet([6.0, 6.0, 12.0], 60)
    ),
}


# --- the old model, copied from src/npskit/_stats/dirichlet.py (comparison only) ---


def _old_fit(x: Floats) -> Floats | None:
    """Maximum Dirichlet-multinomial likelihood prior; None when fully pooled."""
    pooled = x.sum(axis=0) / x.sum()
    pooled_ll = float((x[:, pooled > 0] * np.log(pooled[pooled > 0])).sum())
    active = pooled > 0
    if active.sum() < 2:
        return None
    xa = x[:, active]
    n = xa.sum(axis=1)

    def negative(theta: Floats) -> tuple[float, Floats]:
        alpha = np.exp(theta)
        total = alpha.sum()
        value = len(xa) * gammaln(total) - gammaln(n + total).sum()
        value += (gammaln(xa + alpha) - gammaln(alpha)).sum()
        common = len(xa) * digamma(total) - digamma(n + total).sum()
        gradient = common + (digamma(xa + alpha) - digamma(alpha)).sum(axis=0)
        return -float(value), -(gradient * alpha)

    m = pooled[active]
    shares = xa / n[:, None]
    spread = (n[:, None] * (shares - m) ** 2).sum(axis=0)
    denominator = float((n - 1).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = (spread / (m * (1 - m)) - len(xa)) / denominator
    rho = rho[np.isfinite(rho)]
    start_rho = min(max(float(rho.mean()) if len(rho) else 0.1, 1e-6), 0.99)
    start = np.log(m * (1.0 / start_rho - 1.0))
    bounds = [(math.log(1e-8), math.log(1e9))] * int(active.sum())
    found = minimize(negative, start, jac=True, method="L-BFGS-B", bounds=bounds)
    alpha_active = np.exp(found.x)
    if alpha_active.sum() >= 1e6 or -float(found.fun) <= pooled_ll:
        return None
    alpha = np.zeros(3)
    alpha[active] = alpha_active
    return alpha


def _old_quantiles(alpha: Floats, tail: float) -> tuple[float, float]:
    a_d, a_s, a_p = (float(v) for v in alpha)
    if min(a_d, a_s, a_p) == 0.0:  # a category without mass: through the Beta law
        if a_d == 0.0 and a_p == 0.0:
            return 0.0, 0.0
        if a_d == 0.0:
            return float(betaincinv(a_p, a_s, tail)), float(betaincinv(a_p, a_s, 1 - tail))
        if a_p == 0.0:
            return -float(betaincinv(a_d, a_s, 1 - tail)), -float(betaincinv(a_d, a_s, tail))
        return (
            2 * float(betaincinv(a_p, a_d, tail)) - 1,
            2 * float(betaincinv(a_p, a_d, 1 - tail)) - 1,
        )
    cdf = _posterior_cdf(a_d, a_s, a_p)
    return invert_cdf(cdf, tail), invert_cdf(cdf, 1.0 - tail)


def old_shrink(counts: Floats, *, intervals: bool = True) -> tuple[Floats, Floats, Floats]:
    """Shrunk NPS, low and high in points under the old model (NaN ends without ``intervals``)."""
    alpha = _old_fit(counts)
    if alpha is None:
        pooled = counts.sum(axis=0) / counts.sum()
        value = np.full(len(counts), 100.0 * (pooled[2] - pooled[0]))
        return value, value, value
    posterior = alpha + counts
    mean = 100.0 * (posterior[:, 2] - posterior[:, 0]) / posterior.sum(axis=1)
    if not intervals:
        return mean, np.full(len(mean), np.nan), np.full(len(mean), np.nan)
    ends = np.array([_old_quantiles(row, (1 - LEVEL) / 2) for row in posterior])
    return mean, 100.0 * ends[:, 0], 100.0 * ends[:, 1]


def new_shrink(counts: Floats) -> dict[str, tuple[Floats, Floats, Floats]]:
    """Shrunk NPS, low and high in points from ``npskit.shrink``, per interval kind."""
    tallies = [
        npskit.Tally(detractors=int(d), passives=int(s), promoters=int(p)) for d, s, p in counts
    ]
    result = npskit.shrink(tallies, confidence_level=LEVEL)
    mean = np.array([row.shrunk_nps for row in result.rows])
    low = np.array([row.confidence_interval.low for row in result.rows])
    high = np.array([row.confidence_interval.high for row in result.rows])
    c_low = np.array([row.credible_interval.low for row in result.rows])
    c_high = np.array([row.credible_interval.high for row in result.rows])
    return {"fab": (mean, low, high), "credible": (mean, c_low, c_high)}


def _top5(truth: Floats, estimate: Floats) -> float:
    best = set(np.argsort(-truth)[:5].tolist())
    return len(best & set(np.argsort(-estimate, kind="stable")[:5].tolist())) / 5


def _spearman(truth: Floats, estimate: Floats) -> float:
    """Spearman's correlation; 0 when the estimates are all equal (no ranking at all)."""
    if np.ptp(estimate) == 0:
        return 0.0
    return float(spearmanr(truth, estimate).statistic)


def _mean_se(values: list[float]) -> tuple[float, float]:
    array = np.array(values)
    return float(array.mean()), float(array.std(ddof=1) / math.sqrt(len(array)))


def measure(draw: Draw) -> dict[str, dict[str, tuple[float, float]]]:
    """Means and Monte Carlo standard errors of each measure, per model.

    Rankings are compared on the same NEW_REPLICATES data sets (the old
    model's point estimates are cheap); the old intervals on the first
    OLD_REPLICATES of them.
    """
    rng = np.random.default_rng(20261207)
    rows: dict[str, dict[str, list[float]]] = {
        model: {
            "cover": [],
            "extremes": [],
            "width": [],
            "zero": [],
            "rho": [],
            "top5": [],
            "gain": [],
            "gain5": [],
        }
        for model in ("old", "fab", "credible")
    }
    for replicate in range(NEW_REPLICATES):
        counts, truth = draw(rng)
        intervals = replicate < OLD_REPLICATES
        results = {"old": old_shrink(counts, intervals=intervals), **new_shrink(counts)}
        ranked = np.ptp(truth) > 0
        ends = [int(np.argmax(truth)), int(np.argmin(truth))]
        for model, (mean, low, high) in results.items():
            if model != "old" or intervals:
                inside = (low <= truth) & (truth <= high)
                rows[model]["cover"].append(float(np.mean(inside)))
                if ranked:
                    rows[model]["extremes"].append(float(np.mean(inside[ends])))
                rows[model]["width"].append(float(np.mean(high - low)))
                rows[model]["zero"].append(float(np.mean(high - low <= 0)))
            if ranked and model != "credible":
                rows[model]["rho"].append(_spearman(truth, mean))
                if len(truth) >= 30:
                    rows[model]["top5"].append(_top5(truth, mean))
        if ranked:
            rows["fab"]["gain"].append(rows["fab"]["rho"][-1] - rows["old"]["rho"][-1])
            if len(truth) >= 30:
                rows["fab"]["gain5"].append(rows["fab"]["top5"][-1] - rows["old"]["top5"][-1])
    return {
        model: {name: _mean_se(values) for name, values in measures.items() if values}
        for model, measures in rows.items()
    }


def _cell(summary: dict[str, tuple[float, float]], name: str, digits: int = 3) -> str:
    if name not in summary:
        return "-"
    mean, se = summary[name]
    return (
        f"{mean:+.{digits}f} ± {se:.{digits}f}"
        if name.startswith("gain")
        else (f"{mean:.{digits}f} ± {se:.{digits}f}")
    )


def main() -> None:
    lines = [
        f"| scenario | model | coverage of {100 * LEVEL:g}% intervals | coverage of the best "
        "and worst | mean width (points) | zero-width share | Spearman with truth | "
        "top-5 precision | Spearman, new - old | top-5, new - old |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, draw in SCENARIOS.items():
        summary = measure(draw)
        for model, label in (
            ("old", "old (Dirichlet, plugged in)"),
            ("fab", "new: confidence interval (FAB)"),
            ("credible", "new: credible interval"),
        ):
            cells = summary[model]
            lines.append(
                f"| {name} | {label} | {_cell(cells, 'cover')} | {_cell(cells, 'extremes')} | "
                f"{cells['width'][0]:.1f} | {cells['zero'][0]:.2f} | {_cell(cells, 'rho')} | "
                f"{_cell(cells, 'top5', 2)} | {_cell(cells, 'gain')} | {_cell(cells, 'gain5', 2)} |"
            )
            print(lines[-1], file=sys.stderr, flush=True)
    footer = (
        f"\nCoverage, width and zero-width share: old over {OLD_REPLICATES} replicates, new over "
        f"{NEW_REPLICATES}; rankings and their paired differences over the same {NEW_REPLICATES} "
        "data sets for both. ± is one Monte Carlo standard error. Spearman is 0 when every "
        "estimate is equal (full pooling ranks nothing); the credible rows share the FAB rows' "
        "estimates, so their ranking cells are left empty. Made by "
        "`python scripts/shrink_calibration_table.py`.\n"
    )
    OUT.write_text("\n".join(lines) + "\n" + footer, encoding="utf-8")
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
