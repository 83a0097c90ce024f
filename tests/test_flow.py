"""The pure flow: every edge of DESIGN §5, failure edges included, without tmux or git."""

from __future__ import annotations

from typing import Any

import pytest

from superteam.actions import (
    CheckAssignment,
    Finished,
    Integrate,
    Notify,
    RunGate,
    SetLease,
    StartAssignment,
    StopAgents,
)
from superteam.events import Event
from superteam.flow import MalformedEvent, step
from superteam.resume import fold, reconcile
from superteam.state import RunState

SETTINGS = {"gates": {"plan": [], "handoff": ["pytest"], "integrate": ["pytest"], "timeout": 9},
            "approval": "auto", "max_rounds": 2, "budget": 1000, "planner": "pm",
            "builder": "builder", "reviewers": ["reviewer"]}
PLAN = {"spec": "s", "tasks": [
    {"id": "T1", "title": "t", "description": "d", "acceptance": ["a"]},
    {"id": "T2", "title": "t", "description": "d", "acceptance": ["a"]}]}


class Run:
    """Feeds events through step, keeping the state and the last actions."""

    def __init__(self, **settings: Any) -> None:
        self.seq = 0
        self.state: RunState | None = None
        self.actions: list[Any] = []
        self.events: list[Event] = []
        self.feed("run_created", run="r", goal="g", branch="BR", base="b0", build_branch="bb",
                  settings={**SETTINGS, **settings})

    def feed(self, type: str, **data: Any) -> list[Any]:
        self.seq += 1
        event = Event(self.seq, "t", type, data)
        self.events.append(event)
        self.state, self.actions = step(self.state, event)
        return self.actions

    @property
    def s(self) -> RunState:
        assert self.state is not None
        return self.state

    def started(self) -> Any:
        start = next(a for a in self.actions if isinstance(a, StartAssignment))
        self.feed("assignment_started", assignment=start.assignment.id)
        return start.assignment

    def plan(self) -> None:
        self.started()
        self.feed("plan_accepted", contract=PLAN, assignment=self.s.assignment.id)  # type: ignore[union-attr]

    def handoff(self, commit: str) -> None:
        a = self.s.assignment
        assert a is not None and a.duty == "handoff"
        self.feed("handoff_accepted", contract={"task_id": a.task, "summary": "x"},
                  number=a.number, commit=commit)

    def gate(self, passed: bool) -> None:
        assert self.s.gate is not None
        self.feed("gate_finished", gate=self.s.gate.name, label=self.s.gate.label, passed=passed,
                  command="pytest", outcome="passed" if passed else "exited 1", tail="1 failed")

    def approved(self, commit: str) -> None:
        """Setup: the current task handed off at ``commit``, gated and approved."""
        self.started()
        self.handoff(commit)
        self.gate(True)
        self.started()
        self.review("approve")

    def review(self, verdict: str) -> None:
        a = self.s.assignment
        assert a is not None and a.duty == "review"
        findings = [{"severity": "major", "message": "m"}] if verdict != "approve" else []
        self.feed("review_accepted", contract={"task_id": a.task, "verdict": verdict,
                                               "findings": findings})


def kinds(actions: list[Any]) -> list[str]:
    return [type(a).__name__ for a in actions]


def test_created_starts_planning() -> None:
    run = Run()
    assert run.s.phase == "planning"
    assert kinds(run.actions) == ["StartAssignment"]
    assert run.actions[0].assignment.role == "pm" and run.s.lease is None


def test_happy_path_to_done() -> None:
    run = Run()
    run.plan()
    assert run.s.phase == "building" and run.s.current == "T1" and run.s.lease == "builder"
    assert kinds(run.actions) == ["SetLease", "StartAssignment"]
    run.started()
    run.handoff("c1")
    assert run.s.phase == "handoff_gate" and run.s.lease is None
    assert isinstance(run.actions[-1], RunGate) and run.actions[-1].gate.label == "T1-1"
    run.gate(True)
    assert run.s.phase == "reviewing" and run.actions[-1].assignment.role == "reviewer"
    run.started()
    run.review("approve")
    assert run.s.phase == "integrating" and run.actions == [Integrate("T1", "c1")]
    run.feed("integrated", task="T1", commit="c1")
    assert run.s.branch_head == "c1" and run.s.current == "T2" and run.s.phase == "building"
    run.started()
    run.handoff("c2")
    run.gate(True)
    run.started()
    run.review("approve")
    run.feed("integrated", task="T2", commit="c2")
    assert run.s.phase == "integrate_gate" and run.s.gate.name == "integrate"  # type: ignore[union-attr]
    run.gate(True)
    assert run.s.phase == "done" and any(isinstance(a, Finished) for a in run.actions)
    assert run.s.tasks_done() == 2


