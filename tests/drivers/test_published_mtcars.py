"""Johnson's relative weights against the output published with the R package rwa.

Source: the rwa package (M. Chan) article "Regression methods",
https://martinctc.github.io/rwa/articles/regression-methods.html, which prints
``rwa_multiregress(mtcars, "mpg", c("cyl", "disp", "hp", "wt"))$result`` to 7
significant digits (raw weights) and 7 (rescaled, in percent). The data are R's
``mtcars`` (Henderson & Velleman 1981, from Motor Trend 1974), the four
predictor columns and mpg of its 32 cars, in ``tests/data/mtcars.csv``.
Johnson (2000), Multivariate Behavioral Research 35(1), 1-19,
https://doi.org/10.1207/S15327906MBR3501_1.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

import npskit

DATA = Path(__file__).resolve().parents[1] / "data" / "mtcars.csv"
COLUMNS = ["mpg", "cyl", "disp", "hp", "wt"]
RAW = {"cyl": 0.2096904, "disp": 0.1883043, "hp": 0.1799590, "wt": 0.2706812}
RESCALED = {"cyl": 24.70914, "disp": 22.18908, "hp": 21.20570, "wt": 31.89607}


@pytest.fixture(scope="module")
def weights() -> npskit.DriverAnalysis:
    with DATA.open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 32
    values = np.array([[float(row[name]) for name in COLUMNS] for row in rows])
    matrix = np.corrcoef(values.T)  # the correlation matrix, computed here
    return npskit.drivers_from_correlation(
        matrix, COLUMNS, outcome_name="mpg", importance_method="relative-weights"
    )


def test_raw_relative_weights_match_the_published_output(weights: npskit.DriverAnalysis) -> None:
    for name, value in RAW.items():
        assert weights[name].importance == pytest.approx(value, abs=1e-7)


def test_rescaled_weights_match_the_published_output(weights: npskit.DriverAnalysis) -> None:
    for name, value in RESCALED.items():
        assert 100 * weights[name].importance_share == pytest.approx(value, abs=1e-5)


def test_every_sign_is_negative_as_published(weights: npskit.DriverAnalysis) -> None:
    assert {row.sign for row in weights} == {-1}
