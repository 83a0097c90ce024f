"""Security properties: lock descriptors stay in the supervisor; gates and agents see no key."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from helpers import run_git
from scripted_team import (
    APPROVE_STEP,
    ONE_TASK,
    handoff_step,
    launch,
    use_scripted_team,
    wait_for_event,
)

from superteam.locks import locked


def test_lock_descriptors_are_not_inherited(tmp_path: Path) -> None:
    lock = tmp_path / "x.lock"
    with locked(lock):
        # Even a child started without close_fds does not get the lock's descriptor.
        out = subprocess.run(["bash", "-c", "ls -l /proc/$$/fd"], capture_output=True,
                             text=True, close_fds=False, check=True)
    assert "pipe:" in out.stdout  # the listing shows the fds it did inherit
    assert str(lock) not in out.stdout


def test_gates_see_no_lock_and_no_key(repo: Path, tmux_socket: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-gate-must-not-see")
    probe = "ls -l /proc/$$/fd; echo key=$ANTHROPIC_API_KEY"
    use_scripted_team(repo, {"pm": [ONE_TASK], "builder": [handoff_step()], "reviewer": [APPROVE_STEP]},
                      gates={"plan": [], "handoff": [probe], "integrate": [], "timeout": 30})
    run = launch(repo)
    wait_for_event(repo, run, "run_finished")
    log = (repo / ".superteam/runs" / run / "gates/T1-1-handoff.log").read_text()
    assert ".lock" not in log and "key=\n" in log
    assert "sk-ant-gate-must-not-see" not in log
    assert "def mul" in run_git(repo, "show", "feat/x:calc.py")