def test_no_gates_skips_gate_phases() -> None:
    run = Run(gates={"plan": [], "handoff": [], "integrate": [], "timeout": 1})
    run.plan()
    run.started()
    run.handoff("c1")
    assert run.s.phase == "reviewing"
    run.started()
    run.review("approve")
    run.feed("integrated", task="T1", commit="c1")
    run.started()
    run.handoff("c2")
    run.started()
    run.review("approve")
    run.feed("integrated", task="T2", commit="c2")
    assert run.s.phase == "done"


def test_plan_gate_failure_replans_with_output() -> None:
    run = Run(gates={**SETTINGS["gates"], "plan": ["lint-plan"]})  # type: ignore[dict-item]
    run.plan()
    assert run.s.phase == "plan_gate"
    run.gate(False)
    assert run.s.phase == "planning"
    a = run.actions[-1].assignment
    assert a.role == "pm" and a.feedback["gate_failure"]["tail"] == "1 failed"
    run.started()
    run.feed("plan_accepted", contract=PLAN)
    run.gate(True)
    assert run.s.phase == "building"


def test_handoff_gate_failure_sends_back_with_tail() -> None:
    run = Run()
    run.plan()
    run.started()
    run.handoff("c1")
    run.gate(False)
    assert run.s.phase == "building" and run.s.current_task.rework == 1  # type: ignore[union-attr]
    a = run.actions[-1].assignment
    assert a.number == 2 and a.feedback["gate_failure"]["outcome"] == "exited 1"


def test_rejected_review_sends_findings_back() -> None:
    run = Run()
    run.plan()
    run.started()
    run.handoff("c1")
    run.gate(True)
    run.started()
    run.review("changes_requested")
    a = run.actions[-1].assignment
    assert run.s.phase == "building" and a.feedback["findings"][0]["message"] == "m"
    assert run.s.lease == "builder"


def test_too_many_rounds_escalates_then_answer_retries() -> None:
    run = Run(max_rounds=1)
    run.plan()
    run.started()
    run.handoff("c1")
    run.gate(False)                       # round 1 of 1
    run.started()
    run.handoff("c2")
    run.gate(False)                       # round 2 > 1: escalate
    assert run.s.phase == "waiting_for_human" and run.s.question.reason == "max_rounds"  # type: ignore[union-attr]
    assert kinds(run.actions) == ["Notify"]
    run.feed("answered", question_id=run.s.question.id, answer="try harder")  # type: ignore[union-attr]
    assert run.s.phase == "building" and run.s.current_task.rework == 0  # type: ignore[union-attr]
    assert run.s.answers[-1]["answer"] == "try harder"
    assert isinstance(run.actions[-1], StartAssignment)


def test_agent_question_waits_and_reruns_asker() -> None:
    run = Run()
    a = run.started()
    run.feed("question_asked", question_id=a.id, question="which format?", role="pm")
    assert run.s.phase == "waiting_for_human" and run.s.assignment is None
    run.feed("answered", question_id="wrong", answer="x")
    assert run.s.phase == "waiting_for_human"  # an answer to another question changes nothing
    run.feed("answered", question_id=a.id, answer="CSV")
    assert run.s.phase == "planning"
    again = run.actions[-1].assignment
    assert again.role == "pm" and again.id != a.id


def test_agent_death_reruns_twice_then_escalates() -> None:
    run = Run()
    for expected_reruns in (1, 2):
        a = run.started()
        run.feed("agent_exited", assignment=a.id)
        assert run.actions[-1].assignment.reruns == expected_reruns
    a = run.started()
    run.feed("agent_exited", assignment=a.id)
    assert run.s.phase == "waiting_for_human" and run.s.question.reason == "agent_failed"  # type: ignore[union-attr]
    run.feed("answered", question_id=run.s.question.id, answer="retry")  # type: ignore[union-attr]
    assert run.s.phase == "planning" and run.actions[-1].assignment.reruns == 0


def test_stale_agent_exit_is_ignored() -> None:
    run = Run()
    run.started()
    assert run.feed("agent_exited", assignment="a999") == []
    assert run.s.phase == "planning"


def test_human_approval() -> None:
    run = Run(approval="human")
    run.plan()
    assert run.s.phase == "awaiting_approval" and kinds(run.actions) == ["Notify"]
    run.feed("plan_approved")
    assert run.s.phase == "building"


