"""Counting answers into tallies: ``tally``, ``nps`` and ``classify``.

Inputs become numeric arrays (:mod:`npskit._counting.inputs`), are counted by
the validated kernel (:mod:`npskit._counting.kernel`), and a stream of chunks
is tallied one chunk at a time, the tallies adding up with ``+``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._core.errors import InvalidWeightsError
from npskit._core.scale import STANDARD_SCALE, Scale
from npskit._core.tally import Tally
from npskit.typing import NanPolicy

from .alignment import check_same_index
from .inputs import as_numeric, as_weights, is_chunk_stream
from .kernel import check_options, tally_values
from .streams import count_chunks

__all__ = ["classify", "nps", "tally"]


def tally(
    scores: Any,
    *,
    weights: Any = None,
    scale: Scale = STANDARD_SCALE,
    nan_policy: NanPolicy = "omit",
) -> Tally:
    """Count detractors, passives and promoters among answers.

    Parameters
    ----------
    scores : array_like or iterable of array_like
        Answers on the scale: a list, tuple, numpy array, or a pandas, polars
        or pyarrow series. An iterator (or a list of arrays) is read as a
        stream of chunks, tallied one at a time, so data larger than memory can
        be counted.
    weights : array_like or iterable of array_like, optional
        Survey weights, one per answer (one chunk per chunk of ``scores``).
        Must be finite and non-negative wherever the answer is present; the
        weight of a missing answer is dropped with it.
    scale : Scale, default the standard 0-10 scale
        Scale of the answers and its cut points.
    nan_policy : {"omit", "raise"}, default "omit"
        Missing answers (NaN, None, pandas NA, polars null, blank text) are
        left out and counted in ``Tally.n_missing``, or raise.

    Returns
    -------
    Tally
        The counts (weighted sums when ``weights`` is given).

    Raises
    ------
    InvalidScoresError
        If answers are outside the scale, fractional, infinite, or text that is
        not a number. The message says how many, where and what.
    MissingAnswersError
        If an answer is missing and ``nan_policy="raise"``.
    ScoreTypeError
        If answers are booleans, dates or other non-numbers.
    InvalidWeightsError
        If weights are negative, not finite, or of another length.

    See Also
    --------
    nps : The NPS of answers or of a tally.
    Tally.from_histogram : A tally from counts per answer.

    Notes
    -----
    **Threads.** An unweighted array of at least 2^24 answers is counted in
    parts by the calling thread and one short-lived thread per other CPU
    that is idle at the moment of the call (this process's affinity mask,
    less the CPUs that threads of other processes are running on, read from
    Linux's ``/proc/loadavg``; other systems count every usable CPU as
    idle); on a busy machine it is counted in the calling thread alone. The
    counts and any error are the same either way. No thread outlives the
    call.

    Examples
    --------
    >>> from npskit import tally
    >>> tally([10, 9, 8, 7, 6, None, 0])
    Tally(detractors=2, passives=2, promoters=2, n_missing=1)
    >>> t = tally([10, 9, 0], weights=[1.0, 1.0, 2.0])
    >>> t.nps, round(t.effective_n, 4)
    (0.0, 2.6667)
    """
    check_options(scale, nan_policy)
    if not is_chunk_stream(scores):
        return _tally_array(scores, weights, scale, nan_policy, offset=0)
    return count_chunks(
        scores,
        weights,
        lambda chunk, chunk_weights, offset, index: _tally_array(
            chunk, chunk_weights, scale, nan_policy, offset=offset, chunk=index
        ),
        lambda: Tally(detractors=0, passives=0, promoters=0),
    )


def nps(
    data: Any,
    *,
    weights: Any = None,
    scale: Scale = STANDARD_SCALE,
    nan_policy: NanPolicy = "omit",
) -> float:
    """Net Promoter Score in points, from -100 to +100.

    NPS is the percentage of promoters minus the percentage of detractors.

    Parameters
    ----------
    data : array_like, iterable of array_like, or Tally
        Answers (as for :func:`tally`) or a tally.
    weights, scale, nan_policy
        As for :func:`tally`; only with answers.

    Returns
    -------
    float
        NPS in points, unrounded.

    Raises
    ------
    EmptyDataError
        If no answers are left after missing ones are omitted.
    TypeError
        If ``weights`` is given with a tally.
    InvalidScoresError, MissingAnswersError, ScoreTypeError, InvalidWeightsError
        As for :func:`tally`.

    Notes
    -----
    With :math:`P`, :math:`D` and :math:`n` the numbers of promoters,
    detractors and answers, :math:`\\mathrm{NPS} = 100\\,(P - D)/n`; with
    weights, the sums of weights take their place. The definition is
    Reichheld's [1]_.

    References
    ----------
    .. [1] Reichheld, F. F. (2003). The one number you need to grow. *Harvard
       Business Review*, 81(12), 46-54.
       https://hbr.org/2003/12/the-one-number-you-need-to-grow

    Examples
    --------
    >>> from npskit import nps
    >>> nps([10, 9, 9, 8, 7, 6, 3, 10])
    25.0
    """
    if isinstance(data, Tally):
        if weights is not None:
            raise TypeError(
                "weights apply to answers, not to a Tally; a weighted tally already "
                "holds its weight sums"
            )
        return data.nps
    return tally(data, weights=weights, scale=scale, nan_policy=nan_policy).nps


def classify(
    scores: Any,
    *,
    scale: Scale = STANDARD_SCALE,
    nan_policy: NanPolicy = "raise",
) -> npt.NDArray[np.int8]:
    """Category code of each answer: -1 detractor, 0 passive, 1 promoter.

    Parameters
    ----------
    scores : array_like
        Answers on the scale, as for :func:`tally` (one array, not a stream).
    scale : Scale, default the standard 0-10 scale
        Scale of the answers and its cut points.
    nan_policy : {"raise", "omit"}, default "raise"
        The codes line up one to one with the answers, and a missing answer has
        no code, so by default missing answers raise; ``"omit"`` returns the
        codes of the answers that are present.

    Returns
    -------
    numpy.ndarray of int8
        The codes, comparable with :class:`Category` members.

    Raises
    ------
    InvalidScoresError, MissingAnswersError, ScoreTypeError
        As for :func:`tally`.

    Examples
    --------
    >>> from npskit import classify
    >>> classify([0, 6, 7, 8, 9, 10])
    array([-1, -1,  0,  0,  1,  1], dtype=int8)
    """
    check_options(scale, nan_policy)
    values = as_numeric(scores)
    tally_values(values, None, scale, nan_policy, offset=0, chunk=None)
    if values.dtype.kind == "f":
        values = values[~np.isnan(values)]
    return scale.codes_of(values)


def _tally_array(
    scores: Any,
    weights: Any,
    scale: Scale,
    nan_policy: NanPolicy,
    *,
    offset: int,
    chunk: int | None = None,
) -> Tally:
    values = as_numeric(scores, offset=offset)
    if weights is None:
        return tally_values(values, None, scale, nan_policy, offset=offset, chunk=chunk)
    check_same_index([("scores", scores), ("weights", weights)])
    weight_values = as_weights(weights, offset=offset)
    if len(weight_values) != len(values):
        raise InvalidWeightsError(
            f"weights must have one weight per answer: got {len(values)} answers "
            f"and {len(weight_values)} weights"
        )
    return tally_values(values, weight_values, scale, nan_policy, offset=offset, chunk=chunk)
