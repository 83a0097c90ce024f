"""The human's side: answer an escalation, approve a plan, resume a stopped run."""

from __future__ import annotations

from superteam.contracts import validate
from superteam.errors import SuperteamError
from superteam.events import EventLog
from superteam.fsutil import atomic_write_json
from superteam.runinfo import RunInfo
from superteam.session import SUPERVISOR, create_session, superteam_argv
from superteam.tmux import Tmux


def _supervisor_alive(info: RunInfo, tmux: Tmux) -> bool:
    if not tmux.has_session(info.paths.session):
        return False
    panes = {p["pane_id"]: p for p in tmux.list_panes(info.paths.session)}
    pane = panes.get(info.panes.get(SUPERVISOR, ""))
    return pane is not None and pane.get("pane_dead") != "1"


def _note(info: RunInfo) -> str:
    if _supervisor_alive(info, Tmux(info.socket)):
        return "the run continues"
    return f"the supervisor is not running: `superteam resume {info.run_id}` continues the run"


def answer(info: RunInfo, text: str, question_id: str | None = None) -> str:
    state = info.state
    if state is None or state.question is None:
        raise SuperteamError(f"run {info.run_id} is not waiting for an answer (phase {info.phase})")
    qid = question_id or state.question.id
    if qid != state.question.id:
        raise SuperteamError(f"run {info.run_id} waits for an answer to {state.question.id}, "
                             f"not {qid}")
    contract = validate("answer", {"question_id": qid, "answer": text}, source="answer")
    atomic_write_json(info.paths.contracts / "answers" / f"{qid}.json",
                      contract.model_dump(mode="json", exclude_none=True))
    return f"answered {qid}; {_note(info)}"


def approve(info: RunInfo) -> str:
    if info.state is None or info.state.phase != "awaiting_approval":
        raise SuperteamError(f"run {info.run_id} has no plan waiting for approval "
                             f"(phase {info.phase})")
    atomic_write_json(info.paths.contracts / "approval.json", {"approved": True, "by": "human"})
    return f"approved the plan of {info.run_id}; {_note(info)}"


def resume(info: RunInfo) -> str:
    if info.phase in ("done", "cleaned_up"):
        raise SuperteamError(f"run {info.run_id} is {info.phase}; there is nothing to resume")
    tmux = Tmux(info.socket)
    if _supervisor_alive(info, tmux):
        raise SuperteamError(f"run {info.run_id}'s supervisor is already running",
                             hint=f"Watch it with `superteam attach {info.run_id}`.")
    command = superteam_argv("supervise", info.run_id)
    if tmux.has_session(info.paths.session):
        tmux.run("respawn-pane", "-k", "-t", info.panes[SUPERVISOR], "-c", str(info.paths.repo),
                 command)
        return f"restarted the supervisor of {info.run_id} in {info.paths.session}"
    roles = {role: info.paths.worktree(role) for role in info.meta.get("roles", {})}
    missing = [str(p) for p in roles.values() if not p.is_dir()]
    if missing:
        raise SuperteamError(f"run {info.run_id}'s worktrees are gone: {', '.join(missing)}")
    panes = create_session(tmux, info.paths.session, info.paths.repo, command, roles)
    EventLog(info.paths.events).append("session_created", session=info.paths.session,
                                       socket=tmux.socket, panes=panes)
    return f"resumed {info.run_id} in a new session {info.paths.session}"
