"""Commands that run inside a run's panes; hidden from --help."""

from __future__ import annotations

import click


@click.command()
@click.argument("run")
def supervise(run: str) -> None:
    """Run RUN's supervisor in the foreground (started by launch and resume)."""
    from pathlib import Path

    from superteam.supervisor import supervise as run_supervisor

    raise SystemExit(run_supervisor(Path("."), run))


@click.command()
@click.argument("run")
@click.argument("role")
@click.option("--assignment", "assignment_id", required=True)
def agent(run: str, role: str, assignment_id: str) -> None:
    """Run the built-in agent on one assignment (started by the supervisor in ROLE's pane)."""
    from pathlib import Path

    from superteam.agent.loop import run_assignment
    from superteam.git import repo_root
    from superteam.runs import find_run

    raise SystemExit(run_assignment(find_run(repo_root(Path(".")), run), role, assignment_id))


@click.command()
@click.option("--script", "script_path", required=True, type=click.Path(exists=True))
@click.option("--port", default=0, help="0 picks a free port.")
@click.option("--port-file", type=click.Path(), help="Write the port here once listening.")
@click.option("--idle-exit", default=0.0, help="Exit after this many seconds without requests.")
def replay(script_path: str, port: int, port_file: str | None, idle_exit: float) -> None:
    """Serve a replayed model (Messages API) on 127.0.0.1."""
    import time
    from pathlib import Path

    from superteam.replay import REPLAY_NOTICE, ReplayServer, load_script

    with ReplayServer(load_script(Path(script_path)), port) as server:
        if port_file:
            Path(port_file).write_text(str(server.httpd.server_address[1]))
        click.echo(f"{REPLAY_NOTICE}; serving {server.url}", err=True)
        seen, last = 0, time.monotonic()
        while True:
            time.sleep(1.0)  # a watchdog on our own idleness, not a wait for work
            if len(server.state.requests) != seen:
                seen, last = len(server.state.requests), time.monotonic()
            elif idle_exit and time.monotonic() - last > idle_exit:
                return


@click.group(hidden=True)
def policy() -> None:
    """Policy checks for external agent CLIs."""


@policy.command("check")
def policy_check() -> None:
    """Claude Code PreToolUse hook: the call as JSON on stdin; exit 2 blocks it."""
    import json
    import os
    import sys
    from pathlib import Path

    from superteam.claude_code import check_call
    from superteam.runs import RunPaths, read_run_yaml

    run_dir, role_name = os.environ.get("SUPERTEAM_RUN_DIR"), os.environ.get("SUPERTEAM_ROLE")
    try:
        call = json.loads(sys.stdin.read() or "{}")
        if not run_dir or not role_name:
            raise ValueError("SUPERTEAM_RUN_DIR and SUPERTEAM_ROLE are not set")
        paths = RunPaths(Path(run_dir).parents[2], Path(run_dir).name)
        role = read_run_yaml(paths)["roles"][role_name]["config"]
        reason = check_call(call, role, paths.worktree(role_name))
    except (ValueError, KeyError, OSError) as exc:
        reason = f"superteam could not check this call ({exc}); refused"
    if reason:
        click.echo(f"superteam: {reason}", err=True)
        raise SystemExit(2)
