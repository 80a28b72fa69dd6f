"""breakdown(): per-segment NPS, vs-rest tests, multiplicity, impact, sorting, outputs.

Reference values come from computations written independently of the code
under test: the rest of each segment is counted by a plain-Python loop over
the answers, the comparison with it comes from calling ``npskit.compare`` on
those tallies, intervals from ``npskit.confidence_interval`` on each
segment's tally, Holm and Benjamini-Hochberg from the short loops below, and
hand derivations in comments. The vectorised kernels are checked against the
scalar ones row by row. Statistical promises (family-wise error rate under a
global null) are checked by seeded simulation with a Monte Carlo tolerance.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import npskit
from npskit import GroupedTally, Tally, breakdown, compare, confidence_interval, shrink
from npskit._compare.arrays import compare_arrays
from npskit._compare.methods import COMPARE_METHODS, CompareOptions
from npskit._intervals.arrays import interval_arrays

# -- independent helpers --------------------------------------------------------------


def _category(score: float) -> int:
    return 0 if score <= 6 else (2 if score >= 9 else 1)


def _count(scores: list[Any], keys: list[Any], skip: Any = None, only: Any = None) -> Tally:
    """Plain-Python tally of the answers whose key is ``only`` (or is not ``skip``)."""
    counter: Counter[int] = Counter()
    missing = 0
    for score, key in zip(scores, keys, strict=True):
        if (only is not None and key != only) or (skip is not None and key == skip):
            continue
        if score is None or (isinstance(score, float) and math.isnan(score)):
            missing += 1
        else:
            counter[_category(score)] += 1
    return Tally(
        detractors=counter[0], passives=counter[1], promoters=counter[2], n_missing=missing
    )


def _holm(p: list[float]) -> list[float]:
    """Holm's step-down adjustment written as a loop over the sorted p-values."""
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    out = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out


def _bh(p: list[float]) -> list[float]:
    """Benjamini-Hochberg step-up adjustment, from the largest p-value down."""
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i], reverse=True)
    out = [0.0] * m
    running = 1.0
    for k, i in enumerate(order):
        rank = m - k
        running = min(running, m * p[i] / rank)
        out[i] = min(running, 1.0)
    return out


def _survey(seed: int = 7, n: int = 900) -> tuple[list[int], list[str]]:
    rng = np.random.default_rng(seed)
    channels = ["chat", "email", "phone", "web", "app"]
    shares = {
        "chat": [0.15, 0.25, 0.60],
        "email": [0.35, 0.30, 0.35],
        "phone": [0.25, 0.25, 0.50],
        "web": [0.20, 0.30, 0.50],
        "app": [0.30, 0.20, 0.50],
    }
    keys = [channels[i] for i in rng.choice(5, size=n, p=[0.3, 0.1, 0.35, 0.2, 0.05])]
    scores = []
    for key in keys:
        category = rng.choice(3, p=shares[key])
        scores.append(int(rng.choice([[0, 3, 6], [7, 8, 8], [9, 10, 10]][category])))
    return scores, keys


# -- reference values -------------------------------------------------------------------


def test_hand_example() -> None:
    # chat: 45 promoters (NPS 100); phone: 15 promoters and 20 detractors
    # (NPS 100 * (15 - 20) / 35 = -14.29); email: 20 passives (NPS 0).
    # Total: 60 promoters, 20 detractors of 100, NPS 40. Rest of chat: 15
    # promoters, 20 detractors of 55, NPS -9.09, so the difference is
    # 109.09 and the impact 40 - (-9.09) = 49.09 = 0.45 * 109.09.
    scores = [10] * 45 + [9] * 15 + [3] * 20 + [8] * 20
    channel = ["chat"] * 45 + ["phone"] * 35 + ["email"] * 20
    result = breakdown(scores, channel)
    assert [row.key for row in result] == [("chat",), ("email",), ("phone",)]
    chat = result["chat"]
    assert chat.n == 45
    assert chat.counts == (0, 0, 45)
    assert chat.shares == (0.0, 0.0, 1.0)
    assert chat.nps == pytest.approx(100.0)
    assert chat.difference == pytest.approx(100.0 + 500.0 / 55.0)
    assert chat.impact == pytest.approx(40.0 + 500.0 / 55.0)
    assert chat.impact == pytest.approx(0.45 * chat.difference)
    assert chat.share_of_total == pytest.approx(0.45)
    phone = result["phone"]
    # Rest of phone: 45 promoters of 65, NPS 69.23; difference -83.52.
    assert phone.difference == pytest.approx(-500.0 / 35.0 - 4500.0 / 65.0)
    assert result.total.nps == pytest.approx(40.0)
    t = result.total
    assert (t.n, t.detractors, t.passives, t.promoters) == (100, 20, 20, 60)


