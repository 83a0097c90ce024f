"""The configuration schema as data: pydantic models that forbid unknown keys."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

# The agent tool interface (DESIGN §6). Write tools need a role with `access: write`.
ToolName = Literal[
    "read_file",
    "list_files",
    "search",
    "write_file",
    "edit_file",
    "run_shell",
    "submit_plan",
    "submit_handoff",
    "submit_review",
    "escalate",
]
WRITE_TOOLS = frozenset({"write_file", "edit_file", "submit_handoff"})
DEFAULT_MODEL = "claude-sonnet-4-6"
ROLE_NAME_PATTERN = r"^[a-z][a-z0-9_-]{0,31}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GatesConfig(_Strict):
    plan: list[str] = []
    handoff: list[str] = ["python -m pytest -q"]
    integrate: list[str] = ["python -m pytest -q"]
    timeout: Annotated[int, Field(gt=0)] = 900


class PlanConfig(_Strict):
    approval: Literal["auto", "human"] = "auto"


class ReviewConfig(_Strict):
    max_rounds: Annotated[int, Field(ge=1)] = 3


class BudgetConfig(_Strict):
    tokens: Annotated[int, Field(gt=0)] | None = 4_000_000


class TmuxConfig(_Strict):
    socket: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+$")] | None = None


class TeamConfig(_Strict):
    roles: list[Annotated[str, Field(pattern=ROLE_NAME_PATTERN)]] = ["pm", "builder", "reviewer"]
    gates: GatesConfig = GatesConfig()
    plan: PlanConfig = PlanConfig()
    review: ReviewConfig = ReviewConfig()
    budget: BudgetConfig = BudgetConfig()
    model: Annotated[str, Field(min_length=1)] = DEFAULT_MODEL
    tmux: TmuxConfig = TmuxConfig()

    @field_validator("roles")
    @classmethod
    def _unique_roles(cls, roles: list[str]) -> list[str]:
        if not roles:
            raise ValueError("at least one role is needed")
        dupes = sorted({r for r in roles if roles.count(r) > 1})
        if dupes:
            raise ValueError(f"role listed twice: {', '.join(dupes)}")
        return roles


def _check_pattern(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression ({exc})") from None
    return pattern


# Validated one by one, so an error names the pattern's index and line.
Pattern = Annotated[str, Field(min_length=1), AfterValidator(_check_pattern)]


class ShellPolicyConfig(_Strict):
    deny: list[Pattern] = []
    allow: list[Pattern] = []
    timeout: Annotated[int, Field(gt=0)] = 600


class LimitsConfig(_Strict):
    max_turns: Annotated[int, Field(gt=0)] = 80
    tool_output_bytes: Annotated[int, Field(ge=1000)] = 20_000


class RoleConfig(_Strict):
    name: Annotated[str, Field(pattern=ROLE_NAME_PATTERN)]
    description: Annotated[str, Field(min_length=1)]
    access: Literal["write", "read"] = "read"
    backend: Literal["anthropic", "command"] = "anthropic"
    model: str | None = None
    command: list[Annotated[str, Field(min_length=1)]] | None = None
    tools: list[ToolName] = []
    shell: ShellPolicyConfig = ShellPolicyConfig()
    limits: LimitsConfig = LimitsConfig()

    @model_validator(mode="after")
    def _consistent(self) -> RoleConfig:
        if self.backend == "command" and not self.command:
            raise ValueError("backend 'command' needs a `command` argv list")
        if self.access == "read":
            misplaced = sorted(WRITE_TOOLS.intersection(self.tools))
            if misplaced:
                raise ValueError(
                    f"a read role cannot have write tools ({', '.join(misplaced)}); "
                    "set `access: write` or remove them"
                )
        duties = [t for t in self.tools if t in DUTY_TOOLS]
        if len(duties) > 1:
            raise ValueError(f"a role submits one kind of contract, not {', '.join(duties)}")
        return self

    @property
    def duty(self) -> str | None:
        """The contract this role hands over: plan, handoff or review (None: helper role)."""
        for tool in self.tools:
            if tool in DUTY_TOOLS:
                return DUTY_TOOLS[tool]
        return None


DUTY_TOOLS = {"submit_plan": "plan", "submit_handoff": "handoff", "submit_review": "review"}
