"""The house: concept packages import downwards only, nothing imports npskit inside a function.

The layers are read from the import-linter contract in pyproject.toml (CI also
runs ``lint-imports``); this test walks the source with :mod:`ast` so that it
needs nothing beyond the test extras.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "npskit"
MAX_LINES = 450


def layers() -> list[set[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = config["tool"]["importlinter"]["contracts"]
    return [{name.strip() for name in line.split("|")} for line in contract["layers"]]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def npskit_imports(tree: ast.AST, module: str) -> list[tuple[int, str, bool]]:
    """(line, imported module, inside a function) for every import of an npskit module."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inside.update(id(child) for child in ast.walk(node) if child is not node)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[: -node.level] if node.level else []
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            names = [target] + [f"{target}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found.extend(
            (node.lineno, name, id(node) in inside)
            for name in names
            if name == "npskit" or name.startswith("npskit.")
        )
    return found


def layer_of(name: str, stack: list[set[str]]) -> int | None:
    for position, members in enumerate(stack):
        for member in members:
            if name == member or name.startswith(member + "."):
                return position
    return None


SOURCES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down_and_none_hides_in_a_function(path: Path) -> None:
    module = module_name(path)
    stack = layers()
    own = layer_of(module, stack)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for line, name, in_function in npskit_imports(tree, module):
        assert not in_function, (
            f"{module}:{line} imports {name} inside a function: a cycle or a misplaced concept"
        )
        if own is None:  # the facade (npskit/__init__.py) may import anything
            continue
        target = layer_of(name, stack)
        if target is None or module.startswith(name):
            continue
        same_package = any(
            module.startswith(member + ".") and name.startswith(member + ".")
            for member in stack[own]
        )
        if same_package:
            continue
        assert target > own, f"{module}:{line} imports {name}, which is not below it"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_stay_one_concept_long(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{path.name} has {lines} lines: probably two concepts"


def test_every_package_is_in_a_layer() -> None:
    stack = layers()
    packages = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name.startswith("_"))
    packages = [p for p in packages if p != "__pycache__"]
    missing = [p for p in packages if layer_of(f"npskit.{p}", stack) is None]
    assert not missing, f"packages outside the import-linter layers: {missing}"
