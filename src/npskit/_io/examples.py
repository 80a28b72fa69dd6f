"""The example data set shipped with npskit: a synthetic contact-center survey."""

from __future__ import annotations

import csv
import io
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["example_path", "load_example"]

_PACKAGE = "npskit"
_FOLDER = "data"
_FILE = "contact_center.csv"
_COLUMNS = (
    "date",
    "channel",
    "queue",
    "agent",
    "answer",
    "weight",
    "wait_rating",
    "resolved",
    "courtesy_rating",
    "ease_rating",
    "topics",
    "call_reason",
    "csat",
    "ces",
)
_RATINGS = ("wait_rating", "resolved", "courtesy_rating", "ease_rating")


def example_path() -> Path:
    """Path of the bundled example survey, a CSV file inside the installed package.

    The file is ``contact_center.csv``: 6000 invented post-interaction survey
    answers from a contact center, January to June 2026, with the columns
    ``date``, ``channel`` (phone, chat, email), ``queue``, ``agent``,
    ``answer`` (0..10, about 3% blank), ``weight`` (survey weights), four
    attribute ratings ``wait_rating``, ``resolved`` (0/1),
    ``courtesy_rating``, ``ease_rating`` (1..5, about 5% blank each) and
    ``topics`` (``;``-separated comment tags, blank without a comment),
    ``call_reason``, and the CSAT and CES answers ``csat`` (1..5) and ``ces``
    (1..7, 7 = very easy), about 4% blank each. It is
    written by ``scripts/make_example.py`` in the source repository, whose
    docstring lists the effects built into it (channels with different NPS, a
    drop in May, a shift of the channel mix towards chat, unequal agents,
    the designed importance of the ratings and the topics).

    Returns
    -------
    pathlib.Path
        The file's location; read it with any CSV reader.

    Raises
    ------
    FileNotFoundError
        If npskit was imported from a zip archive, where the file has no path
        of its own; :func:`load_example` still works there.

    See Also
    --------
    load_example : The same data as numpy arrays.

    Examples
    --------
    >>> from npskit import example_path
    >>> path = example_path()
    >>> path.name
    'contact_center.csv'
    >>> path.read_text(encoding="utf-8").splitlines()[0]
    'date,channel,queue,agent,answer,weight,wait_rating,resolved,courtesy_rating,ease_rating,topics,call_reason,csat,ces'
    """
    resource = files(_PACKAGE) / _FOLDER / _FILE
    if not isinstance(resource, Path):  # pragma: no cover - zip imports only
        raise FileNotFoundError(
            f"the example data {_FILE} is inside an archive and has no file path; "
            "use npskit.load_example() to read it"
        )
    return resource


def load_example() -> dict[str, npt.NDArray[Any]]:
    """Load the bundled example survey as a dictionary of numpy arrays.

    Returns
    -------
    dict of str to numpy.ndarray
        One array per column, in file order (sorted by date):

        - ``"date"``: ``datetime64[D]``, 2026-01-01 to 2026-06-30;
        - ``"channel"``, ``"queue"``, ``"agent"``: numpy string arrays;
        - ``"answer"``: ``float64``, answers 0..10 with NaN for blank cells;
        - ``"weight"``: ``float64``, survey weights between 0.4 and 2.5;
        - ``"wait_rating"``, ``"resolved"``, ``"courtesy_rating"``,
          ``"ease_rating"``: ``float64`` ratings (1..5; 0/1 for
          ``resolved``) with NaN for blank cells;
        - ``"topics"``: numpy string array of ``;``-separated comment tags
          (empty string without a comment).
        - ``"call_reason"``: numpy string array, one of billing-dispute,
          outage, how-to, cancellation, upgrade (drawn after the answers and
          depending on them, see ``scripts/make_example.py``);
        - ``"csat"`` (1..5) and ``"ces"`` (1..7): ``float64`` answers to the
          satisfaction and effort questions, NaN for blank cells.

        ``pandas.DataFrame(load_example())`` or ``polars.DataFrame(load_example())``
        turns it into a data frame.

    See Also
    --------
    example_path : Where the CSV file is.

    Notes
    -----
    The data are synthetic: invented by a seeded random generator so that the
    tutorials have something with known effects to find. They describe no real
    company.

    Examples
    --------
    >>> import npskit
    >>> data = npskit.load_example()
    >>> list(data)  # doctest: +NORMALIZE_WHITESPACE
    ['date', 'channel', 'queue', 'agent', 'answer', 'weight', 'wait_rating', 'resolved',
     'courtesy_rating', 'ease_rating', 'topics', 'call_reason', 'csat', 'ces']
    >>> len(data["answer"]), str(data["date"][0]), str(data["date"][-1])
    (6000, '2026-01-01', '2026-06-30')
    >>> print(npskit.tally(data["answer"]))
    NPS +24.9 from 5824 answers; 176 missing left out
      detractors           1427    24.5%
      passives             1517    26.0%
      promoters            2880    49.5%
    (NPS and shares rounded to 1 decimal)
    >>> phone = data["channel"] == "phone"
    >>> round(npskit.nps(data["answer"][phone]), 1)
    46.2
    """
    resource = files(_PACKAGE) / _FOLDER / _FILE
    with io.TextIOWrapper(resource.open("rb"), encoding="utf-8", newline="") as stream:
        reader = csv.reader(stream)
        header = next(reader)
        columns = list(zip(*reader, strict=True))
    if tuple(header) != _COLUMNS:  # pragma: no cover - guards the shipped file
        raise RuntimeError(f"the example data has unexpected columns {header!r}")
    text = dict(zip(header, columns, strict=True))
    answer = np.array(text["answer"], dtype=np.str_)
    return {
        "date": np.array(text["date"], dtype="datetime64[D]"),
        "channel": np.array(text["channel"], dtype=np.str_),
        "queue": np.array(text["queue"], dtype=np.str_),
        "agent": np.array(text["agent"], dtype=np.str_),
        "answer": np.where(answer == "", "nan", answer).astype(np.float64),
        "weight": np.array(text["weight"], dtype=np.float64),
        **{name: _with_blanks(text[name]) for name in _RATINGS},
        "topics": np.array(text["topics"], dtype=np.str_),
        "call_reason": np.array(text["call_reason"], dtype=np.str_),
        "csat": _with_blanks(text["csat"]),
        "ces": _with_blanks(text["ces"]),
    }


def _with_blanks(cells: tuple[str, ...]) -> npt.NDArray[np.float64]:
    values = np.array(cells, dtype=np.str_)
    return np.where(values == "", "nan", values).astype(np.float64)
