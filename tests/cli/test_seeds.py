"""Every subcommand that draws random numbers takes --seed: same seed, same output (issue 14).

Each command runs in process twice with the same seed and its output is
compared byte for byte; JSON output records the seed. Without a seed the
numbers are allowed to differ (they usually do: checked where it is near
certain, with few resamples of a permutation test on thousands of answers).
"""

from __future__ import annotations

import argparse
import json

import pytest

from npskit._cli.main import build_parser, main
from npskit._segments.statistics import RESAMPLING_COMPARE, RESAMPLING_INTERVAL

# One command per subcommand with a random method, with few resamples to stay fast.
RANDOM_COMMANDS = {
    "summary": ["summary", "--example", "--interval-method", "bootstrap-percentile"],
    "compare": ["compare", "--example", "--compare-method", "permutation"],
    "breakdown": ["breakdown", "--example", "--compare-method", "bootstrap-percentile"],
    "trend": ["trend", "--example", "--freq", "quarter", "--compare-method", "bayes"],
    "trend --by": [
        "trend",
        "--example",
        "--freq",
        "quarter",
        "--by",
        "channel",
        "--compare-method",
        "permutation",
    ],
    "drivers": ["drivers", "--example"],
}


def _output(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert main(argv) == 0
    return capsys.readouterr().out


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(actions[0].choices)


def test_every_random_subcommand_is_covered_and_has_seed() -> None:
    """A subcommand offering a resampling method (per the registries) must take --seed."""
    random_methods = RESAMPLING_INTERVAL | RESAMPLING_COMPARE
    covered = {argv[0] for argv in RANDOM_COMMANDS.values()}
    for name, sub in _subcommands().items():
        options = {o for action in sub._actions for o in action.option_strings}
        methods = {
            choice
            for action in sub._actions
            if action.dest in ("interval_method", "compare_method")
            for choice in action.choices or ()
        }
        if methods & random_methods or "--n-resamples" in options:
            assert "--seed" in options, f"npskit {name} can draw random numbers, has no --seed"
            assert name in covered, f"npskit {name} draws random numbers: add it above"


@pytest.mark.parametrize("name", sorted(RANDOM_COMMANDS))
@pytest.mark.parametrize("output", ["text", "json"])
def test_same_seed_same_output(capsys: pytest.CaptureFixture[str], name: str, output: str) -> None:
    argv = [*RANDOM_COMMANDS[name], "--seed", "20260514", "--n-resamples", "200"]
    argv += ["--format", output]
    first = _output(capsys, argv)
    second = _output(capsys, argv)
    assert first == second
    if output == "json":
        assert json.loads(first)["seed"] == 20260514


def test_no_seed_may_differ(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [*RANDOM_COMMANDS["compare"], "--n-resamples", "200", "--format", "json"]
    runs = {json.loads(_output(capsys, argv))["pvalue"] for _ in range(3)}
    assert json.loads(_output(capsys, argv))["seed"] is None
    # p-values of 200 permutations vary from run to run; three equal ones are
    # possible only by a rare coincidence of draws.
    assert len(runs) > 1
