"""A project's superteam set-up: the .superteam/ folder and git's local exclude file."""

from __future__ import annotations

import contextlib
from pathlib import Path

from superteam.errors import SuperteamError
from superteam.fsutil import atomic_write_text
from superteam.git import git
from superteam.layout import project_dir
from superteam.resources import templates_dir

# Claude Code's local settings are written into agent worktrees by superteam: never commit them.
EXCLUDED = (".superteam/runs/", ".superteam/worktrees/", ".claude/settings.local.json")


def exclude_file(repo: Path, common_dir: Path | None = None) -> Path:
    if common_dir is None:
        common_dir = Path(git(repo, "rev-parse", "--path-format=absolute", "--git-common-dir"))
    return common_dir / "info" / "exclude"


def ensure_excluded(repo: Path, common_dir: Path | None = None) -> list[str]:
    """Add superteam's private folders to .git/info/exclude (never the user's .gitignore)."""
    path = exclude_file(repo, common_dir)
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    present = {line.strip() for line in existing.splitlines()}
    missing = [entry for entry in EXCLUDED if entry not in present]
    if missing:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = existing if not existing or existing.endswith("\n") else existing + "\n"
        text += "# superteam: private run state and agent worktrees\n" if missing else ""
        text += "".join(f"{entry}\n" for entry in missing)
        atomic_write_text(path, text)
    return missing


def init_project(repo: Path, *, force: bool = False) -> list[str]:
    """Write .superteam/team.yaml and the excludes; returns what was done, for the user."""
    team_file = project_dir(repo) / "team.yaml"
    if team_file.exists() and not force:
        raise SuperteamError(f"{team_file} already exists; not overwritten",
                             hint="Use `superteam init --force` to replace it with the default.")
    template = (templates_dir() / "team.yaml").read_text(encoding="utf-8")
    (project_dir(repo) / "roles").mkdir(parents=True, exist_ok=True)
    atomic_write_text(team_file, template)
    done = [f"wrote {team_file}"]
    for entry in ensure_excluded(repo):
        done.append(f"added {entry} to {exclude_file(repo)}")
    _warm_team_cache(repo)
    return done


def _warm_team_cache(repo: Path) -> None:
    """Validate the new team once now, so the first launch finds it cached (teamrecord)."""
    from superteam.teamrecord import load_team_remembered

    with contextlib.suppress(SuperteamError):  # a broken role file: `doctor` will say which
        load_team_remembered(repo)
