"""`superteam launch`'s body, and its arguments parsed without click.

Importing click costs ~16 ms, a sixth of a launch with the team cached. `parse` accepts only the
plain forms of launch's options (``--branch BR`` or ``--branch=BR``, each option at most once,
one GOAL) and returns None for anything else, `--help` and mistakes included, which then go
to click as before. tests/test_fast_launch.py checks that whatever this accepts, click parses
to the same values.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import NamedTuple

VALUED = {"--branch": "branch", "--base": "base", "--team": "team_file"}
FLAGS = {"--attach": ("attach", True), "--detach": ("attach", False), "--json": ("as_json", True)}


class LaunchOptions(NamedTuple):
    goal: str
    branch: str
    base: str | None = None
    team_file: Path | None = None
    attach: bool | None = None
    as_json: bool = False


def parse(args: list[str]) -> LaunchOptions | None:
    """The options, or None when click should parse (and explain) these arguments."""
    values: dict[str, object] = {}
    goals: list[str] = []
    rest = list(args)
    while rest:
        token = rest.pop(0)
        name, eq, inline = token.partition("=")
        if name in VALUED:
            if not eq:
                if not rest:
                    return None
                inline = rest.pop(0)
            if VALUED[name] in values or not inline or inline.startswith("-"):
                return None
            values[VALUED[name]] = Path(inline) if name == "--team" else inline
        elif token in FLAGS:
            key, value = FLAGS[token]
            if key in values:
                return None
            values[key] = value
        elif token.startswith("-"):
            return None
        else:
            goals.append(token)
    if len(goals) != 1 or "branch" not in values:
        return None
    return LaunchOptions(goal=goals[0], **values)  # type: ignore[arg-type]


def run(options: LaunchOptions) -> int:
    """Launch; on success the process ends here, else returns the exit code."""
    try:
        launch_and_tell(options)
    except (Exception, KeyboardInterrupt) as exc:
        from superteam.cli.boundary import report

        return report(exc)
    # Done, and nothing is left to clean up (every process waited for, every file closed):
    # skip the interpreter's tear-down, a few ms of a launch a person waits for.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def launch_and_tell(options: LaunchOptions) -> None:
    """Launch, print the run (or its JSON), then attach if asked or at a terminal."""
    from superteam.preflight import Preflight

    # git answers launch's questions while the rest of launch is imported.
    preflight = Preflight(Path("."), options.branch, options.base)
    from superteam.git import repo_root
    from superteam.launch import launch as do_launch

    launched = do_launch(Path("."), options.goal, options.branch, base=options.base,
                         team_file=options.team_file, preflight=preflight)
    if options.as_json:
        print(json.dumps(launched.to_json()), flush=True)
    else:
        print(launched.run_id, flush=True)
        print(f"session {launched.session}; watch with `superteam attach {launched.run_id}`",
              file=sys.stderr)
    attach_ = options.attach
    if attach_ is None:
        attach_ = sys.stdin.isatty() and not options.as_json
    if attach_:
        from superteam.attach import attach as do_attach
        from superteam.runinfo import resolve

        do_attach(resolve(repo_root("."), launched.run_id), None)
