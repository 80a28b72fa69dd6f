"""npskit.drivers and drivers_from_correlation: anchors, weights, bootstrap, missing, errors.

Reference values are independent computations: LMG by averaging R^2 gains
over all p! orders of entry with least squares on the rows, relative weights
by Johnson's SVD derivation (both from tests/stats/test_relative_importance.py),
and weighted fits against integer weights replicated as rows.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

import numpy as np
import pytest

import npskit
from npskit._core.errors import MissingAnswersError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "stats"))
from test_relative_importance import (
    attitude,
    lmg_by_orderings,
    relative_weights_by_svd,
)

NAMES = ["complaints", "privileges", "learning", "raises", "critical", "advance"]
PERCENT = npskit.Scale(low=0, high=100, detractor_max=60, promoter_min=75)


def attitude_columns() -> dict[str, np.ndarray]:
    data = attitude()
    return {"rating": data[:, 0], **{name: data[:, j + 1] for j, name in enumerate(NAMES)}}


@pytest.mark.parametrize("method", ["shapley", "relative-weights"])
def test_attitude_from_rows_and_from_the_correlation_matrix(method: str) -> None:
    data = attitude()
    expected = (
        lmg_by_orderings(data[:, 1:], data[:, 0])
        if method == "shapley"
        else relative_weights_by_svd(data[:, 1:], data[:, 0])
    )
    columns = attitude_columns()
    rows = npskit.drivers(
        "rating", NAMES, data=columns, importance_method=method, n_resamples=0, scale=PERCENT
    )
    matrix = npskit.drivers_from_correlation(
        np.cov(data.T), ["rating", *NAMES], importance_method=method, n=30
    )
    for result in (rows, matrix):
        got = [result[name].importance for name in NAMES]
        np.testing.assert_allclose(got, expected, atol=1e-10)
        assert result.r2 == pytest.approx(0.7326019925311491, abs=1e-10)
        assert sum(row.importance_share for row in result) == pytest.approx(1.0)
    assert [row.rank for row in rows] == [1, 2, 3, 4, 5, 6]
    assert rows.rows[0].driver == "complaints"
    # mean and top box of the rows used
    assert rows["complaints"].mean == pytest.approx(columns["complaints"].mean())
    assert rows["complaints"].top_box == pytest.approx(1 / 30)
    assert rows["advance"].sign == 1  # positive correlation ...
    assert rows["advance"].beta < 0  # ... negative coefficient given the others
    assert rows["advance"].suppressor


def test_outcome_first_or_named() -> None:
    data = attitude()
    order = [*range(1, 7), 0]
    named = npskit.drivers_from_correlation(
        np.corrcoef(data.T)[np.ix_(order, order)], [*NAMES, "rating"], outcome_name="rating"
    )
    first = npskit.drivers_from_correlation(np.corrcoef(data.T), ["rating", *NAMES])
    assert [r.importance for r in named] == pytest.approx([r.importance for r in first])


def test_dominance_general_equals_shapley() -> None:
    columns = attitude_columns()
    result = npskit.drivers(
        "rating", NAMES, data=columns, importance_method="shapley", dominance=True,
        n_resamples=0, scale=PERCENT,
    )  # fmt: skip
    assert result.dominance is not None
    general = dict(zip(result.dominance.drivers, result.dominance.general, strict=True))
    for row in result:
        assert general[row.driver] == pytest.approx(row.importance, abs=1e-12)
    complaints, critical = NAMES.index("complaints"), NAMES.index("critical")
    assert result.dominance.complete[complaints][critical] == 1.0
    assert result.dominance.complete[complaints][complaints] is None


def synthetic(n: int = 300, seed: int = 4) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    ratings = rng.integers(1, 6, size=(n, 3)).astype(float)
    ratings[:, 1] = np.clip(ratings[:, 1] + rng.integers(-1, 2, n) + (ratings[:, 0] > 3), 1, 5)
    latent = 1.2 * ratings[:, 0] + 0.6 * ratings[:, 1] + 0.2 * ratings[:, 2]
    answers = np.clip(np.round(latent + 1.0 + rng.normal(0, 1.5, n)), 0, 10)
    return answers, ratings


@pytest.mark.parametrize("outcome", ["score", "promoter", "detractor"])
@pytest.mark.parametrize("method", ["shapley", "relative-weights"])
def test_integer_weights_equal_replicated_rows(outcome: str, method: str) -> None:
    answers, ratings = synthetic(120)
    counts = np.random.default_rng(9).integers(1, 4, size=len(answers))
    weighted = npskit.drivers(
        answers, ratings, weights=counts, outcome=outcome, importance_method=method,  # type: ignore[arg-type]
        n_resamples=0,
    )  # fmt: skip
    replicated = npskit.drivers(
        np.repeat(answers, counts), np.repeat(ratings, counts, axis=0), outcome=outcome,  # type: ignore[arg-type]
        importance_method=method, n_resamples=0,  # type: ignore[arg-type]
    )  # fmt: skip
    for a, b in zip(weighted, replicated, strict=True):
        assert a.driver == b.driver
        assert a.importance == pytest.approx(b.importance, abs=1e-9)
        assert a.mean == pytest.approx(b.mean)
        assert a.top_box == pytest.approx(b.top_box)
    assert weighted.r2 == pytest.approx(replicated.r2, abs=1e-9)
    assert weighted.weighted
    assert not replicated.weighted
    assert weighted.weight_sum == counts.sum()


def test_binary_sums_and_kinds() -> None:
    answers, ratings = synthetic()
    rw = npskit.drivers(answers, ratings, outcome="promoter", n_resamples=0)
    assert rw.r2_kind == "r2-o"
    assert sum(r.importance for r in rw) == pytest.approx(rw.r2)
    sh = npskit.drivers(
        answers, ratings, outcome="detractor", importance_method="shapley", n_resamples=0
    )
    assert sh.r2_kind == "mcfadden"
    assert sum(r.importance for r in sh) == pytest.approx(sh.r2)
    assert all(r.sign == -1 for r in sh)  # higher ratings, fewer detractors
    assert rw.rows[0].driver == sh.rows[0].driver == "x1"


def test_bootstrap_is_seeded_and_brackets_the_estimate() -> None:
    answers, ratings = synthetic()
    one = npskit.drivers(answers, ratings, n_resamples=200, rng=3)
    two = npskit.drivers(answers, ratings, n_resamples=200, rng=3)
    assert one.to_dict() == two.to_dict()
    for row in one:
        assert row.low <= row.importance <= row.high
        assert row.rank_low is not None
        assert row.rank_high is not None
        assert row.rank_low <= row.rank <= row.rank_high
    low, high = one.r2_interval
    assert low <= one.r2 <= high
    none = npskit.drivers(answers, ratings, n_resamples=0)
    assert np.isnan(none.rows[0].low)
    assert none.rows[0].rank_low is None


def test_missing_ratings_are_counted_or_raise() -> None:
    answers, ratings = synthetic(100)
    ratings[[1, 5, 9], 0] = np.nan
    ratings[5, 1] = np.nan
    answers[[2, 9]] = np.nan
    result = npskit.drivers(answers, ratings, n_resamples=0)
    assert (result.n, result.n_missing) == (96, 4)  # rows 1, 2, 5 and 9 left out
    complete = ~np.isnan(answers) & ~np.isnan(ratings).any(axis=1)
    assert result.n == int(complete.sum())
    assert result.n_missing == 100 - int(complete.sum())
    assert result["x1"].n_missing == 2  # row 9 has no answer: not counted for x1
    assert result["x2"].n_missing == 1
    with pytest.raises(MissingAnswersError, match="'x1': 2, 'x2': 1"):
        npskit.drivers(answers, ratings, missing="raise", n_resamples=0)


def test_frames_and_mappings() -> None:
    pd = pytest.importorskip("pandas")
    answers, ratings = synthetic(80)
    frame = pd.DataFrame(ratings, columns=["wait", "ease", "courtesy"])
    from_frame = npskit.drivers(answers, frame, n_resamples=0)
    from_names = npskit.drivers(
        "answer", ["wait", "ease", "courtesy"], data=frame.assign(answer=answers), n_resamples=0
    )
    assert [r.driver for r in from_frame] == [r.driver for r in from_names]
    assert from_frame.r2 == pytest.approx(from_names.r2)


def test_errors() -> None:
    answers, ratings = synthetic(50)
    with pytest.raises(ValueError, match=r"'category'.*'promoter'"):
        npskit.drivers(answers, ratings, outcome="category")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="importance_method"):
        npskit.drivers(answers, ratings, importance_method="lmg")  # type: ignore[arg-type]
    flat = ratings.copy()
    flat[:, 2] = 3.0
    with pytest.raises(ValueError, match=r"\['x3'\] do not vary"):
        npskit.drivers(answers, flat)
    with pytest.raises(ValueError, match="more than the 12"):
        npskit.drivers(
            answers, np.random.default_rng(0).normal(size=(50, 13)), outcome="promoter",
            importance_method="shapley",
        )  # fmt: skip
    with pytest.raises(ValueError, match="5 complete rows for 4 drivers"):
        npskit.drivers(answers[:5], np.random.default_rng(0).normal(size=(5, 4)))
    with pytest.raises(ValueError, match="one value per answer"):
        npskit.drivers(answers, ratings[:10])
    with pytest.raises(TypeError, match="dominance must be True or False"):
        npskit.drivers(answers, ratings, dominance="yes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="outcome_name 'nps' is not one of"):
        npskit.drivers_from_correlation(np.eye(2), ["a", "b"], outcome_name="nps")


def test_result_protocol() -> None:
    answers, ratings = synthetic(80)
    result = npskit.drivers(answers, ratings, n_resamples=20, rng=1, dominance=True)
    for obj in (result, result.rows[0], result.dominance):
        params = type(obj).__dataclass_params__  # type: ignore[attr-defined]
        assert params.frozen
        assert dataclasses.fields(obj)
    json.dumps(result.to_dict(), allow_nan=False)
    assert result["x1"] is result.rows[[r.driver for r in result].index("x1")]
    assert len(repr(result).splitlines()) <= 25
    assert result.to_csv().count("\n") == 4
    assert "| driver |" in result.to_markdown()
    low, high = result.rows[0].confidence_interval
    assert low <= high
    assert "Importance is association, not causation." in str(result)


def test_fifteen_drivers() -> None:
    rng = np.random.default_rng(15)
    ratings = rng.normal(size=(500, 15))
    ratings[:, 1] += ratings[:, 0]
    latent = ratings @ np.linspace(1.0, 0.0, 15)
    answers = np.clip(np.round(6 + latent + rng.normal(0, 1.5, 500)), 0, 10)
    shapley = npskit.drivers(answers, ratings, importance_method="shapley", n_resamples=0)
    weights = npskit.drivers(answers, ratings, n_resamples=0)
    assert sum(r.importance for r in shapley) == pytest.approx(shapley.r2)
    assert shapley.r2 == pytest.approx(weights.r2)
    # the two methods agree closely (Johnson 2000)
    for row in shapley:
        assert row.importance == pytest.approx(weights[row.driver].importance, abs=0.02)
