"""What launch asks git before it changes anything, asked all at once.

Kept apart from `superteam.launch` and light to import: the CLI starts these git processes
first and imports the rest of launch while they run.
"""

from __future__ import annotations

from pathlib import Path

from superteam import git as g
from superteam.errors import ConfigError, SuperteamError


class Preflight:
    """Everything launch asks git before it changes anything, asked at once: four processes
    in parallel cost about what one does."""

    def __init__(self, cwd: Path, branch: str, base: str | None) -> None:
        self.branch, self.base = branch, base
        start_ref = "HEAD" if base is None else base
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
        root = g.main_worktree(self.worktrees, cwd)
        return root, root / ".git"

    def start(self) -> tuple[str, bool]:
        """(start commit, whether BR must be created); raises on anything wrong."""
        branch, base = self.branch, self.base
        if not self.name_ok.succeeded() or branch.startswith("superteam/"):
            raise ConfigError(f"--branch: '{branch}' is not a usable branch name",
                              hint="Use a git branch name outside the superteam/ namespace.")
        holder = g.parse_worktree_list(self.worktrees.output()).get(branch)
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
