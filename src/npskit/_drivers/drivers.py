"""Why NPS is what it is: ``drivers`` and ``drivers_from_correlation``."""

from __future__ import annotations

from typing import Any, get_args

import numpy as np
import numpy.typing as npt

from npskit._core.errors import EmptyDataError, MissingAnswersError
from npskit._core.scale import STANDARD_SCALE, Scale
from npskit._core.validation import (
    check_choice,
    check_confidence_level,
    check_positive_int,
    check_rng,
)
from npskit._stats.relative_importance import MAX_PREDICTORS, correlation_from_covariance
from npskit.typing import DriverMissing, DriverOutcome, ImportanceMethod

from .driver_rows import dominance_of, driver_rows, percentile
from .importance import MAX_LOGISTIC_SHAPLEY, fit_from_correlation, fit_importance
from .inputs import answer_codes, attribute_table, weight_array
from .results import DriverAnalysis

__all__ = [
    "DEFAULT_DRIVER_RESAMPLES",
    "DEFAULT_IMPORTANCE_METHOD",
    "drivers",
    "drivers_from_correlation",
]

FloatArray = npt.NDArray[np.float64]

DEFAULT_IMPORTANCE_METHOD: ImportanceMethod = "relative-weights"
DEFAULT_DRIVER_RESAMPLES = 1000
"""Bootstrap resamples of a driver analysis (each is a full refit, so fewer than for one NPS)."""

_R2_KIND = {
    ("score", "relative-weights"): "r2",
    ("score", "shapley"): "r2",
    ("promoter", "relative-weights"): "r2-o",
    ("detractor", "relative-weights"): "r2-o",
    ("promoter", "shapley"): "mcfadden",
    ("detractor", "shapley"): "mcfadden",
}


