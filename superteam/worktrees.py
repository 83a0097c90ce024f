"""The run's git worktrees: one per role, with superteam's hooks installed in those only.

Per-worktree config (extensions.worktreeConfig) carries the role, the run folder and the
hooks path, so the user's own checkout, hooks and config stay as they were.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

from superteam.git import GitProcess, git, parse_worktree_list
from superteam.resources import hooks_dir
from superteam.runs import RunPaths

# User hooks (post-checkout, ...) must not run when superteam creates or moves a worktree.
NO_HOOKS = ("-c", "core.hooksPath=/dev/null")
SUPERVISOR_ENV = {"SUPERTEAM_SUPERVISOR": "1"}


def install_hooks(paths: RunPaths) -> None:
    paths.hooks.mkdir(parents=True, exist_ok=True)
    for hook in hooks_dir().iterdir():
        if hook.is_file():
            target = paths.hooks / hook.name
            shutil.copyfile(hook, target)
            target.chmod(0o755)


def _worktree_git_dir(worktree: Path) -> Path:
    text = (worktree / ".git").read_text(encoding="utf-8").strip()
    return Path(text.removeprefix("gitdir:").strip())


def _write_worktree_config(paths: RunPaths, role: str, worktree: Path, branch: str) -> None:
    # Written directly (one file) rather than four `git config --worktree` calls: launch is
    # on the user's critical path.
    config = _worktree_git_dir(worktree) / "config.worktree"
    config.write_text(
        "[core]\n"
        f"\thooksPath = {paths.hooks}\n"
        "[superteam]\n"
        f"\trole = {role}\n"
        f"\trundir = {paths.dir}\n"
        f"\tbranch = {branch}\n",
        encoding="utf-8",
    )


class Checkouts:
    """The run's worktrees, registered, their files being checked out in parallel."""

    def __init__(self, paths: RunPaths, branch: str, resets: dict[str, GitProcess]) -> None:
        self.paths, self.branch, self.resets = paths, branch, resets

    def wait(self) -> None:
        for proc in self.resets.values():
            proc.succeeded()

    def finish(self) -> None:
        """Wait for every checkout; raise the first failure; give each worktree its config."""
        self.wait()
        for proc in self.resets.values():
            proc.output()
        for role in self.resets:
            _write_worktree_config(self.paths, role, self.paths.worktree(role), self.branch)


def add_worktrees(paths: RunPaths, roles: Mapping[str, str], branch: str, start: str, *,
                  config_on: bool) -> Checkouts:
    """``roles`` maps role -> access; the write role gets the build branch, others detach.

    `git worktree add` is three git processes and a checkout. The adds run one at a time
    without the checkout (concurrent adds trip over each other's half-made admin folders),
    then the checkouts, the same `reset --hard` that `worktree add` runs, go in parallel.
    """
    if not config_on:  # extensions.worktreeConfig, which the per-worktree config needs
        git(paths.repo, "config", "extensions.worktreeConfig", "true")
    install_hooks(paths)
    paths.worktrees.mkdir(parents=True, exist_ok=True)
    for role, access in roles.items():
        wt = str(paths.worktree(role))
        where = ["-b", paths.build_branch, wt] if access == "write" else ["--detach", wt]
        git(paths.repo, *NO_HOOKS, "worktree", "add", "-q", "--no-checkout", *where, start)
    return Checkouts(paths, branch, {
        role: GitProcess(paths.worktree(role), *NO_HOOKS, "reset", "--hard", "--quiet",
                         "--no-recurse-submodules") for role in roles})


def remove_worktrees(paths: RunPaths, worktrees: list[Path] | None = None) -> None:
    targets = worktrees if worktrees is not None else [
        p for p in paths.worktrees.iterdir() if p.is_dir()] if paths.worktrees.is_dir() else []
    for wt in targets:
        git(paths.repo, "worktree", "remove", "--force", "--force", str(wt), check=False)
        if wt.exists():
            shutil.rmtree(wt, ignore_errors=True)
    git(paths.repo, "worktree", "prune", check=False)
    if paths.worktrees.is_dir() and not any(paths.worktrees.iterdir()):
        paths.worktrees.rmdir()


def dirty_files(worktree: Path) -> list[str]:
    if not worktree.is_dir():
        return []
    out = git(worktree, "status", "--porcelain", "--untracked-files=all", check=False)
    return [line for line in out.splitlines() if line]


def checked_out_in(repo: Path, branch: str) -> Path | None:
    """The worktree (main or linked) that has ``branch`` checked out, if any."""
    return parse_worktree_list(git(repo, "worktree", "list", "--porcelain")).get(branch)
