"""The click group: help from the registry, subcommands imported when they run."""

from __future__ import annotations

import importlib
from typing import Any

import click

from superteam import __version__
from superteam.cli import COMMANDS
from superteam.cli.boundary import report


class SuperteamGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        spec = COMMANDS.get(cmd_name)
        if spec is None:
            return None
        module, attr, short_help = spec
        command: click.Command = getattr(importlib.import_module(module), attr)
        command.hidden = short_help is None
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # From the registry, so `--help` imports no subcommand module.
        rows = [(name, spec[2]) for name, spec in COMMANDS.items() if spec[2] is not None]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except (Exception, KeyboardInterrupt) as exc:
            ctx.exit(report(exc))


@click.group(cls=SuperteamGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="superteam")
def cli() -> None:
    """Run a supervised team of AI coding agents on one feature of a git repository.

    Start with `superteam demo` (offline), then `superteam init` and
    `superteam launch GOAL --branch BR` in your own repository.
    """
