"""Turning what callers pass as answers, attribute ratings and weights into arrays.

One rule for the driver analysis and the topic impact: answers are validated
as :func:`npskit.tally` validates them (whole numbers on the scale, missing
allowed), attribute ratings are numbers (missing allowed), weights finite and
``>= 0``. Attribute tables may be a pandas or polars DataFrame, a mapping of
name to array, a two-dimensional array, or a list of column names of ``data``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._core.errors import EmptyDataError
from npskit._core.scale import Scale
from npskit._counting.inputs import as_numeric
from npskit._counting.kernel import tally_values
from npskit._counting.keys import column_of, library

__all__ = ["answer_codes", "attribute_table", "one_column", "weight_array"]

FloatArray = npt.NDArray[np.float64]


def one_column(data: Any, value: Any, role: str) -> npt.NDArray[Any]:
    """A column (array, series or name of a column of ``data``) as a numpy array."""
    column = column_of(data, value, role)
    kind = library(column)
    if kind == "pandas":
        return np.asarray(column.to_numpy(dtype=object, na_value=np.nan))
    if kind == "polars":
        return np.asarray(column.to_numpy())
    return np.asarray(column)


def answer_codes(
    scores: Any, data: Any, scale: Scale, weights: FloatArray | None
) -> tuple[FloatArray, FloatArray]:
    """The answers (float, NaN for missing) and their category codes (NaN for missing).

    Validates the answers (and the weights, where the answer is present) as
    :func:`npskit.tally` does.
    """
    values = as_numeric(column_of(data, scores, "scores") if isinstance(scores, str) else scores)
    if weights is not None and len(weights) != len(values):
        raise ValueError(
            f"weights must have one value per answer: {len(weights)} weights "
            f"for {len(values)} answers"
        )
    tally_values(values, weights, scale, "omit", offset=0, chunk=None)
    answers = values.astype(np.float64)
    present = ~np.isnan(answers)
    codes = np.full(len(answers), np.nan)
    codes[present] = scale.categories()[answers[present].astype(np.intp) - scale.low]
    return answers, codes


def weight_array(weights: Any, data: Any) -> FloatArray | None:
    """Weights as a float array (validated later with the answers), or None."""
    if weights is None:
        return None
    array = as_numeric(column_of(data, weights, "weights"), name="weights")
    return array.astype(np.float64)


def attribute_table(attributes: Any, data: Any, n: int) -> tuple[tuple[str, ...], FloatArray]:
    """Names and an ``n x p`` float matrix (NaN for missing) of the attribute ratings."""
    names: list[str]
    columns: list[Any]
    kind = library(attributes)
    if kind in {"pandas", "polars"} and hasattr(attributes, "columns"):
        names = [str(c) for c in attributes.columns]
        columns = [one_column(attributes, c, "attributes") for c in attributes.columns]
    elif isinstance(attributes, Mapping):
        names = [str(k) for k in attributes]
        columns = [one_column(None, v, f"attributes[{k!r}]") for k, v in attributes.items()]
    elif (
        isinstance(attributes, Sequence)
        and attributes
        and all(isinstance(a, str) for a in attributes)
    ):
        names = list(attributes)
        columns = [one_column(data, name, "attributes") for name in names]
    elif isinstance(attributes, str):
        raise TypeError(
            f"attributes must name several columns (a list of names), got the string {attributes!r}"
        )
    else:
        matrix = np.asarray(attributes)
        if matrix.ndim != 2:
            raise ValueError(
                "attributes must be a table (DataFrame, mapping, 2-D array or list of "
                f"column names), got an array of shape {matrix.shape}"
            )
        names = [f"x{j + 1}" for j in range(matrix.shape[1])]
        columns = list(matrix.T)
    if not names:
        raise EmptyDataError("attributes has no columns; give at least one driver")
    if len(set(names)) != len(names):
        raise ValueError(f"attribute names must be distinct, got {names!r}")
    table = np.empty((n, len(names)))
    for j, (name, column) in enumerate(zip(names, columns, strict=True)):
        values = as_numeric(column, name=f"attribute {name!r}")
        if len(values) != n:
            raise ValueError(
                f"attribute {name!r} has {len(values)} values for {n} answers; "
                "every attribute needs one value per answer"
            )
        table[:, j] = values
    return tuple(names), table
