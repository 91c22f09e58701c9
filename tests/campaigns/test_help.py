"""Help walks the whole click tree: an example, help on every option, the variables read."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner
from fanzha.campaigns.cli import cli
from fanzha.campaigns.cli.options import describe_variable


def tree(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    """Every command and group under ``group``, with its full name."""
    found: list[tuple[str, click.Command]] = []
    for name, command in sorted(group.commands.items()):
        found.append((f"{prefix}{name}", command))
        if isinstance(command, click.Group):
            found += tree(command, f"{prefix}{name} ")
    return found


COMMANDS = tree(cli)
# Commands that read no FANZHA_* variable at all (groups only dispatch to their commands).
READS_NOTHING = {"keys generate", "customers generate"}
# What the code of these commands reads, which their help must therefore name.
MUST_NAME = {
    "serve": {"FANZHA_DB", "FANZHA_MEDIA_DIR", "FANZHA_SECRET", "FANZHA_BACKEND_KEY"},
    "token": {"FANZHA_DB", "FANZHA_SECRET"},
    "dispatch": {"FANZHA_DB", "FANZHA_GATEWAY_URL", "FANZHA_MEDIA_DIR"},
    "run": {"FANZHA_DB", "FANZHA_MEDIA_DIR", "FANZHA_RENDER_PROCESSES", "FANZHA_BANK_PHONE"},
    "preview": {"FANZHA_RENDER_PROCESSES", "FANZHA_FONT", "FANZHA_BANK_NAME"},
    "render": {"FANZHA_FONT", "FANZHA_CONTENT"},
    "demo": {"FANZHA_RENDER_PROCESSES", "FANZHA_FONT"},
    "segment": {"FANZHA_DB", "FANZHA_SCHEMA"},
    "gateway fake": {"FANZHA_WEBHOOK_SECRET"},
}


def help_of(name: str) -> str:
    result = CliRunner().invoke(cli, [*name.split(), "--help"])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_walk_covers_groups_and_their_commands() -> None:
    names = {name for name, _ in COMMANDS}
    assert {"gateway", "gateway fake", "content", "content lint", "db", "keys"} <= names


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_command_and_group_has_an_example_of_itself(
    name: str, command: click.Command
) -> None:
    text = help_of(name)
    example = text.split("Example:", 1)
    assert len(example) == 2, f"fanzha {name} --help has no example"
    # a group's example runs one of its commands; a command's example runs itself
    assert f"fanzha {name}" in example[1], f"fanzha {name}: the example runs something else"


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_option_has_help(name: str, command: click.Command) -> None:
    text = help_of(name)
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help, f"fanzha {name} {param.opts[0]} has no help"
            assert param.opts[-1] in text


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_command_names_the_variables_it_reads(name: str, command: click.Command) -> None:
    text = help_of(name)
    if isinstance(command, click.Group) or name in READS_NOTHING:
        return
    assert "Environment:" in text, f"fanzha {name} --help names no variable"
    listed = set(re.findall(r"^\s+(FANZHA_[A-Z0-9_]+)\s", text.split("Environment:", 1)[1], re.M))
    for variable in listed:
        assert describe_variable(variable)  # a real setting, described
    assert MUST_NAME.get(name, set()) <= listed, f"fanzha {name}: {MUST_NAME[name] - listed}"
