"""How a counts table in a file is laid out: which columns hold which counts.

A :class:`CountsLayout` travels on a :class:`~npskit._io.source.DataFile`;
:mod:`npskit._io.counts_file` reads the file by it. Three forms, as
:func:`npskit.from_counts_table` reads them, plus one row of answer-point
columns:

* **category**: one row per group, columns of detractors, passives and
  promoters (``categories``), optionally of missing answers (``n_missing``);
* **long**: one row per group and answer, the answer (``score``) and the
  number of answers (``count``), as ``GROUP BY key, answer`` returns them;
* **points**: one row per group, one column per point of the scale, named
  ``0`` to ``10`` for the standard scale (``points=True``), optionally of
  missing answers (``n_missing``).

Weighted counts add the sums of weights and of squared weights
(``weight_sum``, ``weight_sq_sum``: one column each in the long form, three in
the category form).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_CATEGORIES", "DEFAULT_N_MISSING", "CountsLayout"]

DEFAULT_CATEGORIES = ("detractors", "passives", "promoters")
DEFAULT_N_MISSING = "n_missing"


@dataclass(frozen=True, slots=True)
class CountsLayout:
    """Which columns of a counts table hold the counts (see the module docstring).

    Examples
    --------
    >>> CountsLayout().form, CountsLayout(score="answer").form, CountsLayout(points=True).form
    ('category', 'long', 'points')
    """

    score: str | None = None
    count: str = "count"
    categories: tuple[str, str, str] = DEFAULT_CATEGORIES
    n_missing: str | None = None
    points: bool = False
    weight_sum: tuple[str, ...] = ()
    weight_sq_sum: tuple[str, ...] = ()

    @property
    def form(self) -> str:
        """``"long"``, ``"points"`` or ``"category"``."""
        if self.score is not None:
            return "long"
        return "points" if self.points else "category"
