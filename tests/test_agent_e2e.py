"""The built-in agent end to end: real CLI, tmux, git and `anthropic` client, replayed model."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import libtmux
import pytest
import yaml
from helpers import run_git, superteam, wait_until
from scripted_team import launch, status, wait_for_event

from superteam.replay import ReplayServer

SECRET = "sk-ant-test-SECRET-0123456789"
PLAN = {"spec": "# Spec\nmul(a, b) returns a * b.", "tasks": [
    {"id": "T1", "title": "Multiply", "description": "Add mul(a, b) to calc.py with a test.",
     "acceptance": ["`python3 -m pytest -q` passes", "mul(2, 3) == 6"]}]}
MUL = "def add(a, b):\n    return a + b\n\n\ndef mul(a, b):\n    return a * b\n"


def tool(name: str, **input: Any) -> dict[str, Any]:
    return {"name": name, "input": input}


PM = [[{"text": "Planning.", "tools": [tool("submit_plan", **PLAN)]}]]
BUILD = [{"tools": [tool("write_file", path="calc.py", content=MUL)]},
         {"tools": [tool("submit_handoff", task_id="T1", summary="mul added")]}]
REVIEW = [[{"tools": [tool("run_shell", command="python3 -c 'from calc import mul; print(mul(2, 3))'")]},
           {"tools": [tool("submit_review", task_id="T1", verdict="approve", findings=[],
                           evidence=["mul(2, 3) printed 6"])]}]]


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> Iterator[ReplayServer]:
    server = ReplayServer({"roles": {}})
    with server:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", SECRET)
        monkeypatch.setenv("SUPERTEAM_RETRY_BASE", "0.01")
        yield server


def use_script(server: ReplayServer, repo: Path, roles: dict[str, Any]) -> None:
    server.state.script = {"roles": roles}
    (repo / ".superteam").mkdir(exist_ok=True)
    (repo / ".superteam/team.yaml").write_text(yaml.safe_dump(
        {"gates": {"plan": [], "handoff": ["python3 -m pytest -q -p no:cacheprovider test_calc.py"],
                   "integrate": [], "timeout": 120}}))


def transcript(repo: Path, run: str, role: str) -> str:
    return (repo / ".superteam/runs" / run / "logs" / f"{role}.log").read_text()


def all_scrollback(socket: str) -> str:
    server = libtmux.Server(socket_name=socket)
    if not server.is_alive():
        return ""
    return "\n".join("\n".join(server.cmd("capture-pane", "-p", "-S", "-2000", "-t",
                                          p.pane_id).stdout)
                     for s in server.sessions for p in s.panes)


def test_full_run_with_the_builtin_agent(repo: Path, tmux_socket: str, model: ReplayServer) -> None:
    use_script(model, repo, {"pm": PM, "builder": [BUILD], "reviewer": REVIEW})
    (repo / ".superteam/roles").mkdir()
    (repo / ".superteam/roles/builder.yaml").write_text("model: claude-opus-4-6\n")
    run = launch(repo)
    wait_for_event(repo, run, "run_finished", timeout=90)
    assert "def mul" in run_git(repo, "show", "feat/x:calc.py")
    models = {r["metadata"]["user_id"].split("/")[2]: r["model"] for r in model.state.requests}
    assert models == {"pm": "claude-sonnet-4-6", "builder": "claude-opus-4-6",
                      "reviewer": "claude-sonnet-4-6"}
    st = status(repo, run)
    assert st["phase"] == "done" and st["tokens"] > 0
    assert set(st["tokens_by_role"]) == {"pm", "builder", "reviewer"} and st["cost_usd"] > 0
    assert st["tokens_by_role"]["builder"]["cache_read_input_tokens"] > 0  # the prefix is reused
    table = superteam("status", run, cwd=repo).stdout
    assert "cache read" in table and "builder" in table and "$" in table
    # What the model was sent: the role prompt as a cached system block, the role's tools only.
    requests = model.state.requests
    builder_reqs = [r for r in requests if "/builder/" in r["metadata"]["user_id"]]
    assert builder_reqs[0]["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert "Your task: T1 - Multiply" in builder_reqs[0]["system"][0]["text"]
    names = [t["name"] for t in builder_reqs[0]["tools"]]
    assert "submit_handoff" in names and "submit_review" not in names
    assert builder_reqs[0]["tools"][-1]["cache_control"] == {"type": "ephemeral"}
    assert builder_reqs[0]["system"] == builder_reqs[1]["system"]
    assert builder_reqs[0]["tools"] == builder_reqs[1]["tools"]
    assert "6" in transcript(repo, run, "reviewer")


def test_denied_command_is_refused_and_the_run_goes_on(repo: Path, tmux_socket: str,
                                                       model: ReplayServer) -> None:
    build = [{"tools": [tool("run_shell", command="git push origin main")]},
             {"tools": [tool("run_shell", command="echo ok\ngit checkout -b sneaky")]},
             *BUILD]
    use_script(model, repo, {"pm": PM, "builder": [build], "reviewer": REVIEW})
    run = launch(repo)
    wait_for_event(repo, run, "run_finished", timeout=90)
    log = transcript(repo, run, "builder")
    assert log.count("not run: refused by the role's shell policy") == 2
    assert run_git(repo, "branch", "--list", "sneaky") == ""
    results = [r for r in model.state.requests if "/builder/" in r["metadata"]["user_id"]]
    refused = results[1]["messages"][-1]["content"][0]
    assert refused["is_error"] is True and "deny" in refused["content"]


def test_paths_escaping_the_worktree_are_refused(repo: Path, tmux_socket: str,
                                                 model: ReplayServer) -> None:
    outside = repo.parent / "outside.txt"
    build = [{"tools": [tool("write_file", path="../../outside.txt", content="x"),
                        tool("read_file", path=str(repo / "calc.py")),
                        tool("write_file", path=".git/hooks/pre-commit", content="exit 0")]},
             *BUILD]
    use_script(model, repo, {"pm": PM, "builder": [build], "reviewer": REVIEW})
    run = launch(repo)
    wait_for_event(repo, run, "run_finished", timeout=90)
    assert not outside.exists()
    log = transcript(repo, run, "builder")
    assert "resolves outside your worktree; refused" in log
    assert "absolute paths are refused" in log
    assert "not a file you may write" in log


def test_symlink_out_of_the_worktree_is_refused(repo: Path, tmux_socket: str,
                                                model: ReplayServer) -> None:
    (repo / "link").symlink_to(repo.parent)
    run_git(repo, "add", "link")
    run_git(repo, "commit", "-q", "-m", "a symlink leading out")
    build = [{"tools": [tool("write_file", path="link/escaped.txt", content="x")]}, *BUILD]
    use_script(model, repo, {"pm": PM, "builder": [build], "reviewer": REVIEW})
    run = launch(repo)
    wait_for_event(repo, run, "run_finished", timeout=90)
    assert not (repo.parent / "escaped.txt").exists()
    assert "resolves outside your worktree" in transcript(repo, run, "builder")


def test_401_escalates_instead_of_spinning(repo: Path, tmux_socket: str, model: ReplayServer) -> None:
    pm = [[{"errors": [{"status": 401, "message": "invalid x-api-key"}], **PM[0][0]}], PM[0]]
    use_script(model, repo, {"pm": pm, "builder": [BUILD], "reviewer": REVIEW})
    run = launch(repo)
    asked = wait_for_event(repo, run, "question_asked", timeout=60)
    assert "refused the credentials (401: invalid x-api-key)" in asked["data"]["question"]
    assert status(repo, run)["phase"] == "waiting_for_human"
    pm_requests = [r for r in model.state.requests if "/pm/" in r["metadata"]["user_id"]]
    assert len(pm_requests) == 1  # no retry loop on a 401
    assert superteam("answer", run, "key fixed", cwd=repo).returncode == 0
    wait_for_event(repo, run, "run_finished", timeout=90)


def test_overload_and_rate_limits_are_retried(repo: Path, tmux_socket: str,
                                              model: ReplayServer) -> None:
    pm = [[{"errors": [{"status": 529}, {"status": 429}, {"status": 500}], **PM[0][0]}]]
    use_script(model, repo, {"pm": pm, "builder": [BUILD], "reviewer": REVIEW})
    run = launch(repo)
    wait_for_event(repo, run, "run_finished", timeout=90)
    log = transcript(repo, run, "pm")
    assert "model API: 529" in log and "model API: 429" in log and "model API: 500" in log


def test_agent_killed_mid_task_is_rerun(repo: Path, tmux_socket: str, model: ReplayServer) -> None:
    marker = repo.parent / "builder-started"
    build_slow = [{"tools": [tool("run_shell", command=f"touch {marker}; sleep 60", timeout=120)]}]
    use_script(model, repo, {"pm": PM, "builder": [build_slow, BUILD], "reviewer": REVIEW})
    run = launch(repo)
    started = wait_for_event(repo, run, "assignment_started", count=2, timeout=60)
    wait_until(marker.exists, timeout=60, message="the builder to be at work")
    server = libtmux.Server(socket_name=tmux_socket)
    pane_pid = int(server.cmd("display-message", "-p", "-t", started["data"]["pane"],
                              "#{pane_pid}").stdout[0])
    os.kill(pane_pid, signal.SIGKILL)
    exited = wait_for_event(repo, run, "agent_exited", timeout=30)
    assert exited["data"]["assignment"] == started["data"]["assignment"]
    wait_for_event(repo, run, "run_finished", timeout=90)
    assert "def mul" in run_git(repo, "show", "feat/x:calc.py")


def test_api_key_is_never_written_or_shown(repo: Path, tmux_socket: str, model: ReplayServer) -> None:
    build = [{"tools": [tool("run_shell", command="env; echo key=$ANTHROPIC_API_KEY")]},
             {"text": f"I must not repeat {SECRET} anywhere.",
              "tools": [tool("write_file", path="calc.py", content=MUL)]},
             BUILD[1]]
    use_script(model, repo, {"pm": PM, "builder": [build], "reviewer": REVIEW})
    run = launch(repo)
    wait_for_event(repo, run, "run_finished", timeout=90)
    leaks = subprocess.run(["grep", "-rl", SECRET, str(repo / ".superteam")], capture_output=True,
                           text=True).stdout
    assert leaks == ""
    assert SECRET not in all_scrollback(tmux_socket)
    log = transcript(repo, run, "builder")
    assert "key=\n[exit 0]" in log  # the agent's shell never sees the key
    assert "[redacted]" in log       # and what the model said is scrubbed before it is shown
    env_output = [r for r in model.state.requests if "/builder/" in r["metadata"]["user_id"]][1]
    assert "key=" in json.dumps(env_output["messages"])
    assert SECRET not in json.dumps(env_output["messages"][2:])


def test_token_budget_pauses_the_run_until_answered(repo: Path, tmux_socket: str,
                                                    model: ReplayServer) -> None:
    slow_build = [{"tools": [tool("run_shell", command="sleep 20", timeout=60)]}, *BUILD]
    # Each answer restarts the interrupted work as a new assignment: a new conversation.
    use_script(model, repo, {"pm": PM * 6, "builder": [slow_build] + [BUILD] * 6,
                             "reviewer": REVIEW * 6})
    (repo / ".superteam/team.yaml").write_text(yaml.safe_dump(
        {"gates": {"plan": [], "handoff": [], "integrate": []}, "budget": {"tokens": 6000}}))
    run = launch(repo)
    wait_until(lambda: status(repo, run)["phase"] == "paused", timeout=60,
               message="the budget to pause the run")
    st = status(repo, run)
    assert st["tokens"] >= 6000 and st["question"]["reason"] == "budget"
    assert "token budget (6,000) is reached" in st["question"]["text"]
    # The agent at work was stopped: no process runs in its pane any more.
    wait_until(lambda: "waiting for an assignment" in all_scrollback(tmux_socket), timeout=20,
               message="the agent's pane to be idle")
    for answers in range(1, 6):  # each answer grants another budget of the same size
        asked = status(repo, run)["question"]["id"]
        assert superteam("answer", run, "continue", cwd=repo).returncode == 0
        wait_for_event(repo, run, "answered", count=answers)

        def settled(asked: str = asked) -> bool:
            now = status(repo, run)
            return now["phase"] == "done" or (now["phase"] == "paused"
                                              and now["question"]["id"] != asked)

        wait_until(settled, timeout=90, message="the next pause or the end")
        if status(repo, run)["phase"] == "done":
            break
    assert status(repo, run)["phase"] == "done"
    assert "def mul" in run_git(repo, "show", "feat/x:calc.py")
