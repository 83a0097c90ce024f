"""Contract schemas and intake checks: every bad input gets a precise message."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from superteam.contracts import read_contract_file, tool_input_schema, validate
from superteam.errors import ContractError
from superteam.events import Event
from superteam.flow import step
from superteam.intake import check, classify
from superteam.state import RunState

SETTINGS = {"gates": {"plan": [], "handoff": [], "integrate": [], "timeout": 9}, "approval": "auto",
            "max_rounds": 3, "budget": None, "planner": "pm", "builder": "builder",
            "reviewers": ["reviewer"]}
PLAN = {"spec": "s", "tasks": [{"id": "T1", "title": "t", "description": "d", "acceptance": ["a"]},
                               {"id": "T2", "title": "t", "description": "d", "acceptance": ["a"]}]}


def state_at(phase: str) -> RunState:
    events = [Event(1, "t", "run_created", {"run": "r1", "goal": "g", "branch": "BR", "base": "b",
                                            "build_branch": "bb", "settings": SETTINGS}),
              Event(2, "t", "plan_accepted", {"contract": PLAN})]
    if phase == "reviewing":
        events.append(Event(3, "t", "handoff_accepted", {"contract": {"task_id": "T1", "summary": "x"},
                                                         "number": 1, "commit": "c1"}))
    state = None
    for e in events:
        state, _ = step(state, e)
    assert state is not None and state.phase == phase
    return state


def submit(tmp_path: Path, rel: str, content: Any, phase: str = "building") -> tuple[str, dict[str, Any]]:
    contracts = tmp_path / "contracts"
    path = contracts / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode())
    sub = classify(contracts, path)
    assert sub is not None
    return check(sub, state_at(phase))


def problems(tmp_path: Path, rel: str, content: Any, phase: str = "building") -> list[str]:
    with pytest.raises(ContractError) as err:
        submit(tmp_path, rel, content, phase)
    return err.value.problems


def test_valid_handoff_is_accepted(tmp_path: Path) -> None:
    event, data = submit(tmp_path, "handoffs/T1-1.json", {"task_id": "T1", "summary": "did it"})
    assert event == "handoff_accepted" and data["number"] == 1


def test_missing_field(tmp_path: Path) -> None:
    assert problems(tmp_path, "handoffs/T1-1.json", {"task_id": "T1"}) == ["summary: Field required"]


def test_wrong_type(tmp_path: Path) -> None:
    found = problems(tmp_path, "handoffs/T1-1.json", {"task_id": "T1", "summary": 42})
    assert found == ["summary: Input should be a valid string (found: 42)"]


def test_unknown_field(tmp_path: Path) -> None:
    found = problems(tmp_path, "handoffs/T1-1.json", {"task_id": "T1", "summary": "s", "sumary": 1})
    assert found == ["sumary: unknown field (found: 1)"]


def test_unknown_task_id(tmp_path: Path) -> None:
    found = problems(tmp_path, "handoffs/T1-1.json", {"task_id": "T9", "summary": "s"})
    assert found == ["task_id: task 'T9' is not in the plan (expected 'T1')"]


def test_handoff_for_task_not_in_progress(tmp_path: Path) -> None:
    found = problems(tmp_path, "handoffs/T2-1.json", {"task_id": "T2", "summary": "s"})
    assert found[0].startswith("(file): the run is not waiting for contracts/handoffs/T2-1.json")
    assert "it waits for contracts/handoffs/T1-1.json" in found[0]
    assert found[1] == "task_id: task 'T2' is not in progress (expected 'T1')"


def test_changes_requested_needs_findings(tmp_path: Path) -> None:
    found = problems(tmp_path, "reviews/T1-1.json",
                     {"task_id": "T1", "verdict": "changes_requested", "findings": []}, "reviewing")
    assert found == ["(top level): verdict 'changes_requested' needs at least one finding"]


def test_bad_verdict_and_finding(tmp_path: Path) -> None:
    found = problems(tmp_path, "reviews/T1-1.json",
                     {"task_id": "T1", "verdict": "meh", "findings": [{"severity": "", "message": "m"}]},
                     "reviewing")
    assert found[0].startswith("verdict: Input should be 'approve' or 'changes_requested'")
    assert found[1].startswith("findings[0].severity: String should have at least 1 character")


def test_contract_for_another_run(tmp_path: Path) -> None:
    found = problems(tmp_path, "handoffs/T1-1.json", {"run": "other", "task_id": "T1", "summary": "s"})
    assert found == ["run: this contract is for run 'other', not 'r1'"]


def test_plan_needs_tasks_with_unique_ids() -> None:
    with pytest.raises(ContractError) as err:
        validate("plan", {"spec": "s", "tasks": []})
    assert err.value.problems[0].startswith("tasks: List should have at least 1 item")
    task = {"id": "T1", "title": "t", "description": "d", "acceptance": ["a"]}
    with pytest.raises(ContractError) as err:
        validate("plan", {"spec": "s", "tasks": [task, task]})
    assert "task ids must be unique; repeated: T1" in err.value.problems[0]


def test_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "contracts" / "handoffs" / "T1-1.json"
    path.parent.mkdir(parents=True)
    with path.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    with pytest.raises(ContractError) as err:
        read_contract_file(path)
    assert err.value.problems == ["is 52428800 bytes; the limit is 1000000"]


def test_non_utf8(tmp_path: Path) -> None:
    found = problems(tmp_path, "handoffs/T1-1.json", b'{"task_id": "T1", "summary": "\xff\xfe"}')
    assert found == ["is not UTF-8 text (bad byte at offset 30)"]


def test_not_json(tmp_path: Path) -> None:
    found = problems(tmp_path, "handoffs/T1-1.json", b'{"task_id": ')
    assert found[0].startswith("is not valid JSON: Expecting value at line 1")


def test_not_an_object(tmp_path: Path) -> None:
    found = problems(tmp_path, "handoffs/T1-1.json", [1, 2])
    assert found == ["(top level): expected a JSON object, found list"]


def test_symlink_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "real.json"
    target.write_text(json.dumps({"task_id": "T1", "summary": "s"}))
    path = tmp_path / "contracts" / "handoffs" / "T1-1.json"
    path.parent.mkdir(parents=True)
    os.symlink(target, path)
    with pytest.raises(ContractError) as err:
        read_contract_file(path)
    assert err.value.problems == ["must be a regular file, not a symlink"]


def test_classify_ignores_other_files(tmp_path: Path) -> None:
    contracts = tmp_path / "contracts"
    assert classify(contracts, contracts / "handoffs" / ".T1-1.json.tmp") is None
    assert classify(contracts, tmp_path / "elsewhere.json") is None
    sub = classify(contracts, contracts / "reviews" / "T1-2-security.json")
    assert sub is not None and sub.fields == {"task": "T1", "n": "2", "role": "security"}


def test_tool_schemas_come_from_the_same_models() -> None:
    schema = tool_input_schema("review")
    assert set(schema["required"]) == {"task_id", "verdict"}
    assert "run" not in schema["properties"]
    assert tool_input_schema("plan")["properties"]["tasks"]["minItems"] == 1
