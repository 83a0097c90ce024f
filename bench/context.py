"""Benchmark: what the built-in agent sends over a scripted 30-turn builder assignment.

For each request from turn 2 on: the bytes sent, and the share of the request that lies inside
the cache_control prefix the previous request established (what the API can serve from cache).
Checks that no tool result over the role's cap (tool_output_bytes) is ever sent. The baseline,
computed from the same requests, is the share a client gets that marks only the system prompt
and tools (no rolling breakpoint on the conversation).

    python bench/context.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from superteam.replay import ReplayServer, _blocks, cache_split

ENV = {"GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@e", "GIT_COMMITTER_NAME": "b",
       "GIT_COMMITTER_EMAIL": "b@e"}
CAP = 20_000


def tool(name: str, **input: Any) -> dict[str, Any]:
    return {"name": name, "input": input}


def builder_turns() -> list[dict[str, Any]]:
    turns: list[dict[str, Any]] = [{"text": "Let me look around.", "tools": [tool("list_files")]}]
    for i in range(10):
        turns.append({"text": f"Reading module {i}.", "tools": [tool("read_file", path=f"pkg/mod{i}.py")]})
    turns.append({"tools": [tool("read_file", path="pkg/big.py")]})          # over the cap
    turns.append({"tools": [tool("run_shell", command="seq 1 200000")]})      # over the cap
    for i in range(8):
        turns.append({"tools": [tool("search", pattern=f"def f{i}_")]})
    for i in range(6):
        turns.append({"text": f"Writing part {i}.",
                      "tools": [tool("write_file", path=f"new{i}.py", content=f"X = {i}\n" * 40)]})
    turns.append({"tools": [tool("run_shell", command="ls && git status --short")]})
    turns.append({"tools": [tool("run_shell", command="python3 -c 'print(1)'")]})
    turns.append({"tools": [tool("submit_handoff", task_id="T1", summary="done")]})
    assert len(turns) == 30
    return turns


def make_repo(path: Path) -> None:
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    (path / "pkg").mkdir()
    for i in range(10):
        body = "".join(f"def f{i}_{k}(x):\n    return x * {k}\n\n" for k in range(60))
        (path / "pkg" / f"mod{i}.py").write_text(body)
    (path / "pkg" / "big.py").write_text("# big\n" + "y = 1\n" * 20000)
    subprocess.run(["git", "add", "-A"], cwd=path, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "init"], cwd=path, check=True, env={**os.environ, **ENV})
    (path / ".superteam").mkdir()
    (path / ".superteam" / "team.yaml").write_text(yaml.safe_dump(
        {"gates": {"plan": [], "handoff": [], "integrate": []}}))


def request_bytes(request: dict[str, Any]) -> int:
    return sum(len(b) for b, _ in _blocks(request))


def system_tools_prefix(request: dict[str, Any]) -> int:
    """Bytes of tools + system: what a client marking only those could have cached."""
    n_tools = len(request.get("tools") or [])
    n_system = len(request.get("system") or [])
    return sum(len(b) for b, _ in _blocks(request)[:n_tools + n_system])


def main() -> None:
    script = {"roles": {
        "pm": [[{"tools": [tool("submit_plan", spec="s", tasks=[
            {"id": "T1", "title": "t", "description": "d", "acceptance": ["a"]}])]}]],
        "builder": [builder_turns()],
        "reviewer": [[{"tools": [tool("submit_review", task_id="T1", verdict="approve")]}]]}}
    sock = f"bench-context-{os.getpid()}"
    with tempfile.TemporaryDirectory() as tmp, ReplayServer(script) as server:
        repo = Path(tmp) / "repo"
        make_repo(repo)
        env = {**os.environ, **ENV, "SUPERTEAM_TMUX_SOCKET": sock, "ANTHROPIC_BASE_URL": server.url,
               "ANTHROPIC_API_KEY": "bench"}
        try:
            out = subprocess.run([sys.executable, "-m", "superteam", "launch", "bench", "--branch",
                                  "bench", "--detach", "--json"], cwd=repo, env=env, check=True,
                                 capture_output=True, text=True)
            run = json.loads(out.stdout)["run"]
            events = repo / ".superteam" / "runs" / run / "events.jsonl"
            deadline = time.monotonic() + 300
            while '"run_finished"' not in events.read_text():
                if time.monotonic() > deadline:
                    raise SystemExit("the run did not finish")
                time.sleep(0.2)
        finally:
            subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)
        requests = [r for r in server.state.requests if "/builder/" in r["metadata"]["user_id"]]
    sizes = [request_bytes(r) for r in requests]
    shares, base_shares = [], []
    for prev, cur in zip(requests, requests[1:], strict=False):
        prefix, _ = cache_split(prev)
        whole = "".join(b for b, _ in _blocks(cur))
        shares.append(len(prefix) / len(whole) if whole.startswith(prefix) else 0.0)
        base_shares.append(system_tools_prefix(cur) / len(whole))
    results = [b for r in requests for m in r["messages"] if m["role"] == "user"
               for b in m["content"] if b.get("type") == "tool_result"]
    biggest = max(len(str(b["content"]).encode()) for b in results)
    print(f"builder requests: {len(requests)} (turns)")
    print(f"bytes per request: first {sizes[0]:,}, median {sorted(sizes)[len(sizes) // 2]:,}, "
          f"last {sizes[-1]:,}")
    print(f"share inside the cached prefix, turns 2..{len(requests)}: min {min(shares):.1%}, "
          f"mean {sum(shares) / len(shares):.1%}   (target >= 85 %)")
    print("per turn: " + " ".join(f"{x:.0%}" for x in shares))
    print(f"baseline (only system + tools marked): min {min(base_shares):.1%}, "
          f"mean {sum(base_shares) / len(base_shares):.1%}")
    print(f"largest tool result sent: {biggest:,} bytes (cap {CAP:,}): "
          f"{'within the cap' if biggest <= CAP else 'OVER THE CAP'}")


if __name__ == "__main__":
    main()
