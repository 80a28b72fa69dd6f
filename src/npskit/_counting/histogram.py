"""Counting answers into histograms: ``histogram``, the counts per answer point.

Answers go through the same door as :func:`npskit.tally` (inputs, validation,
``nan_policy``, weights, streams of chunks): the validated kernel proves the
answers are whole numbers on the scale and counts the missing ones, then one
vectorised ``bincount`` counts each answer point.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._core.errors import InvalidScoresError, InvalidWeightsError
from npskit._core.histogram import Histogram
from npskit._core.metric import Metric, as_metric
from npskit._core.scale import STANDARD_SCALE, Scale
from npskit.typing import MetricName, NanPolicy

from .alignment import check_same_index
from .inputs import as_numeric, as_weights, is_chunk_stream
from .kernel import check_options, tally_values
from .streams import count_chunks

__all__ = ["histogram"]


def histogram(
    scores: Any,
    *,
    metric: Metric | MetricName = "nps",
    weights: Any = None,
    scale: Scale = STANDARD_SCALE,
    nan_policy: NanPolicy = "omit",
) -> Histogram:
    """Count the answers at each point of the metric's scale.

    Parameters
    ----------
    scores : array_like or iterable of array_like
        Answers, as for :func:`npskit.tally` (a stream of chunks too).
    metric : Metric or {"nps", "csat", "ces", "ces-easy"}, default "nps"
        The metric whose scale the answers are on (only its ``low..high``
        matters here).
    weights : array_like or iterable of array_like, optional
        Survey weights, one per answer, as for :func:`npskit.tally`.
    scale : Scale, default the standard 0-10 scale
        The NPS scale, with ``metric="nps"`` only.
    nan_policy : {"omit", "raise"}, default "omit"
        Missing answers are left out and counted, or raise.

    Returns
    -------
    Histogram
        Counts (weight sums when weighted) per answer point.

    Raises
    ------
    InvalidScoresError, MissingAnswersError, ScoreTypeError, InvalidWeightsError
        As :func:`npskit.tally` raises them.

    Examples
    --------
    >>> from npskit import histogram
    >>> histogram([5, 4, 4, 1, None], metric="csat")
    Histogram(counts=(1, 0, 0, 2, 1), low=1, n_missing=1)
    >>> h = histogram([7, 6, 2], metric="ces", weights=[1.0, 2.0, 1.0])
    >>> h.counts, round(h.mean, 4)
    ((0.0, 1.0, 0.0, 0.0, 0.0, 2.0, 1.0), 5.25)
    """
    chosen = as_metric(metric, scale)
    try:
        return _histogram(scores, weights, chosen, nan_policy)
    except InvalidScoresError as error:
        if chosen.kind == "net" or _SCALE_HINT not in str(error):
            raise
        # The tally kernel's hint names Scale; for CSAT and CES the metric holds the scale.
        hint = (
            "pass metric=npskit.Metric.mean(low=..., high=...) if this survey used another scale"
            if chosen.kind == "mean"
            else "pass metric=npskit.Metric.top_box(low=..., high=..., cut=...) if this "
            "survey used another scale"
        )
        raise type(error)(
            str(error).replace(_SCALE_HINT, hint),
            count=error.count,
            positions=error.positions,
            values=error.values,
        ) from None


_SCALE_HINT = "pass scale=npskit.Scale(...) if this survey used another scale"


def _histogram(scores: Any, weights: Any, chosen: Metric, nan_policy: NanPolicy) -> Histogram:
    counting = chosen.counting_scale
    check_options(counting, nan_policy)
    if not is_chunk_stream(scores):
        return _histogram_array(scores, weights, counting, nan_policy, offset=0)
    return count_chunks(
        scores,
        weights,
        lambda chunk, chunk_weights, offset, index: _histogram_array(
            chunk, chunk_weights, counting, nan_policy, offset=offset, chunk=index
        ),
        lambda: Histogram(counts=(0,) * counting.n_points, low=counting.low),
    )


def _histogram_array(
    scores: Any,
    weights: Any,
    scale: Scale,
    nan_policy: NanPolicy,
    *,
    offset: int,
    chunk: int | None = None,
) -> Histogram:
    values = as_numeric(scores, offset=offset)
    weight_values: npt.NDArray[np.float64] | None = None
    if weights is not None:
        check_same_index([("scores", scores), ("weights", weights)])
        weight_values = as_weights(weights, offset=offset)
        if len(weight_values) != len(values):
            raise InvalidWeightsError(
                f"weights must have one weight per answer: got {len(values)} answers "
                f"and {len(weight_values)} weights"
            )
    # Validation (and the count of missing answers) is the tally kernel's.
    checked = tally_values(values, weight_values, scale, nan_policy, offset=offset, chunk=chunk)
    present = ~np.isnan(values) if values.dtype.kind == "f" else slice(None)
    points = (values[present] - scale.low).astype(np.intp)
    size = scale.n_points
    if weight_values is None:
        counts = np.bincount(points, minlength=size)
        return Histogram(counts=tuple(counts.tolist()), low=scale.low, n_missing=checked.n_missing)
    used = weight_values[present]
    sums = np.bincount(points, weights=used, minlength=size)
    squares = np.bincount(points, weights=used * used, minlength=size)
    # A point whose answers all weigh 0 has both sums 0; nothing else can be 0.
    return Histogram(
        counts=tuple(sums.tolist()),
        low=scale.low,
        n_missing=checked.n_missing,
        squared_weights=tuple(squares.tolist()),
        responses=checked.n,
    )
