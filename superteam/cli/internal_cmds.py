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
