"""npskit.topic_impact: the identity, the Shapley split, weights, periods, multiplicity.

References: NPS of subsets computed with npskit.nps (an independent path
through the counting code), replicated rows for integer weights, and the
defining sums of the Shapley value.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import npskit

ANSWERS = np.array([9, 3, 10, 7, 0, 8, 10, 2, 6, 9, 10, 5, 9, 7, 1, 10], dtype=float)
TAGS = ["a", "b;a", "", "a", "b", "", "", "b", "c", "", "a; c", "b", "", "", "b;c", ""]


def mentions(tag: str) -> np.ndarray:
    return np.array([tag in {t.strip() for t in cell.split(";")} for cell in TAGS])


def test_impact_is_nps_all_minus_nps_without_and_share_times_difference() -> None:
    result = npskit.topic_impact(ANSWERS, TAGS)
    assert {row.topic for row in result} == {"a", "b", "c"}
    for topic in "abc":
        row = result[topic]
        has = mentions(topic)
        without = npskit.nps(ANSWERS[~has])
        assert row.impact == pytest.approx(npskit.nps(ANSWERS) - without)
        assert row.nps_without == pytest.approx(without)
        assert row.nps_with == pytest.approx(npskit.nps(ANSWERS[has]))
        assert row.share == pytest.approx(has.mean())
        assert row.impact == pytest.approx(row.share * (row.nps_with - row.nps_without))
        assert row.difference == pytest.approx(row.nps_with - row.nps_without)
        assert row.low <= row.impact <= row.high
        assert row.n_mentions == has.sum()


def test_tags_and_indicators_agree() -> None:
    matrix = {t: mentions(t).astype(int) for t in "abc"}
    from_tags = npskit.topic_impact(ANSWERS, TAGS)
    from_matrix = npskit.topic_impact(ANSWERS, matrix)
    for row in from_tags:
        other = from_matrix[row.topic]
        assert (row.impact, row.low, row.pvalue) == pytest.approx(
            (other.impact, other.low, other.pvalue)
        )


def test_shapley_split_adds_up_and_is_fair() -> None:
    result = npskit.topic_impact(ANSWERS, TAGS)
    (total,) = result.total_impact
    none = ~(mentions("a") | mentions("b") | mentions("c"))
    assert total == pytest.approx(npskit.nps(ANSWERS) - npskit.nps(ANSWERS[none]))
    assert sum(row.shapley_impact for row in result) == pytest.approx(total)
    # two topics on exactly the same comments get the same share
    twin = {"a": mentions("a").astype(int), "a2": mentions("a").astype(int)}
    split = npskit.topic_impact(ANSWERS, twin)
    assert split["a"].shapley_impact == pytest.approx(split["a2"].shapley_impact)
    assert 2 * split["a"].shapley_impact == pytest.approx(split["a"].impact)
    # one topic alone: the Shapley split is the whole impact
    alone = npskit.topic_impact(ANSWERS, {"a": mentions("a").astype(int)})
    assert alone["a"].shapley_impact == pytest.approx(alone["a"].impact)
    marginal = npskit.topic_impact(ANSWERS, TAGS, shared="marginal")
    assert np.isnan(marginal["a"].shapley_impact)


def test_integer_weights_equal_replicated_rows_for_the_estimates() -> None:
    counts = np.arange(1, len(ANSWERS) + 1) % 3 + 1
    weighted = npskit.topic_impact(ANSWERS, TAGS, weights=counts)
    replicated = npskit.topic_impact(np.repeat(ANSWERS, counts), np.repeat(TAGS, counts))
    for row in weighted:
        other = replicated[row.topic]
        assert row.impact == pytest.approx(other.impact)
        assert row.shapley_impact == pytest.approx(other.shapley_impact)
        assert row.share == pytest.approx(other.share)


def test_periods_and_change() -> None:
    period = np.array(["2026-01"] * 8 + ["2026-02"] * 8)
    result = npskit.topic_impact(ANSWERS, TAGS, period=period)
    assert result.periods == ("2026-01", "2026-02")
    for p, rows in (("2026-01", slice(0, 8)), ("2026-02", slice(8, 16))):
        alone = npskit.topic_impact(ANSWERS[rows], TAGS[rows])
        for row in alone:
            assert result[(p, row.topic)].impact == pytest.approx(row.impact)
    first, second = result[("2026-01", "b")], result[("2026-02", "b")]
    assert np.isnan(first.impact_change)
    assert second.impact_change == pytest.approx(second.impact - first.impact)
    assert second.change_low <= second.impact_change <= second.change_high


def test_multiplicity_adjustment() -> None:
    result = npskit.topic_impact(ANSWERS, TAGS, p_adjust="bonferroni")
    for row in result:
        assert row.pvalue_adjusted == pytest.approx(min(1.0, 3 * row.pvalue))
        assert row.significant == (row.pvalue_adjusted < 0.05)


def test_missing_answers_and_errors() -> None:
    answers = ANSWERS.copy()
    answers[0] = np.nan
    result = npskit.topic_impact(answers, TAGS)
    assert result.n_missing == 1
    assert result["a"].n == 15
    with pytest.raises(ValueError, match="shared must be one of"):
        npskit.topic_impact(ANSWERS, TAGS, shared="equal")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="0 or 1"):
        npskit.topic_impact(ANSWERS, {"a": np.full(16, 2)})
    with pytest.raises(ValueError, match="no tags"):
        npskit.topic_impact(ANSWERS, [""] * 16)


def test_protocol() -> None:
    result = npskit.topic_impact(ANSWERS, TAGS)
    json.dumps(result.to_dict(), allow_nan=False)
    assert len(repr(result).splitlines()) <= 25
    assert result.to_csv().count("\n") == 4
    assert "impact = NPS(all)" in str(result)
    low, high = result["a"].confidence_interval
    assert low <= high
