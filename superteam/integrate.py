"""Moving the feature branch: only forward, only by compare-and-swap, never forced."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from superteam import git as g
from superteam.worktrees import SUPERVISOR_ENV, checked_out_in


def integrate(repo: Path, branch: str, task: str, commit: str,
              build_worktree: Path) -> tuple[str, dict[str, Any]]:
    """Returns the event that records what happened: integrated, branch_merged or
    integration_conflict."""
    ref = f"refs/heads/{branch}"
    for _ in range(3):  # a person may move the branch between our read and our swap
        current = g.rev_parse(repo, ref)
        if current == commit:
            return "integrated", {"task": task, "commit": commit, "branch": branch, "from": commit}
        holder = checked_out_in(repo, branch)
        if holder is not None:
            return "integration_conflict", {
                "task": task, "details": f"{branch} is checked out in {holder}; superteam does "
                "not move a branch under a checkout. Switch that checkout to another branch."}
        if current is None or g.is_ancestor(repo, current, commit):
            old = current or "0" * 40
            if g.git_ok(repo, "update-ref", ref, commit, old):
                return "integrated", {"task": task, "commit": commit, "branch": branch,
                                      "from": current}
            continue
        return _merge_moved_branch(build_worktree, branch, task, current, commit)
    return "integration_conflict", {"task": task, "details": f"{branch} kept moving"}


def _merge_moved_branch(worktree: Path, branch: str, task: str, moved_to: str,
                        commit: str) -> tuple[str, dict[str, Any]]:
    head = g.rev_parse(worktree, "HEAD")
    if head != commit:
        return "integration_conflict", {"task": task, "details": f"the build worktree is at "
                                        f"{(head or '?')[:10]}, not the approved {commit[:10]}"}
    out = g.git(worktree, "merge", "--no-edit", "--no-ff", "-m",
                f"Merge {branch} into the build branch for {task}", moved_to, check=False,
                env={**SUPERVISOR_ENV, **g.identity_env(worktree)})
    merged = g.rev_parse(worktree, "HEAD")
    if merged == commit or g.git(worktree, "ls-files", "--unmerged", check=False):
        conflicted = sorted({line.split("\t")[-1] for line in
                             g.git(worktree, "ls-files", "--unmerged", check=False).splitlines()})
        g.git(worktree, "merge", "--abort", check=False, env=SUPERVISOR_ENV)
        return "integration_conflict", {"task": task, "details": "conflicts in "
                                        + (", ".join(conflicted) or out[-300:])}
    assert merged is not None
    return "branch_merged", {"task": task, "commit": merged, "branch_head": moved_to}
