"""Whole runs with the real supervisor, real tmux and git, agents played by scripted processes."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run_git, superteam
from scripted_team import (
    FULL_RUN,
    PYTEST_GATES,
    event_types,
    events,
    launch,
    status,
    use_scripted_team,
    wait_for_event,
)


def test_full_run_moves_branch_to_exactly_the_approved_commits(repo: Path, tmux_socket: str) -> None:
    use_scripted_team(repo, FULL_RUN, gates=PYTEST_GATES)
    before = run_git(repo, "status", "--porcelain")
    run = launch(repo)
    wait_for_event(repo, run, "run_finished", timeout=90)
    evs = events(repo, run)
    types = [e["type"] for e in evs]
    gates = [(e["data"]["label"], e["data"]["passed"]) for e in evs if e["type"] == "gate_finished"]
    assert gates == [("T1-1", False), ("T1-2", True), ("T1-3", True), ("T2-1", True),
                     ("final-5", True)]
    verdicts = [e["data"]["contract"]["verdict"] for e in evs if e["type"] == "review_accepted"]
    assert verdicts == ["changes_requested", "approve", "approve"]
    integrated = [e["data"] for e in evs if e["type"] == "integrated"]
    assert [i["task"] for i in integrated] == ["T1", "T2"]
    # BR moved exactly to the approved commits, by fast-forward.
    head = run_git(repo, "rev-parse", "feat/x")
    assert head == integrated[-1]["commit"]
    approved = {e["data"]["commit"] for e in evs if e["type"] == "handoff_accepted"
                and e["data"]["number"] in (3,) and e["data"]["contract"]["task_id"] == "T1"}
    assert integrated[0]["commit"] in approved
    log = run_git(repo, "log", "--format=%s", "feat/x").splitlines()
    assert log[:4] == ["T2: did T2", "T1: did T1", "T1: did T1", "T1: did T1"]
    assert "def div" in run_git(repo, "show", "feat/x:calc.py")
    # The reviewer's findings reached the builder's next prompt; the gate's output too.
    rundir = repo / ".superteam/runs" / run
    prompts = sorted((rundir / "assignments").glob("*.md"))
    texts = [p.read_text() for p in prompts]
    assert any("mul has no docstring" in t and "calc.py:5" in t for t in texts)
    assert any("failed" in t and "handoff" in t and "gate" in t for t in texts)
    assert (rundir / "gates" / "T1-1-handoff.log").read_text().count("assert") >= 1
    assert types.count("assignment_started") == 8  # pm, builder x4, reviewer x3
    st = status(repo, run)
    assert st["phase"] == "done" and st["tasks_done"] == 2 and st["lease"] is None
    assert run_git(repo, "status", "--porcelain") == before
    # state.json agrees with the log.
    import json
    state = json.loads((rundir / "state.json").read_text())
    assert state["phase"] == "done" and state["last_seq"] == evs[-1]["seq"]
    # Each pane is titled with its role and state.
    import libtmux
    session = libtmux.Server(socket_name=tmux_socket).sessions[0]
    titles = {p.pane_title.split(":")[0]: p.pane_title for p in session.panes}
    assert titles["supervisor"] == "supervisor: done"
    assert titles["builder"] == "builder: idle (done building T2 #1)"
    assert titles["reviewer"] == "reviewer: idle (done reviewing T2 #1)"


def test_human_plan_approval(repo: Path, tmux_socket: str) -> None:
    script = {"pm": FULL_RUN["pm"], "builder": [FULL_RUN["builder"][2], FULL_RUN["builder"][3]],
              "reviewer": [{"contract": {"task_id": "{task}", "verdict": "approve"}}]}
    use_scripted_team(repo, script, team={"plan": {"approval": "human"}})
    run = launch(repo)
    wait_for_event(repo, run, "plan_accepted")
    out = superteam("approve", run, cwd=repo)
    assert out.returncode == 0, out.stderr
    wait_for_event(repo, run, "plan_approved")
    wait_for_event(repo, run, "run_finished")
    assert "def div" in run_git(repo, "show", "feat/x:calc.py")


def test_escalation_and_answer(repo: Path, tmux_socket: str) -> None:
    script = {"pm": [{"question": "CSV or TSV?"}, FULL_RUN["pm"][0]],
              "builder": [FULL_RUN["builder"][2], FULL_RUN["builder"][3]],
              "reviewer": [{"contract": {"task_id": "{task}", "verdict": "approve"}}]}
    use_scripted_team(repo, script)
    run = launch(repo)
    wait_for_event(repo, run, "question_asked")
    st = status(repo, run)
    assert st["phase"] == "waiting_for_human" and st["question"]["text"] == "CSV or TSV?"
    out = superteam("answer", run, "CSV, comma separated", cwd=repo)
    assert out.returncode == 0, out.stderr
    wait_for_event(repo, run, "answered")
    wait_for_event(repo, run, "run_finished")
    prompts = sorted((repo / ".superteam/runs" / run / "assignments").glob("*.md"))
    assert "CSV, comma separated" in prompts[1].read_text()


def test_answer_when_nothing_asked_is_refused(repo: Path, tmux_socket: str) -> None:
    use_scripted_team(repo, {"pm": [{"hang": True}], "builder": [{}], "reviewer": [{}]})
    run = launch(repo)
    wait_for_event(repo, run, "assignment_started")
    out = superteam("answer", run, "yes", cwd=repo)
    assert out.returncode == 1 and "not waiting for an answer" in out.stderr
    out = superteam("approve", run, cwd=repo)
    assert out.returncode == 1 and "no plan waiting for approval" in out.stderr
    assert "answered" not in event_types(repo, run)


def test_runs_on_a_machine_without_a_git_identity(repo: Path, tmux_socket: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(key)
    monkeypatch.setenv("EMAIL", "")  # git would otherwise guess one from the host
    script = {"pm": FULL_RUN["pm"], "builder": [FULL_RUN["builder"][2], FULL_RUN["builder"][3]],
              "reviewer": [{"contract": {"task_id": "{task}", "verdict": "approve"}}]}
    use_scripted_team(repo, script)
    run = launch(repo)
    wait_for_event(repo, run, "run_finished")
    assert run_git(repo, "log", "-1", "--format=%an <%ae>", "feat/x") == "superteam <superteam@localhost>"