def test_rows_match_independent_computations() -> None:
    scores, keys = _survey()
    result = breakdown(scores, keys)
    names = sorted(set(keys))
    assert [row.key[0] for row in result] == names
    raw = []
    for row in result:
        segment = _count(scores, keys, only=row.key[0])
        rest = _count(scores, keys, skip=row.key[0])
        assert row.counts == (segment.detractors, segment.passives, segment.promoters)
        assert row.n == segment.n
        assert row.nps == pytest.approx(segment.nps, abs=1e-12)
        ci = confidence_interval(segment)
        assert (row.low, row.high) == pytest.approx((ci.low, ci.high), abs=1e-9)
        reference = compare(rest, segment)  # current = the segment, baseline = the rest
        assert row.difference == pytest.approx(reference.difference, abs=1e-9)
        assert row.difference_low == pytest.approx(reference.low, abs=1e-7)
        assert row.difference_high == pytest.approx(reference.high, abs=1e-7)
        assert row.pvalue == pytest.approx(reference.pvalue, rel=1e-6, abs=1e-12)
        total = _count(scores, keys)
        assert row.impact == pytest.approx(total.nps - rest.nps, abs=1e-9)
        assert row.share_of_total == pytest.approx(segment.n / total.n)
        raw.append(reference.pvalue)
    for row, expected in zip(result, _holm(raw), strict=True):
        assert row.pvalue_adjusted == pytest.approx(expected, rel=1e-6, abs=1e-12)
        assert row.significant == (expected < 0.05)
        assert row.small == (row.n < 30)
    bh = breakdown(scores, keys, p_adjust="benjamini-hochberg")
    for row, expected in zip(bh, _bh(raw), strict=True):
        assert row.pvalue_adjusted == pytest.approx(expected, rel=1e-6, abs=1e-12)
    none = breakdown(scores, keys, p_adjust="none")
    assert [r.pvalue_adjusted for r in none] == [r.pvalue for r in none]


@pytest.mark.parametrize("compare_method", ["wald", "adjusted-wald", "bayes", "permutation"])
def test_other_compare_methods_match_compare(compare_method: str) -> None:
    scores, keys = _survey(seed=3, n=300)
    result = breakdown(scores, keys, compare_method=compare_method, rng=5)  # type: ignore[arg-type]
    for row in result:
        rest = _count(scores, keys, skip=row.key[0])
        segment = _count(scores, keys, only=row.key[0])
        reference = compare(rest, segment, compare_method=compare_method, rng=5)  # type: ignore[arg-type]
        assert row.difference == pytest.approx(reference.difference, abs=1e-9)
        if compare_method != "permutation":  # its p-value may be resampled
            assert row.pvalue == pytest.approx(reference.pvalue, rel=1e-6, abs=1e-12)
        assert row.difference_low == pytest.approx(reference.low, abs=1e-6)


@pytest.mark.parametrize(
    "method", ["wald", "adjusted-wald", "agresti-min", "bonett-price", "tango", "exact"]
)
@pytest.mark.filterwarnings("ignore::npskit.SmallSampleWarning")  # small segments, "wald"
def test_segment_intervals_match_confidence_interval(method: str) -> None:
    scores, keys = _survey(seed=11, n=400)
    result = breakdown(scores, keys, interval_method=method)  # type: ignore[arg-type]
    for row in result:
        ci = confidence_interval(_count(scores, keys, only=row.key[0]), interval_method=method)  # type: ignore[arg-type]
        assert (row.low, row.high) == pytest.approx((ci.low, ci.high), abs=1e-9)
    ci = confidence_interval(_count(scores, keys), interval_method=method)  # type: ignore[arg-type]
    assert (result.total.low, result.total.high) == pytest.approx((ci.low, ci.high), abs=1e-9)


