"""What a reader (status, attach, launch's branch check) knows of a run, from its files."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from superteam.events import EventLog
from superteam.resume import fold
from superteam.runs import RunPaths, find_run, list_run_ids, read_run_yaml
from superteam.state import RunState


@dataclass
class RunInfo:
    paths: RunPaths
    meta: dict[str, Any]
    state: RunState | None
    panes: dict[str, str] = field(default_factory=dict)
    socket: str | None = None
    created: datetime | None = None

    @property
    def run_id(self) -> str:
        return self.paths.run_id

    @property
    def branch(self) -> str:
        return str(self.meta.get("branch", ""))

    @property
    def phase(self) -> str:
        if self.state is None:
            return "created"
        if self.state.cleaned_up:
            return "cleaned_up"
        if self.state.stopped and self.state.phase != "done":
            return "stopped"
        return self.state.phase

    @property
    def holds_branch(self) -> bool:
        """A run claims its feature branch until it is done or cleaned up."""
        return self.phase not in ("done", "cleaned_up")


def load_info(paths: RunPaths) -> RunInfo:
    meta = read_run_yaml(paths)
    events = list(EventLog(paths.events))
    info = RunInfo(paths, meta, fold(events) if events else None)
    for event in events:
        if event.type == "session_created":
            info.panes = dict(event.data.get("panes", {}))
            info.socket = event.data.get("socket")
    if events:
        info.created = datetime.fromisoformat(events[0].ts.replace("Z", "+00:00"))
    return info


def all_runs(repo: Path) -> list[RunInfo]:
    return [load_info(RunPaths(repo, run_id)) for run_id in list_run_ids(repo)]


def resolve(repo: Path, run_id: str | None, *, live_only: bool = True) -> RunInfo:
    """RUN as given, or the only live run when none is given."""
    from superteam.errors import SuperteamError

    if run_id is not None:
        return load_info(find_run(repo, run_id))
    candidates = [r for r in all_runs(repo) if r.holds_branch or not live_only]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise SuperteamError("there is no live run in this repository",
                             hint="Start one with `superteam launch GOAL --branch BR`.")
    listing = "\n".join(f"  {r.run_id}  {r.branch}  {r.phase}" for r in candidates)
    raise SuperteamError(f"several runs are live; name one:\n{listing}")
