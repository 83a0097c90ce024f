"""The team as a run records it, and a cache of it so that `launch` needs no pydantic or YAML.

``record_of(team)`` is the resolved team frozen into run.yaml: the team config, each role's
config, model and sources, and the settings the flow reads. Building it takes the validating
loader (pydantic and PyYAML: ~100 ms of imports), and `launch` is on a person's critical path,
so the record is cached in ``$SUPERTEAM_HOME/cache/teams/``, one entry per repository and team
file. An entry is trusted only if every file the loader read or looked for (the team file, each
role's built-in and project YAML and prompt, present or absent) still has exactly the bytes it
had, and superteam's own code is unchanged. Any difference is a miss: the loader runs,
reporting errors exactly as it always does, and the entry is rewritten.
"""

from __future__ import annotations

import contextlib
import json
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from superteam import __version__
from superteam.fsutil import atomic_write_text
from superteam.layout import default_team_file, project_dir, state_home
from superteam.resources import builtin_roles_dir

if TYPE_CHECKING:
    from superteam.config.load import Team

_CODE = Path(__file__).resolve().parent
# The code whose change changes a record: the schema, the loader, and this module.
_CODE_FILES = (_CODE / "config" / "models.py", _CODE / "config" / "load.py", Path(__file__))


class TeamRecord(NamedTuple):
    team_file: str | None
    team: dict[str, Any]  # the team config, every default filled in
    roles: dict[str, dict[str, Any]]  # name -> {config, model, sources, prompt_source}, in order
    settings: dict[str, Any]  # what the flow reads (gates, approval, rounds, duties)
    prompts: dict[str, str]  # name -> prompt template text
    yaml: str  # team_file, team, roles and settings as run.yaml's YAML (dumped once, cached)

    @property
    def socket(self) -> str | None:
        socket = self.team.get("tmux", {}).get("socket")
        return str(socket) if socket else None

    def access(self) -> dict[str, str]:
        return {name: role["config"]["access"] for name, role in self.roles.items()}


def settings_of(team: Team) -> dict[str, Any]:
    """What the flow needs from the team, frozen into the run at launch."""
    cfg = team.config
    planner, builder = team.role_with_duty("plan"), team.role_with_duty("handoff")
    assert planner is not None and builder is not None  # load_team checked the duties
    return {
        "gates": {"plan": cfg.gates.plan, "handoff": cfg.gates.handoff,
                  "integrate": cfg.gates.integrate, "timeout": cfg.gates.timeout},
        "approval": cfg.plan.approval,
        "max_rounds": cfg.review.max_rounds,
        "budget": cfg.budget.tokens,
        "planner": planner.name,
        "builder": builder.name,
        "reviewers": [r.name for r in team.reviewers()],
    }


def record_of(team: Team) -> TeamRecord:
    import yaml

    team_file = str(team.team_file) if team.team_file else None
    config = team.config.model_dump(mode="json")
    roles = {name: {"config": r.config.model_dump(mode="json"),
                    "model": team.model_for(name),
                    "sources": [str(p) for p in r.yaml_sources],
                    "prompt_source": str(r.prompt_source)}
             for name, r in team.roles.items()}
    settings = settings_of(team)
    body = {"team_file": team_file, "team": config, "roles": roles, "settings": settings}
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump(body, Dumper=dumper, sort_keys=False, width=100)
    return TeamRecord(team_file, config, roles, settings,
                      {name: r.prompt for name, r in team.roles.items()}, text)


def team_record(repo: Path, team_file: Path | None) -> TeamRecord:
    """The validated team for a launch: from the cache when nothing it depends on changed."""
    path = team_file if team_file is not None else default_team_file(repo)
    record = _load_entry(_entry(repo, path), repo, path)
    if record is not None:
        return record
    team, record = _load_and_remember(repo, team_file)
    return record if record is not None else record_of(team)


def load_team_remembered(repo: Path | None, team_file: Path | None = None) -> Team:
    """`load_team`, and the record cached for the next launch when the load succeeds
    (`init`, `roles validate` and `doctor` use it, so a launch after them is fast)."""
    if repo is None:
        from superteam.config.load import load_team

        return load_team(repo, team_file)
    return _load_and_remember(repo, team_file)[0]


def _load_and_remember(repo: Path, team_file: Path | None) -> tuple[Team, TeamRecord | None]:
    """Load with the validating loader (pydantic, YAML); the record, if it was cached."""
    from superteam.config.load import load_team

    path = team_file if team_file is not None else default_team_file(repo)
    before = _contents(_candidates(repo, path))
    team = load_team(repo, team_file)
    # Cached only if no file changed while it loaded: else the entry could pair the new
    # bytes with a record made from the old ones.
    if _contents(_candidates(repo, path)) != before:
        return team, None
    record = record_of(team)
    inputs = [str(p) for p in _inputs(repo, path, list(record.roles))]
    _save_entry(_entry(repo, path), repo, path, record, {name: before.get(name) for name in inputs})
    return team, record


def _entry(repo: Path, team_file: Path | None) -> Path:
    key = zlib.crc32(f"{repo}|{team_file}".encode())  # the entry holds both, and is checked
    return _cache_dir() / f"{key:08x}.json"


def _candidates(repo: Path, team_file: Path | None) -> list[Path]:
    """Every file the loader could read for any team: a superset of ``_inputs``."""
    found = [p for d in (builtin_roles_dir(), project_dir(repo) / "roles") if d.is_dir()
             for p in sorted(d.iterdir()) if p.suffix in (".yaml", ".md")]
    return [team_file, *found] if team_file is not None else found


def _inputs(repo: Path, team_file: Path | None, roles: list[str]) -> list[Path]:
    """Every file the loader reads, or looks for, when it resolves this team."""
    builtin, project = builtin_roles_dir(), project_dir(repo) / "roles"
    files = [d / f"{name}.{ext}" for name in roles for d in (builtin, project)
             for ext in ("yaml", "md")]
    return [team_file, *files] if team_file is not None else files


def _contents(paths: list[Path]) -> dict[str, str | None]:
    """Each file's text (bytes kept exactly, via surrogateescape), None if absent."""
    out: dict[str, str | None] = {}
    for path in paths:
        try:
            out[str(path)] = (path.read_bytes().decode("utf-8", "surrogateescape")
                              if path.is_file() else None)
        except OSError:
            out[str(path)] = "\0unreadable"  # never equal to what a later read gives
    return out


def _code_stamp() -> list[str]:
    stamps = [__version__]
    for file in _CODE_FILES:
        st = file.stat()
        stamps.append(f"{file}:{st.st_mtime_ns}:{st.st_size}")
    return stamps


def _cache_dir() -> Path:
    return state_home() / "cache" / "teams"


def _load_entry(entry: Path, repo: Path, team_file: Path | None) -> TeamRecord | None:
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
        if (data["repo"], data["team_file_path"], data["code"]) != (
                str(repo), str(team_file), _code_stamp()):
            return None
        inputs = _inputs(repo, team_file, list(data["record"]["roles"]))
        if data["inputs"] != _contents(inputs):
            return None
        return TeamRecord(**data["record"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no entry, or a damaged one: a miss


def _save_entry(entry: Path, repo: Path, team_file: Path | None, record: TeamRecord,
                inputs: dict[str, str | None]) -> None:
    data = {"repo": str(repo), "team_file_path": str(team_file), "code": _code_stamp(),
            "inputs": inputs, "record": record._asdict()}
    with contextlib.suppress(OSError):  # an unwritable cache only costs the next launch time
        atomic_write_text(entry, json.dumps(data), durable=False)
