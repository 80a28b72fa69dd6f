"""Inputs that used to crash inside numpy, pandas, polars or pyarrow now get npskit's errors."""

from __future__ import annotations

import datetime
import json
import uuid
from decimal import Decimal

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import npskit
from npskit import InvalidScoresError, Tally


def test_a_pyarrow_table_as_answers_names_the_fix() -> None:
    with pytest.raises(TypeError, match=r"one column .*table\['column'\]"):
        npskit.tally(pa.table({"a": [1, 2]}))


@pytest.mark.parametrize("data", [[b"\xc3\xa9", b"9"], np.array([b"\xff9"])])
def test_non_ascii_bytes_are_not_numbers(data: object) -> None:
    with pytest.raises(InvalidScoresError, match="not a number") as caught:
        npskit.tally(data)
    assert isinstance(caught.value.values[0], bytes)  # shown as given


def test_non_ascii_digits_are_not_numbers() -> None:
    # Python's float() reads Arabic-Indic digits; npskit's grammar is ASCII.
    with pytest.raises(InvalidScoresError, match="not a number"):
        npskit.tally(["\u0663"])


def test_ascii_bytes_are_numbers() -> None:
    assert npskit.tally([b"10", b"9", b" "]) == Tally(
        detractors=0, passives=0, promoters=2, n_missing=1
    )


def test_polars_int128_and_pyarrow_decimal() -> None:
    assert npskit.tally(pl.Series([1, 9], dtype=pl.Int128)).n == 2
    weights = pl.Series([1, 9], dtype=pl.Int128)
    assert npskit.tally([1, 9], weights=weights).weight_sum == 10.0
    assert npskit.tally(pa.array([Decimal("9"), Decimal("3")])).n == 2


def test_a_scale_given_as_text_says_how_to_build_one() -> None:
    with pytest.raises(TypeError, match=r"got str '0-10'; build one with npskit.Scale"):
        npskit.tally([1, 2], scale="0-10")  # type: ignore[arg-type]


def test_an_enormous_prior_gives_the_prior_mean() -> None:
    ci = npskit.confidence_interval([1, 2, 9], interval_method="bayes", prior=1e300)
    # The posterior is the prior: its credible interval is the prior mean, 0. Every
    # interval also contains its estimate (-33.3 here), so the lower end moves out to it.
    assert abs(ci.high) < 1e-100
    assert ci.low == pytest.approx(ci.estimate)
    assert ci.estimate == pytest.approx(-100 / 3)


def test_counts_beyond_float64_are_refused_by_name() -> None:
    with pytest.raises(ValueError, match="detractors must be at most 10\\*\\*300"):
        Tally(detractors=10**400, passives=1, promoters=10**400)
    with pytest.raises(ValueError, match=r"counts\[0\] must be at most"):
        Tally.from_histogram([10**400] + [0] * 10)
    big = Tally(detractors=10**299, passives=1, promoters=2 * 10**299)
    assert big.nps == pytest.approx(100 / 3)


@pytest.mark.parametrize(
    "key",
    [
        b"ab",
        datetime.timedelta(days=1),
        pd.Period("2024-01", "M"),
        Decimal("1.5"),
        uuid.UUID("12345678-1234-5678-1234-567812345678"),
    ],
)
def test_grouped_results_with_unusual_keys_are_json(key: object) -> None:
    keys = pd.Series([key, key, "x", "x"], dtype=object)
    grouped = npskit.tally_by([1, 9, 3, 10], keys)
    json.dumps(grouped.to_dict(), allow_nan=False)
    json.dumps(npskit.breakdown(grouped).to_dict(), allow_nan=False)
