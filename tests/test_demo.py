"""`superteam demo`: the whole team, offline, against the bundled replayed model."""

from __future__ import annotations

import json
from pathlib import Path

import libtmux
from helpers import run_git, superteam, wait_until
from scripted_team import wait_for_event

from superteam.procs import alive


def test_demo_runs_the_whole_flow(tmp_path: Path, tmux_socket: str) -> None:
    out = superteam("demo", "--dir", str(tmp_path), "--detach", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "replayed model: no API calls" in out.stdout
    repo = next(tmp_path.glob("superteam-demo-*/wordcount"))
    run = next(p for p in (repo / ".superteam/runs").iterdir() if p.is_dir()).name
    wait_for_event(repo, run, "run_finished", timeout=120)
    evs = [json.loads(line) for line in (repo / ".superteam/runs" / run / "events.jsonl")
           .read_text().splitlines()]
    gates = [e["data"]["passed"] for e in evs if e["type"] == "gate_finished"]
    verdicts = [e["data"]["contract"]["verdict"] for e in evs if e["type"] == "review_accepted"]
    plan = next(e for e in evs if e["type"] == "plan_accepted")["data"]["contract"]
    assert len(plan["tasks"]) == 2
    assert gates[0] is False and all(gates[1:])  # the gate fails once
    assert verdicts == ["changes_requested", "approve", "approve"]
    assert "def top_words" in run_git(repo, "show", "feature/word-stats:wordcount.py")
    assert run_git(repo, "rev-parse", "main") != run_git(repo, "rev-parse", "feature/word-stats")
    server = libtmux.Server(socket_name=tmux_socket)
    for pane in server.sessions[0].panes:
        text = "\n".join(server.cmd("capture-pane", "-p", "-S", "-500", "-t", pane.pane_id).stdout)
        assert "replayed model: no API calls" in text, pane.pane_title
    # `stop` also ends the demo's replayed model, whose pid the demo recorded with the run.
    pid = int((repo / ".superteam/runs" / run / "procs/replay-model.pid").read_text())
    assert alive(pid)
    assert superteam("stop", run, cwd=repo).returncode == 0
    wait_until(lambda: not alive(pid), message="the replayed model to end")
