"""What the flow asks the runtime to do. Plain data; the supervisor carries them out."""

from __future__ import annotations

from dataclasses import dataclass

from superteam.state import Assignment, GateRun


@dataclass(frozen=True)
class StartAssignment:
    assignment: Assignment


@dataclass(frozen=True)
class CheckAssignment:
    """On resume: is the started assignment's agent still alive, or did its contract arrive?"""
    assignment: Assignment


@dataclass(frozen=True)
class RunGate:
    gate: GateRun
    commands: tuple[str, ...]


@dataclass(frozen=True)
class Integrate:
    task: str
    commit: str


@dataclass(frozen=True)
class SetLease:
    role: str | None


@dataclass(frozen=True)
class Notify:
    message: str


@dataclass(frozen=True)
class StopAgents:
    pass


@dataclass(frozen=True)
class Finished:
    pass


Action = (StartAssignment | CheckAssignment | RunGate | Integrate | SetLease | Notify | StopAgents
          | Finished)
Actions = list[Action]


