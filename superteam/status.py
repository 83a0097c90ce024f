"""`superteam status` and `superteam logs`: what a person or a script sees of runs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from superteam.events import Event
from superteam.pricing import cost_usd
from superteam.runinfo import RunInfo
from superteam.tmux import Tmux


def summarize(info: RunInfo, *, check_panes: bool = True) -> dict[str, Any]:
    s = info.state
    models = {name: str(r.get("model", "")) for name, r in info.meta.get("roles", {}).items()}
    tokens = dict(s.tokens) if s else {}
    cost_by_role = {role: round(cost_usd(models.get(role, ""), usage), 4)
                    for role, usage in tokens.items()}
    task = s.current_task if s else None
    panes_alive: dict[str, bool] = {}
    session_alive = False
    if check_panes:
        tmux = Tmux(info.socket)
        session_alive = tmux.has_session(info.paths.session)
        live = {p["pane_id"]: p.get("pane_dead") != "1"
                for p in (tmux.list_panes(info.paths.session) if session_alive else [])}
        panes_alive = {role: live.get(pane, False) for role, pane in info.panes.items()}
    age = (datetime.now(UTC) - info.created).total_seconds() if info.created else 0.0
    return {
        "run": info.run_id,
        "branch": info.branch,
        "goal": info.meta.get("goal"),
        "phase": info.phase,
        "task": task.id if task else None,
        "tasks_done": s.tasks_done() if s else 0,
        "tasks_total": len(s.tasks) if s else 0,
        "attempt": task.handoffs + (1 if s and s.phase == "building" else 0) if task else 0,
        "rework": task.rework if task else 0,
        "lease": s.lease if s else None,
        "assignment": s.assignment.model_dump() if s and s.assignment else None,
        "question": s.question.model_dump(include={"id", "role", "text", "reason"})
        if s and s.question else None,
        "tokens": s.tokens_total if s else 0,
        "tokens_by_role": tokens,
        "cost_usd": round(sum(cost_by_role.values()), 4),
        "cost_by_role": cost_by_role,
        "session": info.paths.session,
        "session_alive": session_alive,
        # The tmux server or session died under a live run: `superteam resume` rebuilds it.
        "session_lost": bool(check_panes and not session_alive
                             and info.phase not in ("done", "stopped", "cleaned_up")),
        "panes": panes_alive,
        "age_seconds": round(age, 1),
    }


def human_age(seconds: float) -> str:
    if seconds < 120:
        return f"{int(seconds)}s"
    if seconds < 7200:
        return f"{int(seconds // 60)}m"
    return f"{seconds / 3600:.1f}h"


def _short(sha: object) -> str:
    return str(sha or "")[:10]


def describe_event(e: Event) -> str:
    d = e.data
    c = d.get("contract") or {}
    match e.type:
        case "run_created":
            return f"run created on {d.get('branch')} at {_short(d.get('base'))}: {d.get('goal')}"
        case "session_created":
            return f"tmux session {d.get('session')} with panes " + ", ".join(
                f"{r}={p}" for r, p in d.get("panes", {}).items())
        case "supervisor_started":
            return f"supervisor running (pid {d.get('pid')})"
        case "assignment_started":
            what = f" task {d.get('task')} #{d.get('number')}" if d.get("task") else ""
            again = f", restart {d['reruns']}" if d.get("reruns") else ""
            return f"{d.get('role')} started: {d.get('duty')}{what} ({d.get('assignment')}{again})"
        case "plan_accepted":
            tasks = [t.get("id") for t in c.get("tasks", [])]
            return f"plan accepted: {len(tasks)} tasks ({', '.join(map(str, tasks))})"
        case "handoff_accepted":
            return (f"handoff {c.get('task_id')} #{d.get('number')} at {_short(d.get('commit'))}: "
                    f"{c.get('summary', '')[:100]}")
        case "review_accepted":
            findings = c.get("findings", [])
            more = f" ({len(findings)} findings: {findings[0].get('message', '')[:80]})" if findings else ""
            return f"review of {c.get('task_id')} #{d.get('number')}: {c.get('verdict')}{more}"
        case "gate_started":
            return f"{d.get('gate')} gate {d.get('label')} running: " + "; ".join(d.get("commands", []))
        case "gate_finished":
            verdict = "passed" if d.get("passed") else f"FAILED: `{d.get('command')}` {d.get('outcome')}"
            return f"{d.get('gate')} gate {d.get('label')} {verdict}"
        case "contract_rejected":
            return f"refused {d.get('path')}: " + "; ".join(d.get("problems", []))
        case "integrated":
            return f"{d.get('task')} integrated: {d.get('branch')} -> {_short(d.get('commit'))}"
        case "branch_merged":
            return (f"{d.get('task')}: the moved branch ({_short(d.get('branch_head'))}) merged "
                    "into the build branch")
        case "integration_conflict":
            return f"{d.get('task')}: cannot integrate: {d.get('details')}"
        case "question_asked":
            return f"{d.get('role')} asks: {d.get('question')}"
        case "answered":
            return f"answer to {d.get('question_id')}: {d.get('answer')}"
        case "agent_exited":
            return f"{d.get('role')} ended without handing over ({d.get('assignment')})"
        case "usage":
            return (f"{d.get('role')}: {d.get('input_tokens', 0)} in + "
                    f"{d.get('cache_read_input_tokens', 0)} cached + "
                    f"{d.get('cache_creation_input_tokens', 0)} cache-write / "
                    f"{d.get('output_tokens', 0)} out tokens")
        case "run_finished":
            return f"done: {d.get('branch')} at {_short(d.get('commit'))}"
    details = ", ".join(f"{k}={v}" for k, v in d.items() if k not in ("contract", "file_id"))
    return details[:200]


def format_event(e: Event) -> str:
    return f"{e.ts[11:23]} #{e.seq:<4} {e.type:<20} {describe_event(e)}"
