"""`superteam doctor`: each check says what is wrong and how to fix it."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from superteam import git, tmux
from superteam.errors import SuperteamError


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def _fmt(v: tuple[int, ...] | None) -> str:
    return ".".join(map(str, v)) if v else "not found"


def run_checks(cwd: Path) -> list[Check]:
    checks = []
    tv = tmux.version()
    checks.append(Check("tmux >= 3.2", tv is not None and tv >= (3, 2), _fmt(tv),
                        "Install tmux 3.2 or newer (Debian: apt-get install -y tmux)."))
    gv = git.version()
    checks.append(Check("git >= 2.30", gv is not None and gv >= (2, 30), _fmt(gv),
                        "Install git 2.30 or newer (Debian: apt-get install -y git)."))
    pv = sys.version_info[:3]
    checks.append(Check("Python >= 3.11", pv >= (3, 11), _fmt(pv), "Use Python 3.11 or newer."))
    repo: Path | None = None
    try:
        repo = git.repo_root(cwd) if gv else None
        checks.append(Check("inside a git repository", repo is not None, str(repo or cwd),
                            "cd into your project's checkout."))
    except SuperteamError as exc:
        checks.append(Check("inside a git repository", False, exc.message,
                            "cd into your project's checkout."))
    from superteam.teamrecord import load_team_remembered

    team = None
    try:
        team = load_team_remembered(repo)
        where = str(team.team_file) if team.team_file else "built-in defaults (no team.yaml)"
        checks.append(Check("configuration valid", True, where))
    except SuperteamError as exc:
        checks.append(Check("configuration valid", False, exc.render(),
                            "Fix the file and line named above; `superteam roles validate`."))
    needs_key = team is None or any(r.config.backend == "anthropic" for r in team.roles.values())
    has_key = bool(os.environ.get("ANTHROPIC_API_KEY"))
    if needs_key:
        checks.append(Check("ANTHROPIC_API_KEY set", has_key, "set" if has_key else "not set",
                            "export ANTHROPIC_API_KEY=... (or give every role "
                            "`backend: command`); `superteam demo` needs no key."))
    else:
        checks.append(Check("model access", True, "every role uses a command backend"))
    return checks
