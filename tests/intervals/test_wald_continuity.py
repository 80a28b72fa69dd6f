"""The continuity-corrected Wald interval: a hand computation."""

from __future__ import annotations

import math

import pytest

from npskit import Tally, confidence_interval


def test_by_hand() -> None:
    # 20/30/50 of 100: NPS 0.3, variance 0.7 - 0.09 = 0.61, half 1.959964 * sqrt(0.0061) + 0.01.
    ci = confidence_interval(
        Tally(detractors=20, passives=30, promoters=50), interval_method="wald-continuity"
    )
    half = 100 * (1.959963984540054 * math.sqrt(0.61 / 100) + 0.01)
    assert (ci.low, ci.high) == pytest.approx((30 - half, 30 + half), abs=1e-9)
