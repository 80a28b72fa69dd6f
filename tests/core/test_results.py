"""The shared table container behind Breakdown, Trend and Decomposition."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from npskit._core.results import Table


@dataclass(frozen=True)
class _Row:
    name: str
    nps: float
    pvalue: float | None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "nps": self.nps, "pvalue": self.pvalue}


TABLE = Table(
    rows=(_Row("a", 12.345, 0.000123456), _Row("b", -3.0, math.nan), _Row("c", 0.0, None))
)


def test_markdown_rounds_points_and_keeps_three_significant_digits_of_p() -> None:
    lines = TABLE.to_markdown(digits=1).splitlines()
    assert lines[0] == "| name | nps | pvalue |"
    # 12.345 -> 12.3 (one decimal); 0.000123456 -> 0.000123 (3 significant
    # digits, where one decimal would print a misleading 0.0); NaN and None.
    assert lines[2] == "| a | 12.3 | 0.000123 |"
    assert lines[3] == "| b | -3.0 | nan |"
    assert lines[4] == "| c | 0.0 |  |"


def test_dicts_and_csv_keep_full_precision() -> None:
    assert TABLE.to_dicts()[0]["pvalue"] == 0.000123456
    assert TABLE.to_csv().splitlines()[1] == "a,12.345,0.000123456"
    assert json.loads(json.dumps(TABLE.to_dicts()[2])) == {"name": "c", "nps": 0.0, "pvalue": None}
    assert len(TABLE) == 3
    assert [row.name for row in TABLE] == ["a", "b", "c"]
