"""confidence_interval: reference values, options, edge cases, the result type.

Reference values come from hand derivations (in comments) or from independent
high-precision computations with mpmath that take a different route from the
library (another root-finder, another conditioning of the same law).
"""

from __future__ import annotations

import inspect
import json
import math
from statistics import NormalDist

import mpmath
import numpy as np
import pytest

import npskit
from npskit import (
    ConfidenceInterval,
    DegenerateSampleWarning,
    EmptyDataError,
    Interval,
    Tally,
    confidence_interval,
)
from npskit._intervals.metric_methods import DEFAULT_INTERVAL_METHOD_BY_KIND
from npskit.typing import IntervalMethod

ALL_METHODS: tuple[IntervalMethod, ...] = (
    "wald",
    "adjusted-wald",
    "agresti-min",
    "bonett-price",
    "tango",
    "exact",
    "bayes",
    "bootstrap-percentile",
    "bootstrap-bca",
)
T = Tally(detractors=20, passives=30, promoters=50)
Z975 = NormalDist().inv_cdf(0.975)


def _wald_by_hand(d: float, s: float, p: float, z: float) -> tuple[float, float]:
    n = d + s + p
    centre = (p - d) / n
    half = z * math.sqrt((p / n + d / n - centre**2) / n)
    return 100 * (centre - half), 100 * (centre + half)


def test_wald_matches_hand_derivation() -> None:
    # p = .5, d = .2: variance .5 + .2 - .3^2 = .61, se = sqrt(.61 / 100).
    ci = confidence_interval(T, interval_method="wald")
    half = 100 * Z975 * math.sqrt(0.61 / 100)
    assert ci.low == pytest.approx(30 - half, abs=1e-10)
    assert ci.high == pytest.approx(30 + half, abs=1e-10)


@pytest.mark.parametrize(
    ("method", "added"),
    [
        ("adjusted-wald", (0.75, 1.5, 0.75)),  # Sauro & Lewis / Rocks 2016: n + 3
        ("agresti-min", (0.5, 1.0, 0.5)),
        ("bonett-price", (1.0, 0.0, 1.0)),
    ],
)
def test_adjusted_wald_presets_add_pseudo_counts(
    method: IntervalMethod, added: tuple[float, float, float]
) -> None:
    # e.g. adjusted Wald: counts 20.75, 31.5, 50.75 out of 103, then Wald.
    expected = _wald_by_hand(20 + added[0], 30 + added[1], 50 + added[2], Z975)
    ci = confidence_interval(T, interval_method=method)
    assert (ci.low, ci.high) == pytest.approx(expected, abs=1e-10)
    assert ci.estimate == 30.0  # the estimate stays the sample NPS


def test_default_method_is_adjusted_wald_everywhere() -> None:
    assert npskit.confidence_interval(T).interval_method == "adjusted-wald"
    # None is "the metric's default" (issue 17); for the NPS that stays adjusted Wald.
    default = inspect.signature(confidence_interval).parameters["interval_method"].default
    assert default is None
    assert DEFAULT_INTERVAL_METHOD_BY_KIND["net"] == "adjusted-wald"


def _tango_mpmath(b: int, c: int, n: int, z: float) -> tuple[float, float]:
    """Tango's interval at 40 digits, q from the likelihood equation, not the closed form."""
    mpmath.mp.dps = 40
    s = n - b - c

    def q_hat(delta: mpmath.mpf) -> mpmath.mpf:
        # Restricted MLE of p21: root of b/(q + delta) + c/q - 2s/(1 - 2q - delta) = 0
        # on the feasible interval, found by bisection (anderson) in mpmath.
        lo = max(mpmath.mpf(0), -delta) + mpmath.mpf(10) ** -35
        hi = (1 - delta) / 2 - mpmath.mpf(10) ** -35

        def score(q: mpmath.mpf) -> mpmath.mpf:
            return b / (q + delta) + c / q - 2 * s / (1 - 2 * q - delta)

        return mpmath.findroot(score, (lo, hi), solver="anderson")

    def statistic(delta: mpmath.mpf) -> mpmath.mpf:
        q = q_hat(delta)
        return (b - c - n * delta) / mpmath.sqrt(n * (2 * q + delta * (1 - delta)))

    est = mpmath.mpf(b - c) / n
    zz = mpmath.mpf(z)
    lower = mpmath.findroot(lambda x: statistic(x) - zz, (-0.999, est), solver="anderson")
    upper = mpmath.findroot(lambda x: statistic(x) + zz, (est, 0.999), solver="anderson")
    return 100 * float(lower), 100 * float(upper)


