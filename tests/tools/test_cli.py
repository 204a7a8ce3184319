"""The ``xmodal`` dispatcher: every command of its table runs its module's ``main``."""

from __future__ import annotations

import importlib

import pytest

from xmodal.tools.cli import COMMANDS, main


def test_help_lists_every_command(capsys):
    assert main(["-h"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in COMMANDS)
    assert main([]) == 2


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_command_dispatches_to_its_module(name, capsys):
    assert callable(importlib.import_module(COMMANDS[name][0]).main)
    with pytest.raises(SystemExit) as exc:
        main([name, "-h"])
    assert exc.value.code == 0 and f"xmodal {name}" in capsys.readouterr().out


def test_unknown_command_is_one_error_line(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["upsampel"])
    assert exc.value.code == 2
    assert capsys.readouterr().err.strip() == (
        "xmodal: error: unknown command 'upsampel' (commands: " + ", ".join(COMMANDS) + ")")
