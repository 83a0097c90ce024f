"""`superteam launch`: check everything first, then make the run; on failure, undo it all."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from superteam import git as g
from superteam.config.load import Team, load_team, project_dir
from superteam.errors import ConfigError, SuperteamError
from superteam.events import EventLog
from superteam.fsutil import atomic_write_text
from superteam.locks import locked
from superteam.project import ensure_excluded
from superteam.runs import RunPaths, list_run_ids, new_run_id, read_run_yaml, released
from superteam.session import create_session, superteam_argv
from superteam.tmux import Tmux, require_tmux, resolve_socket
from superteam.worktrees import (
    checked_out_in,
    create_worktrees,
    remove_worktrees,
    valid_branch_name,
)


@dataclass
class Launched:
    run_id: str
    session: str
    branch: str
    panes: dict[str, str]
    socket: str | None
    base: str

    def to_json(self) -> dict[str, Any]:
        return {"run": self.run_id, "session": self.session, "branch": self.branch,
                "panes": self.panes}


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


def _preflight(repo: Path, branch: str, base: str | None) -> tuple[str, bool]:
    """(start commit, whether BR must be created); raises on anything wrong."""
    if not valid_branch_name(repo, branch) or branch.startswith("superteam/"):
        raise ConfigError(f"--branch: '{branch}' is not a usable branch name",
                          hint="Use a git branch name outside the superteam/ namespace.")
    holder = checked_out_in(repo, branch)
    if holder is not None:
        raise SuperteamError(
            f"branch '{branch}' is checked out in {holder}; superteam never moves a branch "
            "that a checkout has", hint="Use a new branch name, or switch that checkout to "
            "another branch first.")
    exists = g.branch_exists(repo, branch)
    if exists:
        start = g.rev_parse(repo, f"refs/heads/{branch}")
        assert start is not None
        if base is not None:
            base_sha = g.rev_parse(repo, base)
            if base_sha is None:
                raise SuperteamError(f"--base: unknown ref '{base}'")
        return start, False
    start_ref = base or "HEAD"
    start = g.rev_parse(repo, start_ref)
    if start is None:
        raise SuperteamError(f"--base: unknown ref '{start_ref}'" if base else
                             "the repository has no commits yet; commit something first")
    return start, True


def launch(cwd: Path, goal: str, branch: str, *, base: str | None = None,
           team_file: Path | None = None) -> Launched:
    repo = g.repo_root(cwd)
    require_tmux()
    if not goal.strip():
        raise ConfigError("GOAL is empty; say what the team should build")
    team = load_team(repo, team_file)
    tmux = Tmux(resolve_socket(team.config.tmux.socket))
    start, create_branch = _preflight(repo, branch, base)
    ensure_excluded(repo)

    # Claim the branch: the check and the run folder's creation happen under one lock, so of
    # two launches on one branch exactly one wins.
    with locked(project_dir(repo) / "runs" / ".launch.lock"):
        for other_id in list_run_ids(repo):
            other = RunPaths(repo, other_id)
            if read_run_yaml(other).get("branch") == branch and not released(other):
                raise SuperteamError(f"branch '{branch}' is used by run {other_id}",
                                     hint="Use another branch, or `superteam stop` and "
                                     "`superteam cleanup` that run.")
        run_id = new_run_id(branch)
        paths = RunPaths(repo, run_id)
        paths.dir.mkdir(parents=True)
        try:
            _write_run_files(paths, team, goal, branch, start, base)
        except BaseException:
            shutil.rmtree(paths.dir, ignore_errors=True)
            raise

    made_branch = False
    try:
        if create_branch:
            g.git(repo, "update-ref", f"refs/heads/{branch}", start, "0" * 40)
            made_branch = True
        roles = {name: r.config.access for name, r in team.roles.items()}
        worktrees = create_worktrees(paths, roles, branch, start)
        panes = create_session(tmux, paths.session, repo, superteam_argv("supervise", run_id),
                               dict(zip(roles, worktrees, strict=True)))
        EventLog(paths.events).append("session_created", session=paths.session,
                                      socket=tmux.socket, panes=panes)
    except BaseException as exc:
        _undo(paths, tmux, branch if made_branch else None, start)
        if isinstance(exc, OSError):
            raise SuperteamError(f"could not create the run ({exc.strerror}: {exc.filename}); "
                                 "nothing was left behind") from None
        raise
    return Launched(run_id, paths.session, branch, panes, tmux.socket, start)


def _write_run_files(paths: RunPaths, team: Team, goal: str, branch: str, start: str,
                     base: str | None) -> None:
    settings = settings_of(team)
    meta = {
        "run": paths.run_id, "goal": goal, "branch": branch, "base": start, "base_ref": base,
        "build_branch": paths.build_branch, "repo": str(paths.repo),
        "team_file": str(team.team_file) if team.team_file else None,
        "team": team.config.model_dump(mode="json"),
        "roles": {name: {"config": r.config.model_dump(mode="json"),
                         "model": team.model_for(name),
                         "sources": [str(p) for p in r.yaml_sources],
                         "prompt_source": str(r.prompt_source)}
                  for name, r in team.roles.items()},
        "settings": settings,
    }
    for sub in ("contracts/handoffs", "contracts/reviews", "contracts/questions",
                "contracts/answers", "gates", "logs", "prompts", "procs"):
        (paths.dir / sub).mkdir(parents=True, exist_ok=True)
    for name, role in team.roles.items():
        atomic_write_text(paths.dir / "prompts" / f"{name}.md", role.prompt)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    atomic_write_text(paths.run_yaml, yaml.dump(meta, Dumper=dumper, sort_keys=False, width=100))
    EventLog(paths.events).append("run_created", run=paths.run_id, goal=goal, branch=branch,
                                  base=start, build_branch=paths.build_branch, settings=settings,
                                  pid=os.getpid())


def _undo(paths: RunPaths, tmux: Tmux, created_branch: str | None, start: str) -> None:
    """Leave nothing half-made: session, worktrees, branches we made, the run folder."""
    tmux.kill_session(paths.session)
    remove_worktrees(paths)
    g.git(paths.repo, "branch", "-D", paths.build_branch, check=False)
    if created_branch is not None:
        # Only if it still points where we created it.
        g.git(paths.repo, "update-ref", "-d", f"refs/heads/{created_branch}", start, check=False)
    shutil.rmtree(paths.dir, ignore_errors=True)
