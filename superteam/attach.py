"""Attach to (or switch to) a run's session, selecting and zooming a role's pane."""

from __future__ import annotations

import os
from pathlib import Path

from superteam.errors import SuperteamError
from superteam.runinfo import RunInfo
from superteam.tmux import Tmux


def focus_pane(info: RunInfo, role: str | None) -> Tmux:
    tmux = Tmux(info.socket)
    session = info.paths.session
    if not tmux.has_session(session):
        raise SuperteamError(f"run {info.run_id} has no tmux session (phase: {info.phase})",
                             hint=f"`superteam resume {info.run_id}` starts it again.")
    if role is not None:
        pane = info.panes.get(role)
        if pane is None:
            raise SuperteamError(f"run {info.run_id} has no role '{role}'",
                                 hint=f"Its panes: {', '.join(info.panes)}.")
        zoomed = tmux.run("display-message", "-p", "-t", pane, "#{window_zoomed_flag}") == "1"
        commands = [["select-pane", "-t", pane]]
        if zoomed:
            commands.insert(0, ["resize-pane", "-Z", "-t", pane])  # unzoom whatever was zoomed
        commands.append(["resize-pane", "-Z", "-t", pane])
        tmux.chain(commands)
    return tmux


def _inside_same_server(tmux: Tmux) -> bool:
    current = os.environ.get("TMUX")
    if not current:
        return False
    ours = tmux.run("display-message", "-p", "#{socket_path}", check=False)
    return bool(ours) and Path(current.split(",")[0]) == Path(ours)


def attach(info: RunInfo, role: str | None) -> None:
    tmux = focus_pane(info, role)
    session = f"={info.paths.session}"
    if _inside_same_server(tmux):
        tmux.run("switch-client", "-t", session)
        return
    env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}
    argv = tmux.argv("attach-session", "-t", session)
    os.execvpe(argv[0], argv, env)
