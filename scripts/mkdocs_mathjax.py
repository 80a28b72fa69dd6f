"""MkDocs hook: serve MathJax from the built site instead of a CDN.

The formulas of the docs (pymdownx.arithmatex, generic mode) are typeset by
MathJax 3 in the reader's browser. Rather than loading it from a CDN (a
reader offline, or behind a firewall, would see raw TeX) or keeping a copy in
git, the docs extra installs the ``django-static-mathjax`` wheel, which ships
the MathJax release files (Apache 2.0) and needs nothing else (no Django at
run time: it is plain static files). This hook adds the few files a page
needs to the site, under ``javascripts/mathjax/``: the ``tex-chtml-full``
component (every TeX extension built in, so nothing is fetched later), the
CHTML web fonts it loads from its own directory, and MathJax's licence.

Used from mkdocs.yml (``hooks:``); ``extra_javascript`` loads
``javascripts/mathjax/tex-chtml-full.js`` after ``javascripts/mathjax.js``
(the settings).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

_DISTRIBUTION = "django-static-mathjax"
_ROOT = "mathjax/static/mathjax"
_TARGET = "javascripts/mathjax"
_FONTS = "es5/output/chtml/fonts/woff-v2"


def _mathjax_root() -> Path:
    try:
        found = distribution(_DISTRIBUTION).locate_file(_ROOT)
    except PackageNotFoundError:
        raise PluginError(
            f"the docs serve MathJax from the {_DISTRIBUTION} package, which is not "
            'installed: python -m pip install -e ".[docs]"'
        ) from None
    root = Path(str(found))
    if not (root / "es5" / "tex-chtml-full.js").is_file():
        raise PluginError(f"{_DISTRIBUTION} has no es5/tex-chtml-full.js under {root}")
    return root


def on_files(files: Files, config: Any, **kwargs: Any) -> Files:
    """Add MathJax's component, fonts and licence to the site's files."""
    root = _mathjax_root()
    wanted = {
        f"{_TARGET}/tex-chtml-full.js": root / "es5" / "tex-chtml-full.js",
        f"{_TARGET}/LICENSE": root / "LICENSE",
    }
    for font in sorted((root / _FONTS).glob("*.woff")):
        wanted[f"{_TARGET}/output/chtml/fonts/woff-v2/{font.name}"] = font
    for uri, path in wanted.items():
        files.append(File.generated(config, uri, abs_src_path=str(path)))
    return files
