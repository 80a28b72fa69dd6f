"""Warnings emitted by npskit.

All derive from :class:`NpskitWarning`, so one filter silences or escalates the
whole family::

    warnings.simplefilter("error", npskit.NpskitWarning)
"""

from __future__ import annotations

__all__ = ["DegenerateSampleWarning", "NpskitWarning", "SmallSampleWarning"]


class NpskitWarning(UserWarning):
    """Base class of every warning npskit emits."""


class SmallSampleWarning(NpskitWarning):
    """The sample is too small for the asymptotic method asked for."""


class DegenerateSampleWarning(NpskitWarning):
    """Every answer falls in one category, so a variance estimate is zero."""
