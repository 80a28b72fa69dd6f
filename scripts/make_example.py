"""Write npskit's bundled example data set, a synthetic contact-center survey.

Usage::

    python scripts/make_example.py [OUTPUT]

OUTPUT defaults to ``src/npskit/data/contact_center.csv``. The output is fully
determined by this file: one seeded ``numpy.random.default_rng``, only its
``random``, ``integers`` and ``permutation`` methods, and only arithmetic on
their draws (no ``exp``/``log``/``pow``, whose last bits may differ between
platforms), so regenerating the file gives the same bytes.

The data are invented. Each row is one post-interaction survey answer:
``date`` (2026-01-01 to 2026-06-30), ``channel``, ``queue``, ``agent``,
``answer`` (0..10, about 3% blank), ``weight`` (post-stratification-like,
0.4..2.5) and ``call_reason``. The designed truth, for tutorials to find again:

- Channels differ: expected NPS about +45 on the phone, +20 in chat and -10 by
  email (before queue, segment and agent effects, which shift all three by a
  point or two).
- Channel mix shifts: chat's share of contacts jumps from about 28% (January to
  April) to about 45% (May and June), taken from the phone.
- A real drop in May: an incident in the billing queue costs its answers 25
  points in May (8 in June, recovering). With the mix shift, May is expected
  about 10 points below April (realised: 8.8); part mix, part rate.
- Queues differ: sales +8, onboarding +6, billing 0, tech-support -4,
  retention -14 points.
- Agents differ: each agent has a true effect drawn uniformly in -18..+18
  points. Agent volumes are very unequal (a few agents answer for 300+
  surveys); A36..A40 are new hires who start in mid-June with 3 to 8 answers.
- Weights: new customers (about 20% of answers) answer less often, so they get
  larger weights, and are 10 points less enthusiastic; loyal customers get
  smaller weights and are 6 points more enthusiastic. Email answers are
  weighted up a little. The weighted NPS is therefore a little lower than the
  unweighted one.

- Call reasons (``call_reason``, added after all the columns above from a
  second generator, ``default_rng([SEED, 2])``, so that every other column
  keeps its bytes): billing-dispute, outage, how-to, cancellation, upgrade.
  Each queue has its own mix (billing: mostly disputes; tech-support: outages
  and how-to; sales: upgrades; retention: cancellations; onboarding: how-to).
  Each agent gets a routing tilt towards the hard reasons (billing-dispute,
  outage, cancellation) between 0.5 and 2, so the mix differs by agent. The
  reason is drawn GIVEN the realised answer category: a detractor's reason is
  twice as likely hard, a promoter's 0.6 times (easy reasons the reverse). This
  makes the reason a case-mix variable by construction: hard reasons go with
  lower answers in every queue and for every agent. It does not change any
  answer, so an agent's tilt moves their mix and not their NPS: on these data,
  adjusting for the reason credits high-tilt agents with harder calls than
  their answers show (real reasons, recorded before the answer, cause it).

Driver and topic columns (issue 16, drawn after everything above from their
own generator ``default_rng([SEED, 1])``, so the columns above are unchanged):

- ``wait_rating``, ``courtesy_rating``, ``ease_rating`` (1..5) and ``resolved``
  (0/1, first-contact resolution), each about 5% blank. They are drawn given
  the answer: a rating's latent value is ``loading * a + noise`` with ``a``
  the standardised answer and loadings resolved 0.68, wait 0.50, ease 0.40,
  courtesy 0.25; wait and ease also share a "channel friction" factor
  (their noise correlates about 0.36), so they are collinear. The designed
  order of importance is resolved > wait > ease > courtesy. About 70% of
  contacts are resolved; the ratings are cut into 1..5 at fixed thresholds.
- ``topics``: ``;``-separated comment tags for the half of the answers that
  left a comment (blank otherwise): ``long wait`` (mostly when the wait
  rating is 1-2), ``not resolved`` (mostly when unresolved), ``billing error``
  (billing-queue detractors), ``helpful agent`` (courteous promoters) and
  ``app issue`` (6% of comments whatever the answer: a topic with no impact
  by design). Topics co-occur: a comment may carry several tags.

CSAT and CES columns (issue 17, drawn last from their own generator
``default_rng([SEED, 3])``, so every column above keeps its bytes):

- ``csat`` (1..5, "how satisfied were you", top box 4-5) and ``ces`` (1..7,
  "how easy was it to get your issue handled", 7 = very easy), each about 4%
  blank. Each is drawn given the answer, like the ratings: a latent value
  ``loading * a + noise`` (``a`` the standardised answer; loadings csat 0.75,
  ces 0.55, and the CES noise shares the ``ease_rating`` friction through a
  second latent draw of its own), cut at fixed thresholds. So CSAT follows the
  NPS closely (phone highest, email lowest, the May dip in billing), CES more
  loosely; about four answers in five are satisfied (CSAT near 81%) and the
  mean CES near 5.2.

The seed was picked among the first dozen as one whose realised effects sit
close to the design (sampling noise moves a monthly NPS by about 3 points).
"""

