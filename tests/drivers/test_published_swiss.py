"""LMG (Shapley) importances against the values published by relaimpo's authors.

Source: Grömping, U. (2006). Relative importance for linear regression in R: the
package relaimpo. *Journal of Statistical Software*, 17(1), 1-27,
https://doi.org/10.18637/jss.v017.i01, section 2 (the ``swiss`` data of base R,
47 Swiss provinces, Fertility on five regressors). The paper prints
``cor(swiss)`` to 7-8 significant digits, the model R^2 (70.67%, 0.7067) and
``calc.relimp(swiss, type = "lmg")`` to 8 digits; the importances below are
computed from that printed correlation matrix, so they can differ from the
printed ones only by the rounding of the matrix (about 1e-7).
"""

from __future__ import annotations

import numpy as np
import pytest

import npskit

NAMES = ["Fertility", "Agriculture", "Examination", "Education", "Catholic", "Infant.Mortality"]
# cor(swiss) as printed (rows as printed; the printed matrix is symmetric to rounding).
COR = np.array(
    [
        [1.0000000, 0.35307918, -0.6458827, -0.66378886, 0.4636847, 0.41655603],
        [0.3530792, 1.00000000, -0.6865422, -0.63952252, 0.4010951, -0.06085861],
        [-0.6458827, -0.68654221, 1.0000000, 0.69841530, -0.5727418, -0.11402160],
        [-0.6637889, -0.63952252, 0.6984153, 1.00000000, -0.1538589, -0.09932185],
        [0.4636847, 0.40109505, -0.5727418, -0.15385892, 1.0000000, 0.17549591],
        [0.4165560, -0.06085861, -0.1140216, -0.09932185, 0.1754959, 1.00000000],
    ]
)
# calc.relimp(swiss, type = "lmg"), as printed.
LMG = {
    "Agriculture": 0.05709122,
    "Examination": 0.17117303,
    "Education": 0.26013468,
    "Catholic": 0.10557015,
    "Infant.Mortality": 0.11276592,
}
FIRST = {  # cor(swiss[, 1], swiss[, 2:6])^2, as printed
    "Agriculture": 0.1246649,
    "Examination": 0.4171645,
    "Education": 0.4406156,
    "Catholic": 0.2150035,
    "Infant.Mortality": 0.1735189,
}


@pytest.fixture(scope="module")
def lmg() -> npskit.DriverAnalysis:
    matrix = (COR + COR.T) / 2  # average out the rounding of the printed matrix
    return npskit.drivers_from_correlation(
        matrix, NAMES, outcome_name="Fertility", importance_method="shapley"
    )


def test_lmg_matches_the_published_values(lmg: npskit.DriverAnalysis) -> None:
    for name, value in LMG.items():
        assert lmg[name].importance == pytest.approx(value, abs=1e-6)


def test_r_squared_matches_the_published_model(lmg: npskit.DriverAnalysis) -> None:
    assert sum(row.importance for row in lmg) == pytest.approx(0.7067, abs=5e-5)


def test_signs_are_those_of_the_printed_correlations(lmg: npskit.DriverAnalysis) -> None:
    for name, first in FIRST.items():
        row = lmg[name]
        assert row.correlation**2 == pytest.approx(first, abs=1e-6)
        assert row.sign == (1 if row.correlation > 0 else -1)
