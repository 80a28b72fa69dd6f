"""Warnings emitted by npskit.

All derive from :class:`NpskitWarning`, so one filter silences or escalates the
whole family::

    warnings.simplefilter("error", npskit.NpskitWarning)
"""

from __future__ import annotations

__all__ = ["DegenerateSampleWarning", "InputWarning", "NpskitWarning", "SmallSampleWarning"]


class NpskitWarning(UserWarning):
    """Base class of every warning npskit emits."""


class SmallSampleWarning(NpskitWarning):
    """The sample is too small for the asymptotic method asked for."""


class DegenerateSampleWarning(NpskitWarning):
    """Every answer falls in one category, so a variance estimate is zero."""


class InputWarning(NpskitWarning):
    """An input that is valid but looks like a mistake, with the likely fix.

    For example a margin of error of 0.03 (NPS is in points, so 0.03 points,
    not 3), or dates as periods without ``freq`` (every distinct date becomes
    a period of its own).
    """
