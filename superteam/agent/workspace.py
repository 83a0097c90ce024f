"""The file and shell tools, confined to one worktree (DESIGN §6).

Every path is relative to the worktree; one that resolves outside it (``..``, an absolute
path, a symlink leading out) is refused. Results are text, cut at the role's byte cap.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import signal
import subprocess
from pathlib import Path

from superteam.policy import refusal

SCRUBBED_ENV = ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "SUPERTEAM_SUPERVISOR")


class ToolError(Exception):
    """A tool call that failed: its message goes back to the model as an error result."""


def cut(text: str, limit: int) -> str:
    """``text`` within ``limit`` bytes (UTF-8), keeping its head and tail and saying so."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    note = f"\n[... output cut: {len(data) - limit} of {len(data)} bytes left out ...]\n"
    keep = max(0, limit - len(note.encode()))
    head = data[: keep // 2].decode("utf-8", "ignore")
    tail = data[len(data) - (keep - keep // 2):].decode("utf-8", "ignore")
    return head + note + tail


class Workspace:
    def __init__(self, root: Path, *, writable: bool, deny: list[str], allow: list[str],
                 shell_timeout: int, output_bytes: int) -> None:
        self.root = Path(os.path.realpath(root))
        self.writable = writable
        self.deny, self.allow = deny, allow
        self.shell_timeout = shell_timeout
        self.output_bytes = output_bytes

    # --- paths -------------------------------------------------------------------------------
    def resolve(self, path: str | None, *, for_write: bool = False) -> Path:
        text = (path or ".").strip() or "."
        if "\x00" in text:
            raise ToolError("the path contains a NUL byte")
        if Path(text).is_absolute() or text.startswith("~"):
            raise ToolError(f"{text}: absolute paths are refused; give a path relative to "
                            "your worktree")
        real = Path(os.path.realpath(self.root / text))
        if real != self.root and not real.is_relative_to(self.root):
            raise ToolError(f"{text}: resolves outside your worktree; refused")
        rel = real.relative_to(self.root)
        if for_write and (".git" in rel.parts or rel == Path(".")):
            raise ToolError(f"{text}: not a file you may write")
        return real

    def _rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix() or "."

    def _need_write(self) -> None:
        if not self.writable:
            raise ToolError("this role is read-only; it cannot change files")

    # --- tools -------------------------------------------------------------------------------
    def read_file(self, path: str, offset: int | None = None, limit: int | None = None) -> str:
        target = self.resolve(path)
        if not target.is_file():
            raise ToolError(f"{path}: no such file")
        text = target.read_bytes().decode("utf-8", "replace")
        lines = text.splitlines()
        start = max(1, int(offset or 1))
        end = len(lines) if not limit else min(len(lines), start - 1 + int(limit))
        numbered = "\n".join(f"{n:6}\t{lines[n - 1]}" for n in range(start, end + 1))
        footer = f"\n[lines {start}-{end} of {len(lines)}]" if (start > 1 or end < len(lines)) else ""
        return cut(numbered + footer if lines else "(empty file)", self.output_bytes)

    def list_files(self, path: str | None = None, pattern: str | None = None) -> str:
        target = self.resolve(path)
        out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard",
                              "--", self._rel(target)], cwd=self.root, capture_output=True,
                             text=True).stdout.splitlines()
        names = sorted(set(out))
        if pattern:
            names = [n for n in names if fnmatch.fnmatch(n, pattern)
                     or fnmatch.fnmatch(Path(n).name, pattern)]
        return cut("\n".join(names) if names else "(no files)", self.output_bytes)

    def search(self, pattern: str, path: str | None = None) -> str:
        target = self.resolve(path)
        proc = subprocess.run(["git", "grep", "-n", "-I", "--untracked", "-E", "-e", pattern,
                               "--", self._rel(target)], cwd=self.root, capture_output=True,
                              text=True)
        if proc.returncode == 1:
            return "(no matches)"
        if proc.returncode != 0:
            raise ToolError(proc.stderr.strip() or "search failed")
        return cut(proc.stdout.rstrip("\n"), self.output_bytes)

    def write_file(self, path: str, content: str) -> str:
        self._need_write()
        target = self.resolve(path, for_write=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        return f"wrote {self._rel(target)} ({len(content.encode())} bytes)"

    def edit_file(self, path: str, old: str, new: str) -> str:
        self._need_write()
        target = self.resolve(path, for_write=True)
        if not target.is_file():
            raise ToolError(f"{path}: no such file")
        text = target.read_text(encoding="utf-8")
        count = text.count(old) if old else 0
        if count != 1:
            raise ToolError(f"`old` must occur exactly once in {path}; it occurs {count} times")
        target.write_text(text.replace(old, new, 1), encoding="utf-8")
        return f"edited {self._rel(target)}"

    def run_shell(self, command: str, timeout: int | None = None) -> tuple[str, bool]:
        """(output, failed). A refused command is not run."""
        reason = refusal(command, self.deny, self.allow)
        if reason is not None:
            raise ToolError(f"not run: {reason}")
        limit = min(int(timeout or self.shell_timeout), self.shell_timeout)
        env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
        proc = subprocess.Popen(["bash", "-c", command], cwd=self.root, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            output, _ = proc.communicate(timeout=limit)
            status = f"[exit {proc.returncode}]"
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            output, _ = proc.communicate()
            status = f"[timed out after {limit}s; killed]"
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # nothing it started may linger
        text = output.decode("utf-8", "replace").rstrip("\n")
        return cut(f"{text}\n{status}" if text else status, self.output_bytes), \
            proc.returncode != 0
