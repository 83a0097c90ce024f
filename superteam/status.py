"""`superteam status` and `superteam logs`: what a person or a script sees of runs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from superteam.events import Event
from superteam.pricing import cost_usd
from superteam.runinfo import RunInfo
from superteam.tmux import Tmux


def role_models(info: RunInfo) -> dict[str, str]:
    team_model = str(info.meta.get("team", {}).get("model", ""))
    roles = info.meta.get("roles", {})
    return {name: (r["config"].get("model") or team_model) for name, r in roles.items()}


def summarize(info: RunInfo, *, check_panes: bool = True) -> dict[str, Any]:
    s = info.state
    models = role_models(info)
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
        "panes": panes_alive,
        "age_seconds": round(age, 1),
    }


def human_age(seconds: float) -> str:
    if seconds < 120:
        return f"{int(seconds)}s"
    if seconds < 7200:
        return f"{int(seconds // 60)}m"
    return f"{seconds / 3600:.1f}h"


def describe_event(e: Event) -> str:
    d = e.data
    match e.type:
        case "run_created":
            return f"run created on {d.get('branch')} at {str(d.get('base'))[:10]}: {d.get('goal')}"
        case "session_created":
            return f"tmux session {d.get('session')} with panes " + ", ".join(
                f"{r}={p}" for r, p in d.get("panes", {}).items())
        case "assignment_started":
            what = f" task {d.get('task')} #{d.get('number')}" if d.get("task") else ""
            return f"{d.get('role')} started ({d.get('duty')}{what}, {d.get('assignment')})"
        case "gate_finished":
            verdict = "passed" if d.get("passed") else f"FAILED: `{d.get('command')}` {d.get('outcome')}"
            return f"{d.get('gate')} gate {d.get('label')} {verdict}"
        case "contract_rejected":
            return f"rejected {d.get('path')}: " + "; ".join(d.get("problems", []))
        case "integrated":
            return f"{d.get('task')} integrated: {d.get('branch')} -> {str(d.get('commit'))[:10]}"
        case "usage":
            return (f"{d.get('role')} used {d.get('input_tokens', 0)} in / "
                    f"{d.get('output_tokens', 0)} out tokens")
    details = ", ".join(f"{k}={v}" for k, v in d.items() if k not in ("contract",))
    return details[:200]


def format_event(e: Event) -> str:
    return f"{e.ts[11:23]} #{e.seq:<4} {e.type:<20} {describe_event(e)}"
