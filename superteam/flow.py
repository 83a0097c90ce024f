"""The flow of a run (DESIGN §5) as a pure function: step(state, event) -> (state, actions).

No I/O here. The runtime (supervisor.py) appends events, folds them through `step` and carries
out the returned actions (actions.py); on resume it folds the whole log, ignoring actions, and
asks `resume.reconcile` what must be (re)started.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from superteam.actions import (
    Actions,
    Finished,
    Integrate,
    Notify,
    RunGate,
    SetLease,
    StartAssignment,
    StopAgents,
)
from superteam.errors import SuperteamError
from superteam.events import Event
from superteam.state import ACTIVE_PHASES, Assignment, GateRun, Question, RunState, TaskState


def initial_state(event: Event) -> RunState:
    d = event.data
    return RunState(run_id=d["run"], goal=d["goal"], branch=d["branch"], base=d["base"],
                    build_branch=d["build_branch"], settings=d["settings"], branch_head=d["base"],
                    budget_limit=d["settings"].get("budget"))


class MalformedEvent(SuperteamError):
    """The log holds an event this version cannot apply: damaged, or from elsewhere."""


def step(state: RunState | None, event: Event) -> tuple[RunState, Actions]:
    try:
        return _step(state, event)
    except (KeyError, TypeError, ValueError, AttributeError, ValidationError) as exc:
        raise MalformedEvent(f"events.jsonl event #{event.seq} ({event.type}) cannot be applied: "
                             f"{type(exc).__name__}: {exc}".splitlines()[0],
                             hint="The log was damaged or edited by hand; restore it from a "
                             "backup, or clean up the run.") from None


def _step(state: RunState | None, event: Event) -> tuple[RunState, Actions]:
    if state is None:
        if event.type != "run_created":
            raise ValueError(f"the first event must be run_created, not {event.type}")
        s = initial_state(event)
        s.last_seq = event.seq
        return s, _start_planning(s, {})
    if event.seq <= state.last_seq:
        return state, []  # already applied: replaying twice changes nothing
    s = state.model_copy(deep=True)
    s.last_seq = event.seq
    handler = _HANDLERS.get(event.type)
    return s, (handler(s, event.data) if handler else [])


# --- building blocks -------------------------------------------------------------------------
def gates_of(s: RunState, name: str) -> tuple[str, ...]:
    return tuple(s.settings["gates"].get(name, []))


def _lease(s: RunState, role: str | None) -> Actions:
    if s.lease == role:
        return []
    s.lease = role
    return [SetLease(role)]


def _new_assignment(s: RunState, role: str, duty: Any, task: str | None = None, number: int = 1,
                    feedback: dict[str, Any] | None = None, reruns: int = 0) -> Assignment:
    a = Assignment(id=f"a{s.next_assignment}", role=role, duty=duty, task=task, number=number,
                   feedback=feedback or {}, reruns=reruns)
    s.next_assignment += 1
    return a


def _start(s: RunState, a: Assignment) -> Actions:
    """Start an agent on ``a``, unless the token budget is spent (then ask a human first)."""
    if s.budget_limit is not None and s.tokens_total >= s.budget_limit:
        return _escalate(s, "budget", _budget_text(s), then=a)
    s.phase = {"plan": "planning", "handoff": "building", "review": "reviewing"}[a.duty]  # type: ignore[assignment]
    s.assignment = a
    writer = a.role if a.duty == "handoff" else None
    return [*_lease(s, writer), StartAssignment(a)]


def _budget_text(s: RunState) -> str:
    return (f"The token budget ({s.budget_limit:,}) is reached ({s.tokens_total:,} used). "
            "Answer to continue with another budget of the same size, or stop the run.")


def _start_planning(s: RunState, feedback: dict[str, Any]) -> Actions:
    return _start(s, _new_assignment(s, s.settings["planner"], "plan", feedback=feedback))


def _build(s: RunState, task: TaskState, feedback: dict[str, Any]) -> Actions:
    a = _new_assignment(s, s.settings["builder"], "handoff", task.id, task.handoffs + 1, feedback)
    return _start(s, a)


def _review(s: RunState, task: TaskState) -> Actions:
    reviewer = s.settings["reviewers"][s.reviewer_index]
    return _start(s, _new_assignment(s, reviewer, "review", task.id, task.handoffs))


def _run_gate(s: RunState, name: Any, label: str, role: str | None, commit: str | None,
              phase: Any) -> Actions:
    s.phase = phase
    s.gate_runs += 1
    s.gate = GateRun(name=name, label=label, role=role, commit=commit)
    return [RunGate(s.gate, gates_of(s, name))]


def _escalate(s: RunState, reason: Any, text: str, *, role: str | None = None,
              then: Assignment | None = None, qid: str | None = None) -> Actions:
    s.resume_phase = s.phase if s.phase not in ("waiting_for_human", "paused") else s.resume_phase
    s.phase = "paused" if reason == "budget" else "waiting_for_human"
    s.question = Question(id=qid or f"q{s.last_seq}", role=role, text=text, reason=reason,
                          then=then)
    s.assignment = None
    return [Notify(f"waiting for a human: {text}")]


def _plan_ready(s: RunState) -> Actions:
    if s.settings.get("approval") == "human":
        s.phase = "awaiting_approval"
        return [Notify("the plan is ready: review it, then `superteam approve` the run")]
    return _next_task(s)


def _next_task(s: RunState) -> Actions:
    pending = next((t for t in s.tasks if t.status == "pending"), None)
    if pending is not None:
        pending.status = "active"
        s.current = pending.id
        s.reviewer_index = 0
        return _build(s, pending, {})
    s.current = None
    if gates_of(s, "integrate"):
        return [*_lease(s, None), *_run_gate(s, "integrate", f"final-{s.gate_runs + 1}", None,
                                             s.branch_head, "integrate_gate")]
    return _finish(s)


def _finish(s: RunState) -> Actions:
    s.phase = "done"
    s.assignment = None
    return [*_lease(s, None), Notify("done: every task is integrated"), Finished()]


def _rework(s: RunState, task: TaskState, feedback: dict[str, Any]) -> Actions:
    task.rework += 1
    max_rounds = int(s.settings["max_rounds"])
    if task.rework > max_rounds:
        then = _new_assignment(s, s.settings["builder"], "handoff", task.id, task.handoffs + 1,
                               feedback)
        s.phase = "building"
        return _escalate(s, "max_rounds", f"task {task.id} was sent back {task.rework} times "
                         f"(review.max_rounds is {max_rounds}). Answer with guidance for the "
                         "builder to try again.", then=then)
    return _build(s, task, feedback)


def _rerun(a: Assignment, s: RunState, reruns: int) -> Assignment:
    return _new_assignment(s, a.role, a.duty, a.task, a.number, a.feedback, reruns)


# --- event handlers --------------------------------------------------------------------------
def _on_assignment_started(s: RunState, d: dict[str, Any]) -> Actions:
    if s.assignment is not None and s.assignment.id == d.get("assignment"):
        s.assignment.started = True
    return []


def _on_plan_accepted(s: RunState, d: dict[str, Any]) -> Actions:
    plan = d["contract"]
    s.spec = plan["spec"]
    s.tasks = [TaskState(**{k: t[k] for k in ("id", "title", "description", "acceptance")})
               for t in plan["tasks"]]
    s.assignment = None
    if gates_of(s, "plan"):
        return _run_gate(s, "plan", f"plan-{s.gate_runs + 1}", s.settings["planner"], None,
                         "plan_gate")
    return _plan_ready(s)


def _on_plan_approved(s: RunState, d: dict[str, Any]) -> Actions:
    return _next_task(s) if s.phase == "awaiting_approval" else []


def _on_handoff_accepted(s: RunState, d: dict[str, Any]) -> Actions:
    task = s.current_task
    if task is None:
        return []
    task.handoffs = int(d["number"])
    task.commit = d["commit"]
    task.summary = d["contract"]["summary"]
    task.approved = False
    s.assignment = None
    actions = _lease(s, None)
    if gates_of(s, "handoff"):
        return actions + _run_gate(s, "handoff", f"{task.id}-{task.handoffs}",
                                   s.settings["builder"], task.commit, "handoff_gate")
    s.reviewer_index = 0
    return actions + _review(s, task)


def _on_review_accepted(s: RunState, d: dict[str, Any]) -> Actions:
    task = s.current_task
    if task is None or task.commit is None:
        return []
    review = d["contract"]
    s.assignment = None
    if review["verdict"] == "approve":
        s.reviewer_index += 1
        if s.reviewer_index < len(s.settings["reviewers"]):
            return _review(s, task)
        task.approved = True
        s.phase = "integrating"
        return [Integrate(task.id, task.commit)]
    s.reviewer_index = 0
    return _rework(s, task, {"findings": review["findings"]})


def _on_gate_started(s: RunState, d: dict[str, Any]) -> Actions:
    if s.gate is not None and s.gate.label == d.get("label"):
        s.gate.started = True
    return []


def _on_gate_finished(s: RunState, d: dict[str, Any]) -> Actions:
    gate = s.gate
    if gate is None or gate.label != d.get("label"):
        return []  # a stale result (e.g. from before a restart)
    s.gate = None
    failure = {"gate_failure": {k: d.get(k) for k in ("gate", "command", "outcome", "tail")}}
    if gate.name == "plan":
        return _plan_ready(s) if d["passed"] else _start_planning(s, failure)
    if gate.name == "integrate":
        if d["passed"]:
            return _finish(s)
        return _escalate(s, "gate", f"the integrate gate failed on {s.branch}: "
                         f"`{d.get('command')}` {d.get('outcome')}. Fix it on the branch or "
                         "answer to re-run the gate.")
    task = s.current_task
    assert task is not None and task.commit is not None
    if not d["passed"]:
        return _rework(s, task, failure)
    if task.approved:  # re-gated after merging a moved feature branch
        s.phase = "integrating"
        return [Integrate(task.id, task.commit)]
    s.reviewer_index = 0
    return _review(s, task)


def _on_integrated(s: RunState, d: dict[str, Any]) -> Actions:
    task = s.task(d["task"])
    if task is None or task.status == "done":
        return []
    task.status = "done"
    task.integrated = d["commit"]
    s.branch_head = d["commit"]
    return _next_task(s)


def _on_branch_merged(s: RunState, d: dict[str, Any]) -> Actions:
    """A person moved the feature branch; the runtime merged it into the build branch."""
    task = s.current_task
    if task is None:
        return []
    task.commit = d["commit"]
    s.branch_head = d["branch_head"]
    return _run_gate(s, "handoff", f"{task.id}-{task.handoffs}-merge{s.gate_runs + 1}",
                     s.settings["builder"], task.commit, "handoff_gate")


def _on_integration_conflict(s: RunState, d: dict[str, Any]) -> Actions:
    return _escalate(s, "conflict", f"{s.branch} was moved and merging it into the build branch "
                     f"conflicts ({d.get('details', '')}). Resolve it on {s.build_branch} or "
                     f"{s.branch}, then answer to retry the integration.")


def _on_question_asked(s: RunState, d: dict[str, Any]) -> Actions:
    a = s.assignment
    then = _rerun(a, s, 0) if a is not None else None
    return _escalate(s, "agent", d["question"], role=d.get("role"), then=then, qid=d["question_id"])


def _on_answered(s: RunState, d: dict[str, Any]) -> Actions:
    q = s.question
    if q is None or q.id != d.get("question_id"):
        return []
    s.answers.append({"question": q.text, "answer": d["answer"], "role": q.role or "supervisor"})
    s.question = None
    resume, s.resume_phase = s.resume_phase, None
    if q.reason == "budget" and s.budget_limit is not None:
        s.budget_limit += int(s.settings.get("budget") or 0)
    if q.then is not None:
        task = s.task(q.then.task)
        if q.reason == "max_rounds" and task is not None:
            task.rework = 0
        return _start(s, _rerun(q.then, s, 0))
    if q.reason == "gate":
        s.phase = "integrate_gate"
        return _run_gate(s, "integrate", f"final-{s.gate_runs + 1}", None, s.branch_head,
                         "integrate_gate")
    task = s.current_task
    if q.reason == "conflict" and task is not None and task.commit is not None:
        s.phase = "integrating"
        return [Integrate(task.id, task.commit)]
    s.phase = resume or s.phase
    return []


def _on_agent_exited(s: RunState, d: dict[str, Any]) -> Actions:
    a = s.assignment
    if a is None or a.id != d.get("assignment") or s.phase not in ACTIVE_PHASES:
        return []
    if a.reruns < 2:
        return [Notify(f"{a.role} ended without handing over; starting it again "
                       f"({a.reruns + 1} of 2)"), *_start(s, _rerun(a, s, a.reruns + 1))]
    return _escalate(s, "agent_failed", f"the {a.role} agent ended three times without handing "
                     "over. Look at its pane or log, then answer to try again.",
                     then=_rerun(a, s, 0))


def _on_usage(s: RunState, d: dict[str, Any]) -> Actions:
    role = str(d.get("role", "?"))
    bucket = s.tokens.setdefault(role, {})
    added = 0
    for key in ("input_tokens", "output_tokens", "cache_read_input_tokens",
                "cache_creation_input_tokens"):
        value = int(d.get(key) or 0)
        bucket[key] = bucket.get(key, 0) + value
        added += value
    bucket["requests"] = bucket.get("requests", 0) + 1
    s.tokens_total += added
    over = s.budget_limit is not None and s.tokens_total >= s.budget_limit
    if over and s.phase in ACTIVE_PHASES and s.assignment is not None:
        then = _rerun(s.assignment, s, 0)
        return [StopAgents(), *_escalate(s, "budget", _budget_text(s), then=then)]
    return []


def _on_stopped(s: RunState, d: dict[str, Any]) -> Actions:
    s.stopped = True
    # Stopping killed the agent and any gate: on resume they start afresh, not as deaths.
    if s.assignment is not None:
        s.assignment.started = False
    if s.gate is not None:
        s.gate.started = False
    return []


def _on_contract_rejected(s: RunState, d: dict[str, Any]) -> Actions:
    # Only the next prompt's feedback changes: a restarted agent learns what was wrong.
    if s.assignment is not None:
        s.assignment.feedback = {**s.assignment.feedback, "rejected": list(d.get("problems", []))}
    return []


def _on_supervisor_started(s: RunState, d: dict[str, Any]) -> Actions:
    s.stopped = False
    return []


def _on_cleaned_up(s: RunState, d: dict[str, Any]) -> Actions:
    s.cleaned_up = True
    return []


_HANDLERS = {
    "assignment_started": _on_assignment_started,
    "plan_accepted": _on_plan_accepted,
    "plan_approved": _on_plan_approved,
    "handoff_accepted": _on_handoff_accepted,
    "review_accepted": _on_review_accepted,
    "gate_started": _on_gate_started,
    "gate_finished": _on_gate_finished,
    "integrated": _on_integrated,
    "branch_merged": _on_branch_merged,
    "integration_conflict": _on_integration_conflict,
    "question_asked": _on_question_asked,
    "answered": _on_answered,
    "agent_exited": _on_agent_exited,
    "usage": _on_usage,
    "stopped": _on_stopped,
    "contract_rejected": _on_contract_rejected,
    "supervisor_started": _on_supervisor_started,
    "cleaned_up": _on_cleaned_up,
}
