"""Resolve the team: built-in defaults, then the project's team.yaml and role files over them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from superteam.config.errors import format_validation_error
from superteam.config.models import RoleConfig, TeamConfig
from superteam.config.yamlfile import YamlDoc, load_yaml
from superteam.errors import ConfigError
from superteam.layout import default_team_file, project_dir
from superteam.resources import builtin_roles_dir


@dataclass(frozen=True)
class ResolvedRole:
    config: RoleConfig
    prompt: str
    yaml_sources: tuple[Path, ...]  # built-in first, then the project file merged over it
    prompt_source: Path

    @property
    def name(self) -> str:
        return self.config.name


@dataclass(frozen=True)
class Team:
    config: TeamConfig
    roles: dict[str, ResolvedRole]  # in team order
    team_file: Path | None

    def model_for(self, role: str) -> str:
        return self.roles[role].config.model or self.config.model

    def role_with_duty(self, duty: str) -> ResolvedRole | None:
        return next((r for r in self.roles.values() if r.config.duty == duty), None)

    def reviewers(self) -> list[ResolvedRole]:
        return [r for r in self.roles.values() if r.config.duty == "review"]


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Mappings merge key by key; anything else in ``override`` replaces."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _validate(model: type[BaseModel], data: Any, docs: list[YamlDoc]) -> Any:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{docs[0].path}:1: expected a mapping of keys, got {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError("\n".join(format_validation_error(exc, model, docs))) from None


def load_team_config(path: Path | None) -> TeamConfig:
    if path is None:
        return TeamConfig()
    doc = load_yaml(path)
    config: TeamConfig = _validate(TeamConfig, doc.data, [doc])
    return config


def available_role_names(repo: Path | None) -> list[str]:
    names = {p.stem for p in builtin_roles_dir().glob("*.yaml")}
    if repo is not None:
        names |= {p.stem for p in (project_dir(repo) / "roles").glob("*.yaml")}
    return sorted(names)


def load_role(name: str, repo: Path | None) -> ResolvedRole:
    builtin_yaml = builtin_roles_dir() / f"{name}.yaml"
    builtin_md = builtin_roles_dir() / f"{name}.md"
    project_roles = project_dir(repo) / "roles" if repo is not None else None
    docs: list[YamlDoc] = []  # override first, for error attribution
    merged: dict[str, Any] = {}
    sources: list[Path] = []
    if builtin_yaml.is_file():
        doc = load_yaml(builtin_yaml)
        docs.append(doc)
        merged = dict(doc.data or {})
        sources.append(builtin_yaml)
    if project_roles is not None and (project_roles / f"{name}.yaml").is_file():
        doc = load_yaml(project_roles / f"{name}.yaml")
        if doc.data is not None and not isinstance(doc.data, dict):
            raise ConfigError(f"{doc.path}:1: expected a mapping of keys")
        docs.insert(0, doc)
        merged = deep_merge(merged, doc.data or {})
        sources.append(doc.path)
    if not sources:
        raise ConfigError(f"unknown role '{name}'",
                          hint=f"Known roles: {', '.join(available_role_names(repo))}.")
    role: RoleConfig = _validate(RoleConfig, merged, docs)
    if role.name != name:
        raise ConfigError(f"{docs[0].path}:{docs[0].locate(('name',))[1]}: name: "
                          f"is '{role.name}' but the file defines role '{name}'")
    md_candidates = [project_roles / f"{name}.md"] if project_roles is not None else []
    md_candidates.append(builtin_md)
    prompt_source = next((p for p in md_candidates if p.is_file()), None)
    if prompt_source is None:
        raise ConfigError(f"{sources[-1]}: role '{name}' has no prompt template",
                          hint=f"Create {name}.md beside it.")
    try:
        prompt = prompt_source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{prompt_source}: cannot read the prompt template ({exc})") from None
    return ResolvedRole(role, prompt, tuple(sources), prompt_source)


def load_team(repo: Path | None, team_file: Path | None = None) -> Team:
    """Everything a run needs to know about its team, fully validated."""
    path = team_file if team_file is not None else default_team_file(repo)
    config = load_team_config(path)
    roles = {}
    problems = []
    for i, name in enumerate(config.roles):
        try:
            roles[name] = load_role(name, repo)
        except ConfigError as exc:
            if path is not None and "unknown role" in exc.message:
                doc = load_yaml(path)
                problems.append(f"{path}:{doc.locate(('roles', i))[1]}: roles[{i}]: "
                                f"{exc.message} ({exc.hint})")
            else:
                problems.append(exc.render())
    if problems:
        raise ConfigError("\n".join(problems))
    team = Team(config, roles, path)
    _check_duties(team)
    return team


def _check_duties(team: Team) -> None:
    where = f"{team.team_file}: roles" if team.team_file else "the default team"
    for duty, tool in (("plan", "submit_plan"), ("handoff", "submit_handoff")):
        holders = [r.name for r in team.roles.values() if r.config.duty == duty]
        if len(holders) != 1:
            found = ", ".join(holders) or "none"
            raise ConfigError(f"{where}: the team needs exactly one role with the {tool} tool "
                              f"(found: {found})")
    builder = team.role_with_duty("handoff")
    if builder is not None and builder.config.access != "write":
        raise ConfigError(f"{builder.yaml_sources[-1]}: access: the role that hands off work "
                          "must have `access: write`")
    if not team.reviewers():
        raise ConfigError(f"{where}: the team needs at least one role with the submit_review tool")
