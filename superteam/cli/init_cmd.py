from __future__ import annotations

import click

from superteam.git import repo_root
from superteam.project import init_project


@click.command()
@click.option("--force", is_flag=True, help="Replace an existing .superteam/team.yaml.")
def init(force: bool) -> None:
    """Write a commented .superteam/team.yaml in this repository."""
    for line in init_project(repo_root("."), force=force):
        click.echo(line)
