"""Every option's --help shows its default (issue 14).

The help of each option of each subcommand is expanded as argparse prints
it; an option with a default other than None shows that value after
"default", and an option whose default is None says in its own words what
happens without it ("default: ..."). Flags (on/off switches) and required
options need neither.
"""

from __future__ import annotations

import argparse

import pytest

from npskit._cli.main import build_parser, main


def _parsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return {"npskit": parser, **{f"npskit {k}": v for k, v in actions[0].choices.items()}}


def _options(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    flags = (
        argparse._HelpAction,
        argparse._VersionAction,
        argparse._StoreTrueAction,
        argparse._StoreFalseAction,
        argparse._SubParsersAction,
    )
    return [
        a
        for a in parser._actions
        if a.option_strings and not a.required and not isinstance(a, flags)
    ]


PARSERS = _parsers()


@pytest.mark.parametrize("command", sorted(PARSERS))
def test_every_option_shows_its_default(command: str) -> None:
    parser = PARSERS[command]
    formatter = parser._get_formatter()
    for action in _options(parser):
        text = " ".join(formatter._expand_help(action).split()) if action.help else ""
        option = action.option_strings[-1]
        assert "default" in text, f"{command} {option}: help says nothing of its default"
        if action.default is not None:
            after = text[text.index("default") :]
            shown = action.default
            if isinstance(shown, (list, tuple)):
                shown = ",".join(map(str, shown))
            assert str(shown) in after, f"{command} {option}: default {shown!r} not shown"


def test_help_is_printed_with_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["breakdown", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "--min-n N flag segments with fewer (effective) answers as small (default: 30)" in out
