"""Coverage of npskit's delta-method intervals of topic impact, by seeded simulation.

The model: each answer mentions the topic with probability ``s``; answers
that mention it are detractors, passives and promoters with probabilities
``(0.50, 0.25, 0.25)`` (NPS -25), the others ``(0.20, 0.30, 0.50)`` (NPS
+30). The true impact is ``s (-25 - 30)`` points, and under the null setting
(both groups alike, ``(0.20, 0.30, 0.50)``) it is 0. For each topic share and
sample size, ``REPS`` samples are drawn from one seeded generator and
analysed with ``npskit.topic_impact``; the table shows the share of 95%
intervals that contain the true impact, with its Monte Carlo standard error,
and the mean width.

Writes docs/explanation/topic-coverage-table.md (included by the page "What
driver importance means"). Run from the repository root (about a minute):

    python scripts/topic_coverage_table.py [--reps 2000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

import npskit

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "explanation" / "topic-coverage-table.md"
WITH = np.array([0.50, 0.25, 0.25])
WITHOUT = np.array([0.20, 0.30, 0.50])
SHARES = (0.02, 0.1, 0.3)
SIZES = (200, 1000, 5000)
ANSWER_OF = np.array([3, 8, 10])  # a detractor, passive and promoter answer


def coverage(
    rng: np.random.Generator, n: int, share: float, with_p: np.ndarray, reps: int
) -> tuple[float, float]:
    true = 100 * share * ((with_p[2] - with_p[0]) - (WITHOUT[2] - WITHOUT[0]))
    hits = 0
    width = 0.0
    done = 0
    for _ in range(reps):
        mentions = rng.random(n) < share
        if mentions.all() or not mentions.any():
            continue  # the impact does not exist in this sample
        category = np.where(
            mentions,
            (rng.random(n)[:, None] > np.cumsum(with_p)[:-1]).sum(1),
            (rng.random(n)[:, None] > np.cumsum(WITHOUT)[:-1]).sum(1),
        )
        result = npskit.topic_impact(ANSWER_OF[category], {"topic": mentions.astype(int)})
        row = result["topic"]
        hits += row.low <= true <= row.high
        width += row.high - row.low
        done += 1
    return hits / done, width / done


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=2000)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    rng = np.random.default_rng(20261207)
    lines = [
        "| topic share | n | coverage, impact -55 x share | width | coverage, no impact | width |",
        "|---|---|---|---|---|---|",
    ]
    for share in SHARES:
        for n in SIZES:
            c1, w1 = coverage(rng, n, share, WITH, args.reps)
            c0, w0 = coverage(rng, n, share, WITHOUT, args.reps)
            se1 = 100 * np.sqrt(c1 * (1 - c1) / args.reps)
            se0 = 100 * np.sqrt(c0 * (1 - c0) / args.reps)
            lines.append(
                f"| {share:g} | {n} | {100 * c1:.1f}% ± {se1:.1f} | {w1:.2f} | "
                f"{100 * c0:.1f}% ± {se0:.1f} | {w0:.2f} |"
            )
            print(lines[-1], flush=True)
    note = (
        f"\n*{args.reps} samples per cell, nominal 95% intervals, widths in NPS points; "
        "± is one Monte Carlo standard error. Written by `scripts/topic_coverage_table.py`.*\n"
    )
    OUT.write_text("\n".join(lines) + "\n" + note, encoding="utf-8")
    print(f"wrote {OUT} in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
