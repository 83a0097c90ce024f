"""`superteam supervise RUN`: the only writer of state.json and the only mover of the branch.

One thread decides. Inputs arrive on a queue: contract files and pane deaths (watchdog,
inotify), new events from agents (token usage), gate results (worker threads). Each decision
is appended to events.jsonl, folded through the pure flow, and state.json is rewritten; the
actions the flow returns are then carried out. On start the whole log is folded and
`reconcile` says what to (re)start, so a SIGKILL at any point loses nothing.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shlex
import signal
import sys
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any, TextIO

from superteam import git as g
from superteam.actions import (
    Action,
    CheckAssignment,
    Finished,
    Integrate,
    Notify,
    RunGate,
    SetLease,
    StartAssignment,
    StopAgents,
)
from superteam.assign import doing, pane_assignment, start_agent
from superteam.errors import ContractError, SuperteamError
from superteam.events import Event, EventLog
from superteam.flow import step
from superteam.fsutil import atomic_write_json, atomic_write_text
from superteam.gates import run_gate
from superteam.handoff import finalize_handoff
from superteam.intake import check, classify, expected_path, fingerprint, question_path
from superteam.integrate import integrate
from superteam.locks import locked
from superteam.procs import alive, kill_trees, recorded_pids
from superteam.replay import REPLAY_NOTICE
from superteam.resume import reconcile
from superteam.runs import RunPaths, find_run, read_run_yaml
from superteam.session import SUPERVISOR, idle_command
from superteam.state import Assignment, RunState
from superteam.status import format_event
from superteam.tmux import Tmux
from superteam.watch import watch


class Supervisor:
    def __init__(self, paths: RunPaths, out: TextIO = sys.stdout) -> None:
        self.paths = paths
        self.out = out
        self.meta = read_run_yaml(paths)
        self.log = EventLog(paths.events)
        self.offset = 0
        self.state: RunState | None = None
        self.inbox: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.actions: deque[Action] = deque()
        self.seen_files: set[str] = set()
        self.panes: dict[str, str] = {}
        self.tmux = Tmux(None)
        self.finished = False
        self.signals = paths.dir / "signals"
        # The agent's pid: the pane-died hook is the fast path, this the net under it (tmux
        # can miss the death of a process that exits right after a respawn).
        self.agent_pid = 0
        self.title = ""

    # --- the event log -----------------------------------------------------------------------
    def emit(self, type: str, **data: Any) -> None:
        self.log.append(type, **data)
        self.catch_up()

    def catch_up(self) -> None:
        """Fold every event not yet seen (ours and other writers'), queueing their actions."""
        events, self.offset = self.log.read(self.offset)
        for event in events:
            self._apply(event, live=True)
        if events and self.state is not None:
            # A cache of the log (resume rebuilds it from events.jsonl), so no fsync.
            atomic_write_json(self.paths.state_json, self.state.model_dump(mode="json"),
                              durable=False)

    def _apply(self, event: Event, *, live: bool) -> None:
        self.state, actions = step(self.state, event)
        if event.data.get("file_id"):
            self.seen_files.add(str(event.data["file_id"]))
        if event.type == "session_created":
            self.panes = dict(event.data["panes"])
            self.tmux = Tmux(event.data.get("socket"))
        if live:
            self.actions.extend(actions)
            if event.type != "usage":
                self.say(format_event(event))

    def say(self, line: str) -> None:
        print(line, file=self.out, flush=True)
        with contextlib.suppress(OSError), (self.paths.logs / "supervisor.log").open("a") as fh:
            fh.write(line + "\n")

    @property
    def s(self) -> RunState:
        assert self.state is not None
        return self.state

    # --- main loop ---------------------------------------------------------------------------
    def run(self) -> int:
        with locked(self.paths.dir / ".supervisor.lock", blocking=False,
                    what=f"run {self.paths.run_id} (another supervisor runs it)"):
            self._catch_up_quietly()
            self._await_own_session()
            if self.state is None:
                raise SuperteamError(f"{self.paths.events} has no run_created event")
            if self.s.phase == "done" or self.s.cleaned_up:
                self.say(f"run {self.paths.run_id} is {self.s.phase}; nothing to do")
                return 0
            self.signals.mkdir(exist_ok=True)
            # Gates left running by a supervisor that was killed: they are re-run from scratch.
            kill_trees(recorded_pids(self.paths.procs, "gate-*.pid"), grace=1.0)
            observer = self._watch()
            previous = signal.signal(signal.SIGTERM, lambda *_: self.inbox.put(("stop", None)))
            try:
                return self._loop()
            except OSError as exc:
                # A full disk or a file-size limit: stop before deciding anything on a log we
                # could not write. Nothing is lost; `resume` goes on from the last whole event.
                self.say(f"** superteam cannot write {exc.filename or 'its files'} "
                         f"({exc.strerror}); the supervisor stops. Free the space, then "
                         f"`superteam resume {self.paths.run_id}`.")
                return 1
            finally:
                signal.signal(signal.SIGTERM, previous)
                observer.stop()
                kill_trees(recorded_pids(self.paths.procs, "gate-*.pid"), grace=1.0)

    def _catch_up_quietly(self) -> None:
        """Fold what the log holds without acting on it: reconcile decides what to do."""
        events, self.offset = self.log.read(self.offset)
        for event in events:
            self._apply(event, live=False)

    def _await_own_session(self, timeout: float = 30.0) -> None:
        """Launch and resume start this process in a new session's first pane and record the
        session (its panes, its tmux server) just after: wait for that record, or the panes in
        hand could be an earlier session's."""
        pane = os.environ.get("TMUX_PANE")
        deadline = time.monotonic() + timeout
        while pane and self.panes.get(SUPERVISOR) != pane and time.monotonic() < deadline:
            time.sleep(0.02)
            self._catch_up_quietly()

    def _loop(self) -> int:
        if os.environ.get("SUPERTEAM_REPLAY"):
            self.say(f"** {REPLAY_NOTICE}")
        self.emit("supervisor_started", pid=os.getpid())
        self._install_pane_hook()
        self.actions.extend(reconcile(self.s))
        self._scan_contracts()
        self._drain()
        while not self.finished:
            try:
                kind, payload = self.inbox.get(timeout=1.0 if self.agent_pid else None)
            except queue.Empty:
                self._check_agent_pid()
                continue
            if kind == "stop":
                break
            self._handle(kind, payload)
            self._drain()
        return 0

    def _watch(self) -> Any:
        self.paths.contracts.mkdir(parents=True, exist_ok=True)
        return watch(self.inbox, self.paths.events,
                     [(self.paths.contracts, True), (self.signals, False), (self.paths.dir, False)])

    def _install_pane_hook(self) -> None:
        touch = f"touch {shlex.quote(str(self.signals))}/#{{hook_pane}}"
        self.tmux.run("set-hook", "-t", f"={self.paths.session}:", "pane-died",
                      f"run-shell {shlex.quote(touch)}")

    def _handle(self, kind: str, payload: Any) -> None:
        if kind == "events":
            self.catch_up()
        elif kind == "file":
            path = Path(payload)
            if path.parent == self.signals:
                self._pane_died(path)
            else:
                self._intake(path)
        elif kind == "gate":
            label, result = payload
            if self.s.gate is not None and self.s.gate.label == label:
                self.emit("gate_finished", gate=self.s.gate.name, label=label, passed=result.passed,
                          command=result.command, outcome=result.outcome, tail=result.tail,
                          seconds=round(result.seconds, 2))

    def _drain(self) -> None:
        while self.actions:
            self._execute(self.actions.popleft())
        self._title_supervisor()

    def _title_supervisor(self) -> None:
        """The supervisor pane's title shows the run's phase and task, kept current."""
        s = self.s
        task = f" {s.current} ({s.tasks_done()}/{len(s.tasks)} done)" if s.current else ""
        title = f"supervisor: {s.phase}{task}"
        if title != self.title and SUPERVISOR in self.panes:
            self.tmux.run("select-pane", "-t", self.panes[SUPERVISOR], "-T", title, check=False)
            self.title = title

    # --- contracts ---------------------------------------------------------------------------
    def _scan_contracts(self) -> None:
        """Contract files that arrived while no supervisor was watching."""
        for path in sorted(self.paths.contracts.rglob("*.json")):
            if "rejected" not in path.relative_to(self.paths.contracts).parts:
                self._intake(path)

    def _intake(self, path: Path) -> None:
        sub = classify(self.paths.contracts, path)
        if sub is None or not os.path.lexists(path):
            return
        try:
            file_id = fingerprint(path)
        except OSError:
            return
        if file_id in self.seen_files:
            return
        self.seen_files.add(file_id)
        try:
            event_type, data = check(sub, self.s)
            if event_type == "handoff_accepted":
                data["commit"] = finalize_handoff(self.paths.worktree(self.s.settings["builder"]),
                                                  self.s, data["contract"])
        except ContractError as exc:
            self._reject(sub.rel, path, exc.problems, file_id)
            return
        submitter = self.s.assignment if self.s.assignment else None
        self.emit(event_type, **data, path=sub.rel, file_id=file_id)
        if submitter is not None and sub.kind in ("plan", "handoff", "review", "question"):
            self._retire(submitter.role)
            self.tmux.run("select-pane", "-t", self.panes[submitter.role], "-T",
                          f"{submitter.role}: idle (done {doing(submitter)})", check=False)

    def _reject(self, rel: str, path: Path, problems: list[str], file_id: str) -> None:
        dest = self.paths.contracts / "rejected" / f"{rel.replace('/', '_')}.{self.s.last_seq + 1}"
        dest.parent.mkdir(exist_ok=True)
        with contextlib.suppress(OSError):
            os.replace(path, dest)  # frees the path for the agent's next try; nothing is lost
        self.emit("contract_rejected", path=rel, problems=problems, file_id=file_id,
                  moved_to=str(dest.relative_to(self.paths.dir)))
        a = self.s.assignment
        if a is not None and self._backend(a.role) == "command":
            pane_alive, shown, _ = pane_assignment(self.tmux, self.panes[a.role])
            if pane_alive and shown == a.id:
                text = (f"superteam refused contracts/{rel}: " + "; ".join(problems)
                        + f" -- fix it and write it again to {self.paths.contracts / rel}")
                self.tmux.run("send-keys", "-t", self.panes[a.role], "-l", text, check=False)
                self.tmux.run("send-keys", "-t", self.panes[a.role], "Enter", check=False)

    def _retire(self, role: str) -> None:
        """An external agent CLI may keep running after it handed over: end it (the built-in
        agent exits by itself once its contract is accepted)."""
        if self._backend(role) == "command" and (
                self.s.assignment is None or self.s.assignment.role != role):
            self._idle(role)

    def _backend(self, role: str) -> str:
        return str(self.meta["roles"].get(role, {}).get("config", {}).get("backend", "anthropic"))

    def _idle(self, role: str) -> None:
        self.tmux.chain([["respawn-pane", "-k", "-t", self.panes[role], idle_command(role)],
                         ["set-option", "-p", "-t", self.panes[role], "@superteam_assignment", ""],
                         ["select-pane", "-t", self.panes[role], "-T", f"{role}: idle"]])

    # --- agents ------------------------------------------------------------------------------
    def _check_agent_pid(self) -> None:
        a = self.s.assignment
        if a is None or not a.started:
            self.agent_pid = 0  # nothing to watch until the next assignment starts
            return
        if alive(self.agent_pid):
            return
        self.agent_pid = 0
        self._confirm_agent(a)

    def _confirm_agent(self, a: Assignment) -> None:
        """Watch the agent's pid if its pane still runs ``a``; else it is gone."""
        pane_alive, shown, pid = pane_assignment(self.tmux, self.panes[a.role])
        if pane_alive and shown == a.id:
            self.agent_pid = pid
        else:
            self._agent_gone(a)

    def _pane_died(self, signal_file: Path) -> None:
        with contextlib.suppress(FileNotFoundError):
            signal_file.unlink()
        a = self.s.assignment
        if a is None or not a.started or self.panes.get(a.role) != signal_file.name:
            return
        pane_alive, _, _ = pane_assignment(self.tmux, self.panes[a.role])
        if pane_alive:
            return  # already respawned for a newer assignment
        self._agent_gone(a)

    def _agent_gone(self, a: Assignment) -> None:
        for rel in (expected_path(self.s), question_path(self.s)):
            if rel and self.s.assignment is a:
                self._intake(self.paths.contracts / rel)
        if self.s.assignment is not None and self.s.assignment.id == a.id:
            self.emit("agent_exited", assignment=a.id, role=a.role)

    def _start(self, a: Assignment) -> None:
        if self.s.assignment is None or self.s.assignment.id != a.id:
            return  # superseded before it could start
        role_meta = dict(self.meta["roles"][a.role]["config"])
        template = (self.paths.dir / "prompts" / f"{a.role}.md").read_text(encoding="utf-8")
        try:
            self.agent_pid = start_agent(self.tmux, self.panes[a.role], self.paths, self.s, a,
                                         role_meta, template)
        except SuperteamError as exc:
            self.say(f"could not start {a.role}: {exc.render()}")
            self.emit("assignment_started", assignment=a.id, role=a.role, duty=a.duty, task=a.task,
                      number=a.number, failed=exc.message)
            self.emit("agent_exited", assignment=a.id, role=a.role, failed=True)
            return
        self.emit("assignment_started", assignment=a.id, role=a.role, duty=a.duty, task=a.task,
                  number=a.number, reruns=a.reruns, pane=self.panes[a.role])

    # --- actions -----------------------------------------------------------------------------
    def _execute(self, action: Action) -> None:
        match action:
            case StartAssignment(assignment=a):
                self._start(a)
            case CheckAssignment(assignment=a):
                self._confirm_agent(a)
            case RunGate(gate=gate, commands=commands):
                if not commands:
                    self.emit("gate_finished", gate=gate.name, label=gate.label, passed=True,
                              command=None, outcome="no commands", tail="", seconds=0)
                    return
                self.emit("gate_started", gate=gate.name, label=gate.label, commands=list(commands))
                cwd = self.paths.worktree(gate.role or self.s.settings["builder"])
                log = self.paths.gates / f"{gate.label}-{gate.name}.log"
                timeout = float(self.s.settings["gates"]["timeout"])

                def work(label: str = gate.label) -> None:
                    result = run_gate(commands, cwd, log, timeout, self.paths.procs, label)
                    self.inbox.put(("gate", (label, result)))

                threading.Thread(target=work, daemon=True).start()
            case Integrate(task=task, commit=commit):
                wt = self.paths.worktree(self.s.settings["builder"])
                event_type, data = integrate(self.paths.repo, self.s.branch, task, commit, wt)
                self.emit(event_type, **data)
            case SetLease(role=role):
                with locked(self.paths.dir / ".lease.lock"):
                    # Derived from the log too: resume's reconcile writes it again.
                    atomic_write_text(self.paths.lease, role or "", durable=False)
            case Notify(message=message):
                self.say(f"** {message}")
                self.tmux.run("display-message", "-t", f"={self.paths.session}:",
                              f"superteam {self.paths.run_id}: {message[:200]}", check=False)
            case StopAgents():
                for role in self.panes:
                    if role != SUPERVISOR:
                        self._idle(role)
            case Finished():
                self.emit("run_finished", branch=self.s.branch, commit=self.s.branch_head)
                self.finished = True


def supervise(cwd: Path, run_id: str) -> int:
    return Supervisor(find_run(g.repo_root(cwd), run_id)).run()
