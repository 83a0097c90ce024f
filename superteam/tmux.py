"""A thin layer over the tmux CLI, always on the run's chosen server (`tmux -L`)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence

from superteam.errors import SuperteamError

SOCKET_ENV = "SUPERTEAM_TMUX_SOCKET"


class TmuxError(SuperteamError):
    pass


def require_tmux() -> str:
    path = shutil.which("tmux")
    if path is None:
        raise SuperteamError("tmux is not installed or not on PATH",
                             hint="Install it (Debian: apt-get install -y tmux), then try again.")
    return path


def version() -> tuple[int, int] | None:
    if shutil.which("tmux") is None:
        return None
    out = subprocess.run(["tmux", "-V"], capture_output=True, text=True).stdout.split()
    text = out[-1] if out else ""
    digits = "".join(ch if ch.isdigit() or ch == "." else " " for ch in text).split()
    if not digits:
        return None
    parts = (digits[0].split(".") + ["0"])[:2]
    return int(parts[0]), int(parts[1] or 0)


def resolve_socket(configured: str | None) -> str | None:
    """SUPERTEAM_TMUX_SOCKET overrides team.yaml's tmux.socket; None is tmux's default server."""
    return os.environ.get(SOCKET_ENV) or configured


class TmuxCall:
    """One tmux client invocation, running."""

    def __init__(self, argv: list[str], name: str) -> None:
        self.name = name
        try:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, text=True)
        except FileNotFoundError:
            require_tmux()
            raise
        self._result: tuple[str, str] | None = None

    def output(self, check: bool = True) -> str:
        """Wait for it; stdout without its trailing newline."""
        if self._result is None:
            self._result = self.proc.communicate()
        out, err = self._result
        if check and self.proc.returncode != 0:
            raise TmuxError(f"tmux {self.name} failed: {err.strip()}")
        return out.rstrip("\n")


class Tmux:
    """Commands against one tmux server."""

    def __init__(self, socket: str | None) -> None:
        self.socket = socket

    def argv(self, *args: str) -> list[str]:
        base = ["tmux"] + (["-L", self.socket] if self.socket else [])
        return [*base, *args]

    def run(self, *args: str, check: bool = True) -> str:
        return self.start(*args).output(check)

    def start(self, *args: str) -> TmuxCall:
        """Start a tmux command and return at once; ``output()`` waits for it."""
        return TmuxCall(self.argv(*args), args[0])

    def chain(self, commands: Sequence[Sequence[str]]) -> str:
        """Run several tmux commands in one client invocation (``cmd1 ; cmd2 ; ...``)."""
        return self.start_chain(commands).output()

    def start_chain(self, commands: Sequence[Sequence[str]]) -> TmuxCall:
        args: list[str] = []
        for i, command in enumerate(commands):
            if i:
                args.append(";")
            args.extend(command)
        return self.start(*args)

    def has_session(self, name: str) -> bool:
        return subprocess.run(self.argv("has-session", "-t", f"={name}"), capture_output=True,
                              stdin=subprocess.DEVNULL).returncode == 0

    def list_panes(self, session: str) -> list[dict[str, str]]:
        fields = ["pane_id", "pane_title", "pane_dead", "pane_pid", "pane_dead_status",
                  "pane_current_command"]
        fmt = "\t".join(f"#{{{f}}}" for f in fields)
        out = self.run("list-panes", "-s", "-t", f"={session}", "-F", fmt, check=False)
        return [dict(zip(fields, line.split("\t"), strict=False))
                for line in out.splitlines() if line]

    def kill_session(self, name: str) -> None:
        if self.has_session(name):
            self.run("kill-session", "-t", f"={name}", check=False)
