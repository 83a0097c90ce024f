"""The run's tmux session: a pane for the supervisor and one per role, each titled.

The whole session is built with one tmux client call (chained commands), which is most of
what makes `launch` fast.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

from superteam.tmux import Tmux, TmuxCall

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


def after_file(path: Path, command: str) -> str:
    """A pane command that runs ``command`` once ``path`` exists.

    Launch holds the supervisor with it until the run is complete: it costs launch nothing (no
    extra tmux call) and keeps the supervisor's start-up off the CPU while git works, however
    long the checkouts take. It polls every 20 ms for 5 s, then every second; if the folder
    of ``path`` goes (launch failed and undid the run), it gives up. A POSIX sh loop, run by
    `sh -c` because the pane's own shell (tmux's default-shell) may be any shell.
    """
    gate, folder = shlex.quote(str(path)), shlex.quote(str(path.parent))
    script = (f"i=0; until [ -e {gate} ]; do [ -d {folder} ] || exit 0; "
              'if [ "$i" -lt 250 ]; then sleep 0.02; else sleep 1; fi; i=$((i+1)); done; '
              f"exec {command}")
    return f"exec sh -c {shlex.quote(script)}"


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
    return start_session(tmux, session, cwd, supervisor_cmd, roles).panes()


class StartingSession:
    """A session being created by one tmux call, so the caller can work meanwhile."""

    def __init__(self, call: TmuxCall, names: list[str]) -> None:
        self.call, self.names = call, names

    def panes(self) -> dict[str, str]:
        """Wait for the session; {"supervisor": pane_id, role: pane_id, ...}."""
        return dict(zip(self.names, self.call.output().split(), strict=True))


def start_session(tmux: Tmux, session: str, cwd: Path, supervisor_cmd: str,
                  roles: dict[str, Path]) -> StartingSession:
    """Start creating the session: a pane for the supervisor, one per role, all titled.

    `select-pane` with no target titles the pane just made: new-session and split-window make
    their new pane the current one for the rest of the command sequence.
    """
    names = [SUPERVISOR, *roles]
    window = f"={session}:team"
    commands: list[list[str]] = [
        ["new-session", "-d", "-s", session, "-n", "team", "-x", "220", "-y", "60", "-c",
         str(cwd), *session_env(), "-P", "-F", "#{pane_id}", supervisor_cmd],
        ["select-pane", "-T", f"{SUPERVISOR}: starting"],
        ["set-option", "-w", "-t", window, "remain-on-exit", "on"],
        ["set-option", "-w", "-t", window, "pane-border-status", "top"],
        ["set-option", "-w", "-t", window, "pane-border-format", " #{pane_title} "],
        ["set-option", "-w", "-t", window, "allow-rename", "off"],
    ]
    for role, worktree in roles.items():
        commands.append(["split-window", "-t", window, "-c", str(worktree), "-P", "-F",
                         "#{pane_id}", idle_command(role)])
        commands.append(["select-pane", "-T", f"{role}: starting"])
        commands.append(["select-layout", "-t", window, "tiled"])
    return StartingSession(tmux.start_chain(commands), names)