from __future__ import annotations

import csv
import math
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt

SEED = 1
N_ROWS = 6000
START = np.datetime64("2026-01-01", "D")
N_DAYS = 181  # 2026-01-01 .. 2026-06-30
MONTH_STARTS = np.array([0, 31, 59, 90, 120, 151])  # day index of the 1st of Jan..Jun

CHANNELS = ("phone", "chat", "email")
CHANNEL_NPS = np.array([47.0, 23.0, -7.0])
CHANNEL_WEIGHT = np.array([0.9, 1.0, 1.25])
# Share of phone, chat and email contacts in each month, January to June.
CHANNEL_MIX = np.array(
    [
        [0.50, 0.27, 0.23],
        [0.50, 0.28, 0.22],
        [0.49, 0.29, 0.22],
        [0.49, 0.29, 0.22],
        [0.36, 0.45, 0.19],
        [0.35, 0.46, 0.19],
    ]
)

QUEUES = ("billing", "tech-support", "sales", "retention", "onboarding")
QUEUE_SHARE = np.array([0.30, 0.28, 0.16, 0.12, 0.14])
QUEUE_NPS = np.array([0.0, -4.0, 8.0, -14.0, 6.0])
BILLING_INCIDENT = np.array([0.0, 0.0, 0.0, 0.0, -25.0, -8.0])  # by month

# Customer segments (not in the file, only through the weights): new,
# established, loyal.
SEGMENT_SHARE = np.array([0.20, 0.55, 0.25])
SEGMENT_NPS = np.array([-10.0, 0.0, 6.0])
SEGMENT_WEIGHT = np.array([1.9, 1.0, 0.7])

N_AGENTS = 40
NEW_HIRE_ANSWERS = np.array([3, 4, 5, 6, 8])  # agents A36..A40
NEW_HIRE_START = 160  # 2026-06-10
AGENT_EFFECT = 18.0

PASSIVE_SHARE = 0.26
# How answers spread within a category: 0..6, 7..8, 9..10.
DETRACTOR_ANSWERS = np.array([0.10, 0.04, 0.05, 0.08, 0.10, 0.23, 0.40])
PASSIVE_ANSWERS = np.array([0.42, 0.58])
PROMOTER_ANSWERS = np.array([0.40, 0.60])
BLANK_SHARE = 0.03

REASON_BLOCK = 2  # the second generator's stream: default_rng([SEED, REASON_BLOCK])
REASONS = ("billing-dispute", "outage", "how-to", "cancellation", "upgrade")
HARD_REASON = np.array([1.0, 1.0, 0.0, 1.0, 0.0])
# Share of each reason in each queue (rows in the order of QUEUES).
QUEUE_REASONS = np.array(
    [
        [0.60, 0.05, 0.25, 0.05, 0.05],  # billing
        [0.05, 0.45, 0.40, 0.05, 0.05],  # tech-support
        [0.10, 0.05, 0.25, 0.05, 0.55],  # sales
        [0.15, 0.10, 0.10, 0.60, 0.05],  # retention
        [0.10, 0.10, 0.60, 0.05, 0.15],  # onboarding
    ]
)
# How the answer category (detractor, passive, promoter) weighs hard and easy reasons.
CATEGORY_HARD = np.array([2.0, 1.0, 0.6])
CATEGORY_EASY = np.array([0.6, 1.0, 1.5])

