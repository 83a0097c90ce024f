from __future__ import annotations

import click

from superteam.git import repo_root


@click.command()
@click.argument("run")
@click.argument("text")
@click.option("--question", "question_id", help="The question's id (default: the open one).")
def answer(run: str, text: str, question_id: str | None) -> None:
    """Answer RUN's open question; the asking role continues with it."""
    from superteam.runinfo import resolve
    from superteam.steer import answer as do_answer

    click.echo(do_answer(resolve(repo_root("."), run), text, question_id))


@click.command()
@click.argument("run")
def approve(run: str) -> None:
    """Approve RUN's plan (when team.yaml has plan.approval: human)."""
    from superteam.runinfo import resolve
    from superteam.steer import approve as do_approve

    click.echo(do_approve(resolve(repo_root("."), run)))


@click.command()
@click.argument("run")
def resume(run: str) -> None:
    """Restart RUN's supervisor (and its tmux session if gone); it continues from its log."""
    from superteam.runinfo import resolve
    from superteam.steer import resume as do_resume

    click.echo(do_resume(resolve(repo_root("."), run)))
