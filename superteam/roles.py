"""Inspect, copy and check role definitions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from superteam.config.load import (
    ResolvedRole,
    available_role_names,
    load_role,
)
from superteam.config.models import ROLE_NAME_PATTERN
from superteam.errors import ConfigError, SuperteamError
from superteam.fsutil import atomic_write_text
from superteam.layout import project_dir
from superteam.prompts import render, sample_context
from superteam.resources import builtin_roles_dir
from superteam.teamrecord import load_team_remembered


def origin(path: Path) -> str:
    return "built-in" if path.is_relative_to(builtin_roles_dir()) else "project"


@dataclass
class RoleListing:
    name: str
    role: ResolvedRole | None
    error: str | None


def list_roles(repo: Path | None) -> list[RoleListing]:
    listings = []
    for name in available_role_names(repo):
        try:
            listings.append(RoleListing(name, load_role(name, repo), None))
        except ConfigError as exc:
            listings.append(RoleListing(name, None, exc.render()))
    return listings


def describe_role(role: ResolvedRole) -> str:
    """The resolved definition as YAML, headed by where each part came from."""
    lines = [f"# role {role.name}"]
    for i, src in enumerate(role.yaml_sources):
        what = "definition" if i == 0 else "override merged over it"
        lines.append(f"# {what}: {origin(src)} ({src})")
    lines.append(f"# prompt template: {origin(role.prompt_source)} ({role.prompt_source})")
    body = yaml.safe_dump(role.config.model_dump(mode="json"), sort_keys=False, width=100)
    return "\n".join(lines) + "\n" + body


def new_role(repo: Path, name: str, from_role: str) -> list[Path]:
    """Copy ``from_role`` (resolved) into .superteam/roles/NAME.yaml + NAME.md, ready to edit."""
    import re

    if not re.match(ROLE_NAME_PATTERN, name):
        raise ConfigError(f"'{name}' is not a valid role name",
                          hint="Use lower-case letters, digits, '-' or '_', starting with a letter.")
    source = load_role(from_role, repo)
    roles_dir = project_dir(repo) / "roles"
    targets = [roles_dir / f"{name}.yaml", roles_dir / f"{name}.md"]
    existing = [str(p) for p in targets if p.exists()]
    if existing:
        raise SuperteamError(f"{', '.join(existing)} already exists; not overwritten",
                             hint="Edit it, or remove it first.")
    data = source.config.model_dump(mode="json")
    data["name"] = name
    header = (f"# Role '{name}', copied from '{from_role}'. Edit freely; "
              "`superteam roles validate` checks it.\n"
              f"# Its prompt template is {name}.md beside this file (Jinja2).\n")
    atomic_write_text(targets[0], header + yaml.safe_dump(data, sort_keys=False, width=100))
    atomic_write_text(targets[1], source.prompt)
    return targets


def validate_roles(repo: Path | None, team_file: Path | None) -> list[str]:
    """Every problem with the team file, every role file and every prompt template."""
    problems: list[str] = []
    try:
        load_team_remembered(repo, team_file)  # and cached: the next launch is fast
    except ConfigError as exc:
        problems.append(exc.render())
    for listing in list_roles(repo):
        if listing.error is not None:
            if listing.error not in problems:
                problems.append(listing.error)
            continue
        assert listing.role is not None
        role = listing.role
        for backend in ("anthropic", "command"):
            try:
                render(role.prompt, sample_context(role.config.duty, backend),
                       source=str(role.prompt_source))
            except ConfigError as exc:
                problems.append(exc.render())
                break
    return problems
