"""The supervisor's side of an accepted handoff: the build branch's commit to hand on.

What the builder left uncommitted is committed for it (with its contract's summary), and the
build branch must still contain the feature branch, so the work can be fast-forwarded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from superteam import git as g
from superteam.errors import ContractError
from superteam.state import RunState
from superteam.worktrees import SUPERVISOR_ENV


def finalize_handoff(wt: Path, s: RunState, contract: dict[str, Any]) -> str:
    """Commit what the builder left uncommitted in ``wt``; the build branch's HEAD."""
    branch, head, dirty = g.worktree_status(wt)
    if dirty:
        try:
            g.git(wt, "add", "-A", env=SUPERVISOR_ENV)
            g.git(wt, "commit", "-q", "--no-verify", "-m",
                  f"{contract['task_id']}: {contract['summary']}",
                  env={**SUPERVISOR_ENV, **g.identity_env(wt)})
        except g.GitError as exc:
            raise ContractError("handoff", [f"could not commit the work left in the "
                                            f"worktree: {exc.stderr[-300:]}"]) from None
        head = g.rev_parse(wt, "HEAD")
    if head is None or branch != s.build_branch:
        raise ContractError("handoff", [f"the builder's worktree is not on {s.build_branch}"])
    if not g.is_ancestor(wt, s.branch_head, head):
        raise ContractError("handoff", [f"the build branch no longer contains {s.branch} "
                                        f"({s.branch_head[:10]}); history was rewritten"])
    return head