@pytest.mark.parametrize(("d", "s", "p"), [(20, 30, 50), (7, 2, 1), (3, 40, 12)])
def test_tango_matches_mpmath(d: int, s: int, p: int) -> None:
    expected = _tango_mpmath(p, d, d + s + p, Z975)
    ci = confidence_interval(Tally(detractors=d, passives=s, promoters=p), interval_method="tango")
    assert (ci.low, ci.high) == pytest.approx(expected, abs=1e-8)


def test_tango_all_passives_closed_form() -> None:
    # b = c = 0: Z(delta) = sqrt(n |delta| / (1 + delta)) for delta < 0, so
    # the bounds are -+z^2 / (n + z^2) (hand derivation from Tango's formula).
    ci = confidence_interval(Tally(detractors=0, passives=10, promoters=0), interval_method="tango")
    bound = 100 * Z975**2 / (10 + Z975**2)
    assert (ci.low, ci.high) == pytest.approx((-bound, bound), abs=1e-9)


def test_exact_all_passives_closed_form() -> None:
    # m = 0: only T ~ Beta(1, n) is random, so the bounds are -+(1 - alpha^(1/n)).
    ci = confidence_interval(Tally(detractors=0, passives=10, promoters=0), interval_method="exact")
    bound = 100 * (1 - 0.025**0.1)
    assert (ci.low, ci.high) == pytest.approx((-bound, bound), abs=1e-9)


def _melded_cdf_mpmath(x: int, m: int, t_a: int, t_b: int, v: float) -> float:
    """P(T (2B - 1) <= v), B ~ Beta(x, m - x + 1), T ~ Beta(t_a, t_b), integrating over B.

    The library integrates over T instead; this conditions the other way.
    """
    mpmath.mp.dps = 20

    def inner(b: mpmath.mpf) -> mpmath.mpf:
        w = 2 * b - 1
        density = b ** (x - 1) * (1 - b) ** (m - x) / mpmath.beta(x, m - x + 1)
        if w > 0:  # T <= v / w
            cut = min(max(v / w, 0), 1)
            return density * mpmath.betainc(t_a, t_b, 0, cut, regularized=True)
        if v >= 0:
            return density
        cut = min(max(v / w, 0), 1)  # w < 0: T >= v / w
        return density * (1 - mpmath.betainc(t_a, t_b, 0, cut, regularized=True))

    return float(mpmath.quad(inner, [0, 0.5, 1]))


def test_exact_matches_independent_integration() -> None:
    # (D, S, P) = (3, 4, 3): x = 3 promoters of m = 6 non-passives, n = 10.
    # Fay-Lumbard lower limit: the smaller of the 2.5% quantiles of T (2B - 1)
    # for T ~ Beta(6, 5) and T ~ Beta(7, 4). At that limit one of the two
    # distribution functions is exactly .025 and the other at most .025.
    ci = confidence_interval(Tally(detractors=3, passives=4, promoters=3), interval_method="exact")
    v = ci.low / 100
    cdfs = [_melded_cdf_mpmath(3, 6, 6, 5, v), _melded_cdf_mpmath(3, 6, 7, 4, v)]
    assert max(cdfs) == pytest.approx(0.025, abs=1e-9)
    assert min(cdfs) <= 0.025
    assert ci.high == pytest.approx(-ci.low, abs=1e-9)  # symmetric counts


def _bayes_cdf_mpmath(a_d: float, a_s: float, a_p: float, x: float) -> float:
    """Posterior P(p - d <= x), conditioning on the promoter share (the library uses d)."""
    mpmath.mp.dps = 20

    def inner(u: mpmath.mpf) -> mpmath.mpf:
        density = u ** (a_p - 1) * (1 - u) ** (a_d + a_s - 1) / mpmath.beta(a_p, a_d + a_s)
        cut = (u - x) / (1 - u)  # d >= u - x, and d / (1 - u) ~ Beta(a_d, a_s)
        if cut <= 0:
            return density
        if cut >= 1:
            return mpmath.mpf(0)
        return density * (1 - mpmath.betainc(a_d, a_s, 0, cut, regularized=True))

    points = sorted({0.0, max(0.0, min(1.0, x)), max(0.0, min(1.0, (1 + x) / 2)), 1.0})
    return float(mpmath.quad(inner, points))


