"""The run's tmux session: a pane for the supervisor and one per role, each titled.

The whole session is built with one tmux client call (chained commands), which is most of
what makes `launch` fast.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

from superteam.tmux import Tmux

SUPERVISOR = "supervisor"
# Variables an agent or gate needs from the launching shell. The server of a long-lived tmux
# may have been started with another environment, so they are set on the session.
PASSED_ENV = ("PATH", "VIRTUAL_ENV", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "SUPERTEAM_HOME",
              "SUPERTEAM_TMUX_SOCKET", "HOME", "SUPERTEAM_REPLAY", "SUPERTEAM_RETRY_BASE")


def superteam_argv(*args: str) -> str:
    """A shell command line that runs this same superteam (whatever venv launched it)."""
    return shlex.join([sys.executable, "-m", "superteam", *args])


def idle_command(role: str) -> str:
    notice = " (replayed model: no API calls)" if os.environ.get("SUPERTEAM_REPLAY") else ""
    text = shlex.quote(f"{role}: waiting for an assignment{notice}")
    return f"printf '%s\\n' {text}; exec tail -f /dev/null"


def session_env() -> list[str]:
    args = []
    for name in PASSED_ENV:
        value = os.environ.get(name)
        if value is not None:
            args += ["-e", f"{name}={value}"]
    return args


def create_session(tmux: Tmux, session: str, cwd: Path, supervisor_cmd: str,
                   roles: dict[str, Path]) -> dict[str, str]:
    """Create the session; returns {"supervisor": pane_id, role: pane_id, ...}."""
    names = [SUPERVISOR, *roles]
    commands: list[list[str]] = [
        ["new-session", "-d", "-s", session, "-n", "team", "-x", "220", "-y", "60", "-c",
         str(cwd), *session_env(), "-P", "-F", "#{pane_id}", supervisor_cmd],
        ["set-option", "-w", "-t", f"={session}:team", "remain-on-exit", "on"],
        ["set-option", "-w", "-t", f"={session}:team", "pane-border-status", "top"],
        ["set-option", "-w", "-t", f"={session}:team", "pane-border-format", " #{pane_title} "],
        ["set-option", "-w", "-t", f"={session}:team", "allow-rename", "off"],
    ]
    for role, worktree in roles.items():
        commands.append(["split-window", "-t", f"={session}:team", "-c", str(worktree), "-P", "-F",
                         "#{pane_id}", idle_command(role)])
        commands.append(["select-layout", "-t", f"={session}:team", "tiled"])
    out = tmux.chain(commands).split()
    panes = dict(zip(names, out, strict=True))
    titles: list[list[str]] = [["select-pane", "-t", pane, "-T", f"{name}: starting"]
                               for name, pane in panes.items()]
    tmux.chain(titles)
    return panes
