"""nps_test: statistics and p-values against hand formulas, sizes by enumeration."""

from __future__ import annotations

import json
import math
from statistics import NormalDist

import numpy as np
import pytest

from npskit import DegenerateSampleWarning, EmptyDataError, NpsTestResult, Tally, nps_test

T = Tally(detractors=20, passives=30, promoters=50)
PHI = NormalDist().cdf


def _binomial_tail(k: int, m: int) -> float:
    """P(X >= k) for X ~ Binomial(m, 1/2), as an exact sum of integers."""
    return sum(math.comb(m, j) for j in range(k, m + 1)) / 2**m


def test_score_at_zero_is_mcnemar() -> None:
    # McNemar: z = (P - D) / sqrt(P + D) = 30 / sqrt(70).
    result = nps_test(T)
    assert result.statistic == pytest.approx(30 / math.sqrt(70), rel=1e-12)
    assert result.pvalue == pytest.approx(2 * (1 - PHI(30 / math.sqrt(70))), rel=1e-9)


def test_score_at_a_target_by_hand() -> None:
    # H0: NPS = 10, b = 50, c = 20, n = 100, delta = .1: A = 200,
    # B = -70 + 170 * .1 = -53, C = -20 * .1 * .9 = -1.8; q is the positive root
    # of A q^2 + B q + C (Tango 1998, eq. 4), worked out below.
    a, b, c = 200.0, -53.0, -1.8
    q = (math.sqrt(b * b - 4 * a * c) - b) / (2 * a)
    z = (50 - 20 - 10) / math.sqrt(100 * (2 * q + 0.1 * 0.9))
    result = nps_test(T, value=10, alternative="greater")
    assert result.statistic == pytest.approx(z, rel=1e-12)
    assert result.pvalue == pytest.approx(1 - PHI(z), rel=1e-9)
    assert nps_test(T, value=10, alternative="less").pvalue == pytest.approx(PHI(z), rel=1e-9)


def test_wald_by_hand() -> None:
    # se = sqrt(.61 / 100); z = (.30 - .25) / se
    result = nps_test(T, value=25, interval_method="wald")
    z = 0.05 / math.sqrt(0.0061)
    assert result.statistic == pytest.approx(z, rel=1e-12)
    assert result.pvalue == pytest.approx(2 * (1 - PHI(z)), rel=1e-9)


@pytest.mark.parametrize(("d", "p"), [(20, 50), (5, 5), (9, 2), (0, 7), (0, 0)])
def test_exact_pvalue_is_a_binomial_sum(d: int, p: int) -> None:
    t = Tally(detractors=d, passives=11, promoters=p)
    m = d + p
    greater, less = _binomial_tail(p, m), _binomial_tail(d, m)
    assert nps_test(t, interval_method="exact", alternative="greater").pvalue == pytest.approx(
        greater, rel=1e-12
    )
    assert nps_test(t, interval_method="exact", alternative="less").pvalue == pytest.approx(
        less, rel=1e-12
    )
    two = nps_test(t, interval_method="exact")
    assert two.pvalue == pytest.approx(min(1.0, 2 * min(greater, less)), rel=1e-12)
    assert two.statistic == p


def test_exact_only_at_zero() -> None:
    with pytest.raises(ValueError, match="tests NPS = 0 only"):
        nps_test(T, interval_method="exact", value=5)


@pytest.mark.parametrize("method", ["exact", "tango"])
def test_size_by_enumeration(method: str) -> None:
    # Under H0 (NPS = 0, d = p) at n = 30, P(p-value < .05) summed over every
    # sample. The exact test never exceeds .05; the score test stays near it.
    n = 30
    rows = [(d, n - d - p, p) for d in range(n + 1) for p in range(n - d + 1)]
    pvalues = np.array(
        [
            nps_test(Tally(detractors=d, passives=s, promoters=p), interval_method=method).pvalue  # type: ignore[arg-type]
            for d, s, p in rows
        ]
    )
    for share in (0.05, 0.1, 0.2, 0.3, 0.45):
        probability = np.array(
            [
                math.comb(n, d) * math.comb(n - d, p) * share ** (d + p) * (1 - 2 * share) ** s
                for d, s, p in rows
            ]
        )
        size = probability[pvalues < 0.05].sum()
        if method == "exact":
            assert size <= 0.05 + 1e-12
        else:
            assert size <= 0.065


def test_interval_matches_test() -> None:
    for method, expected in (("tango", "tango"), ("wald", "wald"), ("exact", "exact")):
        for side in ("two-sided", "greater", "less"):
            result = nps_test(T, interval_method=method, alternative=side)  # type: ignore[arg-type]
            ci = result.confidence_interval(0.9)
            assert (ci.interval_method, ci.alternative, ci.confidence_level) == (
                expected,
                side,
                0.9,
            )


def test_wald_test_warns_on_one_category() -> None:
    with pytest.warns(DegenerateSampleWarning):
        result = nps_test(Tally(detractors=0, passives=0, promoters=4), interval_method="wald")
    assert result.pvalue == 0.0


def test_bad_inputs() -> None:
    with pytest.raises(ValueError, match="strictly between -100 and 100"):
        nps_test(T, value=100)
    with pytest.raises(TypeError, match="value must be a number"):
        nps_test(T, value="10")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="method must be one of"):
        nps_test(T, interval_method="bayes")  # type: ignore[arg-type]
    with pytest.raises(EmptyDataError):
        nps_test(Tally(detractors=0, passives=0, promoters=0))


def test_census_and_result_type() -> None:
    census = nps_test(T, value=20, alternative="greater", population=100)
    assert census.pvalue == 0.0
    result = nps_test([0, 10, 10, 9, 8], value=-10)
    assert isinstance(result, NpsTestResult)
    assert result.n == 5
    data = json.loads(json.dumps(result.to_dict()))
    assert data["value"] == -10.0
    assert "rounded" in str(result)
    assert "tally" not in repr(result)