@pytest.mark.parametrize(("d", "s", "p", "prior"), [(20, 30, 50, 0.5), (1, 2, 7, 1.0)])
def test_bayes_bounds_are_posterior_quantiles(d: int, s: int, p: int, prior: float) -> None:
    ci = confidence_interval(
        Tally(detractors=d, passives=s, promoters=p), interval_method="bayes", prior=prior
    )
    a = (d + prior, s + prior, p + prior)
    assert _bayes_cdf_mpmath(*a, ci.low / 100) == pytest.approx(0.025, abs=1e-9)
    assert _bayes_cdf_mpmath(*a, ci.high / 100) == pytest.approx(0.975, abs=1e-9)


def test_bayes_all_promoters_reaches_the_top() -> None:
    ci = confidence_interval(Tally(detractors=0, passives=0, promoters=8), interval_method="bayes")
    assert ci.high == 100.0
    assert ci.low < 100.0


def test_bootstrap_is_reproducible_and_seed_sensitive() -> None:
    for method in ("bootstrap-percentile", "bootstrap-bca"):
        a = confidence_interval(T, interval_method=method, rng=7)
        b = confidence_interval(T, interval_method=method, rng=np.random.default_rng(7))
        assert (a.low, a.high) == (b.low, b.high)
    c = confidence_interval(T, interval_method="bootstrap-percentile", rng=8, n_resamples=2000)
    # The percentile interval of a large resample is close to Wald's.
    wald = confidence_interval(T, interval_method="wald")
    assert c.low == pytest.approx(wald.low, abs=2.0)
    assert c.high == pytest.approx(wald.high, abs=2.0)


def test_bootstrap_cost_does_not_depend_on_n() -> None:
    huge = Tally(detractors=2 * 10**8, passives=3 * 10**8, promoters=5 * 10**8)
    ci = confidence_interval(huge, interval_method="bootstrap-bca", rng=1)
    assert 29.99 < ci.low < 30.0 < ci.high < 30.01


@pytest.mark.parametrize("method", ALL_METHODS)
def test_one_sided_intervals(method: IntervalMethod) -> None:
    greater = confidence_interval(T, interval_method=method, alternative="greater", rng=3)
    less = confidence_interval(T, interval_method=method, alternative="less", rng=3)
    two = confidence_interval(T, interval_method=method, confidence_level=0.9, rng=3)
    assert greater.high == 100.0
    assert less.low == -100.0
    # The one-sided 95% bound is the bound of the two-sided 90% interval.
    assert greater.low == pytest.approx(two.low, abs=1e-9)
    assert less.high == pytest.approx(two.high, abs=1e-9)


def test_wald_collapses_on_one_category_and_warns() -> None:
    t = Tally(detractors=0, passives=0, promoters=12)
    with pytest.warns(DegenerateSampleWarning, match="zero width"):
        ci = confidence_interval(t, interval_method="wald")
    assert (ci.low, ci.high) == (100.0, 100.0)
    with pytest.warns(DegenerateSampleWarning):
        confidence_interval(t, interval_method="bootstrap-percentile", rng=0)


@pytest.mark.parametrize("method", ["adjusted-wald", "tango", "exact", "bayes", "bonett-price"])
@pytest.mark.parametrize("counts", [(0, 0, 12), (12, 0, 0), (0, 12, 0)])
def test_other_methods_give_proper_intervals_on_one_category(
    method: IntervalMethod, counts: tuple[int, int, int]
) -> None:
    d, s, p = counts
    ci = confidence_interval(Tally(detractors=d, passives=s, promoters=p), interval_method=method)
    assert ci.width > 5
    assert -100 <= ci.low <= ci.estimate <= ci.high <= 100


def test_adjusted_wald_is_clipped() -> None:
    # 20 promoters: adjusted counts .75, 1.5, 20.75 of 23, centre 20/23 = .8696,
    # variance 21.5/23 - .8696^2 = .1787, se .0881: upper .8696 + 1.96 * .0881
    # = 1.042 before clipping (hand derivation).
    ci = confidence_interval(Tally(detractors=0, passives=0, promoters=20))
    assert ci.high == 100.0


def test_empty_data_raises() -> None:
    with pytest.raises(EmptyDataError):
        confidence_interval(Tally(detractors=0, passives=0, promoters=0, n_missing=2))
    with pytest.raises(EmptyDataError):
        confidence_interval([None, float("nan")])


@pytest.mark.parametrize("level", [0, 1, 1.5, -0.1, float("nan")])
def test_bad_confidence_level_raises(level: float) -> None:
    with pytest.raises(ValueError, match="confidence_level"):
        confidence_interval(T, confidence_level=level)


