"""Durable resume: SIGKILL the supervisor anywhere, `superteam resume`, same end as without."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

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

# Fast gates with the same verdicts as pytest would give on FULL_RUN's files.
GREP_GATES = {"plan": [], "handoff": ["grep -q 'a \\* b' calc.py"],
              "integrate": ["grep -q 'def div' calc.py"], "timeout": 60}


def fresh_repo(base: Path, name: str) -> Path:
    repo = make_repo(base / name)
    use_scripted_team(repo, FULL_RUN, gates=GREP_GATES)
    return repo


def supervisor_pid(repo: Path, run: str) -> int:
    started = [e for e in events(repo, run) if e["type"] == "supervisor_started"]
    return int(started[-1]["data"]["pid"])


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    return reference_outcome(tmp_path_factory, lambda base: fresh_repo(base, "repo"))


# Events in the log when the kill lands (an uninterrupted run has 32).
KILL_AFTER = [3, 5, 7, 9, 12, 15, 18, 21, 24, 27]


@pytest.mark.parametrize("kill_after", KILL_AFTER)
def test_sigkill_then_resume_ends_like_an_uninterrupted_run(
        tmp_path: Path, tmux_socket: str, reference: dict[str, object], kill_after: int) -> None:
    assert reference["integrated"] == ["T1", "T2"] and reference["accepted_once"]
    repo = fresh_repo(tmp_path, "repo")
    run = launch(repo)
    wait_until(lambda: len(events(repo, run)) >= kill_after, timeout=60,
               message=f"{kill_after} events")
    os.kill(supervisor_pid(repo, run), signal.SIGKILL)
    assert "run_finished" not in [e["type"] for e in events(repo, run)], "the kill came too late"
    wait_until(lambda: not status(repo, run)["panes"].get("supervisor"), timeout=10,
               message="the supervisor pane to die")
    out = superteam("resume", run, cwd=repo)
    assert out.returncode == 0, out.stderr
    wait_for_event(repo, run, "run_finished", timeout=60)
    assert outcome(repo, run) == reference
    assert status(repo, run)["phase"] == "done"


def test_resume_after_stop_and_after_the_session_is_gone(tmp_path: Path, tmux_socket: str,
                                                         reference: dict[str, object]) -> None:
    repo = fresh_repo(tmp_path, "repo")
    run = launch(repo)
    wait_until(lambda: len(events(repo, run)) >= 12, timeout=60, message="12 events")
    assert superteam("stop", run, cwd=repo).returncode == 0
    assert status(repo, run)["phase"] == "stopped"
    out = superteam("resume", run, cwd=repo)
    assert out.returncode == 0 and "new session" in out.stdout, out.stderr
    again = superteam("resume", run, cwd=repo)
    assert again.returncode == 1 and "already running" in again.stderr
    wait_for_event(repo, run, "run_finished", timeout=60)
    assert outcome(repo, run) == reference


def test_torn_last_line_is_tolerated(tmp_path: Path, tmux_socket: str,
                                     reference: dict[str, object]) -> None:
    repo = fresh_repo(tmp_path, "repo")
    run = launch(repo)
    wait_until(lambda: len(events(repo, run)) >= 10, timeout=60, message="10 events")
    os.kill(supervisor_pid(repo, run), signal.SIGKILL)
    log = repo / ".superteam/runs" / run / "events.jsonl"
    with log.open("a") as fh:
        fh.write('{"data": {"task": "T1"}, "seq": 999, "ts": "x", "type": "integ')
    wait_until(lambda: not status(repo, run)["panes"].get("supervisor"), timeout=10,
               message="the supervisor pane to die")
    assert superteam("resume", run, cwd=repo).returncode == 0
    wait_for_event(repo, run, "run_finished", timeout=60)
    assert outcome(repo, run) == reference
    assert '"seq": 999' not in log.read_text()


def test_resume_refuses_done_and_unknown(tmp_path: Path, tmux_socket: str) -> None:
    repo = fresh_repo(tmp_path, "repo")
    run = launch(repo)
    wait_for_event(repo, run, "run_finished", timeout=60)
    out = superteam("resume", run, cwd=repo)
    assert out.returncode == 1 and "is done" in out.stderr
    assert superteam("resume", "nope-0000", cwd=repo).returncode == 1
    shutil.rmtree(tmp_path / "repo")
