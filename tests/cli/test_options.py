"""One vocabulary across the subcommands: flags, choices, defaults in --help,
seeds, and warnings."""

from __future__ import annotations

import argparse
import json
import warnings
from pathlib import Path
from typing import Any, get_args

import pytest

import npskit._cli.summary as summary_module
from npskit.__main__ import main
from npskit._cli.main import build_parser
from npskit._intervals.confidence_interval import confidence_interval
from npskit._planning.shared import PLANNING_METHODS
from npskit.typing import (
    CompareMethod,
    DriverOutcome,
    ImportanceMethod,
    IntervalMethod,
    PAdjustMethod,
)

COMMANDS = (
    "summary",
    "compare",
    "trend",
    "breakdown",
    "sample-size",
    "agents",
    "control",
    "drivers",
    "topics",
)
RESAMPLING = ("summary", "compare", "trend", "breakdown")


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (group,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(group.choices)


def _options(command: str) -> dict[str, argparse.Action]:
    parser = _subparsers()[command]
    return {flag: action for action in parser._actions for flag in action.option_strings}


def test_every_subcommand_is_there() -> None:
    assert tuple(_subparsers()) == COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_every_default(command: str) -> None:
    parser = _subparsers()[command]
    formatter = parser.formatter_class(prog=parser.prog)
    for action in parser._actions:
        if isinstance(action, (argparse._HelpAction, argparse._StoreTrueAction)):
            continue
        if not action.option_strings or action.required:  # FILE, --margin
            continue
        text = formatter._get_help_string(action) or ""
        assert "default" in text, f"{command} {action.option_strings[0]} hides its default"
    assert "(default: " in parser.format_help()


@pytest.mark.parametrize("command", COMMANDS)
def test_method_choices_come_from_npskit_typing(command: str) -> None:
    options = _options(command)
    assert "--method" not in options  # renamed: --interval-method, --compare-method
    interval = options.get("--interval-method")
    if command == "sample-size":
        assert interval is not None
        assert tuple(interval.choices or ()) == PLANNING_METHODS
        assert set(PLANNING_METHODS) <= set(get_args(IntervalMethod))
    elif command == "control":  # rolling windows: every method but the bootstrap ones
        assert interval is not None
        assert set(interval.choices or ()) <= set(get_args(IntervalMethod))
    elif command not in ("compare", "agents", "drivers", "topics"):
        # agents: O - E has one (normal) interval; drivers and topics have their own methods
        assert interval is not None
        assert tuple(interval.choices or ()) == get_args(IntervalMethod)
    if command in ("compare", "trend", "breakdown"):
        assert tuple(options["--compare-method"].choices or ()) == get_args(CompareMethod)
    if command in ("trend", "breakdown", "agents", "control", "topics"):
        assert tuple(options["--p-adjust"].choices or ()) == get_args(PAdjustMethod)
    if command == "drivers":
        assert tuple(options["--importance-method"].choices or ()) == get_args(ImportanceMethod)
        assert tuple(options["--outcome"].choices or ()) == get_args(DriverOutcome)


@pytest.mark.parametrize("command", RESAMPLING)
def test_resampling_subcommands_take_seed_and_n_resamples(command: str) -> None:
    options = _options(command)
    assert options["--seed"].default is None
    assert options["--n-resamples"].default is None


@pytest.mark.parametrize(
    "args",
    [
        ["summary", "--example", "--method", "wald"],
        ["sample-size", "--margin", "5", "--method", "wald"],
        ["compare", "--example", "--method", "wald"],
        ["trend", "--example", "--method", "wald"],
        ["breakdown", "--example", "--method", "wald"],
        ["summary", "--example", "--seed", "-1"],
        ["summary", "--example", "--seed", "one"],
        ["summary", "--example", "--n-resamples", "0"],
    ],
)
def test_old_flags_and_bad_seeds_are_usage_errors(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    assert "usage:" in capsys.readouterr().err


# -- seeds ----------------------------------------------------------------------------


def _stdout(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(list(args)) == 0
    return capsys.readouterr().out


BOOTSTRAP_COMPARE = next(m for m in get_args(CompareMethod) if m.startswith("bootstrap"))

SEEDED = [
    ["summary", "--example", "--interval-method", "bootstrap-percentile", "--format", "json"],
    ["summary", "--example", "--interval-method", "bootstrap-bca", "--n-resamples", "2000"],
    ["compare", "--example", "--compare-method", "permutation", "--n-resamples", "2000"],
    ["compare", "--example", "--compare-method", BOOTSTRAP_COMPARE, "--n-resamples", "2000"],
    ["breakdown", "--example", "--interval-method", "bootstrap-percentile", "--format", "csv"],
]


@pytest.mark.parametrize("args", SEEDED)
def test_the_same_seed_gives_the_same_output(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    first = _stdout(capsys, *args, "--seed", "7")
    second = _stdout(capsys, *args, "--seed", "7")
    assert first == second


@pytest.mark.parametrize(
    "args", [a for a in SEEDED if "--format" in a or a[0] == "compare"]
)  # output precise enough to show the difference
def test_different_seeds_give_different_output(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    if args[0] == "compare":
        args = [*args, "--format", "json"]
    assert _stdout(capsys, *args, "--seed", "1") != _stdout(capsys, *args, "--seed", "2")


@pytest.mark.parametrize(
    "args",
    [
        ["trend", "--example", "--compare-method", "permutation", "--seed", "3"],
        ["breakdown", "--example", "--n-resamples", "500"],
    ],
)
def test_trend_and_breakdown_resample_reproducibly(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    first = _stdout(capsys, *args)
    assert first == _stdout(capsys, *args)


# -- warnings -------------------------------------------------------------------------


def test_warnings_are_printed_one_way(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "tiny.csv"
    path.write_text("g,answer\na,10\na,10\nb,0\n", encoding="utf-8")
    # The Wald interval of 3 answers warns (SmallSampleWarning).
    assert main(["summary", str(path), "--score", "answer", "--interval-method", "wald"]) == 0
    err = capsys.readouterr().err
    assert err
    for line in err.splitlines():
        assert line.startswith("npskit: warning: ")
    assert ".py:" not in err
    assert "Warning:" not in err


def test_every_subcommand_rewords_library_warnings(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A library call that warns twice with the same message, over two lines.
    real = confidence_interval

    def warning_interval(*args: Any, **kwargs: Any) -> Any:
        for _ in range(2):
            warnings.warn("first line\nsecond line", UserWarning, stacklevel=2)
        return real(*args, **kwargs)

    monkeypatch.setattr(summary_module, "confidence_interval", warning_interval)
    assert main(["summary", "--example", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert captured.err == "npskit: warning: first line second line\n"
    assert json.loads(captured.out)["n"] == 5824
