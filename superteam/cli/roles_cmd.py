from __future__ import annotations

from pathlib import Path

import click

from superteam.errors import ConfigError, SuperteamError
from superteam.git import repo_root


def _repo_or_none() -> Path | None:
    try:
        return repo_root(".")
    except SuperteamError:
        return None


@click.group()
def roles() -> None:
    """Inspect, copy and check role definitions."""


@roles.command("list")
def list_cmd() -> None:
    """List the roles available here, built-in and project."""
    from rich.console import Console
    from rich.table import Table

    from superteam.roles import list_roles, origin

    table = Table(box=None, pad_edge=False)
    for column in ("role", "access", "backend", "source", "description"):
        table.add_column(column)
    for listing in list_roles(_repo_or_none()):
        if listing.role is None:
            table.add_row(listing.name, "", "", "", f"[red]invalid[/red]: {listing.error}")
            continue
        cfg = listing.role.config
        source = "+".join(sorted({origin(p) for p in listing.role.yaml_sources}))
        table.add_row(cfg.name, cfg.access, cfg.backend, source, cfg.description)
    Console().print(table)


@roles.command("show")
@click.argument("role")
def show_cmd(role: str) -> None:
    """Print ROLE's resolved definition and where each part came from."""
    from superteam.config.load import load_role
    from superteam.roles import describe_role

    click.echo(describe_role(load_role(role, _repo_or_none())), nl=False)


@roles.command("new")
@click.argument("name")
@click.option("--from", "from_role", required=True, help="The role to copy.")
def new_cmd(name: str, from_role: str) -> None:
    """Copy a role into .superteam/roles/NAME.yaml and NAME.md, ready to edit."""
    from superteam.roles import new_role

    for path in new_role(repo_root("."), name, from_role):
        click.echo(f"wrote {path}")
    click.echo(f"Add '{name}' to `roles:` in .superteam/team.yaml to put it on the team.")


@roles.command("validate")
@click.option("--team", "team_file", type=click.Path(path_type=Path),
              help="A team file other than .superteam/team.yaml.")
def validate_cmd(team_file: Path | None) -> None:
    """Check team.yaml, every role file and every prompt template."""
    from superteam.roles import validate_roles

    problems = validate_roles(_repo_or_none(), team_file)
    if problems:
        raise ConfigError("\n".join(problems))
    click.echo("team and roles are valid")