def drivers(
    scores: Any,
    attributes: Any,
    *,
    data: Any = None,
    weights: Any = None,
    outcome: DriverOutcome = "score",
    importance_method: ImportanceMethod = DEFAULT_IMPORTANCE_METHOD,
    dominance: bool = False,
    confidence_level: float = 0.95,
    n_resamples: int = DEFAULT_DRIVER_RESAMPLES,
    rng: Any = None,
    missing: DriverMissing = "complete-cases",
    scale: Scale = STANDARD_SCALE,
) -> DriverAnalysis:
    """Relative importance of attribute ratings for NPS, with bootstrap intervals.

    Named ``drivers`` because "key driver analysis" is what analysts call
    this; the result ranks the drivers and says how sure the ranking is.

    Parameters
    ----------
    scores : array_like or str
        The 0-10 answers (missing allowed), or a column name of ``data``.
    attributes : DataFrame, mapping, 2-D array or list of str
        The attribute ratings, one column per driver (missing allowed): a
        pandas or polars DataFrame, a mapping of name to array, an ``n x p``
        array (drivers named ``x1``, ``x2``, ...), or column names of ``data``.
    data : pandas.DataFrame, polars.DataFrame or mapping, optional
        Table to take named columns from.
    weights : array_like or str, optional
        Survey weights, used in every fit (weighted correlations, weighted
        logistic likelihood) and carried by the resampled rows.
    outcome : {"score", "promoter", "detractor"}, default "score"
        What is explained: the 0-10 answer (linear model), or being a
        promoter or a detractor (binary, logistic model). The three ordered
        categories together are not offered: NPS is a linear function of the
        category shares, and the two binary analyses show both ends; for one
        ordinal analysis, ``"score"`` keeps the order at full resolution.
    importance_method : {"relative-weights", "shapley"}, default "relative-weights"
        Johnson's relative weights (Tonidandel & LeBreton's logistic
        version for binary outcomes) or the exact Shapley value of the fit
        over all subsets of drivers (LMG; general dominance). See Notes.
    dominance : bool, default False
        Also compute complete and conditional dominance (all subsets, with
        either method; for a binary outcome on McFadden's pseudo-R^2).
    confidence_level : float, default 0.95
        Level of the bootstrap intervals.
    n_resamples : int, default 1000
        Bootstrap resamples of rows; 0 for no intervals.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Seed or generator of the bootstrap; an int gives the same result
        run after run.
    missing : {"complete-cases", "raise"}, default "complete-cases"
        ``"complete-cases"``: rows with a missing answer or a missing rating
        are left out, counted in ``n_missing`` (and per driver); ``"raise"``:
        a missing rating raises.
    scale : Scale, default the standard 0-10 scale
        Scale of the answers and its cut points.

    Returns
    -------
    DriverAnalysis
        One row per driver, most important first, and the full model's fit.

    Raises
    ------
    ValueError
        For an unknown option, ``outcome="category"``, fewer complete rows
        than drivers + 2, a driver or outcome that does not vary, more than
        20 drivers (12 for Shapley on a binary outcome).
    MissingAnswersError
        With ``missing="raise"`` and a missing rating.
    EmptyDataError
        If no row is complete.

    Notes
    -----
    Both methods share the fit of the full model among the drivers so that
    the importances add up to it. *Relative weights* (Johnson 2000)
    regress the outcome on the orthonormal variables ``Z`` closest to the
    standardised ratings and share each ``Z``'s contribution back by the
    squared correlations ``Lambda^2``; for a binary outcome the regression
    is logistic and its coefficients are standardised with Menard's ``R_O``
    (Tonidandel & LeBreton 2010), so the weights add to
    ``R^2_O = cor(y, p_hat)^2``. *Shapley* (Lindeman, Merenda & Gold 1980;
    Budescu 1993) averages each driver's gain in fit over all orders of entry;
    computed exactly from the ``2**p`` subsets, it equals the general
    dominance weight (Azen & Budescu 2003). For a binary outcome the fit is
    McFadden's pseudo-R^2 ``1 - LL(S)/LL(0)`` of weighted logistic fits.
    The two methods agree closely in practice (Johnson 2000; LeBreton,
    Ployhart & Ladd 2004).

    Intervals: rows are resampled with replacement, their weights carried,
    and everything refitted; percentile intervals of each importance and of
    each rank. Importance is association, not causation: see the explanation
    page "What driver importance means".

    References
    ----------
    Johnson, J. W. (2000). Multivariate Behavioral Research 35(1), 1-19.
    https://doi.org/10.1207/S15327906MBR3501_1
    Tonidandel, S. & LeBreton, J. M. (2010). Organizational Research Methods
    13(4), 767-781. https://doi.org/10.1177/1094428109341993
    Azen, R. & Budescu, D. V. (2003). Psychological Methods 8(2), 129-148.
    https://doi.org/10.1037/1082-989X.8.2.129
    Grömping, U. (2006). Journal of Statistical Software 17(1).
    https://doi.org/10.18637/jss.v017.i01

    Examples
    --------
    >>> import npskit
    >>> data = npskit.load_example()
    >>> result = npskit.drivers(
    ...     "answer", ["wait_rating", "resolved", "courtesy_rating", "ease_rating"],
    ...     data=data, rng=1, n_resamples=200,
    ... )
    >>> [row.driver for row in result]
    ['resolved', 'wait_rating', 'ease_rating', 'courtesy_rating']
    >>> round(result.r2, 3), result.n, result.n_missing
    (0.407, 4753, 1247)
    """
    outcome = _check_outcome(outcome)
    method = check_choice("importance_method", importance_method, get_args(ImportanceMethod))
    policy = check_choice("missing", missing, get_args(DriverMissing))
    level = check_confidence_level(confidence_level)
    resamples = check_positive_int("n_resamples", n_resamples, minimum=0)
    generator = check_rng(rng)
    if not isinstance(dominance, bool):
        raise TypeError(f"dominance must be True or False, got {dominance!r}")
    w_all = weight_array(weights, data)
    answers, codes = answer_codes(scores, data, scale, w_all)
    names, x_all = attribute_table(attributes, data, len(answers))
    p = len(names)
    binary = outcome != "score"
    limit = (
        MAX_LOGISTIC_SHAPLEY if binary and (method == "shapley" or dominance) else MAX_PREDICTORS
    )
    if p > limit:
        raise ValueError(
            f"{p} drivers is more than the {limit} that all-subset fits allow here; "
            "use importance_method='relative-weights' (without dominance) or fewer drivers"
        )
    answered = ~np.isnan(answers)
    rating_missing = np.isnan(x_all) & answered[:, None]
    missing_per_driver = rating_missing.sum(axis=0)
    if policy == "raise" and missing_per_driver.any():
        shown = ", ".join(
            f"{name!r}: {int(k)}" for name, k in zip(names, missing_per_driver, strict=True) if k
        )
        raise MissingAnswersError(
            f"attribute ratings are missing ({shown}); pass missing='complete-cases' "
            "to leave those rows out"
        )
    complete = answered & ~rating_missing.any(axis=1)
    x = x_all[complete]
    w = np.ones(len(x)) if w_all is None else w_all[complete]
    y = _outcome_values(outcome, answers[complete], codes[complete])
    _check_sample(names, x, y, w)
    fit = fit_importance(x, y, w, method, binary, subsets_needed=dominance)
    boot, boot_total = _bootstrap(x, y, w, method, binary, resamples, generator)
    rows = driver_rows(names, fit, boot, level, x, w, missing_per_driver)
    r2_low, r2_high = percentile(boot_total, level) if resamples else (np.nan, np.nan)
    return DriverAnalysis(
        rows=rows,
        outcome=outcome,
        importance_method=method,
        r2=fit.total,
        r2_low=r2_low,
        r2_high=r2_high,
        r2_kind=_R2_KIND[(outcome, method)],
        n=len(x),
        n_missing=int(len(answers) - len(x)),
        weight_sum=float(w.sum()),
        effective_n=float(w.sum() ** 2 / np.sum(w * w)),
        weighted=w_all is not None,
        confidence_level=level,
        n_resamples=resamples,
        missing=policy,
        dominance=dominance_of(names, fit) if dominance else None,
    )


