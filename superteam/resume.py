"""Rebuilding a run from its log: fold the events, then say what must be (re)started."""

from __future__ import annotations

from superteam.actions import (
    Actions,
    CheckAssignment,
    Integrate,
    Notify,
    RunGate,
    SetLease,
    StartAssignment,
)
from superteam.events import Event
from superteam.flow import gates_of, step
from superteam.state import ACTIVE_PHASES, RunState


def fold(events: list[Event]) -> RunState | None:
    state: RunState | None = None
    for event in events:
        state, _ = step(state, event)
    return state


def reconcile(s: RunState) -> Actions:
    """What must be (re)started after the log was folded without carrying out actions."""
    if s.cleaned_up or s.phase == "done":
        return []
    actions: Actions = [SetLease(s.lease)]
    if s.phase in ACTIVE_PHASES and s.assignment is not None:
        a = s.assignment
        actions.append(CheckAssignment(a) if a.started else StartAssignment(a))
    elif s.phase in ("plan_gate", "handoff_gate", "integrate_gate") and s.gate is not None:
        actions.append(RunGate(s.gate, gates_of(s, s.gate.name)))
    elif s.phase == "integrating" and s.current_task and s.current_task.commit:
        actions.append(Integrate(s.current_task.id, s.current_task.commit))
    elif s.phase in ("waiting_for_human", "paused") and s.question is not None:
        actions.append(Notify(f"waiting for a human: {s.question.text}"))
    elif s.phase == "awaiting_approval":
        actions.append(Notify("the plan is ready: review it, then `superteam approve` the run"))
    return actions
