"""Repository-wide pytest configuration: doctests of public classes.

The facade shows public classes as ``npskit.X`` (their ``__module__`` is
``"npskit"``), which would hide their docstring examples from the doctest
collector of the module that defines them. The defining module is kept in
``_npskit_home``; this hook lets the collector find them there, once.
"""

from __future__ import annotations

import doctest
from types import ModuleType
from typing import Any

_from_module = doctest.DocTestFinder._from_module  # type: ignore[attr-defined]


def _from_home_module(self: doctest.DocTestFinder, module: ModuleType | None, obj: Any) -> bool:
    home = getattr(obj, "_npskit_home", None) if isinstance(obj, type) else None
    if module is not None and home is not None:
        return bool(home == module.__name__)
    return bool(_from_module(self, module, obj))


doctest.DocTestFinder._from_module = _from_home_module  # type: ignore[attr-defined]
