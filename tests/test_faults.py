"""Faults at seeded random points: SIGKILL of the supervisor, an agent or a gate; the tmux
server killed; a full disk under the supervisor. Each run must end exactly like an
uninterrupted one: same feature branch (commit ids included), same accepted contracts, same
gate verdicts, no event lost or applied twice. `pytest --soak` runs 36 points instead of 3."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest
from helpers import make_repo, superteam, wait_until
from scripted_team import (
    FULL_RUN,
    events,
    launch,
    outcome,
    reference_outcome,
    status,
    use_scripted_team,
    wait_for_event,
)

# Gates slow enough to be killed while they run, with FULL_RUN's verdicts.
GATES = {"plan": [], "handoff": ["sleep 0.3; grep -q 'a \\* b' calc.py"],
         "integrate": ["sleep 0.3; grep -q 'def div' calc.py"], "timeout": 60}
SCRIPT = {**FULL_RUN, "key": "work"}  # a restarted agent replays the same step


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "seed" in metafunc.fixturenames:
        count = 36 if metafunc.config.getoption("soak") else 3
        metafunc.parametrize("seed", range(count))


def fresh(base: Path) -> Path:
    repo = make_repo(base / "repo")
    use_scripted_team(repo, SCRIPT, gates=GATES)
    return repo


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    result = reference_outcome(tmp_path_factory, fresh)
    assert result["integrated"] == ["T1", "T2"] and result["finished"] == 1
    return result


def supervisor_pid(repo: Path, run: str) -> int:
    return int([e for e in events(repo, run) if e["type"] == "supervisor_started"][-1]["data"]["pid"])


def resume_and_finish(repo: Path, run: str) -> None:
    wait_until(lambda: not status(repo, run)["panes"].get("supervisor"), timeout=15,
               message="the supervisor to be gone")
    out = superteam("resume", run, cwd=repo)
    assert out.returncode == 0, out.stderr
    wait_for_event(repo, run, "run_finished", timeout=90)


def kill_agent(repo: Path, run: str, socket: str) -> bool:
    """SIGKILL the process group of the next live agent; False if the run ended first."""
    def live_agent() -> int | None:
        evs = events(repo, run)
        if "run_finished" in [e["type"] for e in evs]:
            return -1
        started = [e for e in evs if e["type"] == "assignment_started" and "pane" in e["data"]]
        if not started:
            return None
        out = subprocess.run(["tmux", "-L", socket, "display-message", "-p", "-t",
                              started[-1]["data"]["pane"], "#{pane_dead} #{pane_pid}"],
                             capture_output=True, text=True).stdout.split()
        return int(out[1]) if len(out) == 2 and out[0] == "0" else None

    pid = wait_until(live_agent, timeout=60, interval=0.005, message="a live agent")
    if pid == -1:
        return False
    try:
        os.killpg(int(pid), signal.SIGKILL)  # type: ignore[arg-type]
    except ProcessLookupError:
        return False
    return True


def kill_gate(repo: Path, run: str) -> bool:
    procs = repo / ".superteam/runs" / run / "procs"

    def gate_pid() -> int | None:
        if "run_finished" in [e["type"] for e in events(repo, run)]:
            return -1
        for f in procs.glob("gate-*.pid"):
            try:
                return int(f.read_text())
            except (OSError, ValueError):
                continue
        return None

    pid = wait_until(gate_pid, timeout=60, interval=0.01, message="a gate to run")
    if pid == -1:
        return False
    try:
        os.kill(int(pid), signal.SIGKILL)  # type: ignore[arg-type]
    except ProcessLookupError:
        return False
    return True


def test_kill_at_a_seeded_point(tmp_path: Path, tmux_socket: str, reference: dict[str, Any],
                                seed: int) -> None:
    rng = random.Random(seed)
    victim = ("supervisor", "agent", "gate")[seed % 3]
    kill_after = rng.randint(3, 24)
    repo = fresh(tmp_path)
    run = launch(repo)
    wait_until(lambda: len(events(repo, run)) >= kill_after or
               "run_finished" in [e["type"] for e in events(repo, run)], timeout=90,
               message=f"{kill_after} events")
    if victim == "supervisor":
        os.kill(supervisor_pid(repo, run), signal.SIGKILL)
        resume_and_finish(repo, run)
    else:
        killed = kill_agent(repo, run, tmux_socket) if victim == "agent" else kill_gate(repo, run)
        assert killed, f"seed {seed}: the run ended before the {victim} could be killed"
        wait_for_event(repo, run, "run_finished", timeout=90)
    assert outcome(repo, run) == reference, f"seed {seed}: {victim} killed after {kill_after} events"


def test_tmux_server_killed_then_resumed(tmp_path: Path, tmux_socket: str,
                                         reference: dict[str, Any]) -> None:
    repo = fresh(tmp_path)
    run = launch(repo)
    wait_until(lambda: len(events(repo, run)) >= 12, timeout=60, message="12 events")
    subprocess.run(["tmux", "-L", tmux_socket, "kill-server"], check=True)
    st = status(repo, run)
    assert st["session_alive"] is False and st["session_lost"] is True
    assert "session gone" in superteam("status", cwd=repo).stdout
    out = superteam("resume", run, cwd=repo)
    assert out.returncode == 0 and "new session" in out.stdout, out.stderr
    wait_for_event(repo, run, "run_finished", timeout=90)
    assert outcome(repo, run) == reference


def test_full_disk_under_the_supervisor(tmp_path: Path, tmux_socket: str,
                                        reference: dict[str, Any]) -> None:
    repo = fresh(tmp_path)
    run = launch(repo)
    rundir = repo / ".superteam/runs" / run
    wait_until(lambda: len(events(repo, run)) >= 6, timeout=60, message="6 events")
    pid = supervisor_pid(repo, run)
    limit = (rundir / "events.jsonl").stat().st_size + 300
    # From now on no file the supervisor writes may grow past `limit` bytes: a full disk.
    subprocess.run(["prlimit", f"--pid={pid}", f"--fsize={limit}:{limit}"], check=True)
    wait_until(lambda: "cannot write" in (rundir / "logs/supervisor.log").read_text(),
               timeout=60, message="the supervisor to stop on the write error")
    json.loads((rundir / "state.json").read_text())  # never torn
    assert all(json.loads(line) for line in (rundir / "events.jsonl").read_text().splitlines()
               if line.endswith("}"))
    resume_and_finish(repo, run)
    assert outcome(repo, run) == reference