def test_vectorised_kernels_match_scalar_ones_on_edge_cases() -> None:
    rng = np.random.default_rng(99)
    baseline = [rng.multinomial(rng.integers(1, 400), rng.dirichlet([1, 1, 1])) for _ in range(150)]
    current = [rng.multinomial(rng.integers(1, 40), rng.dirichlet([1, 1, 1])) for _ in range(150)]
    # every answer in one category, on one side or both, in all directions
    baseline += [[0, 0, 5], [5, 0, 0], [0, 3, 0], [1, 0, 0], [10, 0, 10], [0, 0, 1000], [3, 3, 3]]
    current += [[5, 0, 0], [0, 0, 5], [0, 0, 1], [0, 0, 1], [0, 0, 3], [1000, 0, 0], [3, 3, 3]]
    b = np.array(baseline, dtype=float)
    c = np.array(current, dtype=float)
    for method in ("mover", "wald", "adjusted-wald"):
        low, high, statistic, pvalue = compare_arrays(
            b,
            c,
            compare_method=method,  # type: ignore[arg-type]
            confidence_level=0.9,
        )
        for i in range(len(b)):
            b_i = (float(b[i, 0]), float(b[i, 1]), float(b[i, 2]))
            c_i = (float(c[i, 0]), float(c[i, 1]), float(c[i, 2]))
            ref = COMPARE_METHODS[method].kernel(b_i, c_i, 0.05, "two-sided", CompareOptions())
            # then the rule of issue 13: contain the difference, never point away from it
            estimate = (c_i[2] - c_i[0]) / sum(c_i) - (b_i[2] - b_i[0]) / sum(b_i)
            ref_p = 1.0 if ref.statistic * estimate < 0 else ref.pvalue
            if estimate == 0 and ref.statistic != 0:
                ref_p = 1.0
            ref_low, ref_high = min(ref.low, estimate), max(ref.high, estimate)
            assert statistic[i] == pytest.approx(ref.statistic, abs=1e-8)
            assert pvalue[i] == pytest.approx(ref_p, rel=1e-7, abs=1e-14)
            assert (low[i], high[i]) == pytest.approx((100 * ref_low, 100 * ref_high), abs=1e-8)
    low, high = interval_arrays(
        np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]]),
        confidence_level=0.95,
        interval_method="adjusted-wald",
    )
    assert math.isnan(low[0])
    assert math.isnan(high[0])
    assert not math.isnan(low[1])


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"compare_to": "total", "p_adjust": "benjamini-hochberg", "confidence_level": 0.9},
        {"interval_method": "tango", "compare_method": "wald", "p_adjust": "bonferroni"},
    ],
)
def test_segments_with_equal_counts_are_computed_once_with_the_same_table(
    options: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # 10^4 small segments share their counts; each distinct row is computed
    # once and copied. The table must be the one computed segment by segment.
    from npskit._segments import statistics

    rng = np.random.default_rng(21)
    counts = rng.multinomial(12, [0.3, 0.2, 0.5], size=10_000)
    counts[:3] = [[0, 0, 0], [4, 0, 0], [0, 0, 9]]
    grouped = GroupedTally.from_arrays(
        ["key"], [(i,) for i in range(len(counts))], counts, np.zeros(len(counts)), counts.sum(1)
    )
    assert statistics.distinct_rows(np.asarray(counts, dtype=float)) is not None
    fast = breakdown(grouped, **options).to_dicts()
    monkeypatch.setattr(statistics, "distinct_rows", lambda rows: None)
    plain = breakdown(grouped, **options).to_dicts()
    assert json.dumps(fast) == json.dumps(plain)


def test_compare_to_total_scales_the_rest_difference() -> None:
    # e_s - e_total = (1 - w)(e_s - e_rest): the same test, a scaled difference.
    scores, keys = _survey(seed=21, n=500)
    rest = breakdown(scores, keys)
    total = breakdown(scores, keys, compare_to="total")
    overall = _count(scores, keys).nps
    for a, b in zip(rest, total, strict=True):
        assert b.difference == pytest.approx(b.nps - overall, abs=1e-9)
        assert b.pvalue == a.pvalue
        factor = 1.0 - a.share_of_total
        assert b.difference_low == pytest.approx(factor * a.difference_low)
        assert b.difference_high == pytest.approx(factor * a.difference_high)
    assert total.compare_to == "total"


def test_whole_population_and_empty_segments_have_no_test() -> None:
    one = breakdown([9, 10, 3, 8], ["a"] * 4)
    row = one["a"]
    assert math.isnan(row.difference)
    assert math.isnan(row.pvalue)
    assert math.isnan(row.pvalue_adjusted)
    assert math.isnan(row.impact)
    assert row.significant is False
    assert row.to_dict()["pvalue"] is None
    # A segment whose answers are all missing: NaN statistics, left out of the
    # family, so Holm multiplies by 2 (two tested segments), not 3.
    scores: list[Any] = [10] * 40 + [2] * 40 + [None, None]
    keys = ["a"] * 40 + ["b"] * 40 + ["c", "c"]
    result = breakdown(scores, keys)
    c = result["c"]
    assert c.n == 0
    assert c.n_missing == 2
    assert math.isnan(c.nps)
    assert math.isnan(c.low)
    assert math.isnan(c.pvalue)
    assert math.isnan(c.pvalue_adjusted)
    assert c.impact == pytest.approx(0.0)  # without "c" the total is the same
    a, b = result["a"], result["b"]
    assert a.pvalue_adjusted == pytest.approx(min(1.0, 2 * min(a.pvalue, b.pvalue)))


def test_weighted_rows_match_weighted_tallies() -> None:
    rng = np.random.default_rng(4)
    scores = rng.integers(0, 11, 600)
    keys = rng.choice(["x", "y", "z"], 600)
    w = rng.uniform(0.2, 3.0, 600)
    result = breakdown(scores, keys, weights=w)
    assert result.weighted
    for row in result:
        inside = keys == row.key[0]
        segment = npskit.tally(scores[inside], weights=w[inside])
        rest = npskit.tally(scores[~inside], weights=w[~inside])
        assert row.n == pytest.approx(segment.n)
        assert row.effective_n == pytest.approx(segment.effective_n)
        reference = compare(rest, segment)
        assert row.pvalue == pytest.approx(reference.pvalue, rel=1e-6)
        assert row.difference_low == pytest.approx(reference.low, abs=1e-7)
        ci = confidence_interval(segment)
        assert (row.low, row.high) == pytest.approx((ci.low, ci.high), abs=1e-9)
        assert row.small == (segment.effective_n < 30)


# -- multiplicity by simulation -----------------------------------------------------------


def test_holm_controls_the_family_wise_error_rate_under_a_global_null() -> None:
    """20 segments, all with the same distribution: how often is any flagged?

    Replicates are run through the same vectorised kernel breakdown uses, in
    one batch (``compare_arrays``; its equality with breakdown's p-values is
    checked on the first replicates), then adjusted per replicate. With R
    replicates the Monte Carlo standard error of a rate near 0.05 is
    sqrt(0.05 * 0.95 / R); the bound allows 3 of them. The unadjusted rate
    must be far above 0.05, so the check can fail.
    """
    rng = np.random.default_rng(20240611)
    segments, replicates = 20, 3000
    shares = [0.25, 0.25, 0.50]
    sizes = rng.integers(15, 150, segments)
    counts = np.stack(
        [np.stack([rng.multinomial(s, shares) for s in sizes]) for _ in range(replicates)]
    ).astype(float)  # (replicates, segments, 3)
    rest = counts.sum(axis=1, keepdims=True) - counts
    _, _, _, pvalues = compare_arrays(
        rest.reshape(-1, 3), counts.reshape(-1, 3), compare_method="mover", confidence_level=0.95
    )
    pvalues = pvalues.reshape(replicates, segments)
    for r in range(40):  # breakdown gives the same p-values
        totals = counts[r].sum(axis=0).astype(int)
        grouped = GroupedTally(
            names=("segment",),
            keys=tuple((i,) for i in range(segments)),
            counts=counts[r].astype(int),
            n_missing=np.zeros(segments, dtype=int),
            responses=counts[r].sum(axis=1).astype(int),
            total=Tally(
                detractors=int(totals[0]), passives=int(totals[1]), promoters=int(totals[2])
            ),
        )
        result = breakdown(grouped)
        assert [row.pvalue for row in result] == pytest.approx(list(pvalues[r]), rel=1e-12)
    any_raw = np.mean([(p < 0.05).any() for p in pvalues])
    any_holm = np.mean([min(_holm(list(p))) < 0.05 for p in pvalues])
    any_bh = np.mean([min(_bh(list(p))) < 0.05 for p in pvalues])
    tolerance = 3 * math.sqrt(0.05 * 0.95 / replicates)
    assert any_holm <= 0.05 + tolerance
    assert any_bh <= 0.05 + tolerance  # under the global null FDR = FWER
    assert any_raw > 0.4  # about 1 - 0.95**20 = 0.64 if the tests were independent


# -- sorting, options, outputs ----------------------------------------------------------


def test_sorting() -> None:
    scores, keys = _survey(seed=5, n=700)
    base = breakdown(scores, keys)
    for by, value in [
        ("nps", lambda r: r.nps),
        ("n", lambda r: r.n),
        ("impact", lambda r: r.impact),
        ("lower", lambda r: r.low),
    ]:
        down = breakdown(scores, keys, sort=by)  # type: ignore[arg-type]
        assert [value(r) for r in down] == sorted((value(r) for r in base), reverse=True)
        up = breakdown(scores, keys, sort=by, ascending=True)  # type: ignore[arg-type]
        assert [value(r) for r in up] == sorted(value(r) for r in base)
        assert sorted(down.to_dicts(), key=str) == sorted(base.to_dicts(), key=str)
    shrunk = breakdown(scores, keys, sort="shrunk")
    assert shrunk.shrinkage is not None
    values = [r.shrunk_nps for r in shrunk]
    assert values == sorted(values, reverse=True)  # type: ignore[type-var]
    # NaN last in both directions; ties keep key order
    with_empty = breakdown([10, 10, 1, None], ["b", "a", "c", "d"], sort="nps", ascending=True)
    assert [r.key[0] for r in with_empty] == ["c", "a", "b", "d"]


def test_shrinkage_columns_come_from_shrink() -> None:
    scores, keys = _survey(seed=8, n=600)
    result = breakdown(scores, keys, shrinkage=True)
    fit = shrink(npskit.tally_by(scores, keys))
    for row, segment in zip(result, fit.rows, strict=True):
        assert row.key == segment.key
        assert row.shrunk_nps == segment.shrunk_nps
        assert (row.shrunk_low, row.shrunk_high) == (
            segment.confidence_interval.low,
            segment.confidence_interval.high,
        )
    assert breakdown(scores, keys).rows[0].shrunk_nps is None


def test_data_frames_and_key_names() -> None:
    scores, keys = _survey(seed=9, n=300)
    month = ["2026-01" if i % 3 else "2026-02" for i in range(300)]
    frame = pd.DataFrame({"answer": scores, "channel": keys, "month": month})
    result = breakdown("answer", ["channel", "month"], data=frame)
    assert result.names == ("channel", "month")
    record = result.to_dicts()[0]
    assert list(record)[:3] == ["channel", "month", "n"]
    polars = breakdown("answer", ["channel", "month"], data=pl.from_pandas(frame))
    assert polars.to_dicts() == result.to_dicts()
    mapping = breakdown("answer", "channel", data={"answer": scores, "channel": keys})
    plain = breakdown(scores, keys).to_dicts()
    assert mapping.to_dicts() == [{"channel": r.pop("key"), **r} for r in plain]
    # unnamed keys: "key", or key0, key1 for several; a clash is prefixed
    assert breakdown(scores, keys).names == ("key",)
    assert breakdown(scores, [keys, month]).names == ("key0", "key1")
    clash = breakdown("answer", "n", data={"answer": scores, "n": keys})
    assert list(clash.to_dicts()[0])[:2] == ["key_n", "n"]


def test_outputs() -> None:
    scores, keys = _survey(seed=10, n=400)
    result = breakdown(scores, keys, shrinkage=True, sort="nps")
    payload = json.loads(json.dumps(result.to_dict()))
    assert payload["options"] == {
        "interval_method": "adjusted-wald",
        "compare_method": "mover",
        "compare_to": "rest",
        "confidence_level": 0.95,
        "p_adjust": "holm",
        "min_n": 30,
        "sort": "nps",
        "ascending": False,
        "shrinkage": True,
        "weighted": False,
    }
    assert len(payload["rows"]) == len(result)
    assert payload["total"]["n"] == 400
    frame = result.to_pandas()
    assert list(frame["key"]) == [r.key[0] for r in result]
    assert pl.DataFrame(result.to_polars()).shape[0] == len(result)
    csv_text = result.to_csv()
    assert csv_text.splitlines()[0].startswith("key,n,weight_sum,effective_n")
    assert len(csv_text.splitlines()) == len(result) + 1
    markdown = result.to_markdown()
    assert markdown.splitlines()[-1].startswith("| **total** | 400 |")
    text = str(result)
    assert "rounded" in text
    assert "small" in text
    assert "*" in text.splitlines()[-1]
    assert text.splitlines()[0].startswith("NPS by key: 5 segments, sorted by nps")


def test_validation() -> None:
    scores, keys = [10, 3, 8], ["a", "b", "a"]
    for options, error in [
        ({"interval_method": "Wald"}, ValueError),
        ({"compare_method": "tango"}, ValueError),
        ({"compare_to": "others"}, ValueError),
        ({"p_adjust": "BH"}, ValueError),
        ({"sort": "size"}, ValueError),
        ({"min_n": -1}, ValueError),
        ({"min_n": 2.5}, TypeError),
        ({"ascending": 1}, TypeError),
        ({"shrinkage": "yes"}, TypeError),
        ({"confidence_level": 95}, ValueError),
    ]:
        with pytest.raises(error):
            breakdown(scores, keys, **options)
    with pytest.raises(ValueError, match="compare_to must be one of 'rest', 'total'; got 'x'"):
        breakdown(scores, keys, compare_to="x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="by must name distinct key columns"):
        breakdown(npskit.tally_by(scores, keys), keys)
    with pytest.raises(TypeError, match="by must name key columns"):
        breakdown(npskit.tally_by(scores, keys), [1, 2])
    with pytest.raises(TypeError, match="weights must be None"):
        breakdown(npskit.tally_by(scores, keys), weights=[1, 1, 1])
    with pytest.raises(TypeError, match="got one Tally"):
        breakdown(Tally(detractors=1, passives=2, promoters=3))
    with pytest.raises(TypeError, match="by is required"):
        breakdown(scores)
    with pytest.raises(npskit.EmptyDataError):
        breakdown([None, None], ["a", "b"])
    with pytest.raises(ValueError, match="missing"):
        breakdown(scores, ["a", None, "b"], missing_keys="raise")
    with pytest.raises(ValueError, match="two segments"):
        breakdown(scores, ["a", "a", "a"], shrinkage=True)


# -- properties -----------------------------------------------------------------------------

_answers = st.lists(
    st.tuples(st.one_of(st.none(), st.integers(0, 10)), st.sampled_from("abcde")),
    min_size=1,
    max_size=60,
).filter(lambda rows: any(score is not None for score, _ in rows))


@pytest.mark.property
@settings(max_examples=60, deadline=None)
@given(_answers)
def test_counts_add_up_to_the_total(rows: list[tuple[int | None, str]]) -> None:
    scores = [s for s, _ in rows]
    keys = [k for _, k in rows]
    result = breakdown(scores, keys, compare_method="adjusted-wald")
    for category in ("detractors", "passives", "promoters", "n", "n_missing"):
        assert sum(getattr(r, category) for r in result) == getattr(result.total, category)
    assert sum(r.share_of_total for r in result) == pytest.approx(1.0)


@pytest.mark.property
@settings(max_examples=40, deadline=None)
@given(_answers, st.randoms(use_true_random=False))
def test_permuting_answers_changes_nothing(rows: list[tuple[int | None, str]], random: Any) -> None:
    shuffled = list(rows)
    random.shuffle(shuffled)
    first = breakdown([s for s, _ in rows], [k for _, k in rows])
    second = breakdown([s for s, _ in shuffled], [k for _, k in shuffled])
    assert first.to_dict() == second.to_dict()


@pytest.mark.property
@settings(max_examples=60, deadline=None)
@given(_answers)
def test_impact_is_total_minus_total_without_the_segment(
    rows: list[tuple[int | None, str]],
) -> None:
    scores = [s for s, _ in rows]
    keys = [k for _, k in rows]
    result = breakdown(scores, keys, compare_method="wald")
    total = _count(scores, keys)
    for row in result:
        rest = _count(scores, keys, skip=row.key[0])
        if rest.n == 0:
            assert math.isnan(row.impact)
        else:
            assert row.impact == pytest.approx(total.nps - rest.nps, abs=1e-9)
            if row.n > 0:
                assert row.impact == pytest.approx(row.share_of_total * row.difference, abs=1e-9)


def test_grouped_tally_broken_down_by_one_of_its_key_columns() -> None:
    # channel x month counted once; breakdown by channel sums over month, and
    # must equal the breakdown of the answers by channel alone.
    scores = [10, 9, 3, 8, 0, 10, 7, 6, 10, 2]
    channel = ["web", "web", "app", "app", "web", "app", "web", "app", "web", "app"]
    month = ["05", "06", "05", "06", "05", "05", "06", "06", "05", "06"]
    table = {"answer": scores, "channel": channel, "month": month}
    cube = npskit.tally_by("answer", ["channel", "month"], data=table)
    by_channel = breakdown(cube, by="channel")
    direct = breakdown(scores, channel)
    assert by_channel.names == ("channel",)
    assert [r.key for r in by_channel] == [r.key for r in direct]
    for got, want in zip(by_channel, direct, strict=True):
        assert got.counts == want.counts
        assert got.nps == pytest.approx(want.nps)
        assert got.pvalue == pytest.approx(want.pvalue)
    assert breakdown(cube)[("web", "05")].n == 3  # answers 1, 5 and 9
    assert breakdown(cube, by=["month", "channel"])[("web", "05")].n == 3  # columns keep order
    assert by_channel["web"].n == 5


def test_int_seed_reproduces_and_segments_get_independent_streams() -> None:
    # Two segments with identical counts: under a resampling method their
    # bootstrap intervals come from independent streams, so they differ (the
    # chance that 200 resamples give equal percentiles by luck is negligible);
    # the same int seed gives the same table, and a Generator is accepted.
    scores = [10, 9, 3, 8, 0, 10, 7, 6] * 5
    keys = ["a"] * 40 + ["b"] * 40
    scores = scores + scores
    options: dict[str, Any] = {
        "interval_method": "bootstrap-percentile",
        "compare_method": "permutation",
        "n_resamples": 200,
    }
    first = breakdown(scores, keys, rng=7, **options)
    again = breakdown(scores, keys, rng=7, **options)
    assert first.to_dicts() == again.to_dicts()
    assert first.total.low == again.total.low
    a, b = first["a"], first["b"]
    assert a.counts == b.counts
    assert (a.low, a.high) != (b.low, b.high)
    generated = breakdown(scores, keys, rng=np.random.default_rng(7), **options)
    assert generated.to_dicts() == first.to_dicts()  # default_rng(7) spawns the same children
    other = breakdown(scores, keys, rng=8, **options)
    assert other.to_dicts() != first.to_dicts()


def test_breakdown_table_protocol() -> None:
    result = breakdown([10, 9, 3, 8, 0, 10], ["x", "y", "x", "y", "x", None])
    assert result[None] is result.rows[2]
    with pytest.raises(KeyError, match="no row with key 'z'"):
        result["z"]
    text = repr(result)
    assert len(text.splitlines()) <= 25
    assert len(text) <= 2000
    json.dumps(result.to_dict(), allow_nan=False)
