"""A run's files: where they live, how runs are named, found and listed."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, NamedTuple

from superteam.errors import SuperteamError
from superteam.layout import project_dir

RUN_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,40}$")


class RunPaths(NamedTuple):
    repo: Path
    run_id: str

    @property
    def dir(self) -> Path:
        return project_dir(self.repo) / "runs" / self.run_id

    @property
    def run_yaml(self) -> Path:
        return self.dir / "run.yaml"

    @property
    def state_json(self) -> Path:
        return self.dir / "state.json"

    @property
    def events(self) -> Path:
        return self.dir / "events.jsonl"

    @property
    def contracts(self) -> Path:
        return self.dir / "contracts"

    @property
    def gates(self) -> Path:
        return self.dir / "gates"

    @property
    def logs(self) -> Path:
        return self.dir / "logs"

    @property
    def hooks(self) -> Path:
        return self.dir / "hooks"

    @property
    def launched(self) -> Path:
        """Made by launch once the run is complete; the supervisor's pane waits for it."""
        return self.dir / ".launched"

    @property
    def lease(self) -> Path:
        return self.dir / "lease"

    @property
    def procs(self) -> Path:
        """pid files of processes the supervisor started outside tmux (gates), for `stop`."""
        return self.dir / "procs"

    @property
    def worktrees(self) -> Path:
        return project_dir(self.repo) / "worktrees" / self.run_id

    def worktree(self, role: str) -> Path:
        return self.worktrees / role

    @property
    def session(self) -> str:
        return f"superteam-{self.run_id}"

    @property
    def build_branch(self) -> str:
        return f"superteam/{self.run_id}/build"


def new_run_id(branch: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", branch.lower()).strip("-")[-24:].strip("-") or "run"
    return f"{slug}-{os.urandom(2).hex()}"


def runs_root(repo: Path) -> Path:
    return project_dir(repo) / "runs"


def list_run_ids(repo: Path) -> list[str]:
    root = runs_root(repo)
    if not root.is_dir():
        return []
    ids = [p.name for p in root.iterdir() if (p / "run.yaml").is_file()]
    return sorted(ids, key=lambda r: (root / r / "run.yaml").stat().st_mtime)


def read_run_yaml(paths: RunPaths) -> dict[str, Any]:
    import yaml  # here, not at the top: `launch` reads runs without it (a 14 ms import)

    data = yaml.safe_load(paths.run_yaml.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise SuperteamError(f"{paths.run_yaml} is damaged (not a mapping)")
    return data


def run_branch(paths: RunPaths) -> str | None:
    """The run's feature branch, from its first event (cheaper than parsing run.yaml)."""
    try:
        with paths.events.open("rb") as fh:
            first = json.loads(fh.readline())
        branch = first["data"]["branch"] if first.get("type") == "run_created" else None
    except (OSError, ValueError, KeyError, TypeError):
        branch = None
    if branch is None and paths.run_yaml.is_file():  # a run folder from an interrupted launch
        branch = read_run_yaml(paths).get("branch")
    return str(branch) if branch is not None else None


def find_run(repo: Path, run_id: str) -> RunPaths:
    if not RUN_ID_PATTERN.match(run_id) or not (runs_root(repo) / run_id / "run.yaml").is_file():
        known = list_run_ids(repo)
        hint = f"Known runs: {', '.join(known)}." if known else "There are no runs in this repository."
        raise SuperteamError(f"unknown run '{run_id}'", hint=hint)
    return RunPaths(repo, run_id)


# Events after which a run no longer claims its feature branch.
RELEASING_EVENTS = ("run_finished", "cleaned_up")


def released(paths: RunPaths) -> bool:
    """Whether the run is finished or cleaned up, read cheaply from its log (no folding)."""
    try:
        text = paths.events.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return False
    return any(f'"type": "{t}"' in text for t in RELEASING_EVENTS)
