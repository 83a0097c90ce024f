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


class Tmux:
    """Commands against one tmux server."""

    def __init__(self, socket: str | None) -> None:
        self.socket = socket

    def argv(self, *args: str) -> list[str]:
        base = ["tmux"] + (["-L", self.socket] if self.socket else [])
        return [*base, *args]

    def run(self, *args: str, check: bool = True) -> str:
        try:
            proc = subprocess.run(self.argv(*args), capture_output=True, text=True,
                                  stdin=subprocess.DEVNULL)
        except FileNotFoundError:
            require_tmux()
            raise
        if check and proc.returncode != 0:
            raise TmuxError(f"tmux {args[0]} failed: {proc.stderr.strip()}")
        return proc.stdout.rstrip("\n")

    def chain(self, commands: Sequence[Sequence[str]]) -> str:
        """Run several tmux commands in one client invocation (``cmd1 ; cmd2 ; ...``)."""
        args: list[str] = []
        for i, command in enumerate(commands):
            if i:
                args.append(";")
            args.extend(command)
        return self.run(*args)

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
