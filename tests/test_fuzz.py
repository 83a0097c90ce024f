"""Property-based fuzzing of every parser: each input parses or gives a clear error."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from superteam.config.load import load_role, load_team_config
from superteam.config.yamlfile import parse_yaml
from superteam.contracts import SCHEMAS, read_contract_file, validate
from superteam.errors import ConfigError, ContractError, SuperteamError
from superteam.events import Event, EventLog
from superteam.policy import refusal
from superteam.resume import fold

FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                    st.floats(allow_nan=False), st.text(max_size=20))
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=20)
TEAM_KEYS = ["roles", "gates", "plan", "review", "budget", "model", "tmux", "handoff", "timeout",
             "approval", "max_rounds", "tokens", "socket", "integrate"]
ROLE_KEYS = ["name", "description", "access", "backend", "model", "command", "tools", "shell",
             "limits", "deny", "allow", "timeout", "max_turns", "tool_output_bytes"]


def config_like(keys: list[str]) -> st.SearchStrategy[Any]:
    key = st.one_of(st.sampled_from(keys), st.text(max_size=8))
    return st.recursive(scalars, lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(key, inner, max_size=5)), max_leaves=25)


@FUZZ
@given(text=st.text(max_size=300))
def test_any_text_as_yaml(text: str) -> None:
    try:
        parse_yaml(text, Path("team.yaml"))
    except ConfigError as exc:
        assert exc.message.startswith("team.yaml")


@FUZZ
@given(data=config_like(TEAM_KEYS))
def test_team_yaml(tmp_path: Path, data: Any) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(yaml.safe_dump(data))
    try:
        load_team_config(path)
    except ConfigError as exc:
        assert str(path) in exc.message and "\n" not in exc.message.split(": ", 1)[0]


@FUZZ
@given(data=config_like(ROLE_KEYS))
def test_role_files(tmp_path: Path, data: Any) -> None:
    roles = tmp_path / ".superteam" / "roles"
    roles.mkdir(parents=True, exist_ok=True)
    (roles / "fuzz.yaml").write_text(yaml.safe_dump(data))
    (roles / "fuzz.md").write_text("prompt")
    try:
        load_role("fuzz", tmp_path)
    except ConfigError as exc:
        assert "fuzz.yaml" in exc.message


@FUZZ
@given(pattern=st.text(max_size=30), command=st.text(max_size=80))
def test_shell_policy_patterns(tmp_path: Path, pattern: str, command: str) -> None:
    roles = tmp_path / ".superteam" / "roles"
    roles.mkdir(parents=True, exist_ok=True)
    (roles / "builder.yaml").write_text(yaml.safe_dump({"shell": {"deny": [pattern]}}))
    try:
        role = load_role("builder", tmp_path)
    except ConfigError as exc:
        assert "shell.deny[0]" in exc.message
        return
    result = refusal(command, role.config.shell.deny, role.config.shell.allow)
    assert result is None or "refused" in result or "empty" in result or "NUL" in result


@FUZZ
@given(kind=st.sampled_from(sorted(SCHEMAS)), data=json_values)
def test_contract_schemas(kind: str, data: Any) -> None:
    try:
        validate(kind, data)
    except ContractError as exc:
        assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)


@FUZZ
@given(kind=st.sampled_from(sorted(SCHEMAS)), data=json_values)
def test_contract_schemas_near_valid(kind: str, data: Any) -> None:
    base = {"plan": {"spec": "s", "tasks": [{"id": "T1", "title": "t", "description": "d",
                                             "acceptance": ["a"]}]},
            "handoff": {"task_id": "T1", "summary": "s"},
            "review": {"task_id": "T1", "verdict": "approve"},
            "question": {"question": "q"}, "answer": {"question_id": "q1", "answer": "a"},
            "approval": {"approved": True}}[kind]
    for key in list(base):
        try:
            validate(kind, {**base, key: data})
        except ContractError as exc:
            assert any(p.startswith(key) or p.startswith("(top level)") for p in exc.problems)


@FUZZ
@given(raw=st.binary(max_size=300))
def test_contract_files(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "c.json"
    path.write_bytes(raw)
    try:
        data = read_contract_file(path)
        validate("handoff", data)
    except ContractError as exc:
        assert exc.problems


@FUZZ
@given(raw=st.binary(max_size=400))
def test_event_log_bytes(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "events.jsonl"
    path.write_bytes(raw)
    events, offset = EventLog(path).read()
    assert offset <= len(raw)
    with contextlib.suppress(SuperteamError):
        fold(events)
    EventLog(path).append("usage", role="x")  # a writer repairs a torn tail and carries on
    assert list(EventLog(path))[-1].type == "usage"


EVENT_TYPES = ["assignment_started", "plan_accepted", "plan_approved", "handoff_accepted",
               "review_accepted", "gate_started", "gate_finished", "integrated", "branch_merged",
               "integration_conflict", "question_asked", "answered", "agent_exited", "usage",
               "stopped", "supervisor_started", "cleaned_up", "contract_rejected", "unknown"]
RUN_CREATED = {"run": "r", "goal": "g", "branch": "b", "base": "0" * 40, "build_branch": "bb",
               "settings": {"gates": {"plan": [], "handoff": ["x"], "integrate": []},
                            "approval": "auto", "max_rounds": 2, "budget": 100,
                            "planner": "pm", "builder": "builder", "reviewers": ["reviewer"]}}


@FUZZ
@given(steps=st.lists(st.tuples(st.sampled_from(EVENT_TYPES),
                                st.dictionaries(st.sampled_from(
                                    ["assignment", "contract", "number", "commit", "label",
                                     "passed", "task", "question_id", "answer", "question",
                                     "role", "input_tokens", "gate"]), json_values, max_size=5)),
                      max_size=12))
def test_event_replay(steps: list[tuple[str, dict[str, Any]]]) -> None:
    events = [Event(1, "t", "run_created", RUN_CREATED)]
    events += [Event(i + 2, "t", t, d) for i, (t, d) in enumerate(steps)]
    try:
        state = fold(events)
    except SuperteamError as exc:
        assert "cannot be applied" in exc.message
        return
    assert state is not None and state.last_seq == len(events)
    json.dumps(state.model_dump(mode="json"))  # the cache can always be written
