"""Griffe extension for the docs site: parameter defaults and types as the code has them.

griffe's numpydoc parser fills the "Parameters" table in two ways that can
contradict the signature (issue 14):

- a type written as a set of choices, ``freq : {"day", "week", ...}, optional``,
  makes the first choice the default (numpydoc's convention), even when the
  signature says ``freq=None`` (so ``trend(freq=)`` showed ``"day"`` and
  ``breakdown(sort=)`` ``"nps"``);
- a line naming several parameters without a type, ``scale, nan_policy``, gives
  every name the annotation and default of the first one found in the
  signature (so ``nan_policy`` showed ``Scale = STANDARD_SCALE``).

This extension runs after the docstrings are rewritten (list it after
``griffe_numpydoc_markup.py``). It parses each docstring once, with the parser
mkdocstrings configured, and sets every documented parameter's default to the
signature's default, and the type of each parameter of a several-names line
to its own annotation. Defaults that name a module constant holding a plain
literal (``DEFAULT_INTERVAL_METHOD``) are shown as that literal
(``'adjusted-wald'``), in the table and in the signature, since the reader
cannot see the constant. The docstrings in the source are unchanged.
"""

from __future__ import annotations

import ast
from typing import Any

import griffe

_PARAMETER_SECTIONS = {"parameters", "other parameters"}


class SignatureDefaults(griffe.Extension):
    """Make the rendered defaults and types of parameters those of the signature."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Fix every function's parameters once the package is loaded."""
        for obj in _walk(pkg):
            parameters = _parameters(obj)
            if parameters is None:
                continue
            for parameter in parameters:
                literal = _literal(parameter.default, pkg)
                if literal is not None:
                    parameter.default = literal
            if obj.docstring is not None and obj.docstring.parser is not None:
                _fix_sections(obj.docstring.parsed, parameters)

    def on_package_loaded(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """The same hook under its griffe 1 name (the fixing is idempotent)."""
        self.on_package(pkg=pkg, **kwargs)


def _walk(obj: griffe.Object) -> list[griffe.Object]:
    found = [obj]
    for member in obj.members.values():
        if not member.is_alias and isinstance(member, griffe.Object):
            found.extend(_walk(member))
    return found


def _parameters(obj: griffe.Object) -> griffe.Parameters | None:
    """A function's parameters; None for anything else.

    Classes are left alone: a dataclass gets its ``__init__`` from griffe's
    own extension, possibly after this one runs, so parsing its docstring here
    would read it against no signature (and cache that). Their tables take
    each default from the signature already, having no several-names lines.
    """
    if obj.is_function:
        return obj.parameters  # type: ignore[attr-defined,no-any-return]
    return None


def _literal(default: Any, pkg: griffe.Module) -> str | None:
    """The literal source of a default naming a package constant, else None."""
    if not isinstance(default, griffe.ExprName):
        return None
    path = default.canonical_path
    if not path.startswith(f"{pkg.path}."):
        return None
    try:
        target = pkg[path.removeprefix(f"{pkg.path}.")]
        value = target.value if target.is_attribute else None
    except (KeyError, AttributeError, griffe.AliasResolutionError, griffe.CyclicAliasError):
        return None
    if value is None:
        return None
    text = str(value)
    try:
        parsed = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None
    return text if isinstance(parsed, (str, int, float, bool)) else None


def _fix_sections(sections: list[Any], parameters: griffe.Parameters) -> None:
    own = {p.name: p for p in parameters}
    annotation_owner = {id(p.annotation): p.name for p in parameters if p.annotation is not None}
    for section in sections:
        if section.kind.value not in _PARAMETER_SECTIONS:
            continue
        for item in section.value:
            signature = own.get(item.name)
            if signature is None:
                continue
            item.value = signature.default
            owner = annotation_owner.get(id(item.annotation))
            if owner is not None and owner != item.name:
                item.annotation = signature.annotation
