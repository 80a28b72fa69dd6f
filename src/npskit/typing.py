"""Type aliases for npskit's option values.

Import them to annotate code that passes options through::

    from npskit.typing import NanPolicy
"""

from __future__ import annotations

from typing import Literal

__all__ = ["Alternative", "NanPolicy"]

NanPolicy = Literal["omit", "raise"]
"""What to do with missing answers (NaN, None, pandas NA, polars null).

``"omit"`` leaves them out and counts them in ``Tally.n_missing``;
``"raise"`` raises :class:`npskit.MissingAnswersError`.
"""

Alternative = Literal["two-sided", "less", "greater"]
"""The alternative hypothesis of a test, and the side of its interval.

As in :mod:`scipy.stats`: a ``"greater"`` test gives an interval
``[low, upper end of the scale]``, a ``"less"`` test ``[lower end, high]``.
"""
