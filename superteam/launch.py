"""`superteam launch`: check everything first, then make the run; on failure, undo it all.

Launch is on a person's critical path. It imports neither pydantic nor PyYAML when the team
is cached (teamrecord), asks git its questions in parallel, checks out the worktrees' files in
parallel while it builds the tmux session in one client call.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, NamedTuple

from superteam import git as g
from superteam.errors import ConfigError, SuperteamError
from superteam.events import EventLog
from superteam.fsutil import BackgroundSync, atomic_write_text
from superteam.layout import project_dir
from superteam.locks import locked
from superteam.preflight import Preflight
from superteam.project import ensure_excluded
from superteam.runs import RunPaths, list_run_ids, new_run_id, released, run_branch
from superteam.session import StartingSession, after_file, start_session, superteam_argv
from superteam.teamrecord import TeamRecord, team_record
from superteam.tmux import Tmux, require_tmux, resolve_socket
from superteam.worktrees import Checkouts, add_worktrees, remove_worktrees
from superteam.yamlscalar import yaml_mapping

NO_COMMIT = "0" * 40


class Launched(NamedTuple):
    run_id: str
    session: str
    branch: str
    panes: dict[str, str]
    socket: str | None
    base: str

    def to_json(self) -> dict[str, Any]:
        return {"run": self.run_id, "session": self.session, "branch": self.branch,
                "panes": self.panes}


def launch(cwd: Path, goal: str, branch: str, *, base: str | None = None,
           team_file: Path | None = None, preflight: Preflight | None = None) -> Launched:
    """Make the run. ``preflight``, if given, was started by the caller for these arguments
    (the CLI starts it before importing this module, so git works while Python imports)."""
    if preflight is None:
        preflight = Preflight(cwd, branch, base)  # git works while the team loads
    repo, common = preflight.repo(cwd)
    require_tmux()
    if not goal.strip():
        raise ConfigError("GOAL is empty; say what the team should build")
    team = team_record(repo, team_file)
    tmux = Tmux(resolve_socket(team.socket))
    start, create_branch = preflight.start()
    ensure_excluded(repo, common)

    lock = project_dir(repo) / "runs" / ".launch.lock"
    paths, synced = _claim(lock, repo, team, goal, branch, start, base)
    run_id = paths.run_id

    creating: g.GitProcess | None = None
    checkouts: Checkouts | None = None
    session: StartingSession | None = None
    try:
        # The session is built while git works, in the worktrees' folders made empty for it
        # (`git worktree add` takes an empty folder). Its supervisor pane holds until launch
        # is done: its start-up must not take CPU from the checkouts, nor may it act before
        # the worktrees are there.
        for role in team.roles:
            paths.worktree(role).mkdir(parents=True)
        session = start_session(tmux, paths.session, repo,
                                after_file(paths.launched, superteam_argv("supervise", run_id)),
                                {role: paths.worktree(role) for role in team.roles})
        # `git worktree add` is not safe to run concurrently in one repository (one add can
        # trip over another's half-made admin folder), so other launches wait for ours.
        with locked(lock):
            checkouts = add_worktrees(paths, team.access(), branch, start,
                                      config_on=preflight.worktree_config_on)
        # BR is created while the worktrees' files are checked out (from the commit: the
        # worktrees do not need BR).
        if create_branch:
            creating = g.GitProcess(repo, "update-ref", f"refs/heads/{branch}", start, NO_COMMIT)
        panes = session.panes()
        checkouts.finish()
        if creating is not None:
            creating.output()  # raises if BR appeared meanwhile: it is created, never moved
        synced.join()  # the run files are on disk before the event that completes the run
        EventLog(paths.events).append("session_created", session=paths.session,
                                      socket=tmux.socket, panes=panes)
        paths.launched.touch()  # the supervisor's go
    except BaseException as exc:
        # Let what is running finish first, so that what it made is undone too.
        synced.thread.join()
        if session is not None:
            session.call.output(check=False)
        if checkouts is not None:
            checkouts.wait()
        made_branch = creating is not None and creating.succeeded()
        _undo(paths, tmux, branch if made_branch else None, start)
        if isinstance(exc, OSError):
            raise SuperteamError(f"could not create the run ({exc.strerror}: {exc.filename}); "
                                 "nothing was left behind") from None
        raise
    return Launched(run_id, paths.session, branch, panes, tmux.socket, start)


def _claim(lock: Path, repo: Path, team: TeamRecord, goal: str, branch: str, start: str,
           base: str | None) -> tuple[RunPaths, BackgroundSync]:
    """Claim the branch and write the run folder. Both happen under one lock, so of two
    launches on one branch exactly one wins."""
    with locked(lock):
        for other_id in list_run_ids(repo):
            other = RunPaths(repo, other_id)
            if run_branch(other) == branch and not released(other):
                raise SuperteamError(f"branch '{branch}' is used by run {other_id}",
                                     hint="Use another branch, or `superteam stop` and "
                                     "`superteam cleanup` that run.")
        paths = RunPaths(repo, new_run_id(branch))
        paths.dir.mkdir(parents=True)
        try:
            return paths, _write_run_files(paths, team, goal, branch, start, base)
        except BaseException:
            shutil.rmtree(paths.dir, ignore_errors=True)
            raise


def _write_run_files(paths: RunPaths, team: TeamRecord, goal: str, branch: str, start: str,
                     base: str | None) -> BackgroundSync:
    """Write the run folder; returns the fsync of its files, running (join it before the run
    counts as made)."""
    header = {"run": paths.run_id, "goal": goal, "branch": branch, "base": start,
              "base_ref": base, "build_branch": paths.build_branch, "repo": str(paths.repo)}
    for sub in ("contracts/handoffs", "contracts/reviews", "contracts/questions",
                "contracts/answers", "gates", "logs", "prompts", "procs"):
        (paths.dir / sub).mkdir(parents=True, exist_ok=True)
    written = []
    for name, prompt in team.prompts.items():
        written.append(paths.dir / "prompts" / f"{name}.md")
        atomic_write_text(written[-1], prompt, durable=False)
    # The per-run values, then the team as resolved (YAML dumped once, when it was cached).
    atomic_write_text(paths.run_yaml, yaml_mapping(header) + team.yaml, durable=False)
    # The log's next append (session_created, launch's last step) fsyncs this one too.
    EventLog(paths.events).append_unsynced(
        "run_created", run=paths.run_id, goal=goal, branch=branch, base=start,
        build_branch=paths.build_branch, settings=team.settings, pid=os.getpid())
    return BackgroundSync([*written, paths.run_yaml])


def _undo(paths: RunPaths, tmux: Tmux, created_branch: str | None, start: str) -> None:
    """Leave nothing half-made: session, worktrees, branches we made, the run folder."""
    tmux.kill_session(paths.session)
    remove_worktrees(paths)
    g.git(paths.repo, "branch", "-D", paths.build_branch, check=False)
    if created_branch is not None:
        # Only if it still points where we created it.
        g.git(paths.repo, "update-ref", "-d", f"refs/heads/{created_branch}", start, check=False)
    shutil.rmtree(paths.dir, ignore_errors=True)
