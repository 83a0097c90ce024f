"""The run's state: what the supervisor knows, rebuilt by folding events.jsonl through the flow.

state.json is only a cache of this for `status` and other readers.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

Phase = Literal[
    "created", "planning", "plan_gate", "awaiting_approval", "building", "handoff_gate",
    "reviewing", "integrating", "integrate_gate", "waiting_for_human", "paused", "done",
]
ACTIVE_PHASES = ("planning", "building", "reviewing")  # an agent is at work


class TaskState(BaseModel):
    id: str
    title: str
    description: str
    acceptance: list[str]
    status: Literal["pending", "active", "done"] = "pending"
    handoffs: int = 0          # number of the latest handoff (handoffs/<id>-<n>.json)
    rework: int = 0            # times sent back to the builder (gate failures + rejections)
    commit: str | None = None  # the latest handed-off (or merged) commit
    summary: str | None = None # the builder's summary of the latest handoff
    approved: bool = False     # the latest commit was approved by every reviewer
    integrated: str | None = None


class Assignment(BaseModel):
    id: str                    # a<k>, unique in the run
    role: str
    duty: Literal["plan", "handoff", "review"]
    task: str | None = None
    number: int = 1            # the handoff number it produces (builder) or reviews (reviewer)
    reruns: int = 0            # times restarted after the agent died without a contract
    started: bool = False
    feedback: dict[str, Any] = {}  # gate_failure / findings / note for the next prompt


class GateRun(BaseModel):
    name: Literal["plan", "handoff", "integrate"]
    label: str                 # <task>-<n>, for gates/<label>-<gate>.log
    role: str | None           # whose worktree it runs in (None: the feature branch)
    commit: str | None
    started: bool = False


class Question(BaseModel):
    id: str
    role: str | None           # who asked (None: the supervisor itself)
    text: str
    reason: Literal["agent", "max_rounds", "agent_failed", "gate", "conflict", "budget"]
    then: Assignment | None = None  # the assignment to start once answered


class RunState(BaseModel):
    run_id: str
    goal: str
    branch: str
    build_branch: str
    base: str
    settings: dict[str, Any]   # gates, approval, max_rounds, budget, reviewers, roles by duty
    phase: Phase = "created"
    spec: str | None = None
    tasks: list[TaskState] = []
    current: str | None = None
    reviewer_index: int = 0
    assignment: Assignment | None = None
    next_assignment: int = 1
    lease: str | None = None
    branch_head: str = ""      # where the run last left the feature branch
    gate: GateRun | None = None
    gate_runs: int = 0
    question: Question | None = None
    resume_phase: Phase | None = None
    answers: list[dict[str, str]] = []
    tokens: dict[str, dict[str, int]] = {}
    tokens_total: int = 0
    budget_limit: int | None = None
    stopped: bool = False
    cleaned_up: bool = False
    last_seq: int = 0

    def task(self, task_id: str | None) -> TaskState | None:
        return next((t for t in self.tasks if t.id == task_id), None)

    @property
    def current_task(self) -> TaskState | None:
        return self.task(self.current)

    def tasks_done(self) -> int:
        return sum(t.status == "done" for t in self.tasks)