HEADER = ("date", "channel", "queue", "agent", "answer", "weight", "call_reason")
BLOCK = 1  # issue 16: attribute ratings and comment topics
DRIVER_HEADER = ("wait_rating", "resolved", "courtesy_rating", "ease_rating", "topics")
LOADINGS = {"wait": 0.50, "resolved": 0.68, "courtesy": 0.25, "ease": 0.40}
FRICTION = 0.6  # weight of the shared channel-friction factor in wait and ease noise
RATING_CUTS = np.array([-1.3, -0.5, 0.3, 1.0])  # latent cut points of ratings 1..5
RESOLVED_CUT = -0.52  # about 70% of latent values are above it
RATING_BLANK_SHARE = 0.05
COMMENT_SHARE = 0.5
METRIC_BLOCK = 3  # issue 17: CSAT and CES
METRIC_HEADER = ("csat", "ces")
METRIC_LOADINGS = {"csat": 0.75, "ces": 0.55}
CSAT_CUTS = np.array([-1.9, -1.25, -0.65, 0.45])  # latent cut points of CSAT 1..5
CES_CUTS = np.array([-2.2, -1.6, -1.05, -0.45, 0.2, 0.95])  # latent cut points of CES 1..7
METRIC_BLANK_SHARE = 0.04
REPOSITORY = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = REPOSITORY / "src" / "npskit" / "data" / "contact_center.csv"

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def draw(rng: np.random.Generator, probabilities: FloatArray) -> IntArray:
    """One category per row; ``probabilities`` has one row of shares per draw."""
    cumulative = np.cumsum(probabilities, axis=-1)
    u = rng.random(probabilities.shape[0]) * cumulative[:, -1]
    index: IntArray = np.sum(u[:, None] >= cumulative[:, :-1], axis=1).astype(np.int64)
    return index


def draw_same(rng: np.random.Generator, shares: FloatArray, size: int) -> IntArray:
    """``size`` draws from one categorical distribution."""
    return draw(rng, np.broadcast_to(shares, (size, len(shares))))


def agent_volumes(rng: np.random.Generator, total: int) -> IntArray:
    """Very unequal answer counts for the regular agents, summing to ``total``."""
    n_regular = N_AGENTS - len(NEW_HIRE_ANSWERS)
    base = 0.25 + rng.random(n_regular)
    size = base * base * base  # multiplications, not pow: the same bits everywhere
    exact = size / math.fsum(size) * total
    counts: IntArray = np.floor(exact).astype(np.int64)
    remainder = exact - counts
    order = np.argsort(-remainder, kind="stable")
    counts[order[: total - int(counts.sum())]] += 1
    return counts


def assign_agents(rng: np.random.Generator, day: IntArray) -> IntArray:
    """Agent index per row (0 = A01): new hires only from their start day."""
    agent = np.empty(len(day), dtype=np.int64)
    n_new = int(NEW_HIRE_ANSWERS.sum())
    late = np.flatnonzero(day >= NEW_HIRE_START)
    new_rows = late[rng.permutation(len(late))[:n_new]]
    n_regular = N_AGENTS - len(NEW_HIRE_ANSWERS)
    new_ids = np.repeat(np.arange(n_regular, N_AGENTS), NEW_HIRE_ANSWERS)
    agent[new_rows] = new_ids
    others = np.setdiff1d(np.arange(len(day)), new_rows)
    regular_ids = np.repeat(np.arange(n_regular), agent_volumes(rng, len(others)))
    agent[others] = regular_ids[rng.permutation(len(others))]
    return agent