def test_budget_reached_pauses_and_stops_agents() -> None:
    run = Run(budget=100)
    run.started()
    actions = run.feed("usage", role="pm", input_tokens=60, output_tokens=50)
    assert run.s.phase == "paused" and run.s.tokens_total == 110
    assert isinstance(actions[0], StopAgents) and isinstance(actions[-1], Notify)
    run.feed("answered", question_id=run.s.question.id, answer="go on")  # type: ignore[union-attr]
    assert run.s.phase == "planning" and run.s.budget_limit == 200


def test_budget_checked_before_starting_an_assignment() -> None:
    run = Run(budget=100)
    run.started()
    run.feed("usage", role="pm", input_tokens=10)
    run.feed("plan_accepted", contract=PLAN)
    assert run.s.phase == "building"
    run.s.tokens_total = 500  # as if usage arrived between decisions
    run.started()
    run.handoff("c1")
    run.gate(True)
    assert run.s.phase == "paused"


def test_branch_moved_regates_merge_then_integrates() -> None:
    run = Run()
    run.plan()
    run.approved("c1")
    run.feed("branch_merged", task="T1", commit="m1", branch_head="x9")
    assert run.s.phase == "handoff_gate" and run.s.branch_head == "x9"
    run.gate(True)
    assert run.actions == [Integrate("T1", "m1")]  # no second review for a clean merge


def test_integration_conflict_escalates_and_answer_retries() -> None:
    run = Run()
    run.plan()
    run.approved("c1")
    run.feed("integration_conflict", task="T1", details="conflicts in a.py")
    assert run.s.phase == "waiting_for_human" and run.s.question.reason == "conflict"  # type: ignore[union-attr]
    run.feed("answered", question_id=run.s.question.id, answer="fixed")  # type: ignore[union-attr]
    assert run.actions == [Integrate("T1", "c1")]


def test_integrate_gate_failure_escalates() -> None:
    run = Run(gates={"plan": [], "handoff": [], "integrate": ["pytest"], "timeout": 1})
    run.plan()
    for commit in ("c1", "c2"):
        run.started()
        run.handoff(commit)
        run.started()
        run.review("approve")
        run.feed("integrated", task=run.s.current, commit=commit)
    run.gate(False)
    assert run.s.phase == "waiting_for_human" and run.s.question.reason == "gate"  # type: ignore[union-attr]
    run.feed("answered", question_id=run.s.question.id, answer="rerun")  # type: ignore[union-attr]
    assert isinstance(run.actions[-1], RunGate)


def test_multiple_reviewers_all_must_approve() -> None:
    run = Run(reviewers=["reviewer", "security"], gates={"plan": [], "handoff": [],
                                                         "integrate": [], "timeout": 1})
    run.plan()
    run.started()
    run.handoff("c1")
    assert run.actions[-1].assignment.role == "reviewer"
    run.started()
    run.review("approve")
    assert run.actions[-1].assignment.role == "security"
    run.started()
    run.review("changes_requested")
    assert run.s.phase == "building" and run.s.reviewer_index == 0


def test_events_are_applied_once() -> None:
    run = Run()
    run.plan()
    before = run.s.model_dump()
    replayed, actions = step(run.s, run.events[-1])
    assert actions == [] and replayed.model_dump() == before


def test_fold_equals_stepwise_and_reconcile_restarts() -> None:
    run = Run()
    run.plan()
    run.started()
    folded = fold(run.events)
    assert folded is not None and folded.model_dump() == run.s.model_dump()
    actions = reconcile(folded)
    assert actions == [SetLease("builder"), CheckAssignment(folded.assignment)]  # type: ignore[arg-type]
    run.handoff("c1")
    assert isinstance(reconcile(run.s)[-1], RunGate)


def test_stop_marks_assignment_not_started() -> None:
    run = Run()
    run.started()
    run.feed("stopped")
    assert isinstance(reconcile(run.s)[-1], StartAssignment)


def test_first_event_must_be_run_created() -> None:
    with pytest.raises(MalformedEvent, match="the first event must be run_created"):
        step(None, Event(1, "t", "usage", {}))


def test_malformed_event_is_a_clear_error() -> None:
    run = Run()
    with pytest.raises(MalformedEvent, match=r"event #9 \(plan_accepted\) cannot be applied"):
        step(run.s, Event(9, "t", "plan_accepted", {"contract": {"tasks": "nope"}}))


def test_rejected_contract_changes_only_next_feedback() -> None:
    run = Run()
    run.started()
    phase = run.s.phase
    run.feed("contract_rejected", path="plan.json", problems=["tasks: field required"])
    assert run.s.phase == phase and run.actions == []
    assert run.s.assignment.feedback["rejected"] == ["tasks: field required"]  # type: ignore[union-attr]
