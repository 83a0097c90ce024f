"""Starting an assignment: prepare the role's worktree, write the assignment and its prompt,
and start a fresh agent process in the role's pane (`respawn-pane -k`)."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

from superteam import git as g
from superteam.claude_code import uses_claude_code, write_settings
from superteam.fsutil import atomic_write_json, atomic_write_text
from superteam.intake import expected_path, question_path
from superteam.prompts import render
from superteam.runs import RunPaths
from superteam.session import superteam_argv
from superteam.state import Assignment, RunState
from superteam.tmux import Tmux
from superteam.worktrees import NO_HOOKS, SUPERVISOR_ENV

TOOL_OF_DUTY = {"plan": "submit_plan", "handoff": "submit_handoff", "review": "submit_review"}


def assignment_dir(paths: RunPaths) -> Path:
    return paths.dir / "assignments"


def _feedback_text(a: Assignment) -> str | None:
    parts = []
    gf = a.feedback.get("gate_failure")
    if gf and a.duty == "plan":
        parts.append(f"The {gf.get('gate')} gate ran `{gf.get('command')}` on your plan and it "
                     f"{gf.get('outcome')}:\n```\n{gf.get('tail')}\n```")
    if a.feedback.get("rejected"):
        parts.append("Your last contract file was refused:\n"
                     + "\n".join(f"- {p}" for p in a.feedback["rejected"]))
    if a.reruns:
        parts.append(f"This is restart {a.reruns} of this assignment: the previous agent ended "
                     "without handing over. Check the worktree for work it left.")
    return "\n\n".join(parts) or None


def build_context(state: RunState, a: Assignment, role_meta: dict[str, Any], paths: RunPaths,
                  backend: str) -> dict[str, Any]:
    task = state.task(a.task)
    handoff = None
    if a.duty == "review" and task is not None:
        handoff = {"task_id": task.id, "summary": task.summary or "", "commit": task.commit or "",
                   "base": state.branch_head}
    contract_rel = expected_path(state) if state.assignment is a else None
    question_rel = question_path(state) if state.assignment is a else None
    return {
        "run_id": state.run_id,
        "goal": state.goal,
        "branch": state.branch,
        "build_branch": state.build_branch,
        "role": {"name": a.role, "description": role_meta.get("description", ""),
                 "tools": role_meta.get("tools", [])},
        "backend": backend,
        "spec": state.spec or "",
        "tasks": [t.model_dump(include={"id", "title", "description", "acceptance"})
                  for t in state.tasks],
        "task": task.model_dump(include={"id", "title", "description", "acceptance"})
        if task else None,
        "done_tasks": [t.id for t in state.tasks if t.status == "done"],
        "attempt": a.number,
        "round": (task.rework + 1) if task else 1,
        "gate_failure": a.feedback.get("gate_failure") if a.duty == "handoff" else None,
        "findings": a.feedback.get("findings", []),
        "feedback": _feedback_text(a),
        "answers": [x for x in state.answers if x.get("role") in (a.role, "supervisor")],
        "handoff": handoff,
        "contract": {"tool": TOOL_OF_DUTY[a.duty],
                     "inbox": str(paths.contracts / contract_rel) if contract_rel else "",
                     "question": str(paths.contracts / question_rel) if question_rel else ""},
    }


def prepare_worktree(state: RunState, a: Assignment, worktree: Path) -> None:
    """Read-only roles look at exactly the commit they must read."""
    target = None
    if a.duty == "plan":
        target = state.branch_head
    elif a.duty == "review":
        task = state.task(a.task)
        target = task.commit if task else None
    if target:
        g.git(worktree, *NO_HOOKS, "checkout", "-q", "--detach", "-f", target, env=SUPERVISOR_ENV)
        g.git(worktree, "clean", "-fdq", env=SUPERVISOR_ENV)


def start_agent(tmux: Tmux, pane: str, paths: RunPaths, state: RunState, a: Assignment,
                role_meta: dict[str, Any], prompt_template: str) -> int:
    """Write the assignment files and respawn the pane; returns the agent's pid."""
    worktree = paths.worktree(a.role)
    prepare_worktree(state, a, worktree)
    backend = role_meta.get("backend", "anthropic")
    context = build_context(state, a, role_meta, paths, backend)
    folder = assignment_dir(paths)
    prompt_file = folder / f"{a.id}.md"
    atomic_write_text(prompt_file, render(prompt_template, context,
                                          source=str(paths.dir / "prompts" / f"{a.role}.md")))
    assignment_file = folder / f"{a.id}.json"
    atomic_write_json(assignment_file, {
        "assignment": a.model_dump(), "context": context, "worktree": str(worktree),
        "prompt_file": str(prompt_file), "role": role_meta, "run_dir": str(paths.dir)})
    env = {
        "SUPERTEAM_RUN": state.run_id, "SUPERTEAM_RUN_DIR": str(paths.dir),
        "SUPERTEAM_ROLE": a.role, "SUPERTEAM_ASSIGNMENT": a.id,
        "SUPERTEAM_ASSIGNMENT_FILE": str(assignment_file), "SUPERTEAM_PROMPT_FILE": str(prompt_file),
        "SUPERTEAM_CONTRACT": context["contract"]["inbox"],
        "SUPERTEAM_QUESTION": context["contract"]["question"],
    }
    if backend == "command":
        argv = [part.replace("{prompt_file}", str(prompt_file)) for part in role_meta["command"]]
        command = shlex.join(argv)
        if uses_claude_code(argv):
            write_settings(worktree)
    else:
        command = superteam_argv("agent", state.run_id, a.role, "--assignment", a.id)
    env_args = [arg for k, v in env.items() for arg in ("-e", f"{k}={v}")]
    log = paths.logs / f"{a.role}.log"
    commands = [
        ["respawn-pane", "-k", "-t", pane, "-c", str(worktree), *env_args, command],
        ["set-option", "-p", "-t", pane, "@superteam_assignment", a.id],
        ["select-pane", "-t", pane, "-T", title_of(a)],
    ]
    if backend == "command":  # the agent CLI owns its terminal; keep a copy of what it shows
        commands.append(["pipe-pane", "-t", pane, f"cat >> {shlex.quote(str(log))}"])
    commands.append(["display-message", "-p", "-t", pane, "#{pane_pid}"])
    return int(tmux.chain(commands).split()[-1])


def doing(a: Assignment) -> str:
    return {"plan": "planning", "handoff": f"building {a.task} #{a.number}",
            "review": f"reviewing {a.task} #{a.number}"}[a.duty]


def title_of(a: Assignment) -> str:
    return f"{a.role}: {doing(a)}" + (f" (restart {a.reruns})" if a.reruns else "")


def pane_assignment(tmux: Tmux, pane: str) -> tuple[bool, str, int]:
    """(alive, assignment id shown in the pane, pid) for a role's pane."""
    out = tmux.run("display-message", "-p", "-t", pane,
                   "#{pane_dead}\t#{@superteam_assignment}\t#{pane_pid}", check=False)
    dead, assignment, pid = (out.split("\t") + ["", "", ""])[:3]
    return dead == "0", assignment, int(pid) if pid.isdigit() else 0


def loads_assignment(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
