"""breakdown(metric="csat"|"ces", shrinkage=True): the hierarchical kernel on shares and means.

The reference estimates and sampling variances are recomputed here with plain
numpy from the answers (pooled share with two hits and two misses added;
pooled within-segment variance plus one pseudo-answer of variance
``(high - low)^2 / 4``), then handed to the kernel directly.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from npskit import CES, CSAT, GroupedHistogram, Metric, breakdown
from npskit._segments.metric_shrinkage import METRIC_TAU_PRIOR_SCALE, shrink_metric
from npskit._stats.fab import constant_coverage_intervals
from npskit._stats.hierarchical import fit_hierarchical

RNG = np.random.default_rng(1717)
KEYS = np.repeat(np.array(["a", "b", "c", "d", "e"]), [4, 25, 80, 200, 11])
CSAT_ANSWERS = RNG.integers(1, 6, len(KEYS))
CES_ANSWERS = RNG.integers(1, 8, len(KEYS))


def _by_key(answers: np.ndarray) -> list[np.ndarray]:
    return [answers[key == KEYS].astype(float) for key in sorted(set(KEYS.tolist()))]


def test_csat_equals_the_kernel_on_independent_inputs() -> None:
    groups = _by_key(CSAT_ANSWERS)
    hits = np.array([float((g >= 4).sum()) for g in groups])
    n = np.array([float(len(g)) for g in groups])
    pooled = (hits.sum() + 2) / (n.sum() + 4)
    fit = fit_hierarchical(hits / n, pooled * (1 - pooled) / n, tail=0.05, tau_scale=0.125)
    low, high = constant_coverage_intervals(hits / n, pooled * (1 - pooled) / n, 0.9)
    result = breakdown(CSAT_ANSWERS, KEYS, metric="csat", shrinkage=True, confidence_level=0.9)
    rows = [result[key] for key in sorted(set(KEYS.tolist()))]
    np.testing.assert_allclose([r.shrunk_estimate for r in rows], 100 * fit.mean, rtol=1e-12)
    # the FAB interval, extended to hold the shrunk estimate, clipped to 0-100%
    want_low = np.clip(100 * np.minimum(low, fit.mean), 0, 100)
    want_high = np.clip(100 * np.maximum(high, fit.mean), 0, 100)
    np.testing.assert_allclose([r.shrunk_low for r in rows], want_low, rtol=1e-12)
    np.testing.assert_allclose([r.shrunk_high for r in rows], want_high, rtol=1e-12)
    assert result.shrinkage is not None
    assert result.shrinkage.prior == pytest.approx(100 * fit.mu, rel=1e-12)
    assert result.shrinkage.tau == pytest.approx(100 * fit.tau_mean, rel=1e-12)
    assert result.shrinkage.tau_prior_scale == 12.5


def test_ces_equals_the_kernel_on_independent_inputs() -> None:
    groups = _by_key(CES_ANSWERS)
    n = np.array([float(len(g)) for g in groups])
    means = np.array([g.mean() for g in groups])
    within = sum(float(((g - g.mean()) ** 2).sum()) for g in groups)
    # in scale units: s^2 = (SS + 6^2/4) / (N - G + 1); the kernel runs on the range / 6
    s2 = (within + 36 / 4) / (n.sum() - len(groups) + 1)
    fit = fit_hierarchical((means - 1) / 6, s2 / n / 36, tail=0.025, tau_scale=0.125)
    low, high = constant_coverage_intervals((means - 1) / 6, s2 / n / 36, 0.95)
    result = breakdown(CES_ANSWERS, KEYS, metric="ces", shrinkage=True)
    rows = [result[key] for key in sorted(set(KEYS.tolist()))]
    np.testing.assert_allclose([r.shrunk_estimate for r in rows], 1 + 6 * fit.mean, rtol=1e-12)
    want_low = np.clip(1 + 6 * np.minimum(low, fit.mean), 1, 7)
    want_high = np.clip(1 + 6 * np.maximum(high, fit.mean), 1, 7)
    np.testing.assert_allclose([r.shrunk_low for r in rows], want_low, rtol=1e-12)
    np.testing.assert_allclose([r.shrunk_high for r in rows], want_high, rtol=1e-12)
    assert result.shrinkage is not None
    assert result.shrinkage.tau_prior_scale == pytest.approx(0.75)


def test_sort_shrunk_turns_it_on_and_sorts() -> None:
    result = breakdown(CSAT_ANSWERS, KEYS, metric="csat", sort="shrunk")
    shrunk = [row.shrunk_estimate for row in result.rows]
    assert result.shrinkage is not None
    assert shrunk == sorted(shrunk, reverse=True)
    up = breakdown(CES_ANSWERS, KEYS, metric="ces", sort="shrunk", ascending=True)
    assert [row.shrunk_estimate for row in up.rows] == sorted(r.shrunk_estimate for r in up.rows)


def test_outputs_carry_the_shrunk_columns() -> None:
    plain = breakdown(CSAT_ANSWERS, KEYS, metric="csat")
    assert plain.shrinkage is None
    assert plain.rows[0].shrunk_estimate is None
    assert plain.to_dict()["shrinkage"] is None
    assert "shrunk" not in str(plain)
    result = breakdown(CSAT_ANSWERS, KEYS, metric="csat", shrinkage=True)
    payload = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert payload["options"]["shrinkage"] is True
    assert set(payload["shrinkage"]) >= {"prior", "tau", "tau_low", "tau_high", "method"}
    assert {"shrunk_estimate", "shrunk_low", "shrunk_high"} <= set(payload["rows"][0])
    assert "shrunk_estimate" in result.to_markdown().splitlines()[0]
    text = str(result)
    assert "shrunk" in text.splitlines()[3]
    assert "95% CI (FAB)" in text
    assert "95% credible" in text  # tau's interval
    assert "normal hierarchical model" in text
    pandas = pytest.importorskip("pandas")
    frame = result.to_pandas()
    assert isinstance(frame, pandas.DataFrame)
    assert {"shrunk_estimate", "shrunk_low", "shrunk_high"} <= set(frame.columns)


def test_needs_two_segments_with_answers() -> None:
    with pytest.raises(ValueError, match="at least two segments with answers, got 1"):
        breakdown([5, 4, 1], ["a", "a", "a"], metric="csat", shrinkage=True)


def test_calibration_of_csat_by_seeded_simulation() -> None:
    # 150 replicates of 25 segments of 20-500 answers (log-uniform); true CSAT
    # shares from Beta(60 m, 60 (1 - m)), m = 0.75: a spread of about 5.5
    # points around 75%. Coverage of the 95% (FAB) confidence intervals is averaged
    # over the segments of a replicate; the Monte Carlo standard error is the
    # replicates' standard deviation over sqrt(150). Checked: the band
    # 0.93-0.97 widened by 3 standard errors.
    rng = np.random.default_rng(2027)
    covered = []
    for _ in range(150):
        n = np.round(np.exp(rng.uniform(math.log(20), math.log(500), 25))).astype(int)
        p = rng.beta(60 * 0.75, 60 * 0.25, 25)
        hits = rng.binomial(n, p).astype(float)
        counts = np.zeros((25, 5))
        counts[:, 4], counts[:, 0] = hits, n - hits
        _, _, low, high = shrink_metric(counts, CSAT, confidence_level=0.95)
        covered.append(float(np.mean((low <= 100 * p) & (100 * p <= high))))
    coverage = float(np.mean(covered))
    standard_error = float(np.std(covered, ddof=1)) / math.sqrt(len(covered))
    assert 0.93 - 3 * standard_error <= coverage <= 0.97 + 3 * standard_error, (
        coverage,
        standard_error,
    )


def test_calibration_of_ces_by_seeded_simulation() -> None:
    # 150 replicates of 25 segments of 20-500 answers; each segment's true
    # distribution over 1-7 from Dirichlet(80 m) around a common m (true CES
    # 4.9, spread about 0.17 between segments). Same coverage check as above.
    rng = np.random.default_rng(7)
    m = np.array([0.05, 0.05, 0.10, 0.15, 0.25, 0.25, 0.15])
    covered = []
    for _ in range(150):
        n = np.round(np.exp(rng.uniform(math.log(20), math.log(500), 25))).astype(int)
        q = rng.dirichlet(80 * m, 25)
        counts = np.array([rng.multinomial(k, shares) for k, shares in zip(n, q, strict=True)])
        truth = q @ np.arange(1.0, 8.0)
        _, _, low, high = shrink_metric(counts.astype(float), CES, confidence_level=0.95)
        covered.append(float(np.mean((low <= truth) & (truth <= high))))
    coverage = float(np.mean(covered))
    standard_error = float(np.std(covered, ddof=1)) / math.sqrt(len(covered))
    assert 0.93 - 3 * standard_error <= coverage <= 0.97 + 3 * standard_error, (
        coverage,
        standard_error,
    )


def _grouped(rows: list[list[int]], low: int) -> GroupedHistogram:
    counts = np.array(rows, dtype=np.int64)
    return GroupedHistogram(
        names=("key",),
        keys=tuple((i,) for i in range(len(rows))),
        counts=counts,
        n_missing=np.zeros(len(rows), dtype=np.int64),
        responses=counts.sum(axis=1),
        low=low,
    )


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from([CSAT, CES, Metric.top_box(low=1, high=7, cut=5, name="ces-easy")]),
    st.lists(st.lists(st.integers(0, 30), min_size=7, max_size=7), min_size=2, max_size=7),
    st.sampled_from([0.5, 0.8, 0.95, 0.99]),
)
def test_intervals_are_never_zero_width_and_within_bounds(
    metric: Metric, rows: list[list[int]], confidence_level: float
) -> None:
    rows = [row[: metric.n_points] for row in rows]
    if sum(1 for row in rows if sum(row) > 0) < 2:
        rows[0][0] += 1
        rows[1][-1] += 1
    result = breakdown(
        _grouped(rows, metric.low), metric=metric, shrinkage=True, confidence_level=confidence_level
    )
    first, last = metric.bounds
    for row in result.rows:
        assert row.shrunk_low is not None
        assert row.shrunk_high is not None
        assert row.shrunk_estimate is not None
        assert first <= row.shrunk_low < row.shrunk_high <= last
        assert row.shrunk_low <= row.shrunk_estimate <= row.shrunk_high
    assert result.shrinkage is not None
    assert result.shrinkage.tau_prior_scale == pytest.approx(
        METRIC_TAU_PRIOR_SCALE * (last - first)
    )


def test_equal_weights_give_the_unweighted_fit() -> None:
    # equal weights leave the effective counts (and so the fit) unchanged
    plain = breakdown(CSAT_ANSWERS, KEYS, metric="csat", shrinkage=True)
    weighted = breakdown(
        CSAT_ANSWERS, KEYS, metric="csat", shrinkage=True, weights=np.full(len(KEYS), 2.5)
    )
    for a, b in zip(plain.rows, weighted.rows, strict=True):
        assert a.shrunk_estimate == pytest.approx(b.shrunk_estimate, rel=1e-9)
        assert a.shrunk_low == pytest.approx(b.shrunk_low, rel=1e-9)
        assert a.shrunk_high == pytest.approx(b.shrunk_high, rel=1e-9)
