"""Time the exact Shapley (LMG) driver analysis from a correlation matrix.

Usage::

    python benchmarks/bench_drivers.py [--drivers 10,12,15] [--repeat 3]

For p drivers, the exact Shapley value needs the R^2 of all 2**p subsets of
drivers. npskit computes them from the correlation matrix, one batched solve
per subset size (``npskit._stats.relative_importance.subset_r2``). The
contender is the plain loop an analyst would write: one
``numpy.linalg.lstsq`` per subset on the same correlation matrix (not on the
rows, which would be slower still). Both give the same R^2 (checked). The
script prints the best-of-``--repeat`` times, their ratio, and the time of a
whole ``npskit.drivers_from_correlation(..., importance_method="shapley")``.
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np

import npskit
from npskit._stats.relative_importance import subset_r2


def loop_r2(cxx: np.ndarray, cxy: np.ndarray) -> np.ndarray:
    p = len(cxy)
    out = np.zeros(1 << p)
    for mask in range(1, 1 << p):
        chosen = [j for j in range(p) if (mask >> j) & 1]
        beta = np.linalg.lstsq(cxx[np.ix_(chosen, chosen)], cxy[chosen], rcond=None)[0]
        out[mask] = beta @ cxy[chosen]
    return out


def best(function, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drivers", default="10,12,15")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"numpy {np.__version__}, {platform.machine()}, {platform.python_version()}")
    print(f"{'p':>3} {'subsets':>8} {'npskit s':>9} {'loop s':>8} {'ratio':>6} {'drivers() s':>11}")
    rng = np.random.default_rng(0)
    for p in (int(v) for v in args.drivers.split(",")):
        data = rng.normal(size=(2000, p + 1))
        data[:, 0] += data[:, 1:] @ rng.uniform(0.1, 0.5, p)
        correlation = np.corrcoef(data.T)
        cxx, cxy = correlation[1:, 1:], correlation[0, 1:]
        np.testing.assert_allclose(subset_r2(cxx, cxy), loop_r2(cxx, cxy), atol=1e-10)
        ours = best(lambda: subset_r2(cxx, cxy), args.repeat)  # noqa: B023
        loop = best(lambda: loop_r2(cxx, cxy), 1)  # noqa: B023
        names = ["nps", *(f"x{j}" for j in range(p))]
        whole = best(
            lambda: npskit.drivers_from_correlation(
                correlation,  # noqa: B023
                names,  # noqa: B023
                importance_method="shapley",
                dominance=True,
            ),
            args.repeat,
        )
        print(f"{p:>3} {1 << p:>8} {ours:>9.3f} {loop:>8.3f} {loop / ours:>6.1f} {whole:>11.3f}")


if __name__ == "__main__":
    main()
