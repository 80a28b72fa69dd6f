"""Answers written as labels in survey-tool exports, read as answers on the scale.

Survey tools export the answer of a 0-10 question as its number, as the number
with its label (``"10 - Extremely likely"``, ``"0 = Not at all likely"``), or,
for a computed NPS-group column, as the group's name (``"Promoter"``).
:func:`answers_from_labels` turns the last two into answers the counting
kernel reads:

* a number followed by a separator (``-``, ``–``, ``—``, ``:``, ``=``, ``.``,
  ``)``) and a label is the number;
* a category name, in any case, singular or plural, in English, Spanish,
  Catalan or Dutch (:data:`CATEGORY_LABELS`), is an answer of that category:
  the scale's lowest answer for a detractor, the first passive answer for a
  passive, the highest answer for a promoter. Counts, shares and NPS are those
  of the categories; only a chart of the answers per point would show the
  labels on those points.

Anything else is left as it is, so that the reader's error names it.
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt

from npskit._core.scale import Category, Scale
from npskit._counting.inputs import is_number_text

__all__ = ["CATEGORY_LABELS", "answers_from_labels"]

CATEGORY_LABELS: dict[str, Category] = {
    **dict.fromkeys(
        ("detractor", "detractors", "detractores", "criticus", "criticasters", "criticaster"),
        Category.DETRACTOR,
    ),
    **dict.fromkeys(
        (
            "passive",
            "passives",
            "pasivo",
            "pasivos",
            "neutro",
            "neutros",
            "passiu",
            "passius",
            "neutre",
            "neutres",
            "passief",
            "passieven",
            "neutraal",
            "neutralen",
        ),
        Category.PASSIVE,
    ),
    **dict.fromkeys(
        ("promoter", "promoters", "promotor", "promotores", "promotors", "promotoren"),
        Category.PROMOTER,
    ),
}
"""Category names read as answers (lower case; cells are compared case-insensitively).

English (detractor, passive, promoter), Spanish (detractor, pasivo or neutro,
promotor), Catalan (detractor, passiu or neutre, promotor) and Dutch (criticus
or detractor, passief or neutraal, promotor), singular and plural.
"""

_NUMBER_AND_LABEL = re.compile(r"^\s*([+-]?\d+)\s*[-\u2013\u2014:=.)]\s*\S.*$", re.DOTALL)


def answers_from_labels(texts: npt.NDArray[np.str_], scale: Scale) -> npt.NDArray[np.str_]:
    """``texts`` with labelled answers replaced by their number (see the module).

    Examples
    --------
    >>> from npskit import Scale
    >>> cells = np.array(["10 - Extremely likely", "0 = Not at all likely", "7", "",
    ...                   "PROMOTER", "Pasivo", "detractors", "soon"])
    >>> answers_from_labels(cells, Scale()).tolist()
    ['10', '0', '7', '', '10', '7', '0', 'soon']
    """
    if len(texts) == 0:
        return texts
    distinct, inverse = np.unique(texts, return_inverse=True)
    stripped = [str(text).strip() for text in distinct.tolist()]
    if all(text == "" or is_number_text(text) for text in stripped):
        return texts  # the usual case: numbers and blanks only
    replaced = np.array([_answer(text, scale) for text in stripped], dtype=np.str_)
    labelled = np.array([new != old for new, old in zip(replaced.tolist(), stripped, strict=True)])
    if not labelled.any():
        return texts
    out: npt.NDArray[np.str_] = np.where(labelled[inverse], replaced[inverse], texts)
    return out


def _answer(text: str, scale: Scale) -> str:
    if text == "" or is_number_text(text):
        return text
    match = _NUMBER_AND_LABEL.match(text)
    if match is not None:
        return str(int(match.group(1)))
    category = CATEGORY_LABELS.get(text.casefold())
    if category is None:
        return text
    if category is Category.DETRACTOR:
        return str(scale.low)
    if category is Category.PROMOTER:
        return str(scale.high)
    if scale.promoter_min - scale.detractor_max < 2:
        return text  # a scale without passives: the reader reports the label
    return str(scale.detractor_max + 1)
