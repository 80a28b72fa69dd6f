"""Type aliases for npskit's option values.

Import them to annotate code that passes options through::

    from npskit.typing import NanPolicy
"""

from __future__ import annotations

from typing import Literal

__all__ = ["NanPolicy"]

NanPolicy = Literal["omit", "raise"]
"""What to do with missing answers (NaN, None, pandas NA, polars null).

``"omit"`` leaves them out and counts them in ``Tally.n_missing``;
``"raise"`` raises :class:`npskit.MissingAnswersError`.
"""
