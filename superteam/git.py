"""A thin layer over the git CLI. Every call names its directory; none touches the user's index."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from superteam.errors import SuperteamError

# Keep git from prompting or paging, whatever the user's setup.
_GIT_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "LC_ALL": "C"}


class GitError(SuperteamError):
    def __init__(self, args: list[str], stderr: str, returncode: int) -> None:
        self.stderr = stderr.strip()
        self.returncode = returncode
        super().__init__(f"git {' '.join(args)} failed: {self.stderr or f'exit {returncode}'}")


class GitProcess:
    """A git command started now, its output collected by ``output()``: several can run at
    once (launch asks its questions of git in parallel)."""

    def __init__(self, cwd: Path | str, *args: str, env: dict[str, str] | None = None,
                 input: str | None = None) -> None:
        self.args = list(args)
        try:
            self.proc = subprocess.Popen(
                ["git", *args], cwd=cwd, text=True, env={**os.environ, **_GIT_ENV, **(env or {})},
                stdin=subprocess.DEVNULL if input is None else subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        except FileNotFoundError:
            raise SuperteamError("git is not installed or not on PATH",
                                 hint="Install it (Debian: apt-get install -y git).") from None
        if input is not None:
            assert self.proc.stdin is not None
            try:
                self.proc.stdin.write(input)
                self.proc.stdin.close()
            except BrokenPipeError:
                pass
            self.proc.stdin = None  # written: communicate() must not touch it again
        self._result: tuple[str, str] | None = None

    def _wait(self) -> tuple[str, str]:
        if self._result is None:
            self._result = self.proc.communicate()
        return self._result

    def output(self, check: bool = True) -> str:
        """Wait for it; stdout without its trailing newline."""
        out, err = self._wait()
        if check and self.proc.returncode != 0:
            raise GitError(self.args, err, self.proc.returncode)
        return out.rstrip("\n")

    def succeeded(self) -> bool:
        """Wait for it; whether it exited 0."""
        self._wait()
        return self.proc.returncode == 0


def git(cwd: Path | str, *args: str, check: bool = True, env: dict[str, str] | None = None,
        input: str | None = None) -> str:
    """Run git in ``cwd``; returns stdout without its trailing newline."""
    return GitProcess(cwd, *args, env=env, input=input).output(check)


def git_ok(cwd: Path | str, *args: str) -> bool:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True,
                          env={**os.environ, **_GIT_ENV}).returncode == 0


def repo_root(start: Path | str = ".") -> Path:
    """The main worktree of the repository containing ``start`` (even from a linked worktree)."""
    return main_worktree(GitProcess(start, "worktree", "list", "--porcelain"), start)


def main_worktree(listing: GitProcess, start: Path | str) -> Path:
    """The main worktree, from a running `git worktree list --porcelain` (its first entry);
    refused unless it is a checkout with its own .git folder."""
    if not listing.succeeded():
        raise SuperteamError(f"{Path(start).resolve()} is not inside a git repository",
                             hint="Run superteam from your project's checkout (or `git init`).")
    main = listing.output().partition("\n\n")[0].splitlines()
    root = Path(main[0].removeprefix("worktree "))
    if "bare" in main or not (root / ".git").is_dir():
        raise SuperteamError(f"{root} is a bare repository or has no .git folder; superteam "
                             "needs a checkout with its own .git folder")
    return root


def rev_parse(cwd: Path | str, ref: str) -> str | None:
    out = git(cwd, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
    return out or None


def branch_exists(cwd: Path | str, branch: str) -> bool:
    return git_ok(cwd, "show-ref", "--verify", "--quiet", f"refs/heads/{branch}")


def is_ancestor(cwd: Path | str, older: str, newer: str) -> bool:
    return git_ok(cwd, "merge-base", "--is-ancestor", older, newer)


def commits_not_on(cwd: Path | str, ref: str, base: str) -> list[str]:
    """One-line descriptions of the commits on ``ref`` that ``base`` does not contain."""
    out = git(cwd, "log", "--format=%h %s", f"{base}..{ref}")
    return [line for line in out.splitlines() if line]


def version() -> tuple[int, ...] | None:
    try:
        out = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout
    except FileNotFoundError:
        return None
    return _parse_version(out.split()[-1] if out.split() else "")


def _parse_version(text: str) -> tuple[int, ...] | None:
    parts = []
    for piece in text.split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts) or None


def worktree_status(cwd: Path | str) -> tuple[str | None, str | None, bool]:
    """(branch, HEAD commit, has uncommitted changes) from one `git status` call."""
    out = git(cwd, "status", "--porcelain=v2", "--branch", "--untracked-files=all", check=False)
    branch = head = None
    dirty = False
    for line in out.splitlines():
        if line.startswith("# branch.oid "):
            oid = line.split()[2]
            head = None if oid == "(initial)" else oid
        elif line.startswith("# branch.head "):
            name = line.split(maxsplit=2)[2]
            branch = None if name == "(detached)" else name
        elif not line.startswith("#"):
            dirty = True
    return branch, head, dirty


FALLBACK_IDENTITY = {"GIT_AUTHOR_NAME": "superteam", "GIT_AUTHOR_EMAIL": "superteam@localhost",
                     "GIT_COMMITTER_NAME": "superteam",
                     "GIT_COMMITTER_EMAIL": "superteam@localhost"}


def identity_env(cwd: Path | str) -> dict[str, str]:
    """The environment for a commit superteam makes: the user's identity when git has one,
    else a fallback, so a machine without `user.email` does not stop the run."""
    if os.environ.get("GIT_AUTHOR_EMAIL") or git(cwd, "config", "user.email", check=False):
        return {}
    return {k: v for k, v in FALLBACK_IDENTITY.items() if not os.environ.get(k)}


def parse_worktree_list(porcelain: str) -> dict[str, Path]:
    """branch -> the worktree that has it checked out, from `git worktree list --porcelain`."""
    holders: dict[str, Path] = {}
    current: Path | None = None
    for line in porcelain.splitlines():
        if line.startswith("worktree "):
            current = Path(line.removeprefix("worktree "))
        elif line.startswith("branch refs/heads/") and current is not None:
            holders[line.removeprefix("branch refs/heads/")] = current
    return holders
