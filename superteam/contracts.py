"""The contracts agents hand over: one pydantic schema each.

The same models give the agents' tool input schemas (DESIGN §6) and validate the contract files
an external agent writes. Reading a file is defensive: no symlinks, a size cap, UTF-8 only.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from superteam.errors import ContractError

MAX_CONTRACT_BYTES = 1_000_000
TaskId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$",
                              description="Short unique id, like T1")]
Text = Annotated[str, Field(min_length=1)]


class _Contract(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # Set by superteam's own tools; an external agent may omit it. A mismatch is refused.
    run: str | None = Field(default=None, description="The run this contract belongs to.")


class PlanTask(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: TaskId
    title: Text
    description: Text
    acceptance: list[Text]


class Plan(_Contract):
    spec: Annotated[Text, Field(description="Product-level spec, markdown.")]
    tasks: Annotated[list[PlanTask], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique_ids(self) -> Plan:
        ids = [t.id for t in self.tasks]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"task ids must be unique; repeated: {', '.join(dupes)}")
        return self


class Handoff(_Contract):
    task_id: TaskId
    summary: Annotated[Text, Field(description="What changed and how it was tested.")]


class Finding(BaseModel):
    model_config = ConfigDict(extra="forbid")
    severity: Annotated[Text, Field(description="critical, major or minor")]
    message: Text
    file: str | None = None
    line: Annotated[int, Field(ge=1)] | None = None


class Review(_Contract):
    task_id: TaskId
    verdict: Literal["approve", "changes_requested"]
    findings: list[Finding] = []
    evidence: list[Text] = Field(default_factory=list,
                                 description="Each: a command you ran and what it showed.")

    @model_validator(mode="after")
    def _findings_for_changes(self) -> Review:
        if self.verdict == "changes_requested" and not self.findings:
            raise ValueError("verdict 'changes_requested' needs at least one finding")
        return self


class Question(_Contract):
    question: Text


class Answer(_Contract):
    question_id: Text
    answer: Text


class Approval(_Contract):
    approved: Literal[True] = True
    by: str = "human"


SCHEMAS: dict[str, type[_Contract]] = {
    "plan": Plan, "handoff": Handoff, "review": Review, "question": Question,
    "answer": Answer, "approval": Approval,
}


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def problems_of(exc: ValidationError) -> list[str]:
    """Each problem as `field.path: what was expected (found: …)`."""
    result = []
    for err in exc.errors():
        msg = str(err["msg"]).removeprefix("Value error, ")
        found = ""
        if err["type"] not in ("missing", "value_error") and "input" in err:
            shown = json.dumps(err["input"], default=str)
            found = f" (found: {shown[:80]}{'…' if len(shown) > 80 else ''})"
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        result.append(f"{_loc(tuple(err['loc']))}: {msg}{found}")
    return result


def validate(kind: str, data: Any, *, source: str = "input") -> _Contract:
    model = SCHEMAS[kind]
    if not isinstance(data, dict):
        raise ContractError(source, [f"(top level): expected a JSON object, found {type(data).__name__}"])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ContractError(source, problems_of(exc)) from None


def read_contract_file(path: Path) -> Any:
    """Parse a contract file's JSON, refusing symlinks, huge files and non-UTF-8 bytes."""
    src = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except FileNotFoundError:
        raise ContractError(src, ["the file does not exist"]) from None
    except OSError:
        raise ContractError(src, ["must be a regular file, not a symlink"]) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ContractError(src, ["must be a regular file"])
        if info.st_size > MAX_CONTRACT_BYTES:
            raise ContractError(src, [f"is {info.st_size} bytes; the limit is {MAX_CONTRACT_BYTES}"])
        raw = os.read(fd, MAX_CONTRACT_BYTES + 1)
    finally:
        os.close(fd)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContractError(src, [f"is not UTF-8 text (bad byte at offset {exc.start})"]) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ContractError(src, [f"is not valid JSON: {exc.msg} at line {exc.lineno} "
                                  f"column {exc.colno}"]) from None


def tool_input_schema(kind: str) -> dict[str, Any]:
    """The JSON schema an agent tool presents to the model (no `run`: the tool fills it in)."""
    schema = SCHEMAS[kind].model_json_schema()
    schema.get("properties", {}).pop("run", None)
    return schema
