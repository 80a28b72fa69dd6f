"""Imports of the counting, file and command-line packages: top-level, and one way.

Only optional third-party packages (and their submodules) may be imported
inside a function, where loading them lazily pays; the two file readers never
import each other, only the dispatcher imports both.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import npskit

SRC = Path(npskit.__file__).parent
PACKAGES = ("_counting", "_io", "_cli")
LAZY = {"pandas", "polars", "pyarrow", "narwhals", "matplotlib", "openpyxl"}
MODULES = sorted(path for package in PACKAGES for path in (SRC / package).glob("*.py"))


def _imports(tree: ast.AST) -> list[tuple[ast.stmt, str]]:
    found: list[tuple[ast.stmt, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            name = node.module or ""
            found.append((node, "." * node.level + name))
    return found


def _inside_functions(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            lines |= {
                n.lineno for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom))
            }
    return lines


@pytest.mark.parametrize("path", MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_only_optional_packages_are_imported_inside_functions(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    inner = _inside_functions(tree)
    for node, name in _imports(tree):
        if node.lineno in inner:
            assert name.split(".")[0] in LAZY, f"{path.name}:{node.lineno} imports {name}"


def test_the_readers_do_not_import_each_other() -> None:
    readers = {"csv_file", "csv_counts", "arrow"}
    for reader in readers:
        tree = ast.parse((SRC / "_io" / f"{reader}.py").read_text(encoding="utf-8"))
        names = {name.lstrip(".").rsplit(".", 1)[-1] for _, name in _imports(tree)}
        others = {"arrow"} if reader != "arrow" else {"csv_file", "csv_counts"}
        assert not names & (others | {"files"}), f"{reader} imports {names & others}"


def test_lower_packages_do_not_import_the_command_line() -> None:
    for path in MODULES:
        if path.parent.name == "_cli":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for _, name in _imports(tree):
            assert "_cli" not in name, f"{path.name} imports {name}"
            if path.parent.name == "_counting":
                assert "_io" not in name, f"{path.name} imports {name}"
