"""Counting answers per key in a CSV file read by the stdlib reader.

Each chunk of :func:`npskit._io.csv_file.csv_chunks` is counted by
:func:`npskit._io.chunks.count_chunk` (so :func:`npskit.tally` and
:func:`npskit.tally_by` validate the values); a problem becomes a
:class:`~npskit._io.source.DataFileError` that names the file, the line and
the text as it is in the file.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from npskit._core.errors import InvalidScoresError, InvalidWeightsError, MissingAnswersError
from npskit._core.grouped import GroupedTally
from npskit._core.scale import Scale
from npskit._counting.inputs import as_numeric, is_number_text, rounded_to_whole
from npskit.typing import NanPolicy

from .chunks import count_chunk
from .csv_file import Chunk, csv_chunks, csv_lines, csv_records
from .labels import answers_from_labels
from .source import DataFile, DataFileError

__all__ = ["csv_answers", "csv_counts", "weights_from_text", "weights_of"]

_SHOWN = 5  # lines listed in one message


def csv_counts(
    file: DataFile,
    score: str,
    keys: Sequence[str],
    *,
    weight: str | None,
    nan_policy: NanPolicy,
    scale: Scale,
) -> Iterator[GroupedTally]:
    """Counts of column ``score`` per key, one grouped tally per chunk of the file.

    Key cells are text with surrounding spaces removed (a blank cell is
    ``""``). With ``weight``, that column holds one survey weight per answer
    (ignored, and may be blank, where the answer is missing).

    Raises
    ------
    DataFileError
        For any problem with the file or its values, naming file and line.
    """
    names = [score, *keys] + ([] if weight is None else [weight])
    for chunk in csv_chunks(file, names):
        scores = answers_from_labels(chunk.columns[score], scale)
        columns = [np.char.strip(chunk.columns[key]) for key in keys]
        weights = None if weight is None else weights_of(file, chunk.columns[weight])
        try:
            part = count_chunk(scores, columns, weights=weights, scale=scale, nan_policy=nan_policy)
        except InvalidScoresError as error:
            raise DataFileError(_score_problem(file, chunk, score, scale, error)) from None
        except InvalidWeightsError as error:
            if weight is None or weights is None:  # pragma: no cover - no weights, no error
                raise
            message = _weight_problem(file, chunk, score, weight, weights) or str(error)
            raise DataFileError(message) from None
        yield part


def csv_answers(
    file: DataFile, score: str, weight: str | None, scale: Scale
) -> Iterator[tuple[npt.NDArray[Any], npt.NDArray[np.float64] | None]]:
    """Answers (NaN where missing) and weights as numbers, chunk by chunk.

    For columns :func:`csv_counts` has already read: the values are known to be
    valid.
    """
    names = [score] if weight is None else [score, weight]
    for chunk in csv_chunks(file, names):
        weights = None if weight is None else weights_of(file, chunk.columns[weight])
        yield as_numeric(answers_from_labels(chunk.columns[score], scale)), weights


def weights_of(file: DataFile, texts: npt.NDArray[np.str_]) -> npt.NDArray[np.float64]:
    """Weights as floats, read with the file's decimal mark (see :func:`weights_from_text`)."""
    if file.decimal == ",":
        texts = np.char.replace(texts, ",", ".")
    return weights_from_text(texts)


def weights_from_text(texts: npt.NDArray[np.str_]) -> npt.NDArray[np.float64]:
    """Weights as floats; blank or non-number text becomes NaN.

    ``tally`` then rejects NaN weights where the answer is present and drops
    them where it is missing, so text weights follow the library's rules; the
    error message is worded from the original text.

    Examples
    --------
    >>> weights_from_text(np.array(["1.5", " ", "x", "2"]))
    array([1.5, nan, nan, 2. ])
    """
    stripped = np.char.strip(texts)
    filled = np.where(stripped == "", "nan", stripped)
    if not (np.char.find(filled, "_") >= 0).any():
        try:
            return filled.astype(np.float64)
        except ValueError:
            pass
    return np.array([_as_float(str(text)) for text in filled], dtype=np.float64)


def _as_float(text: str) -> float:
    # The library's grammar of number text ("1_0" is not a number).
    return float(text) if is_number_text(text) else math.nan


