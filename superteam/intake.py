"""Contract files in, events out: classify a file under contracts/, validate it against its
schema and against the run's state. Pure apart from reading the file.

A contract is accepted only when it is what the run is waiting for; anything else is
rejected with every problem listed, and changes no state.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from superteam.contracts import read_contract_file, validate
from superteam.errors import ContractError
from superteam.state import RunState

_PATTERNS = [
    ("plan", re.compile(r"^plan\.json$")),
    ("approval", re.compile(r"^approval\.json$")),
    ("handoff", re.compile(r"^handoffs/(?P<task>[^/]+)-(?P<n>\d+)\.json$")),
    ("review", re.compile(r"^reviews/(?P<task>[^/]+)-(?P<n>\d+)(?:-(?P<role>[a-z][a-z0-9_-]*))?\.json$")),
    ("question", re.compile(r"^questions/(?P<q>[A-Za-z0-9_.-]+)\.json$")),
    ("answer", re.compile(r"^answers/(?P<q>[A-Za-z0-9_.-]+)\.json$")),
]


@dataclass(frozen=True)
class Submission:
    kind: str
    path: Path
    rel: str
    fields: dict[str, str]


def classify(contracts_dir: Path, path: Path) -> Submission | None:
    """Which contract a path under contracts/ is; None for anything else (temp files, ...)."""
    try:
        rel = path.relative_to(contracts_dir).as_posix()
    except ValueError:
        return None
    for kind, pattern in _PATTERNS:
        m = pattern.match(rel)
        if m:
            return Submission(kind, path, rel, {k: v for k, v in m.groupdict().items() if v})
    return None


def fingerprint(path: Path) -> str:
    """Identity of one version of a file: its content and modification time."""
    st = path.lstat()
    digest = hashlib.sha256(path.read_bytes()[:2_000_000]).hexdigest()[:16]
    return f"{digest}-{st.st_mtime_ns}"


def expected_path(state: RunState) -> str | None:
    """Where the current assignment's contract must be written (relative to contracts/)."""
    a = state.assignment
    if a is None:
        return None
    if a.duty == "plan":
        return "plan.json"
    if a.duty == "handoff":
        return f"handoffs/{a.task}-{a.number}.json"
    reviewers = state.settings.get("reviewers", [])
    suffix = "" if reviewers and a.role == reviewers[0] else f"-{a.role}"
    return f"reviews/{a.task}-{a.number}{suffix}.json"


def question_path(state: RunState) -> str | None:
    return f"questions/{state.assignment.id}.json" if state.assignment else None


def check(sub: Submission, state: RunState) -> tuple[str, dict[str, Any]]:
    """Validate ``sub``; returns (event type, event data) or raises ContractError."""
    data = read_contract_file(sub.path)
    contract = validate(sub.kind, data, source=sub.rel).model_dump(mode="json")
    problems: list[str] = []
    if contract.get("run") not in (None, state.run_id):
        problems.append(f"run: this contract is for run '{contract['run']}', not '{state.run_id}'")
    a = state.assignment
    event: tuple[str, dict[str, Any]]
    if sub.kind in ("plan", "handoff", "review"):
        expected = expected_path(state)
        if a is None or a.duty != sub.kind or sub.rel != expected:
            waiting = f"contracts/{expected}" if expected else "no contract from an agent"
            problems.append(f"(file): the run is not waiting for contracts/{sub.rel} "
                            f"(phase {state.phase}; it waits for {waiting})")
        if sub.kind != "plan" and a is not None and contract["task_id"] != a.task:
            known = [t.id for t in state.tasks]
            what = "is not in progress" if contract["task_id"] in known else "is not in the plan"
            problems.append(f"task_id: task '{contract['task_id']}' {what} "
                            f"(expected '{a.task}')")
        event = (f"{sub.kind}_accepted", {"contract": contract,
                                          "assignment": a.id if a else None,
                                          "number": a.number if a else None})
    elif sub.kind == "question":
        if a is None or sub.fields["q"] != a.id:
            problems.append(f"(file): no agent assignment '{sub.fields['q']}' is in progress")
        event = ("question_asked", {"question_id": sub.fields["q"], "question": contract["question"],
                                    "role": a.role if a else None})
    elif sub.kind == "answer":
        q = state.question
        if q is None or q.id != sub.fields["q"] or contract["question_id"] != q.id:
            problems.append(f"question_id: the run is not waiting for an answer to "
                            f"'{sub.fields['q']}'")
        event = ("answered", {"question_id": sub.fields["q"], "answer": contract["answer"]})
    else:  # approval
        if state.phase != "awaiting_approval":
            problems.append(f"(file): the run is not waiting for plan approval (phase {state.phase})")
        event = ("plan_approved", {"by": contract.get("by", "human")})
    if problems:
        raise ContractError(sub.rel, problems)
    return event
