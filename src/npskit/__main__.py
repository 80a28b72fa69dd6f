"""Run the npskit command line: ``python -m npskit summary --example``.

The ``npskit`` console script calls :func:`main` here too.
"""

from __future__ import annotations

from ._cli.main import main

__all__ = ["main"]

if __name__ == "__main__":
    raise SystemExit(main())
