"""The agent tool interface (DESIGN §6): definitions for the model, and their dispatch.

Contract tools validate their input with the same schemas as contract files, write the file
where the supervisor expects it, and wait for the supervisor's verdict: an accepted contract
ends the assignment, a refused one goes back to the model with every problem listed.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from superteam import git as g
from superteam.agent.workspace import ToolError, Workspace
from superteam.contracts import tool_input_schema, validate
from superteam.errors import ContractError, SuperteamError
from superteam.events import EventLog
from superteam.fsutil import atomic_write_json

VERDICT_TIMEOUT = 120.0

_STR = {"type": "string"}
_INT = {"type": "integer", "minimum": 1}
DEFINITIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "read_file": ("Read a text file of your worktree, with line numbers. `offset` is the first "
                  "line (1-based), `limit` the number of lines.",
                  {"type": "object", "properties": {"path": _STR, "offset": _INT, "limit": _INT},
                   "required": ["path"]}),
    "list_files": ("List the files of your worktree (or of a folder in it), respecting "
                   ".gitignore; `pattern` is a glob such as '*.py'.",
                   {"type": "object", "properties": {"path": _STR, "pattern": _STR}}),
    "search": ("Search file contents with a regular expression, like `git grep -n`; "
               "`path` limits it to a file or folder.",
               {"type": "object", "properties": {"pattern": _STR, "path": _STR},
                "required": ["pattern"]}),
    "write_file": ("Create or overwrite a file of your worktree with `content`.",
                   {"type": "object", "properties": {"path": _STR, "content": _STR},
                    "required": ["path", "content"]}),
    "edit_file": ("Replace `old` with `new` in a file; `old` must occur exactly once.",
                  {"type": "object", "properties": {"path": _STR, "old": _STR, "new": _STR},
                   "required": ["path", "old", "new"]}),
    "run_shell": ("Run a shell command (bash) in your worktree and get its output and exit code. "
                  "Commands are checked against your role's policy first; `timeout` in seconds.",
                  {"type": "object", "properties": {"command": _STR, "timeout": _INT},
                   "required": ["command"]}),
    "submit_plan": ("Hand over the plan: a product-level `spec` (markdown) and `tasks`, each with "
                    "a unique `id`, `title`, `description` and testable `acceptance` criteria.",
                    tool_input_schema("plan")),
    "submit_handoff": ("Hand over the finished task: commits your outstanding changes as "
                       "`<task_id>: <summary>` and hands HEAD to the reviewer.",
                       tool_input_schema("handoff")),
    "submit_review": ("Hand over your verdict on the handoff: `approve`, or `changes_requested` "
                      "with at least one finding; `evidence` lists what you ran and saw.",
                      tool_input_schema("review")),
    "escalate": ("Ask the human one precise question when you cannot go on without an answer. "
                 "Your assignment ends; you are restarted with the answer.",
                 {"type": "object", "properties": {"question": _STR}, "required": ["question"]}),
}
CONTRACT_TOOLS = {"submit_plan": "plan", "submit_handoff": "handoff", "submit_review": "review"}


def definitions(names: list[str]) -> list[dict[str, Any]]:
    return [{"name": n, "description": DEFINITIONS[n][0], "input_schema": DEFINITIONS[n][1]}
            for n in names]


@dataclass
class Outcome:
    text: str
    is_error: bool = False
    done: bool = False  # the assignment is over (contract accepted, or question asked)
    summary: str = ""   # a short line for the pane


@dataclass
class Toolbox:
    workspace: Workspace
    allowed: list[str]
    run_id: str
    run_dir: Path
    contract_path: Path
    question_path: Path
    verdict_timeout: float = VERDICT_TIMEOUT

    def call(self, name: str, args: dict[str, Any]) -> Outcome:
        if name not in self.allowed:
            return Outcome(f"unknown tool '{name}'; your tools: {', '.join(self.allowed)}", True)
        try:
            return self._dispatch(name, args)
        except ToolError as exc:
            return Outcome(str(exc), True, summary=str(exc)[:120])
        except ContractError as exc:
            text = "refused:\n" + "\n".join(f"- {p}" for p in exc.problems)
            return Outcome(text, True, summary=f"refused: {'; '.join(exc.problems)[:100]}")
        except (TypeError, KeyError) as exc:
            return Outcome(f"bad arguments for {name}: {exc}", True)
        except (OSError, SuperteamError) as exc:
            return Outcome(f"{name} failed: {exc}", True)

    def _dispatch(self, name: str, a: dict[str, Any]) -> Outcome:
        ws = self.workspace
        if name == "read_file":
            text = ws.read_file(a["path"], a.get("offset"), a.get("limit"))
            return Outcome(text, summary=f"{text.count(chr(10)) + 1} lines")
        if name == "list_files":
            text = ws.list_files(a.get("path"), a.get("pattern"))
            return Outcome(text, summary=f"{len(text.splitlines())} files")
        if name == "search":
            text = ws.search(a["pattern"], a.get("path"))
            return Outcome(text, summary=f"{len(text.splitlines())} lines")
        if name == "write_file":
            return Outcome(text := ws.write_file(a["path"], a["content"]), summary=text)
        if name == "edit_file":
            return Outcome(text := ws.edit_file(a["path"], a["old"], a["new"]), summary=text)
        if name == "run_shell":
            text, failed = ws.run_shell(a["command"], a.get("timeout"))
            lines = [line for line in text.splitlines() if line.strip()]
            summary = " ".join(lines[-2:]) if len(lines) > 1 else (lines[0] if lines else "")
            return Outcome(text, failed, summary=summary)
        if name == "escalate":
            return self._escalate(str(a.get("question", "")))
        return self._submit(CONTRACT_TOOLS[name], a)

    # --- contracts ---------------------------------------------------------------------------
    def _submit(self, kind: str, args: dict[str, Any]) -> Outcome:
        contract = validate(kind, {**args, "run": self.run_id}, source=f"{kind} input")
        if kind == "handoff":
            self._commit(str(args["task_id"]), str(args["summary"]))
        data = contract.model_dump(mode="json", exclude_none=True)
        return self._hand_over(self.contract_path, data, f"{kind}_accepted")

    def _commit(self, task_id: str, summary: str) -> None:
        root = self.workspace.root
        if g.git(root, "status", "--porcelain", check=False):
            g.git(root, "add", "-A")
            out = g.git(root, "commit", "-q", "-m", f"{task_id}: {summary}", check=False,
                        env=g.identity_env(root))
            if g.git(root, "status", "--porcelain", check=False):
                raise ToolError(f"could not commit your changes: {out or 'refused'}")

    def _escalate(self, question: str) -> Outcome:
        validate("question", {"question": question, "run": self.run_id}, source="question")
        outcome = self._hand_over(self.question_path, {"question": question, "run": self.run_id},
                                  "question_asked")
        if outcome.done:
            outcome.text = "Your question is with the human; this assignment ends here."
        return outcome

    def _hand_over(self, path: Path, data: dict[str, Any], accepted: str) -> Outcome:
        contracts = self.run_dir / "contracts"
        rel = path.relative_to(contracts).as_posix()
        log = EventLog(self.run_dir / "events.jsonl")
        _, offset = log.read()
        atomic_write_json(path, data)
        deadline = time.monotonic() + self.verdict_timeout
        while time.monotonic() < deadline:
            events, offset = log.read(offset)
            for e in events:
                if e.data.get("path") != rel:
                    continue
                if e.type == accepted:
                    return Outcome(f"accepted: {rel}", done=True, summary="accepted")
                if e.type == "contract_rejected":
                    problems = e.data.get("problems", [])
                    return Outcome("the supervisor refused it:\n"
                                   + "\n".join(f"- {p}" for p in problems), True,
                                   summary="refused: " + "; ".join(problems)[:100])
            time.sleep(0.05)  # the supervisor answers within milliseconds when it runs
        return Outcome(f"written to {rel}, but no supervisor confirmed it within "
                       f"{self.verdict_timeout:.0f}s; it will be read when the run resumes",
                       done=True, summary="not confirmed")


def dump_input(args: dict[str, Any]) -> str:
    return json.dumps(args, ensure_ascii=False)
