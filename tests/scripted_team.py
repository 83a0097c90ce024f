"""Set up a repository whose team is played by tests/agents/scripted.py (command backend)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml
from helpers import kill_tmux_server, superteam, wait_until

AGENT = Path(__file__).parent / "agents" / "scripted.py"


def use_scripted_team(repo: Path, script: dict[str, Any], *, gates: dict[str, Any] | None = None,
                      team: dict[str, Any] | None = None) -> Path:
    script_path = repo.parent / "script.json"
    script_path.write_text(json.dumps(script))
    roles = repo / ".superteam" / "roles"
    roles.mkdir(parents=True, exist_ok=True)
    for role in ("pm", "builder", "reviewer"):
        (roles / f"{role}.yaml").write_text(yaml.safe_dump({
            "backend": "command",
            "command": [sys.executable, str(AGENT), "{prompt_file}", str(script_path)]}))
    config: dict[str, Any] = {"gates": gates if gates is not None else
                              {"plan": [], "handoff": [], "integrate": []}}
    config.update(team or {})
    (repo / ".superteam" / "team.yaml").write_text(yaml.safe_dump(config))
    return script_path


def launch(repo: Path, branch: str = "feat/x", goal: str = "Add multiplication") -> str:
    out = superteam("launch", goal, "--branch", branch, "--detach", "--json", cwd=repo)
    assert out.returncode == 0, out.stderr
    return str(json.loads(out.stdout)["run"])


def events(repo: Path, run: str) -> list[dict[str, Any]]:
    path = repo / ".superteam" / "runs" / run / "events.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line.endswith("}")]


def event_types(repo: Path, run: str) -> list[str]:
    return [e["type"] for e in events(repo, run)]


def wait_for_event(repo: Path, run: str, type: str, count: int = 1, timeout: float = 60) -> dict[str, Any]:
    def found() -> dict[str, Any] | None:
        matching = [e for e in events(repo, run) if e["type"] == type]
        return matching[count - 1] if len(matching) >= count else None

    result = wait_until(found, timeout=timeout, interval=0.05,
                        message=f"event {type} #{count} in run {run}")
    assert isinstance(result, dict)
    return result


def status(repo: Path, run: str) -> dict[str, Any]:
    out = superteam("status", run, "--json", cwd=repo)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)  # type: ignore[no-any-return]


PLAN_TWO_TASKS = {"contract": {"spec": "# Spec\nMultiplication and division.", "tasks": [
    {"id": "T1", "title": "Multiply", "description": "Add mul(a, b) to calc.py.",
     "acceptance": ["`python -m pytest -q` passes", "mul(2, 3) == 6"]},
    {"id": "T2", "title": "Divide", "description": "Add div(a, b) to calc.py.",
     "acceptance": ["div(6, 3) == 2"]}]}}

CALC = "def add(a, b):\n    return a + b\n"
MUL_BUG = CALC + "\n\ndef mul(a, b):\n    return a + b\n"
MUL_OK = CALC + "\n\ndef mul(a, b):\n    return a * b\n"
MUL_DOC = CALC + '\n\ndef mul(a, b):\n    """Product of a and b."""\n    return a * b\n'
DIV = MUL_DOC + "\n\ndef div(a, b):\n    return a / b\n"
TEST_MUL = "from calc import mul\n\n\ndef test_mul():\n    assert mul(2, 3) == 6\n"
TEST_DIV = "from calc import div\n\n\ndef test_div():\n    assert div(6, 3) == 2\n"


def handoff(files: dict[str, str], summary: str = "did {task}") -> dict[str, Any]:
    return {"files": files, "contract": {"task_id": "{task}", "summary": summary}}


def review(verdict: str = "approve", findings: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"contract": {"task_id": "{task}", "verdict": verdict, "findings": findings or [],
                         "evidence": ["python -m pytest -q: passed"]}}


FULL_RUN = {
    "pm": [PLAN_TWO_TASKS],
    "builder": [
        handoff({"calc.py": MUL_BUG, "test_mul.py": TEST_MUL}),   # fails the handoff gate
        handoff({"calc.py": MUL_OK}),                             # reviewer sends it back
        handoff({"calc.py": MUL_DOC}),                            # approved
        handoff({"calc.py": DIV, "test_div.py": TEST_DIV}),       # T2, approved
    ],
    "reviewer": [
        review("changes_requested", [{"severity": "major", "message": "mul has no docstring",
                                      "file": "calc.py", "line": 5}]),
        review(), review(),
    ],
}
PYTEST_GATES = {"plan": [], "handoff": ["python -m pytest -q -p no:cacheprovider"],
                "integrate": ["python -m pytest -q -p no:cacheprovider"], "timeout": 120}


ONE_TASK = {"contract": {"spec": "s", "tasks": [PLAN_TWO_TASKS["contract"]["tasks"][0]]}}
APPROVE_STEP = {"contract": {"task_id": "{task}", "verdict": "approve"}}


def handoff_step() -> dict[str, Any]:
    return handoff({"calc.py": MUL_DOC})


def outcome(repo: Path, run: str) -> dict[str, Any]:
    """What must be the same whether or not a run was interrupted."""
    import subprocess

    evs = events(repo, run)
    accepted = [e["data"]["file_id"] for e in evs if e["type"].endswith("_accepted")]
    contracts_dir = repo / ".superteam/runs" / run / "contracts"
    return {
        "branch": subprocess.run(["git", "rev-parse", "feat/x"], cwd=repo, capture_output=True,
                                 text=True).stdout.strip(),
        "log": subprocess.run(["git", "log", "--format=%s", "feat/x"], cwd=repo,
                              capture_output=True, text=True).stdout,
        "integrated": [e["data"]["task"] for e in evs if e["type"] == "integrated"],
        "verdicts": [e["data"]["contract"]["verdict"] for e in evs if e["type"] == "review_accepted"],
        "handoffs": [(e["data"]["contract"]["task_id"], e["data"]["number"]) for e in evs
                     if e["type"] == "handoff_accepted"],
        "gates": [(e["data"]["label"], e["data"]["passed"]) for e in evs
                  if e["type"] == "gate_finished"],
        "contracts": sorted(p.relative_to(contracts_dir).as_posix()
                            for p in contracts_dir.rglob("*.json") if "rejected" not in p.parts),
        "accepted_once": len(accepted) == len(set(accepted)),
        "seqs_contiguous": [e["seq"] for e in evs] == list(range(1, len(evs) + 1)),
        "finished": sum(e["type"] == "run_finished" for e in evs),
    }


def reference_outcome(factory: Any, make: Any) -> dict[str, Any]:
    """The outcome of an uninterrupted run of ``make(folder) -> repo``, for module-scoped
    fixtures: module scope comes before the per-test environment, so set the same one here
    (fixed identity and dates: identical commit ids)."""
    import os

    import pytest
    from conftest import FIXED_IDENTITY

    socket = f"st-ref-{os.getpid()}-{factory.getbasetemp().name}"
    home = factory.mktemp("refhome")
    (home / ".gitconfig").write_text("")
    with pytest.MonkeyPatch.context() as mp:
        for key, value in {**FIXED_IDENTITY, "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1",
                           "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
                           "SUPERTEAM_TMUX_SOCKET": socket}.items():
            mp.setenv(key, value)
        try:
            repo = make(factory.mktemp("ref"))
            run = launch(repo)
            wait_for_event(repo, run, "run_finished", timeout=90)
            return outcome(repo, run)
        finally:
            kill_tmux_server(socket)
