from __future__ import annotations

from pathlib import Path

import click

from superteam.cli.fast_launch import LaunchOptions, launch_and_tell
from superteam.git import repo_root


@click.command()
@click.argument("goal")
@click.option("--branch", "branch", required=True, help="The feature branch the work lands on.")
@click.option("--base", help="Where to create the branch if it does not exist (default: HEAD).")
@click.option("--team", "team_file", type=click.Path(path_type=Path),
              help="A team file other than .superteam/team.yaml.")
@click.option("--attach/--detach", "attach_", default=None,
              help="Attach to the session afterwards (default: when stdin is a terminal).")
@click.option("--json", "as_json", is_flag=True, help="Print the run as JSON.")
def launch(goal: str, branch: str, base: str | None, team_file: Path | None,
           attach_: bool | None, as_json: bool) -> None:
    """Start a team on GOAL; the work lands on --branch."""
    launch_and_tell(LaunchOptions(goal, branch, base, team_file, attach_, as_json))


@click.command()
@click.argument("run", required=False)
@click.option("--role", help="Select and zoom this role's pane.")
def attach(run: str | None, role: str | None) -> None:
    """Attach to a run's tmux session (or switch to it from inside tmux)."""
    from superteam.attach import attach as do_attach
    from superteam.runinfo import resolve

    do_attach(resolve(repo_root("."), run), role)


@click.command()
@click.argument("run")
def stop(run: str) -> None:
    """Stop every process of RUN, keeping all its files and branches."""
    from superteam.lifecycle import stop_run
    from superteam.runinfo import resolve

    info = resolve(repo_root("."), run)
    stop_run(info)
    click.echo(f"stopped {info.run_id}; `superteam resume {info.run_id}` continues it")


@click.command()
@click.argument("run")
@click.option("--force", is_flag=True, help="Discard work that is not on the feature branch.")
def cleanup(run: str, force: bool) -> None:
    """Remove RUN's worktrees, tmux session and private branches (never the feature branch)."""
    from superteam.lifecycle import cleanup_run
    from superteam.runinfo import resolve

    for line in cleanup_run(resolve(repo_root("."), run), force=force):
        click.echo(line)