def answers(rng: np.random.Generator, expected_nps: FloatArray) -> IntArray:
    """Draw answers 0..10 whose expected NPS is ``expected_nps`` (points)."""
    net = np.clip(expected_nps, -70.0, 70.0) / 100
    promoter = (1 - PASSIVE_SHARE + net) / 2
    detractor = (1 - PASSIVE_SHARE - net) / 2
    category = draw(rng, np.stack([detractor, np.full_like(net, PASSIVE_SHARE), promoter], 1))
    within = [
        draw_same(rng, DETRACTOR_ANSWERS, len(net)),
        7 + draw_same(rng, PASSIVE_ANSWERS, len(net)),
        9 + draw_same(rng, PROMOTER_ANSWERS, len(net)),
    ]
    answer: IntArray = np.choose(category, within)
    return answer


def call_reasons(
    rng: np.random.Generator, queue: IntArray, agent: IntArray, answer: IntArray
) -> IntArray:
    """Reason index per row, given queue, agent and the realised answer (see the docstring)."""
    tilt = 0.5 + 1.5 * rng.random(N_AGENTS)  # routing towards hard reasons, 0.5..2
    category = np.where(answer <= 6, 0, np.where(answer <= 8, 1, 2))
    hard = HARD_REASON[None, :]
    factor = (
        hard * (tilt[agent] * CATEGORY_HARD[category])[:, None]
        + (1.0 - hard) * (CATEGORY_EASY[category][:, None])
    )
    return draw(rng, QUEUE_REASONS[queue] * factor)


def build_rows(rng: np.random.Generator) -> list[list[str]]:
    """The survey as rows of text, sorted by date (header not included)."""
    is_weekend = ((np.arange(N_DAYS) + 3) % 7) >= 5  # 2026-01-01 is a Thursday
    day = draw_same(rng, np.where(is_weekend, 0.45, 1.0), N_ROWS)
    day = day[np.argsort(day, kind="stable")]
    month = np.searchsorted(MONTH_STARTS, day, side="right") - 1
    channel = draw(rng, CHANNEL_MIX[month])
    queue = draw_same(rng, QUEUE_SHARE, N_ROWS)
    segment = draw_same(rng, SEGMENT_SHARE, N_ROWS)
    agent = assign_agents(rng, day)
    agent_effect = AGENT_EFFECT * (2 * rng.random(N_AGENTS) - 1)

    expected = (
        CHANNEL_NPS[channel]
        + QUEUE_NPS[queue]
        + np.where(queue == QUEUES.index("billing"), BILLING_INCIDENT[month], 0.0)
        + SEGMENT_NPS[segment]
        + agent_effect[agent]
    )
    answer = answers(rng, expected)
    blank = rng.random(N_ROWS) < BLANK_SHARE
    jitter = 0.85 + 0.3 * rng.random(N_ROWS)
    weight = np.clip(SEGMENT_WEIGHT[segment] * CHANNEL_WEIGHT[channel] * jitter, 0.4, 2.5)

    reason = call_reasons(np.random.default_rng([SEED, REASON_BLOCK]), queue, agent, answer)

    dates = np.datetime_as_string(START + day.astype("timedelta64[D]"), unit="D")
    return [
        [
            str(dates[i]),
            CHANNELS[channel[i]],
            QUEUES[queue[i]],
            f"A{agent[i] + 1:02d}",
            "" if blank[i] else str(int(answer[i])),
            f"{weight[i]:.3f}",
            REASONS[reason[i]],
        ]
        for i in range(N_ROWS)
    ]


def normalish(rng: np.random.Generator, size: int) -> FloatArray:
    """Roughly standard normal noise: a centred sum of four uniforms (variance 1)."""
    total = rng.random(size) + rng.random(size) + rng.random(size) + rng.random(size)
    noise: FloatArray = (total - 2.0) * 1.7320508075688772
    return noise


