"""histogram_by and GroupedHistogram: counts per answer point per group (issue 17).

Reference values are plain-Python counts over the rows (a dictionary of
``collections.Counter`` per key), written independently of the bincount kernel.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import npskit
from npskit import CES, CSAT, NPS, STANDARD_SCALE, GroupedHistogram, histogram_by, tally_by


def _plain(scores: list[int | None], keys: list[str], low: int, high: int) -> dict[str, list[int]]:
    found: dict[str, Counter[int | None]] = defaultdict(Counter)
    for score, key in zip(scores, keys, strict=True):
        found[key][score] += 1
    return {
        key: [counter[v] for v in range(low, high + 1)] + [counter[None]]
        for key, counter in found.items()
    }


@pytest.mark.parametrize("metric", [NPS, CSAT, CES])
def test_counts_match_plain_python(metric: npskit.Metric) -> None:
    rng = np.random.default_rng(5)
    values = rng.integers(metric.low, metric.high + 1, 300).tolist()
    scores: list[int | None] = [None if i % 17 == 0 else v for i, v in enumerate(values)]
    keys = rng.choice(["a", "b", "c", "d"], 300).tolist()
    g = histogram_by(scores, keys, metric=metric)
    expected = _plain(scores, keys, metric.low, metric.high)
    assert g.keys == tuple((k,) for k in sorted(expected))
    for (key,), h in g:
        assert [*h.counts, h.n_missing] == expected[key]
    assert (g.low, g.high) == (metric.low, metric.high)


def test_grouped_tally_conversion_equals_tally_by() -> None:
    scores = [10, 9, 3, None, 7, 10, 0, 6, 8]
    keys = ["web", "phone", "web", "web", None, "phone", "phone", "web", None]
    g = histogram_by(scores, keys)
    assert g.to_grouped_tally(STANDARD_SCALE) == tally_by(scores, keys)
    weights = [1.0, 2.0, 0.5, 1.0, 3.0, 1.5, 1.0, 2.0, 1.0]
    gw = histogram_by(scores, keys, weights=weights)
    tw = tally_by(scores, keys, weights=weights)
    converted = gw.to_grouped_tally(STANDARD_SCALE)
    np.testing.assert_allclose(converted.counts, tw.counts)
    np.testing.assert_allclose(converted.squared_weights, tw.squared_weights)  # type: ignore[arg-type]
    assert converted.responses.tolist() == tw.responses.tolist()


def test_weighted_sums_match_plain_python() -> None:
    scores = [5, 4, 4, 1, None, 2]
    keys = ["x", "x", "y", "y", "y", "x"]
    weights = [2.0, 1.0, 0.5, 3.0, 1.0, 1.5]
    g = histogram_by(scores, keys, metric="csat", weights=weights)
    # x: 5 (w 2), 4 (w 1), 2 (w 1.5); y: 4 (0.5), 1 (3), one missing.
    assert g["x"].counts == (0.0, 1.5, 0.0, 1.0, 2.0)
    assert g["x"].squared_weights == (0.0, 2.25, 0.0, 1.0, 4.0)
    assert g["y"].counts == (3.0, 0.0, 0.0, 0.5, 0.0)
    assert (g["y"].n_missing, g["y"].n) == (1, 2)
    assert g.score(CSAT).tolist() == pytest.approx([100 * 3.0 / 4.5, 100 * 0.5 / 3.5])


def test_total_and_json() -> None:
    g = histogram_by([1, 7, 7, None], ["a", "b", "b", "a"], metric="ces")
    assert g.total == npskit.histogram([1, 7, 7, None], metric="ces")
    json.dumps(g.to_dict(), allow_nan=False)
    assert g.to_dicts()[0] == {"key": "a", "n": 1, "n_missing": 1, **{
        str(v): int(v == 1) for v in range(1, 8)}}  # fmt: skip
    assert math.isnan(histogram_by([None], ["a"], metric="ces").score(CES)[0])


def test_errors_name_the_parameter() -> None:
    with pytest.raises(npskit.InvalidScoresError, match=r"outside 1\.\.5"):
        histogram_by([6, 5], ["a", "b"], metric="csat")
    with pytest.raises(ValueError, match="missing_keys"):
        histogram_by([5], ["a"], metric="csat", missing_keys="drop")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"the metric 'ces' on 1\.\.7"):
        histogram_by([5], ["a"], metric="csat").score(CES)
    with pytest.raises(ValueError, match="shape"):
        GroupedHistogram(
            names=("k",),
            keys=(("a",),),
            counts=np.zeros((2, 5)),
            n_missing=np.zeros(1, np.int64),
            responses=np.zeros(1, np.int64),
            low=1,
        )


@pytest.mark.property
@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.one_of(st.none(), st.integers(1, 7)), st.sampled_from("abc")),
             min_size=1, max_size=40),
    st.integers(0, 40),
)  # fmt: skip
def test_merging_groups_equals_counting_the_concatenation(
    rows: list[tuple[int | None, str]], cut: int
) -> None:
    """Histogram of all rows == sum of the histograms of the two parts, per group."""
    scores = [s for s, _ in rows]
    keys = [k for _, k in rows]
    whole = histogram_by(scores, keys, metric="ces")
    first, second = rows[:cut], rows[cut:]
    parts = [
        histogram_by([s for s, _ in p], [k for _, k in p], metric="ces")
        for p in (first, second)
        if p
    ]
    for key, h in whole:
        merged = [part[key] for part in parts if key in part]
        total = merged[0]
        for other in merged[1:]:
            total = total + other
        assert total == h
    assert whole.total == npskit.histogram(scores, metric="ces")
