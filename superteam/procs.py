"""Ending every process of a run: whole process trees, not only the panes' shells."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces or parentheses; fields resume after the last ')'.
        fields = stat[stat.rfind(")") + 2:].split()
        children.setdefault(int(fields[1]), []).append(int(entry))
    return children


def tree(pids: list[int]) -> list[int]:
    """``pids`` and all their descendants."""
    children = _children_map()
    seen: list[int] = []
    stack = list(pids)
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.append(pid)
        stack.extend(children.get(pid, []))
    return seen


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie has exited; it only waits for its parent
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def kill_trees(pids: list[int], *, grace: float = 3.0) -> None:
    """SIGTERM every process group and process in the trees, then SIGKILL what is left."""
    targets = [p for p in tree(pids) if p != os.getpid()]
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in targets:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, sig) if _is_group_leader(pid) else os.kill(pid, sig)
        deadline = time.monotonic() + grace
        while any(alive(p) for p in targets) and time.monotonic() < deadline:
            time.sleep(0.02)
        targets = [p for p in targets if alive(p)]
        if not targets:
            return


def _is_group_leader(pid: int) -> bool:
    try:
        return os.getpgid(pid) == pid
    except ProcessLookupError:
        return False


def recorded_pids(folder: Path, pattern: str = "*.pid") -> list[int]:
    """pids recorded for a run's processes outside tmux (gates, the demo's replayed model)."""
    pids = []
    if folder.is_dir():
        for f in folder.glob(pattern):
            with contextlib.suppress(OSError, ValueError):
                pids.append(int(f.read_text().strip()))
    return pids