def drivers_from_correlation(
    matrix: Any,
    names: Any,
    *,
    outcome_name: str | None = None,
    importance_method: ImportanceMethod = DEFAULT_IMPORTANCE_METHOD,
    dominance: bool = False,
    n: int | None = None,
) -> DriverAnalysis:
    """Driver importances from a correlation or covariance matrix (aggregates only).

    For warehouse users who can compute the matrix in SQL. Only the linear
    outcome (the 0-10 answer) applies, both methods apply, and there are no
    intervals (the bootstrap needs the rows) and no performance columns.

    Parameters
    ----------
    matrix : array_like
        Square correlation or covariance matrix of the answer and the
        drivers (a covariance matrix is turned into correlations).
    names : sequence of str
        Names of the rows/columns of ``matrix``.
    outcome_name : str, optional
        Which name is the NPS answer; by default the first.
    importance_method, dominance
        As for :func:`drivers`.
    n : int, optional
        Rows behind the matrix, stored as ``n`` (0 when not given).

    Returns
    -------
    DriverAnalysis
        As :func:`drivers`, with NaN intervals, means and top-box shares.

    Examples
    --------
    >>> import npskit
    >>> r = [[1.0, 0.5, 0.3], [0.5, 1.0, 0.2], [0.3, 0.2, 1.0]]
    >>> result = npskit.drivers_from_correlation(r, ["nps", "wait", "ease"])
    >>> round(result.r2, 4), [(row.driver, round(row.importance, 4)) for row in result]
    (0.2917, [('wait', 0.2258), ('ease', 0.0658)])

    (By hand: ``R^2 = (0.5^2 + 0.3^2 - 2 * 0.5 * 0.3 * 0.2) / (1 - 0.2^2) = 0.2917``.)
    """
    method = check_choice("importance_method", importance_method, get_args(ImportanceMethod))
    values = np.asarray(matrix, dtype=np.float64)
    labels = [str(name) for name in names]
    if values.ndim != 2 or values.shape[0] != values.shape[1] or values.shape[0] != len(labels):
        raise ValueError(
            f"matrix must be square with one row per name; got shape {values.shape} "
            f"for {len(labels)} names"
        )
    if not np.allclose(values, values.T) or np.any(np.diag(values) <= 0):
        raise ValueError("matrix must be symmetric with positive diagonal (a correlation matrix)")
    if outcome_name is not None and outcome_name not in labels:
        raise ValueError(f"outcome_name {outcome_name!r} is not one of the names {labels!r}")
    first = 0 if outcome_name is None else labels.index(outcome_name)
    order = [first, *[j for j in range(len(labels)) if j != first]]
    correlation = correlation_from_covariance(values[np.ix_(order, order)])
    drivers_names = tuple(labels[j] for j in order[1:])
    fit = fit_from_correlation(correlation, method, subsets_needed=dominance)
    rows = driver_rows(drivers_names, fit, None, 0.95, None, None, np.zeros(len(drivers_names)))
    return DriverAnalysis(
        rows=rows,
        outcome="score",
        importance_method=method,
        r2=fit.total,
        r2_low=np.nan,
        r2_high=np.nan,
        r2_kind="r2",
        n=0 if n is None else check_positive_int("n", n, minimum=0),
        n_missing=0,
        weight_sum=np.nan,
        effective_n=np.nan,
        weighted=False,
        confidence_level=0.95,
        n_resamples=0,
        missing="complete-cases",
        dominance=dominance_of(drivers_names, fit) if dominance else None,
    )


