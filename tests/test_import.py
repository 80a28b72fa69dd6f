"""``import npskit`` stays cheap: numpy only, no scipy, no dataframe libraries.

scipy.stats alone takes over a second to import on a small machine, and pandas,
polars, pyarrow and matplotlib are optional. Each check runs in a fresh
interpreter, since this test process has long since imported all of them.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("scipy", "pandas", "polars", "pyarrow", "matplotlib")


def modules_loaded_by(statement: str) -> set[str]:
    """Top-level names of the modules in sys.modules after running ``statement``."""
    code = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(result.stdout.splitlines()[-1]))


@pytest.fixture(scope="module")
def after_import() -> set[str]:
    return modules_loaded_by("import npskit")


def test_import_npskit_does_not_load_scipy_stats(after_import: set[str]) -> None:
    assert "scipy.stats" not in after_import


@pytest.mark.parametrize("library", HEAVY)
def test_import_npskit_does_not_load_heavy_libraries(after_import: set[str], library: str) -> None:
    loaded = sorted(m for m in after_import if m == library or m.startswith(f"{library}."))
    assert not loaded, f"import npskit loaded {loaded[:5]}"


def test_import_npskit_loads_the_package(after_import: set[str]) -> None:
    # The check above must not pass because the child process failed to import.
    assert "npskit" in after_import


def test_using_the_counting_functions_stays_light() -> None:
    # Tallying a numpy array, a list and a tally's NPS needs nothing heavy either.
    loaded = modules_loaded_by(
        "import numpy, npskit\n"
        "t = npskit.tally(numpy.array([0, 9, 10, 7, numpy.nan]))\n"
        "npskit.nps([1, 9, 10]); npskit.classify([0, 10]); t.nps"
    )
    heavy = sorted(m for m in loaded if m.split(".")[0] in HEAVY)
    assert not heavy, f"counting loaded {heavy[:5]}"


def test_import_npskit_loads_no_numpy_and_every_public_name_resolves() -> None:
    # Public names are loaded from their modules on first use (npskit.__getattr__).
    code = (
        "import sys, npskit\n"
        "assert 'numpy' not in sys.modules, 'import npskit loaded numpy'\n"
        "missing = [name for name in npskit.__all__ if not hasattr(npskit, name)]\n"
        "assert not missing, missing\n"
        "from npskit import *\n"
        "assert set(npskit.__all__) <= set(dir(npskit))\n"
        "assert npskit.tally is npskit._counting.tally.tally\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