def driver_columns(rng: np.random.Generator, rows: list[list[str]]) -> list[list[str]]:
    """Attribute ratings and comment topics per row (see the module docstring)."""
    n = len(rows)
    answer = np.array([float(r[4]) if r[4] else np.nan for r in rows])
    billing = np.array([r[2] == "billing" for r in rows])
    neutral = 3.0 + 4.0 * rng.random(n)  # stands in for a blank answer
    value = np.where(np.isnan(answer), neutral, answer)
    a = (value - 7.2) / 2.8
    friction = normalish(rng, n)
    latent = {}
    for name, loading in LOADINGS.items():
        noise = normalish(rng, n)
        if name in ("wait", "ease"):
            noise = FRICTION * friction + 0.8 * noise
        latent[name] = loading * a + noise * math.sqrt(1.0 - loading * loading)  # IEEE-exact
    ratings = {
        name: 1 + np.sum(latent[name][:, None] > RATING_CUTS, axis=1)
        for name in ("wait", "courtesy", "ease")
    }
    resolved = (latent["resolved"] > RESOLVED_CUT).astype(np.int64)
    blanks = {name: rng.random(n) < RATING_BLANK_SHARE for name in LOADINGS}
    commented = rng.random(n) < COMMENT_SHARE
    detractor = value <= 6
    promoter = value >= 9
    chances = {
        "long wait": np.where(ratings["wait"] <= 2, 0.45, 0.04),
        "not resolved": np.where(resolved == 0, 0.5, 0.03),
        "billing error": np.where(billing & detractor, 0.35, 0.02),
        "helpful agent": np.where((ratings["courtesy"] >= 4) & promoter, 0.4, 0.05),
        "app issue": np.full(n, 0.06),
    }
    tags = {topic: commented & (rng.random(n) < chance) for topic, chance in chances.items()}
    out = []
    for i in range(n):
        cells = [
            "" if blanks["wait"][i] else str(int(ratings["wait"][i])),
            "" if blanks["resolved"][i] else str(int(resolved[i])),
            "" if blanks["courtesy"][i] else str(int(ratings["courtesy"][i])),
            "" if blanks["ease"][i] else str(int(ratings["ease"][i])),
            ";".join(topic for topic in chances if tags[topic][i]),
        ]
        out.append(cells)
    return out


def metric_columns(rng: np.random.Generator, rows: list[list[str]]) -> list[list[str]]:
    """CSAT (1..5) and CES (1..7) per row, given the answer (see the module docstring)."""
    n = len(rows)
    answer = np.array([float(r[4]) if r[4] else np.nan for r in rows])
    neutral = 3.0 + 4.0 * rng.random(n)  # stands in for a blank answer
    a = (np.where(np.isnan(answer), neutral, answer) - 7.2) / 2.8
    latent = {
        name: loading * a + normalish(rng, n) * math.sqrt(1.0 - loading * loading)
        for name, loading in METRIC_LOADINGS.items()
    }
    csat = 1 + np.sum(latent["csat"][:, None] > CSAT_CUTS, axis=1)
    ces = 1 + np.sum(latent["ces"][:, None] > CES_CUTS, axis=1)
    blank = {name: rng.random(n) < METRIC_BLANK_SHARE for name in METRIC_LOADINGS}
    return [
        [
            "" if blank["csat"][i] else str(int(csat[i])),
            "" if blank["ces"][i] else str(int(ces[i])),
        ]
        for i in range(n)
    ]


def write(path: Path) -> None:
    """Generate the data set and write it to ``path`` as UTF-8 CSV."""
    rows = build_rows(np.random.default_rng(SEED))
    extra = driver_columns(np.random.default_rng([SEED, BLOCK]), rows)
    # Driver columns go before call_reason (the last column): every block is its own stream.
    rows = [row[:6] + more + row[6:] for row, more in zip(rows, extra, strict=True)]
    metrics = metric_columns(np.random.default_rng([SEED, METRIC_BLOCK]), rows)
    rows = [row + more for row, more in zip(rows, metrics, strict=True)]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(HEADER[:6] + DRIVER_HEADER + HEADER[6:] + METRIC_HEADER)
        writer.writerows(rows)


def main(argv: list[str]) -> int:
    if len(argv) > 1:
        print("usage: python scripts/make_example.py [OUTPUT]", file=sys.stderr)
        return 2
    path = Path(argv[0]) if argv else DEFAULT_OUTPUT
    write(path)
    print(f"wrote {N_ROWS} rows to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
