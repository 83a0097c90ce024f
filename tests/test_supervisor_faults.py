"""The live supervisor under bad input and faults: it refuses, tells the agent, and goes on."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import libtmux
from helpers import run_git, superteam, wait_until
from scripted_team import (
    MUL_DOC,
    PLAN_TWO_TASKS,
    events,
    handoff,
    launch,
    status,
    use_scripted_team,
    wait_for_event,
)

APPROVE = {"contract": {"task_id": "{task}", "verdict": "approve"}}
ONE_TASK_PLAN = {"contract": {"spec": "s", "tasks": [PLAN_TWO_TASKS["contract"]["tasks"][0]]}}


def pane_text(socket: str, pane: str) -> str:
    server = libtmux.Server(socket_name=socket)
    return "\n".join(server.cmd("capture-pane", "-p", "-J", "-t", pane, "-S", "-200").stdout)


def test_bad_contracts_are_refused_told_and_the_run_goes_on(repo: Path, tmux_socket: str) -> None:
    use_scripted_team(repo, {"pm": [ONE_TASK_PLAN], "builder": [{"hang": True}],
                             "reviewer": [APPROVE]})
    run = launch(repo)
    wait_for_event(repo, run, "assignment_started", count=2)  # the builder is at work on T1
    handoffs = repo / ".superteam/runs" / run / "contracts" / "handoffs"
    before = status(repo, run)
    bad: list[tuple[str, bytes]] = [
        ("T1-1.json", b'{"task_id": "T1"}'),                                   # missing field
        ("T1-1.json", b'{"task_id": "T1", "summary": 7}'),                     # wrong type
        ("T1-1.json", b'{"task_id": "T9", "summary": "s"}'),                   # unknown task id
        ("T2-1.json", b'{"task_id": "T2", "summary": "s"}'),                   # not in progress
        ("T1-1.json", b'{"task_id": "T1", "summary": "\xff"}'),                # not UTF-8
        ("T1-1.json", b'{"run": "other-0000", "task_id": "T1", "summary": "s"}'),  # another run
    ]
    for i, (name, content) in enumerate(bad, start=1):
        tmp = handoffs / f".{name}.tmp"
        tmp.write_bytes(content)
        os.replace(tmp, handoffs / name)
        wait_for_event(repo, run, "contract_rejected", count=i)
    big = handoffs / ".big.tmp"
    with big.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    os.replace(big, handoffs / "T1-1.json")
    wait_for_event(repo, run, "contract_rejected", count=len(bad) + 1)
    target = repo.parent / "elsewhere.json"
    target.write_text('{"task_id": "T1", "summary": "s"}')
    os.symlink(target, handoffs / ".link.tmp")
    os.replace(handoffs / ".link.tmp", handoffs / "T1-1.json")
    rejected = wait_for_event(repo, run, "contract_rejected", count=len(bad) + 2)
    assert rejected["data"]["problems"] == ["must be a regular file, not a symlink"]

    problems = [e["data"]["problems"] for e in events(repo, run) if e["type"] == "contract_rejected"]
    assert problems[0] == ["summary: Field required"]
    assert problems[2] == ["task_id: task 'T9' is not in the plan (expected 'T1')"]
    assert problems[5] == ["run: this contract is for run 'other-0000', not '" + run + "'"]
    assert "the limit is 1000000" in problems[6][0]
    # Nothing changed: same phase, same task, nothing lost (bad files kept aside).
    after = status(repo, run)
    for key in ("phase", "task", "attempt", "lease", "tasks_done"):
        assert after[key] == before[key]
    assert len(list((repo / ".superteam/runs" / run / "contracts/rejected").iterdir())) == 8
    # The agent was told, in its own pane.
    assert status(repo, run)["panes"]["builder"] is True  # the agent is still there
    panes = events(repo, run)[1]["data"]["panes"]
    wait_until(lambda: "Field required" in pane_text(tmux_socket, panes["builder"]),
               message="the refusal typed into the builder's pane")
    # A good contract is then accepted and the run goes on to the end.
    builder_wt = repo / ".superteam/worktrees" / run / "builder"
    (builder_wt / "calc.py").write_text(MUL_DOC)
    (handoffs / ".ok.tmp").write_text('{"task_id": "T1", "summary": "mul"}')
    os.replace(handoffs / ".ok.tmp", handoffs / "T1-1.json")
    wait_for_event(repo, run, "run_finished")
    assert "def mul" in run_git(repo, "show", "feat/x:calc.py")


def test_agent_that_dies_is_restarted_twice_then_escalated(repo: Path, tmux_socket: str) -> None:
    use_scripted_team(repo, {"pm": [{"exit": 1}, {"exit": 1}, {"exit": 1}, ONE_TASK_PLAN],
                             "builder": [handoff({"calc.py": MUL_DOC})], "reviewer": [APPROVE]})
    run = launch(repo)
    wait_for_event(repo, run, "agent_exited", count=3)
    st = status(repo, run)
    assert st["phase"] == "waiting_for_human" and "ended three times" in st["question"]["text"]
    starts = [e["data"].get("reruns") for e in events(repo, run) if e["type"] == "assignment_started"]
    assert starts == [0, 1, 2]
    assert superteam("answer", run, "try again", cwd=repo).returncode == 0
    wait_for_event(repo, run, "run_finished")


def test_agent_killed_mid_task_is_rerun(repo: Path, tmux_socket: str) -> None:
    use_scripted_team(repo, {"pm": [ONE_TASK_PLAN],
                             "builder": [{"hang": True}, handoff({"calc.py": MUL_DOC})],
                             "reviewer": [APPROVE]})
    run = launch(repo)
    started = wait_for_event(repo, run, "assignment_started", count=2)
    steps = repo.parent / "script.json.builder.steps"
    wait_until(lambda: steps.exists() and started["data"]["assignment"] in steps.read_text(),
               message="the builder to be at work")
    server = libtmux.Server(socket_name=tmux_socket)
    pid = int(server.cmd("display-message", "-p", "-t", started["data"]["pane"], "#{pane_pid}").stdout[0])
    os.kill(pid, 9)
    wait_for_event(repo, run, "agent_exited")
    wait_for_event(repo, run, "run_finished")
    assert "def mul" in run_git(repo, "show", "feat/x:calc.py")


def test_hanging_gate_times_out_and_goes_back_to_the_builder(repo: Path, tmux_socket: str) -> None:
    gate = "test -f passed || (touch passed; sleep 60)"  # hangs once, passes the second time
    use_scripted_team(repo, {"pm": [ONE_TASK_PLAN], "builder": [handoff({"calc.py": MUL_DOC})],
                             "reviewer": [APPROVE]},
                      gates={"handoff": [gate], "integrate": ["no-such-command-xyz"], "timeout": 1})
    # `passed` must not be committed by the builder: keep it out of git.
    (repo / ".git/info/exclude").write_text("passed\n.superteam/\n")
    run = launch(repo)
    first = wait_for_event(repo, run, "gate_finished")
    assert first["data"]["passed"] is False and first["data"]["outcome"] == "timed out after 1s"
    final = wait_for_event(repo, run, "gate_finished", count=3)
    assert final["data"]["gate"] == "integrate" and final["data"]["outcome"] == "exited 127"
    st = status(repo, run)
    assert st["phase"] == "waiting_for_human" and "integrate gate failed" in st["question"]["text"]
    # The work itself was integrated; only the final gate is pending a human.
    assert "def mul" in run_git(repo, "show", "feat/x:calc.py")


def test_moved_feature_branch_is_merged_regated_and_integrated(repo: Path, tmux_socket: str) -> None:
    use_scripted_team(repo, {"pm": [ONE_TASK_PLAN], "builder": [handoff({"calc.py": MUL_DOC})],
                             "reviewer": [{"hang": True}]})
    run = launch(repo)
    wait_for_event(repo, run, "assignment_started", count=3)  # the reviewer is reviewing
    # A person commits to the feature branch meanwhile (in a checkout of their own).
    other = repo.parent / "person"
    run_git(repo, "worktree", "add", "-q", str(other), "feat/x")
    (other / "NOTES.md").write_text("notes\n")
    run_git(other, "add", "NOTES.md")
    run_git(other, "commit", "-q", "-m", "person's notes")
    run_git(repo, "worktree", "remove", str(other))
    person_commit = run_git(repo, "rev-parse", "feat/x")
    reviews = repo / ".superteam/runs" / run / "contracts/reviews"
    reviews.mkdir(exist_ok=True)
    (reviews / ".r.tmp").write_text(json.dumps({"task_id": "T1", "verdict": "approve"}))
    os.replace(reviews / ".r.tmp", reviews / "T1-1.json")
    merged = wait_for_event(repo, run, "branch_merged")
    wait_for_event(repo, run, "run_finished")
    head = run_git(repo, "rev-parse", "feat/x")
    assert head == merged["data"]["commit"]
    assert run_git(repo, "merge-base", "--is-ancestor", person_commit, head) == ""
    assert "notes" in run_git(repo, "show", "feat/x:NOTES.md")


def test_conflicting_move_escalates_and_never_forces(repo: Path, tmux_socket: str) -> None:
    use_scripted_team(repo, {"pm": [ONE_TASK_PLAN], "builder": [handoff({"calc.py": MUL_DOC})],
                             "reviewer": [{"hang": True}]})
    run = launch(repo)
    wait_for_event(repo, run, "assignment_started", count=3)
    other = repo.parent / "person"
    run_git(repo, "worktree", "add", "-q", str(other), "feat/x")
    (other / "calc.py").write_text("def add(a, b):\n    return b + a  # theirs\n")
    run_git(other, "commit", "-q", "-am", "person's calc")
    run_git(repo, "worktree", "remove", str(other))
    person_commit = run_git(repo, "rev-parse", "feat/x")
    reviews = repo / ".superteam/runs" / run / "contracts/reviews"
    (reviews / ".r.tmp").write_text(json.dumps({"task_id": "T1", "verdict": "approve"}))
    os.replace(reviews / ".r.tmp", reviews / "T1-1.json")
    conflict = wait_for_event(repo, run, "integration_conflict")
    assert "calc.py" in conflict["data"]["details"]
    assert run_git(repo, "rev-parse", "feat/x") == person_commit  # untouched
    builder = repo / ".superteam/worktrees" / run / "builder"
    assert run_git(builder, "status", "--porcelain") == ""  # the merge was aborted cleanly
    assert status(repo, run)["phase"] == "waiting_for_human"


def test_reviewer_cannot_commit_while_builder_holds_lease(repo: Path, tmux_socket: str) -> None:
    use_scripted_team(repo, {"pm": [ONE_TASK_PLAN], "builder": [{"hang": True}], "reviewer": [APPROVE]})
    run = launch(repo)
    wait_for_event(repo, run, "assignment_started", count=2)
    assert (repo / ".superteam/runs" / run / "lease").read_text() == "builder"
    reviewer = repo / ".superteam/worktrees" / run / "reviewer"
    (reviewer / "x.txt").write_text("x")
    run_git(reviewer, "add", "x.txt")
    out = subprocess.run(["git", "commit", "-m", "x"], cwd=reviewer, capture_output=True, text=True)
    assert out.returncode != 0 and "holder: builder" in out.stderr
    builder = repo / ".superteam/worktrees" / run / "builder"
    (builder / "y.txt").write_text("y")
    run_git(builder, "add", "y.txt")
    run_git(builder, "commit", "-q", "-m", "builder may commit")
