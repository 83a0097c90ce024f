"""Stopping and cleaning up a run. Neither ever touches the user's checkout or feature branch."""

from __future__ import annotations

import contextlib

from superteam import git as g
from superteam.errors import SuperteamError
from superteam.events import EventLog
from superteam.procs import kill_trees, recorded_pids
from superteam.runinfo import RunInfo
from superteam.tmux import Tmux
from superteam.worktrees import dirty_files, remove_worktrees


def kill_processes(info: RunInfo) -> int:
    """End every process of the run (pane trees, gates); returns how many panes were live."""
    tmux = Tmux(info.socket)
    panes = tmux.list_panes(info.paths.session) if tmux.has_session(info.paths.session) else []
    pids = [int(p["pane_pid"]) for p in panes if p.get("pane_dead") != "1" and p.get("pane_pid")]
    pids += recorded_pids(info.paths.procs)
    kill_trees(pids)
    for f in info.paths.procs.glob("*.pid"):
        with contextlib.suppress(OSError):
            f.unlink()
    tmux.kill_session(info.paths.session)
    return len(pids)


def stop_run(info: RunInfo) -> None:
    if info.phase == "cleaned_up":
        raise SuperteamError(f"run {info.run_id} was cleaned up; there is nothing to stop")
    kill_processes(info)
    EventLog(info.paths.events).append("stopped", by="superteam stop")


def unmerged_work(info: RunInfo) -> tuple[list[str], list[str]]:
    """(commits on the build branch not on BR, uncommitted files in the build worktree)."""
    repo, paths = info.paths.repo, info.paths
    commits: list[str] = []
    if g.branch_exists(repo, paths.build_branch):
        target = f"refs/heads/{info.branch}" if g.branch_exists(repo, info.branch) else None
        if target is None:
            commits = g.commits_not_on(repo, paths.build_branch, str(info.meta["base"]))
        else:
            commits = g.commits_not_on(repo, paths.build_branch, target)
    builder = (info.state.settings["builder"] if info.state is not None else "builder")
    return commits, dirty_files(paths.worktree(builder))


def cleanup_run(info: RunInfo, *, force: bool) -> list[str]:
    paths = info.paths
    commits, dirty = unmerged_work(info)
    if (commits or dirty) and not force:
        parts = []
        if commits:
            parts.append(f"{paths.build_branch} has {len(commits)} commit(s) not on "
                         f"{info.branch}:\n" + "\n".join(f"  {c}" for c in commits))
        if dirty:
            parts.append(f"{paths.worktree('builder')} has uncommitted changes:\n"
                         + "\n".join(f"  {d}" for d in dirty))
        raise SuperteamError("cleanup would lose work; nothing was removed.\n" + "\n".join(parts),
                             hint="Integrate or save that work first, or use --force to discard it.")
    done = []
    if kill_processes(info):
        done.append("stopped the run's processes")
    remove_worktrees(paths)
    done.append(f"removed the worktrees under {paths.worktrees}")
    if g.branch_exists(paths.repo, paths.build_branch):
        g.git(paths.repo, "branch", "-D", paths.build_branch)
        done.append(f"deleted branch {paths.build_branch}")
    EventLog(paths.events).append("cleaned_up", forced=force, discarded=commits)
    done.append(f"kept {info.branch} and the run's records in {paths.dir}")
    return done
