"""Shell hard-gates: run each command in a worktree, log everything, let the exit code decide.

Each command runs in its own process group (so a timeout kills everything it started) with
its pid recorded in the run's procs/ folder (so `superteam stop` can end it even if the
supervisor is gone). Lock descriptors are close-on-exec and are not inherited.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

TAIL_LINES = 100
KILLED_RETRIES = 2  # a command killed by SIGKILL from outside (OOM killer, a person) runs again
# Secrets the gate commands (the user's tests) have no business seeing.
SCRUBBED_ENV = ("ANTHROPIC_API_KEY", "SUPERTEAM_SUPERVISOR")


@dataclass(frozen=True)
class GateResult:
    passed: bool
    command: str | None       # the failing command, or None when all passed
    outcome: str              # "passed", "exited 1", "timed out after 900s"
    tail: str                 # the last lines of the failing command's output
    seconds: float


def _tail(path: Path, start: int, lines: int = TAIL_LINES) -> str:
    with path.open("rb") as fh:
        fh.seek(start)
        kept: deque[bytes] = deque(fh, maxlen=lines)
    return b"".join(kept).decode("utf-8", "replace").rstrip("\n")


def _kill_group(proc: subprocess.Popen[bytes], grace: float = 2.0) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=grace)
            # The leader is gone; members may linger if they ignored SIGTERM.
        except subprocess.TimeoutExpired:
            continue
        if sig == signal.SIGTERM:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
        return


def _run_one(command: str, cwd: Path, env: dict[str, str], log: BinaryIO, timeout: float,
             pid_file: Path) -> tuple[int | None, str, int]:
    """(exit code or None on timeout, outcome, where its output starts in the log)."""
    log.write(f"$ {command}\n".encode())
    log.flush()
    start_offset = log.tell()
    t0 = time.monotonic()
    proc = subprocess.Popen(["bash", "-c", command], cwd=cwd, env=env, stdout=log,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True, close_fds=True)
    pid_file.write_text(str(proc.pid))
    code: int | None
    try:
        code = proc.wait(timeout=timeout)
        outcome = "passed" if code == 0 else f"exited {code}"
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        code, outcome = None, f"timed out after {timeout:g}s"
    finally:
        with contextlib.suppress(FileNotFoundError):
            pid_file.unlink()
    # Members of the group may outlive a passing leader: they must not linger.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    log.write(f"[{outcome} in {time.monotonic() - t0:.1f}s]\n".encode())
    log.flush()
    return code, outcome, start_offset


def run_gate(commands: list[str] | tuple[str, ...], cwd: Path, log_path: Path, timeout: float,
             procs_dir: Path, label: str) -> GateResult:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
    log_path.parent.mkdir(parents=True, exist_ok=True)
    procs_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with log_path.open("ab") as log:
        for command in commands:
            for attempt in range(KILLED_RETRIES + 1):
                code, outcome, start_offset = _run_one(command, cwd, env, log, timeout,
                                                       procs_dir / f"gate-{label}.pid")
                if code != -signal.SIGKILL or attempt == KILLED_RETRIES:
                    break
                log.write(b"[killed by SIGKILL from outside, not by the gate: running it again]\n")
            if code != 0:
                tail = _tail(log_path, start_offset)
                return GateResult(False, command, outcome, tail, time.monotonic() - started)
    return GateResult(True, None, "passed", "", time.monotonic() - started)
