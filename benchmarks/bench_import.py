"""How long does ``import npskit`` take next to ``import numpy``?

Run from the repository root::

    python benchmarks/bench_import.py [--runs 10]

Every figure is the best of ``--runs`` fresh interpreters (a new process each
time, so nothing is cached in memory by Python; the operating system's file
cache is warm after the first run, as it is for a user):

* wall time of ``python -c pass`` (the interpreter alone), ``python -c "import
  numpy"``, ``python -c "import npskit"`` and ``python -X importtime -c
  "import npskit"``;
* the cumulative import time that ``-X importtime`` reports for numpy and for
  npskit (npskit's includes numpy's), and the difference, npskit's own cost.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import time


def wall_time(args: list[str], runs: int) -> float:
    best = math.inf
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, *args], check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def cumulative_import_times(runs: int) -> dict[str, float]:
    """Best cumulative ``-X importtime`` figure (seconds) of numpy and npskit."""
    best = {"numpy": math.inf, "npskit": math.inf}
    for _ in range(runs):
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import npskit"],
            check=True,
            capture_output=True,
            text=True,
        )
        for line in result.stderr.splitlines():
            # "import time:  self [us] | cumulative | imported package"
            parts = [part.strip() for part in line.removeprefix("import time:").split("|")]
            if len(parts) == 3 and parts[2] in best:
                best[parts[2]] = min(best[parts[2]], int(parts[1]) / 1e6)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="fresh processes per figure")
    args = parser.parse_args(argv)
    runs = args.runs
    print(f"python {sys.version.split()[0]}; best of {runs} fresh processes each")
    rows = [
        ("python -c pass", ["-c", "pass"]),
        ('python -c "import numpy"', ["-c", "import numpy"]),
        ('python -c "import npskit"', ["-c", "import npskit"]),
        ('python -X importtime -c "import npskit"', ["-X", "importtime", "-c", "import npskit"]),
    ]
    for label, command in rows:
        print(f"  wall  {label:<42} {1e3 * wall_time(command, runs):8.1f} ms")
    rows.append(('python -c "import npskit; npskit.tally"', ["-c", "import npskit; npskit.tally"]))
    print(f"  wall  {rows[-1][0]:<42} {1e3 * wall_time(rows[-1][1], runs):8.1f} ms")
    cumulative = cumulative_import_times(runs)
    print(
        f"  -X importtime cumulative of `import npskit`: {1e3 * cumulative['npskit']:.1f} ms",
        end="",
    )
    if math.isinf(cumulative["numpy"]):
        print(" (numpy not imported: public names load on first use)")
    else:
        print(f", of which numpy {1e3 * cumulative['numpy']:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
