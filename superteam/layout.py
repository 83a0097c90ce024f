"""Where superteam keeps things: the project's .superteam/ folder and superteam's own state.

Kept free of heavy imports: `launch` and the CLI's error boundary need these paths without
loading the config models.
"""

from __future__ import annotations

import os
from pathlib import Path


def project_dir(repo: Path) -> Path:
    return repo / ".superteam"


def state_home() -> Path:
    """Where superteam keeps its own files (crash log, caches); SUPERTEAM_HOME moves it."""
    env = os.environ.get("SUPERTEAM_HOME")
    if env:
        return Path(env)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "superteam"


def default_team_file(repo: Path | None) -> Path | None:
    if repo is None:
        return None
    path = project_dir(repo) / "team.yaml"
    return path if path.exists() else None
