"""The `superteam` command: thin click commands, one error boundary, lazily imported modules.

Each subcommand lives in its own module and is imported only when it runs, so commands that
need no model never import the anthropic SDK.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from superteam import __version__
from superteam.errors import SuperteamError

# name -> (module, attribute, one-line help; None hides an internal command)
COMMANDS: dict[str, tuple[str, str, str | None]] = {
    "init": ("superteam.cli.init_cmd", "init", "Write a commented .superteam/team.yaml here."),
    "launch": ("superteam.cli.run_cmds", "launch", "Start a team on GOAL; work lands on --branch."),
    "attach": ("superteam.cli.run_cmds", "attach", "Attach to a run's panes (--role zooms one)."),
    "status": ("superteam.cli.status_cmd", "status", "Runs: phase, task, lease, tokens, cost, age."),
    "logs": ("superteam.cli.status_cmd", "logs", "A run's event log, or a role's transcript."),
    "answer": ("superteam.cli.steer_cmds", "answer", "Answer a run's open question."),
    "approve": ("superteam.cli.steer_cmds", "approve", "Approve a plan waiting for a human."),
    "resume": ("superteam.cli.steer_cmds", "resume", "Restart a run's supervisor; continue from its log."),
    "stop": ("superteam.cli.run_cmds", "stop", "Stop every process of a run, keeping its state."),
    "cleanup": ("superteam.cli.run_cmds", "cleanup", "Remove a run's worktrees, session, branches."),
    "report": ("superteam.cli.status_cmd", "report", "A run's report: timeline, tasks, gates, cost."),
    "roles": ("superteam.cli.roles_cmd", "roles", "Inspect, copy and check role definitions."),
    "demo": ("superteam.cli.demo_cmd", "demo", "An offline run of the whole team (replayed model)."),
    "doctor": ("superteam.cli.doctor_cmd", "doctor", "Check tmux, git, Python, API key, config."),
    "supervise": ("superteam.cli.internal_cmds", "supervise", None),
    "agent": ("superteam.cli.internal_cmds", "agent", None),
    "replay": ("superteam.cli.internal_cmds", "replay", None),
    "policy": ("superteam.cli.internal_cmds", "policy", None),
}


def state_home() -> Path:
    """Where superteam keeps its own files (crash logs); SUPERTEAM_HOME moves it."""
    env = os.environ.get("SUPERTEAM_HOME")
    if env:
        return Path(env)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "superteam"


def _log_crash() -> Path:
    path = state_home() / "crash.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            stamp = datetime.now(UTC).isoformat(timespec="seconds")
            fh.write(f"--- {stamp} superteam {__version__}: {' '.join(sys.argv)}\n")
            fh.write(traceback.format_exc())
    except OSError:
        pass
    return path


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
        except SuperteamError as exc:
            click.echo(f"superteam: {exc.render()}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("superteam: interrupted", err=True)
            ctx.exit(130)
        except Exception as exc:  # a bug: one line here, the traceback in the log
            path = _log_crash()
            click.echo(f"superteam: internal error ({type(exc).__name__}: {exc}); "
                       f"the traceback is in {path}", err=True)
            ctx.exit(3)


@click.group(cls=SuperteamGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="superteam")
def cli() -> None:
    """Run a supervised team of AI coding agents on one feature of a git repository.

    Start with `superteam demo` (offline), then `superteam init` and
    `superteam launch GOAL --branch BR` in your own repository.
    """


def main() -> None:
    cli(prog_name="superteam")