def _check_outcome(outcome: object) -> DriverOutcome:
    if outcome == "category":
        raise ValueError(
            "outcome='category' (the three ordered categories) is not offered: use "
            "'score' (the 0-10 answer keeps the order at full resolution), or 'promoter' "
            "and 'detractor' (two binary analyses, one per end of NPS)"
        )
    return check_choice("outcome", outcome, get_args(DriverOutcome))


def _outcome_values(outcome: str, answers: FloatArray, codes: FloatArray) -> FloatArray:
    if outcome == "score":
        return answers
    binary: FloatArray = (codes == (1 if outcome == "promoter" else -1)).astype(np.float64)
    return binary


def _check_sample(names: tuple[str, ...], x: FloatArray, y: FloatArray, w: FloatArray) -> None:
    if len(x) == 0:
        raise EmptyDataError("no row has the answer and every rating present")
    if len(x) < len(names) + 2:
        raise ValueError(
            f"{len(x)} complete rows for {len(names)} drivers; need at least {len(names) + 2}"
        )
    used = w > 0
    if np.ptp(y[used]) == 0:
        raise ValueError("the outcome does not vary among the complete rows; nothing to explain")
    flat = [name for name, column in zip(names, x.T, strict=True) if np.ptp(column[used]) == 0]
    if flat:
        raise ValueError(f"drivers {flat!r} do not vary among the complete rows; leave them out")


def _bootstrap(
    x: FloatArray,
    y: FloatArray,
    w: FloatArray,
    method: str,
    binary: bool,
    resamples: int,
    generator: np.random.Generator,
) -> tuple[FloatArray, FloatArray]:
    """Importances (resamples x p) and totals of row resamples; NaN where a refit failed."""
    n, p = x.shape
    importance = np.full((resamples, p), np.nan)
    total = np.full(resamples, np.nan)
    for b in range(resamples):
        rows = generator.integers(0, n, size=n)
        xb, yb, wb = x[rows], y[rows], w[rows]
        if np.ptp(yb) == 0 or np.any(np.ptp(xb, axis=0) == 0):
            continue  # a degenerate resample: the importance does not exist there
        with np.errstate(invalid="ignore", divide="ignore"):
            fit = fit_importance(xb, yb, wb, method, binary, subsets_needed=False)
        importance[b], total[b] = fit.importance, fit.total
    return importance, total
