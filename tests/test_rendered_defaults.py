"""The API reference shows each parameter's default as the code has it (issue 14).

The package is loaded with griffe exactly as the docs build loads it
(mkdocs.yml: numpy docstrings, the two extensions under scripts/), and every
default the reference renders, in the signature and in the "Parameters"
table, is compared with :func:`inspect.signature` of the live function:
literals by value, a name by the object it names in the function's module.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path
from typing import Any

import pytest

import npskit

griffe = pytest.importorskip("griffe", reason="griffe (the docs extra) is not installed")

ROOT = Path(__file__).resolve().parents[1]
MISSING = object()


def _extensions() -> list[str]:
    import yaml  # mkdocs' own dependency, present with the docs extra

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "mkdocstrings" in plugin:
            options = plugin["mkdocstrings"]["handlers"]["python"]["options"]
            return [str(ROOT / entry) for entry in options["extensions"]]
    raise AssertionError("mkdocs.yml has no mkdocstrings python handler")


@pytest.fixture(scope="module")
def package() -> Any:
    pytest.importorskip("yaml")
    extensions = griffe.load_extensions(*_extensions())
    return griffe.load(
        "npskit",
        search_paths=[str(ROOT / "src")],
        docstring_parser="numpy",
        extensions=extensions,
    )


def _value(text: Any, module: str) -> Any:
    """The object a rendered default stands for."""
    if text is None:
        return MISSING
    source = str(text)
    try:
        return ast.literal_eval(source)
    except (ValueError, SyntaxError):
        pass
    namespace = importlib.import_module(module)
    value: Any = namespace
    for part in source.split("."):
        value = getattr(value, part)
    return value


def _documented() -> list[str]:
    names = []
    for name in npskit.__all__:
        obj = getattr(npskit, name)
        if inspect.isfunction(obj) or (inspect.isclass(obj) and not issubclass(obj, Exception)):
            names.append(name)
    return names


@pytest.mark.parametrize("name", _documented())
def test_rendered_defaults_are_the_signature_defaults(package: Any, name: str) -> None:
    live = getattr(npskit, name)
    try:
        signature = inspect.signature(live)
    except (TypeError, ValueError):
        pytest.skip(f"{name} has no signature")
    member = package[name]
    obj = member.final_target if member.is_alias else member
    module = getattr(live, "_npskit_home", None) or live.__module__
    expected = {
        p.name: MISSING if p.default is inspect.Parameter.empty else p.default
        for p in signature.parameters.values()
    }
    try:
        parameters = list(obj.parameters)
    except (AttributeError, KeyError, ValueError):
        parameters = []
    for parameter in parameters:
        if parameter.name in expected:
            shown = _value(parameter.default, module)
            assert shown == expected[parameter.name], (
                f"{name}({parameter.name}=...) signature shows {parameter.default!r}"
            )
    if obj.docstring is None:
        return
    for section in obj.docstring.parsed:
        if section.kind.value not in {"parameters", "other parameters"}:
            continue
        for item in section.value:
            if item.name not in expected:
                continue
            shown = _value(item.value, module)
            assert shown == expected[item.name], (
                f"{name}: the Parameters table shows {item.name} = {item.value!r}, "
                f"the signature has {expected[item.name]!r}"
            )


def test_the_reported_cases(package: Any) -> None:
    """The three defaults issue 14 found wrong, and the type that came with one."""

    def table(name: str) -> dict[str, Any]:
        obj = package[name].final_target
        sections = [s for s in obj.docstring.parsed if s.kind.value == "parameters"]
        return {item.name: item for item in sections[0].value}

    assert str(table("trend")["freq"].value) == "None"
    assert str(table("breakdown")["sort"].value) == "None"
    assert str(table("breakdown")["nan_policy"].value) == "'omit'"
    assert str(table("breakdown")["nan_policy"].annotation) == "NanPolicy"
    assert str(table("trend")["interval_method"].value) == "None"  # the metric's (issue 17)