def _score_problem(
    file: DataFile, chunk: Chunk, score: str, scale: Scale, error: InvalidScoresError
) -> str:
    positions = [p for p in error.positions if 0 <= p < len(chunk)]
    if not positions:  # pragma: no cover - tally always reports positions
        return f"{file.label}: column {score!r}: {error}"
    lines = csv_lines(file, [chunk.start + p for p in positions])
    texts = chunk.columns[score]
    first = str(texts[positions[0]])
    also = _also(lines[1:], error.count - 1)
    if len(chunk) >= file.chunk_rows:
        # Reading stopped at this chunk: later lines may hold more problems.
        also += f" (lines after {lines[0] + len(chunk) - 1 - positions[0]} were not checked, ...)"
    if isinstance(error, MissingAnswersError):
        return (
            f"{file.where(lines[0])}: {score} {first!r} is a missing answer{also}, and "
            "--nan-policy is 'raise'; use --nan-policy omit to leave missing answers out "
            "and count them"
        )
    return (
        f"{file.where(lines[0])}: {score} {first!r} {_why_invalid(first, scale)}{also}; "
        f"answers must be whole numbers {scale.low}..{scale.high}, and blank cells "
        "count as missing" + (_header_hint(file, lines[0], first) or _marker_hint(first))
    )


def _marker_hint(text: str) -> str:
    """A hint for text that is probably a missing-value marker (N/A, -99, ...)."""
    value = text.strip()
    if not value or len(value) > 12 or (is_number_text(value) and float(value) >= 0):
        return ""
    if is_number_text(value) or not any(ch.isdigit() for ch in value):
        return (
            f"; if {value!r} means a missing answer, pass --missing-values {value} "
            f"(missing_values=[{value!r}] in Python)"
        )
    return ""


def _header_hint(file: DataFile, line: int, text: str) -> str:
    """A hint when the first data line looks like a second header line (question text)."""
    if line != file.header_rows + 1 or is_number_text(text.strip()) or not text.strip():
        return ""
    after = csv_records(file, file.header_rows + 2)[file.header_rows + 1 :]
    qualtrics = any('"ImportId"' in cell for record in after for cell in record)
    rows = file.header_rows + (2 if qualtrics else 1)
    tool = (
        "a Qualtrics export (ids, question texts, ImportIds)"
        if qualtrics
        else "a survey-tool export with question texts under the column names "
        "(SurveyMonkey has 2 header lines)"
    )
    return (
        f". Line {line} looks like another header line, as in {tool}: pass "
        f"--header-rows {rows} (header_rows={rows} in Python)"
    )


def _why_invalid(text: str, scale: Scale) -> str:
    if not is_number_text(text.strip()):
        return "is not a number"
    value = float(text)
    if math.isinf(value):
        return "is infinite"
    if not value.is_integer() or rounded_to_whole(text.strip()):
        return "is not a whole number"
    return f"is outside {scale.low}..{scale.high}"


def _also(lines: Sequence[int], more: int) -> str:
    if more <= 0:
        return ""
    shown = ", ".join(str(line) for line in lines[:_SHOWN])
    etc = ", ..." if more > len(lines) else ""
    label = "line" if more == 1 else "lines"
    return f" (also on {label} {shown}{etc})"


def _weight_problem(
    file: DataFile, chunk: Chunk, score: str, weight: str, weights: npt.NDArray[np.float64]
) -> str | None:
    present = ~np.isnan(as_numeric(chunk.columns[score]))
    with np.errstate(invalid="ignore"):
        bad = np.flatnonzero(present & ~(np.isfinite(weights) & (weights >= 0)))
    if len(bad) == 0:  # pragma: no cover - tally raised for another reason
        return None
    lines = csv_lines(file, [chunk.start + int(i) for i in bad[:_SHOWN]])
    first = str(chunk.columns[weight][bad[0]])
    why = _why_bad_weight(first, float(weights[bad[0]]))
    return (
        f"{file.where(lines[0])}: {weight} {first!r} {why}{_also(lines[1:], len(bad) - 1)}; "
        "weights must be finite numbers >= 0 wherever the answer is present"
    )


def _why_bad_weight(text: str, value: float) -> str:
    if text.strip() == "":
        return "is blank"
    if math.isnan(value):
        return "is not a number"
    if math.isinf(value):
        return "is infinite"
    return "is negative"
