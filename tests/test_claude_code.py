"""Claude Code (the real CLI) as a `command`-backend builder, against the replayed model:
superteam's PreToolUse hook enforces the role's shell policy and write rules inside it."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import run_git
from scripted_team import launch, wait_for_event

from superteam.claude_code import check_call
from superteam.replay import ReplayServer

ROOT = Path(__file__).resolve().parent.parent
CLAUDE = shutil.which("claude") or str(ROOT / ".ci/node/node_modules/.bin/claude")
needs_claude = pytest.mark.skipif(not Path(CLAUDE).exists(),
                                  reason="Claude Code is not installed (.ci/run installs it)")
MUL = "def add(a, b):\n    return a + b\n\n\ndef mul(a, b):\n    return a * b\n"


def bash(command: str) -> dict[str, Any]:
    return {"name": "Bash", "input": {"command": command, "description": "step"}}


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> Iterator[ReplayServer]:
    with ReplayServer({"roles": {}}) as server:
        for key, value in {"ANTHROPIC_BASE_URL": server.url, "ANTHROPIC_API_KEY": "sk-test",
                           "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
                           "DISABLE_TELEMETRY": "1", "DISABLE_AUTOUPDATER": "1"}.items():
            monkeypatch.setenv(key, value)
        yield server


@needs_claude
def test_claude_code_builder_obeys_the_role_policy(repo: Path, tmux_socket: str,
                                                    model: ReplayServer) -> None:
    outside = repo.parent / "outside.txt"
    contract = json.dumps({"task_id": "T1", "summary": "mul, written by Claude Code"})
    claude_turns = [
        {"text": "Pushing first.", "tools": [bash("git push origin main")]},
        {"text": "Writing outside.", "tools": [{"name": "Write", "input": {
            "file_path": str(outside), "content": "x"}}]},
        {"tools": [bash(f"cat > calc.py <<'PY'\n{MUL}PY")]},
        {"tools": [bash(f"printf '%s' '{contract}' > \"$SUPERTEAM_CONTRACT.tmp\" && "
                        "mv \"$SUPERTEAM_CONTRACT.tmp\" \"$SUPERTEAM_CONTRACT\"")]},
        {"text": "Handed off."},
    ]
    plan = {"spec": "mul", "tasks": [{"id": "T1", "title": "mul", "description": "add mul",
                                      "acceptance": ["mul(2, 3) == 6"]}]}
    model.state.script = {"roles": {
        "pm": [[{"tools": [{"name": "submit_plan", "input": plan}]}]],
        "reviewer": [[{"tools": [{"name": "submit_review", "input": {
            "task_id": "T1", "verdict": "approve", "evidence": ["read calc.py"]}}]}]],
        "?": [claude_turns]}}  # Claude Code's requests carry its own ids, not superteam's
    roles = repo / ".superteam/roles"
    roles.mkdir(parents=True)
    (roles / "builder.yaml").write_text(yaml.safe_dump({"backend": "command", "command": [
        "sh", "-c", 'exec "$0" -p "$(cat "$1")" --allowedTools "Bash Edit Write Read"',
        CLAUDE, "{prompt_file}"]}))
    (repo / ".superteam/team.yaml").write_text(yaml.safe_dump(
        {"gates": {"plan": [], "handoff": [], "integrate": []}}))
    run = launch(repo)
    wait_for_event(repo, run, "run_finished", timeout=120)

    assert "def mul" in run_git(repo, "show", "feat/x:calc.py")
    assert not outside.exists()
    settings = repo / ".superteam/worktrees" / run / "builder/.claude/settings.local.json"
    assert "policy" in settings.read_text()
    assert ".claude" not in run_git(repo, "show", "--stat", "feat/x")  # never committed
    claude_requests = [r for r in model.state.requests
                       if not str(r.get("metadata", {}).get("user_id", "")).startswith("superteam/")]
    results = [b for r in claude_requests for m in r["messages"] if m["role"] == "user"
               and isinstance(m["content"], list) for b in m["content"]
               if b.get("type") == "tool_result"]
    text = json.dumps(results)
    assert "refused by the role's shell policy" in text
    assert "is outside the worktree" in text


def test_policy_check_rules(tmp_path: Path) -> None:
    builder = {"name": "builder", "access": "write",
               "shell": {"deny": [r"^\s*git\s+push"], "allow": []}}
    reviewer = {**builder, "name": "reviewer", "access": "read"}
    wt = tmp_path / "wt"
    wt.mkdir()
    assert check_call({"tool_name": "Bash", "tool_input": {"command": "git push"}}, builder, wt)
    assert check_call({"tool_name": "Bash", "tool_input": {"command": "ls"}}, builder, wt) is None
    write = {"tool_name": "Write", "tool_input": {"file_path": str(wt / "a.py")}, "cwd": str(wt)}
    assert check_call(write, builder, wt) is None
    assert "read-only" in str(check_call(write, reviewer, wt))
    out = {"tool_name": "Edit", "tool_input": {"file_path": "../x.py"}, "cwd": str(wt)}
    assert "outside the worktree" in str(check_call(out, builder, wt))
    git = {"tool_name": "Write", "tool_input": {"file_path": ".git/config"}, "cwd": str(wt)}
    assert "inside .git" in str(check_call(git, builder, wt))
    assert check_call({"tool_name": "Read", "tool_input": {"file_path": "/etc/passwd"}},
                      builder, wt) is None
