from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command()
@click.option("--dir", "where", type=click.Path(path_type=Path, file_okay=False),
              help="Where to create the throw-away repository (default: a temp folder).")
@click.option("--attach/--detach", "attach_", default=None,
              help="Attach to the session (default: when stdin is a terminal).")
def demo(where: Path | None, attach_: bool | None) -> None:
    """Run the whole team offline on a sample repo, driven by a replayed model."""
    from superteam.demo import intro, run_demo

    if where is not None:
        where.mkdir(parents=True, exist_ok=True)
    launched, repo = run_demo(where)
    click.echo(intro(launched, repo))
    if attach_ is None:
        attach_ = sys.stdin.isatty()
    if attach_:
        from superteam.attach import attach
        from superteam.runinfo import resolve

        attach(resolve(repo, launched.run_id), None)
