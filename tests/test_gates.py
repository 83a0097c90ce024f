"""Gates run real commands: exit codes decide, timeouts kill the whole process group."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import wait_until

from superteam.gates import run_gate
from superteam.procs import alive


def test_passing_and_failing_commands(tmp_path: Path) -> None:
    log = tmp_path / "g.log"
    result = run_gate(["true", "echo hello; exit 3", "echo never"], tmp_path, log, 30,
                      tmp_path / "procs", "T1-1")
    assert not result.passed and result.command == "echo hello; exit 3"
    assert result.outcome == "exited 3" and "hello" in result.tail
    text = log.read_text()
    assert "$ true" in text and "[exited 3 in" in text and "never" not in text
    assert run_gate(["true"], tmp_path, log, 30, tmp_path / "procs", "x").passed


def test_missing_command_fails_clearly(tmp_path: Path) -> None:
    result = run_gate(["no-such-command-xyz --flag"], tmp_path, tmp_path / "g.log", 30,
                      tmp_path / "procs", "T1-1")
    assert not result.passed and result.outcome == "exited 127"
    assert "no-such-command-xyz: command not found" in result.tail


def test_hanging_command_times_out_and_its_group_dies(tmp_path: Path) -> None:
    pidfile = tmp_path / "child.pid"
    result = run_gate([f"sleep 300 & echo $! > {pidfile}; wait"], tmp_path, tmp_path / "g.log",
                      0.5, tmp_path / "procs", "T1-1")
    assert not result.passed and result.outcome == "timed out after 0.5s"
    child = int(pidfile.read_text())
    wait_until(lambda: not alive(child), timeout=10, message="the gate's child to die")
    assert not list((tmp_path / "procs").iterdir())  # pid files are removed


def test_tail_is_the_last_hundred_lines(tmp_path: Path) -> None:
    result = run_gate(["seq 1 500; exit 1"], tmp_path, tmp_path / "g.log", 30, tmp_path / "p", "l")
    lines = result.tail.splitlines()
    assert len(lines) == 100 and lines[-1].startswith("[exited 1") and lines[-2] == "500"


def test_gate_does_not_see_the_api_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-secret-for-test")
    result = run_gate(['test -z "$ANTHROPIC_API_KEY"'], tmp_path, tmp_path / "g.log", 30,
                      tmp_path / "p", "l")
    assert result.passed