def test_bad_options_raise() -> None:
    with pytest.raises(ValueError, match="method must be one of"):
        confidence_interval(T, interval_method="Wald")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="alternative must be one of"):
        confidence_interval(T, alternative="two_sided")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="population must be at least"):
        confidence_interval(T, population=99)
    with pytest.raises(ValueError, match="prior"):
        confidence_interval(T, interval_method="bayes", prior=0)
    with pytest.raises(TypeError, match="weights"):
        confidence_interval(T, weights=[1.0])
    with pytest.raises(TypeError, match="confidence_level"):
        confidence_interval(T, confidence_level="0.95")  # type: ignore[arg-type]


def test_answers_and_tally_give_the_same_interval() -> None:
    answers = [0] * 20 + [7] * 30 + [10] * 50 + [None] * 3
    ci = confidence_interval(answers)
    assert (ci.low, ci.high) == (confidence_interval(T).low, confidence_interval(T).high)
    assert (ci.n, ci.n_missing, ci.effective_n) == (100, 3, 100.0)


def test_weighted_uses_linearization_effective_counts() -> None:
    # Weights 2 on 10 detractors, 1 elsewhere: weighted shares 20/90, 30/90, 40/90,
    # R = 2/9. Reported effective_n is Kish's 90^2 / (10*4 + 70) = 8100 / 110. The
    # interval uses the linearization (issue 13): Q = (40, 30, 40),
    # sum Q (x - R)^2 = (40*121 + 30*4 + 40*49) / 81 = 6920/81, weighted score
    # variance 60/90 - 4/81 = 50/81, so n_lin = (50/81) 90^2 / (6920/81)
    # = 405000/6920, times the small-sample factor (1 - 1/n_kish) / (1 - 1/80).
    scores = [0] * 10 + [8] * 30 + [10] * 40
    weights = [2.0] * 10 + [1.0] * 70
    ci = confidence_interval(scores, weights=weights, interval_method="wald")
    n_eff = 8100 / 110
    assert ci.effective_n == pytest.approx(n_eff)
    assert ci.n == 80
    n_lin = 405000 / 6920 * (1 - 1 / n_eff) / (1 - 1 / 80)
    expected = _wald_by_hand(n_lin * 20 / 90, n_lin * 30 / 90, n_lin * 40 / 90, Z975)
    assert (ci.low, ci.high) == pytest.approx(expected, abs=1e-9)


def test_finite_population_correction() -> None:
    # N = 200, n = 100: variance factor (200 - 100) / 199, so the Wald half-width
    # shrinks by sqrt(100 / 199).
    plain = confidence_interval(T, interval_method="wald")
    fpc = confidence_interval(T, interval_method="wald", population=200)
    assert fpc.width == pytest.approx(plain.width * math.sqrt(100 / 199), rel=1e-12)
    census = confidence_interval(T, interval_method="exact", population=100)
    assert (census.low, census.high) == (30.0, 30.0)
    assert fpc.population == 200


def test_result_type() -> None:
    ci = confidence_interval(T, interval_method="tango")
    assert isinstance(ci, ConfidenceInterval)
    assert ci.confidence_interval == Interval(ci.low, ci.high)
    data = json.loads(json.dumps(ci.to_dict()))
    assert data["interval_method"] == "tango"
    assert data["n"] == 100
    assert "rounded" in str(ci)
    assert repr(ci).startswith("ConfidenceInterval(estimate=30.0")
    with pytest.raises(AttributeError):
        ci.low = 0.0  # type: ignore[misc]
    assert npskit.confidence_interval is confidence_interval


@pytest.mark.parametrize("method", ["bayes", "exact"])
def test_numerical_methods_near_the_corners(method: IntervalMethod) -> None:
    # Regression: a normal guess beyond +-1 once put the root bracket outside
    # the scale (bayes at n = 100 with almost every answer a promoter).
    for d, s in ((0, 0), (0, 1), (1, 0), (0, 2), (2, 1)):
        for t in (
            Tally(detractors=d, passives=s, promoters=100 - d - s),
            Tally(detractors=100 - d - s, passives=s, promoters=d),
        ):
            ci = confidence_interval(t, interval_method=method)
            assert -100 <= ci.low <= ci.estimate <= ci.high <= 100


def test_wald_warns_below_thirty_answers_and_not_above() -> None:
    # Exact coverage of Wald at n = 10 falls far below 95% (coverage tests);
    # the warning points users to the default instead.
    small = npskit.Tally(detractors=3, passives=3, promoters=4)
    with pytest.warns(npskit.SmallSampleWarning, match="below 30 answers"):
        npskit.confidence_interval(small, interval_method="wald")
    large = npskit.Tally(detractors=10, passives=10, promoters=10)
    npskit.confidence_interval(large, interval_method="wald")  # filterwarnings=error: none raised
    npskit.confidence_interval(small)  # the default, adjusted Wald, does not warn
