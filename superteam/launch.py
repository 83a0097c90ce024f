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
from superteam.fsutil import atomic_write_text
from superteam.layout import project_dir
from superteam.locks import locked
from superteam.project import ensure_excluded
from superteam.runs import RunPaths, list_run_ids, new_run_id, released, run_branch
from superteam.session import create_session, superteam_argv
from superteam.teamrecord import TeamRecord, team_record
from superteam.tmux import Tmux, require_tmux, resolve_socket
from superteam.worktrees import Checkouts, add_worktrees, parse_worktree_list, remove_worktrees
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


class _Preflight:
    """Everything launch asks git before it changes anything, asked at once: five processes
    in parallel cost about what one does."""

    def __init__(self, cwd: Path, branch: str, base: str | None) -> None:
        self.branch, self.base = branch, base
        start_ref = "HEAD" if base is None else base
        self.root = g.GitProcess(cwd, "rev-parse", "--path-format=absolute", "--git-common-dir")
        self.name_ok = g.GitProcess(cwd, "check-ref-format", "--branch", branch)
        self.worktrees = g.GitProcess(cwd, "worktree", "list", "--porcelain")
        # One name per line: a name with a newline cannot be a ref, so it is not asked (and
        # reads as missing).
        names = {"branch": f"refs/heads/{branch}^{{commit}}", "start": f"{start_ref}^{{commit}}"}
        self.asked = [key for key, name in names.items() if "\n" not in name]
        self.commits = g.GitProcess(cwd, "cat-file", "--batch-check",
                                    input="".join(f"{names[key]}\n" for key in self.asked))
        self.config = g.GitProcess(cwd, "config", "--get", "extensions.worktreeConfig")

    def repo(self, cwd: Path) -> tuple[Path, Path]:
        """(the main worktree, the common git dir)."""
        if not self.root.succeeded():
            raise SuperteamError(f"{cwd.resolve()} is not inside a git repository",
                                 hint="Run superteam from your project's checkout (or `git init`).")
        common = Path(self.root.output())
        if common.name != ".git":
            raise SuperteamError(f"{common} is a bare repository; superteam needs a checkout")
        return common.parent, common

    def start(self) -> tuple[str, bool]:
        """(start commit, whether BR must be created); raises on anything wrong."""
        branch, base = self.branch, self.base
        if not self.name_ok.succeeded() or branch.startswith("superteam/"):
            raise ConfigError(f"--branch: '{branch}' is not a usable branch name",
                              hint="Use a git branch name outside the superteam/ namespace.")
        holder = parse_worktree_list(self.worktrees.output()).get(branch)
        if holder is not None:
            raise SuperteamError(
                f"branch '{branch}' is checked out in {holder}; superteam never moves a branch "
                "that a checkout has", hint="Use a new branch name, or switch that checkout to "
                "another branch first.")
        # `<sha> commit <size>` for a commit; `<name> missing` (or ambiguous) otherwise.
        answers = [line.split() for line in self.commits.output().splitlines()]
        found = {key: a[0] for key, a in zip(self.asked, answers, strict=False)
                 if len(a) == 3 and a[1] == "commit"}
        existing, base_sha = found.get("branch"), found.get("start")
        if base is not None and base_sha is None:
            raise SuperteamError(f"--base: unknown ref '{base}'")
        if existing is not None:
            return existing, False
        if base_sha is None:
            raise SuperteamError("the repository has no commits yet; commit something first")
        return base_sha, True

    @property
    def worktree_config_on(self) -> bool:
        return self.config.output(check=False) == "true"


def launch(cwd: Path, goal: str, branch: str, *, base: str | None = None,
           team_file: Path | None = None) -> Launched:
    preflight = _Preflight(cwd, branch, base)  # git works while the team loads
    repo, common = preflight.repo(cwd)
    require_tmux()
    if not goal.strip():
        raise ConfigError("GOAL is empty; say what the team should build")
    team = team_record(repo, team_file)
    tmux = Tmux(resolve_socket(team.socket))
    start, create_branch = preflight.start()
    ensure_excluded(repo, common)

    # Claim the branch: the check and the run folder's creation happen under one lock, so of
    # two launches on one branch exactly one wins.
    lock = project_dir(repo) / "runs" / ".launch.lock"
    with locked(lock):
        for other_id in list_run_ids(repo):
            other = RunPaths(repo, other_id)
            if run_branch(other) == branch and not released(other):
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

    creating: g.GitProcess | None = None
    checkouts: Checkouts | None = None
    try:
        # `git worktree add` is not safe to run concurrently in one repository (one add can
        # trip over another's half-made admin folder), so other launches wait for ours.
        with locked(lock):
            checkouts = add_worktrees(paths, team.access(), branch, start,
                                      config_on=preflight.worktree_config_on)
        # BR is created while the worktrees' files are checked out (from the commit: the
        # worktrees do not need BR).
        if create_branch:
            creating = g.GitProcess(repo, "update-ref", f"refs/heads/{branch}", start, NO_COMMIT)
        checkouts.finish()
        if creating is not None:
            creating.output()  # raises if BR appeared meanwhile: it is created, never moved
        # Last: the supervisor starts with its pane, and its start-up should not take CPU
        # from the checkouts.
        panes = create_session(tmux, paths.session, repo, superteam_argv("supervise", run_id),
                               {role: paths.worktree(role) for role in team.roles})
        EventLog(paths.events).append("session_created", session=paths.session,
                                      socket=tmux.socket, panes=panes)
    except BaseException as exc:
        if checkouts is not None:
            checkouts.wait()
        made_branch = creating is not None and creating.succeeded()
        _undo(paths, tmux, branch if made_branch else None, start)
        if isinstance(exc, OSError):
            raise SuperteamError(f"could not create the run ({exc.strerror}: {exc.filename}); "
                                 "nothing was left behind") from None
        raise
    return Launched(run_id, paths.session, branch, panes, tmux.socket, start)


def _write_run_files(paths: RunPaths, team: TeamRecord, goal: str, branch: str, start: str,
                     base: str | None) -> None:
    header = {"run": paths.run_id, "goal": goal, "branch": branch, "base": start,
              "base_ref": base, "build_branch": paths.build_branch, "repo": str(paths.repo)}
    for sub in ("contracts/handoffs", "contracts/reviews", "contracts/questions",
                "contracts/answers", "gates", "logs", "prompts", "procs"):
        (paths.dir / sub).mkdir(parents=True, exist_ok=True)
    for name, prompt in team.prompts.items():
        atomic_write_text(paths.dir / "prompts" / f"{name}.md", prompt)
    # The per-run values, then the team as resolved (YAML dumped once, when it was cached).
    atomic_write_text(paths.run_yaml, yaml_mapping(header) + team.yaml)
    EventLog(paths.events).append("run_created", run=paths.run_id, goal=goal, branch=branch,
                                  base=start, build_branch=paths.build_branch,
                                  settings=team.settings, pid=os.getpid())


def _undo(paths: RunPaths, tmux: Tmux, created_branch: str | None, start: str) -> None:
    """Leave nothing half-made: session, worktrees, branches we made, the run folder."""
    tmux.kill_session(paths.session)
    remove_worktrees(paths)
    g.git(paths.repo, "branch", "-D", paths.build_branch, check=False)
    if created_branch is not None:
        # Only if it still points where we created it.
        g.git(paths.repo, "update-ref", "-d", f"refs/heads/{created_branch}", start, check=False)
    shutil.rmtree(paths.dir, ignore_errors=True)
