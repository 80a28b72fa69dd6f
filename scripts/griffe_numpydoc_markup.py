"""Griffe extension for the docs site: render numpydoc's reST markup as Markdown.

npskit's docstrings follow numpydoc, so they read well in ``help()`` and in an
IDE, and use a little reStructuredText: ``:func:`tally```, ``:math:`P```,
``.. math::`` blocks, ``.. [1]`` references and ``[1]_`` citations, ``::``
before a literal block, and a "See Also" list. mkdocstrings renders docstrings
as Markdown, where that markup shows up literally. Before the docstrings are
parsed, this extension rewrites them:

- ``:func:`name```, ``:class:``, ``:meth:``, ``:attr:``, ``:exc:``, ``:data:``,
  ``:mod:`` and ``:obj:`` become a link to the npskit object when it is public
  (resolved against ``npskit.__all__``, ``npskit.typing`` and, for a bare
  member name, the documented class), otherwise inline code; a leading ``~``
  shows the last component only, as in Sphinx;
- ``:math:`x``` becomes ``\\(x\\)`` and a ``.. math::`` block becomes a
  ``$$ ... $$`` block, both typeset by pymdownx.arithmatex and MathJax;
- ``.. [1] text`` becomes ``[1] text``, ``[1]_`` becomes ``[1]``, and the
  bare addresses in a "References" section become links;
- a paragraph ending in ``::`` ends in ``:`` and the indented block after it
  becomes a fenced Python code block;
- the lines ``name : description`` of a "See Also" section become a list of
  links.

Used from mkdocs.yml (``extensions`` of the mkdocstrings Python handler); the
build runs from the repository root. Only the docs site uses it: the
docstrings in the source are unchanged.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

import griffe

_ROLE = re.compile(r":(?:py:)?(func|class|meth|attr|exc|data|mod|obj|const):`([^`]+)`")
_MATH_ROLE = re.compile(r":math:`([^`]+)`")
_CITATION = re.compile(r"\[(\w+)\]_")
_REFERENCE = re.compile(r"^(\s*)\.\. \[(\w+)\]\s+")
_MATH_BLOCK = re.compile(r"^(\s*)\.\. math::\s*(.*)$")
_SEE_ALSO_ITEM = re.compile(r"^([\w.~]+(?:\s*,\s*[\w.~]+)*)\s*(?::\s*(.*))?$")
_HEADING_RULE = re.compile(r"^\s*-{3,}\s*$")
_URL = re.compile(r"(?<![<(`\[])(https?://[^\s<>()`]+[^\s<>()`.,;:])")


class NumpydocMarkup(griffe.Extension):
    """Rewrite the reST parts of numpydoc docstrings into Markdown."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Rewrite every docstring of the package once it is fully loaded."""
        public = _public_paths(pkg)
        for obj in _walk(pkg):
            if obj.docstring is not None:
                context = public.get(_class_path(obj))
                obj.docstring.value = _rewrite(obj.docstring.value, pkg, context)

    def on_package_loaded(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """The same hook under its griffe 1 name (the rewriting is idempotent)."""
        self.on_package(pkg=pkg, **kwargs)


def _walk(obj: griffe.Object) -> list[griffe.Object]:
    found = [obj]
    for member in obj.members.values():
        if not member.is_alias and isinstance(member, griffe.Object):
            found.extend(_walk(member))
    return found


def _class_path(obj: griffe.Object) -> str:
    """Path of the class an object belongs to (or is), else its module's path."""
    node: griffe.Object | None = obj
    while node is not None and not node.is_class and not node.is_module:
        node = node.parent
    return node.path if node is not None else obj.path


def _public_paths(pkg: griffe.Module) -> dict[str, str]:
    """Map canonical paths of exported objects to their public paths."""
    public: dict[str, str] = {}
    for name in pkg.exports or ():
        if isinstance(name, str) and name in pkg.members:
            member = pkg.members[name]
            target = member.final_target if member.is_alias else member  # type: ignore[union-attr]
            public[target.path] = f"{pkg.path}.{name}"
    for name, member in pkg.members.items():
        if not member.is_alias and member.is_module and not name.startswith("_"):
            public[member.path] = member.path
    return public


def _resolve(
    target: str, pkg: griffe.Module, context: str | None, *, member_first: bool
) -> str | None:
    """Public path of ``target`` if it names a documented npskit object.

    A bare name is looked up in the package and in the class the docstring
    belongs to; members of that class come first for ``:meth:`` and ``:attr:``.
    """
    name = target.removeprefix(f"{pkg.path}.")
    candidates = [f"{pkg.path}.{name}"]
    if context:
        candidates.insert(0 if member_first else 1, f"{context}.{name}")
    for candidate in candidates:
        relative = candidate.removeprefix(f"{pkg.path}.")
        head = relative.split(".", 1)[0]
        exported = head in (pkg.exports or ()) or (
            head in pkg.members
            and not pkg.members[head].is_alias
            and pkg.members[head].is_module
            and not head.startswith("_")
        )
        if not exported:
            continue
        try:
            pkg[relative]
        except (KeyError, griffe.AliasResolutionError, griffe.CyclicAliasError):
            continue
        return candidate
    return None


def _rewrite(text: str, pkg: griffe.Module, context: str | None) -> str:
    text = "\n".join(_rewrite_blocks(text.splitlines()))
    text = _MATH_ROLE.sub(lambda m: f"\\({m.group(1)}\\)", text)

    def role(match: re.Match[str]) -> str:
        written = match.group(2).strip()
        short = written.startswith("~")
        target = written.lstrip("~")
        shown = target.rsplit(".", 1)[-1] if short else target
        member_first = match.group(1) in {"meth", "attr"}
        path = _resolve(target, pkg, context, member_first=member_first)
        return f"[`{shown}`][{path}]" if path else f"`{shown}`"

    text = _ROLE.sub(role, text)
    return _CITATION.sub(r"[\1]", text)


def _rewrite_blocks(lines: list[str]) -> list[str]:
    out: list[str] = []
    section = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped and i + 1 < len(lines) and _HEADING_RULE.match(lines[i + 1]):
            section = stripped.lower()
            out.extend([line, lines[i + 1]])
            i += 2
            continue
        math = _MATH_BLOCK.match(line)
        if math:
            body, i = _indented_block(lines, i + 1, len(math.group(1)))
            first = [math.group(2)] if math.group(2) else []
            out.extend(["", "$$", *first, *body, "$$", ""])
            continue
        if stripped.endswith("::") and not stripped.startswith(">>>"):
            body, after = _indented_block(lines, i + 1, len(line) - len(line.lstrip()))
            if body:
                keep = stripped[:-2].rstrip()
                indent = line[: len(line) - len(line.lstrip())]
                out.append(f"{indent}{keep}:" if keep else "")
                out.extend(["", f"{indent}```python", *[indent + b for b in body], f"{indent}```"])
                out.append("")
                i = after
                continue
        if section == "references":
            if (
                _REFERENCE.match(line)
                and out
                and out[-1].strip()
                and not _HEADING_RULE.match(out[-1])
            ):
                out.append("")  # one paragraph per reference
            line = _URL.sub(r"<\1>", _REFERENCE.sub(r"\1[\2] ", line))
        elif section == "see also" and stripped and not line.startswith((" ", "\t")):
            item = _SEE_ALSO_ITEM.match(stripped)
            if item:
                names = ", ".join(f":obj:`{n.strip()}`" for n in item.group(1).split(","))
                line = f"- {names}: {item.group(2)}" if item.group(2) else f"- {names}"
        out.append(line)
        i += 1
    return out


def _indented_block(lines: list[str], start: int, indent: int) -> tuple[list[str], int]:
    """The block indented deeper than ``indent`` from ``start``, dedented."""
    end = start
    while end < len(lines) and not lines[end].strip():
        end += 1
    block_start = end
    while end < len(lines) and (
        not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent
    ):
        end += 1
    while end > block_start and not lines[end - 1].strip():
        end -= 1
    if end == block_start:
        return [], start
    body = textwrap.dedent("\n".join(lines[block_start:end])).splitlines()
    return body, end
