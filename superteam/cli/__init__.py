"""The `superteam` command: thin click commands, one error boundary, lazily imported modules.

Each subcommand lives in its own module and is imported only when it runs, so commands that
need no model never import the anthropic SDK. `launch` is the command people wait on, so a
plain `superteam launch GOAL --branch BR ...` is parsed here without click (see fast_launch);
anything else, `--help` included, goes through the click group in `superteam.cli.app`.
"""

from __future__ import annotations

import sys
from typing import Any

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


def main() -> None:
    argv = sys.argv[1:]
    if argv[:1] == ["launch"]:
        from superteam.cli.fast_launch import parse, run

        options = parse(argv[1:])
        if options is not None:
            raise SystemExit(run(options))
    from superteam.cli.app import cli

    cli(prog_name="superteam")


def __getattr__(name: str) -> Any:
    if name == "cli":  # the click group, imported only when asked for
        from superteam.cli.app import cli

        return cli
    raise AttributeError(name)
