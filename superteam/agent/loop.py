"""The built-in `anthropic` backend: one assignment, one fresh conversation, in one pane.

The system prompt (the rendered role template) and the tool definitions are identical on every
turn and carry `cache_control`; a rolling breakpoint on the newest message lets each request
reuse the previous one's prefix. Every response's usage is appended to the run's event log.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from superteam.agent.tools import Outcome, Toolbox, definitions, dump_input
from superteam.agent.transcript import Transcript
from superteam.agent.workspace import Workspace
from superteam.assign import loads_assignment
from superteam.events import EventLog
from superteam.replay import REPLAY_NOTICE
from superteam.runs import RunPaths, read_run_yaml

MAX_TOKENS = 8192
MAX_ATTEMPTS = 8
NUDGES = 3
CACHE = {"type": "ephemeral"}


class AgentFatal(Exception):
    """The assignment cannot go on without a human (bad key, API down, no progress)."""


@dataclass
class AgentRun:
    paths: RunPaths
    role: str
    assignment: dict[str, Any]
    model: str
    prompt: str
    toolbox: Toolbox
    transcript: Transcript
    max_turns: int

    @property
    def assignment_id(self) -> str:
        return str(self.assignment["assignment"]["id"])

    # --- the loop ----------------------------------------------------------------------------
    def run(self) -> int:
        import anthropic

        duty_tool = self.assignment["context"]["contract"]["tool"]
        try:
            client = anthropic.Anthropic(max_retries=0)
        except anthropic.AnthropicError as exc:
            return self._escalate(f"the {self.role} agent cannot reach the model: {exc}. Set "
                                  "ANTHROPIC_API_KEY for the run (stop, export it, resume), "
                                  "then answer to retry.")
        tools = definitions(self.toolbox.allowed)
        if tools:
            tools[-1] = {**tools[-1], "cache_control": CACHE}
        system = [{"type": "text", "text": self.prompt, "cache_control": CACHE}]
        messages: list[dict[str, Any]] = [{"role": "user", "content": [{"type": "text", "text": (
            f"Start your assignment now. Your working directory is your worktree. When you are "
            f"done, call {duty_tool}.")}]}]
        nudges = 0
        for turn in range(1, self.max_turns + 1):
            try:
                message = self._call(client, system, tools, messages)
            except AgentFatal as exc:
                return self._escalate(str(exc))
            self._record_usage(message)
            content = [_block(b) for b in message.content]
            messages.append({"role": "assistant", "content": content})
            uses = [b for b in content if b["type"] == "tool_use"]
            if not uses:
                nudges += 1
                if nudges > NUDGES:
                    return self._escalate(f"the {self.role} agent stopped {NUDGES + 1} times "
                                          f"without calling {duty_tool}")
                messages.append({"role": "user", "content": [{"type": "text", "text": (
                    f"You have not handed over yet. Continue; when the work is done call "
                    f"{duty_tool}. If you are blocked, call escalate.")}]})
                continue
            results = []
            for use in uses:
                outcome = self._tool(use)
                if outcome.done:
                    self.transcript.done(f"{outcome.text} (turn {turn})")
                    return 0
                results.append({"type": "tool_result", "tool_use_id": use["id"],
                                "content": outcome.text, "is_error": outcome.is_error})
            messages.append({"role": "user", "content": results})
        return self._escalate(f"the {self.role} agent used its {self.max_turns} turns "
                              f"(limits.max_turns) without handing over")

    def _tool(self, use: dict[str, Any]) -> Outcome:
        args = use.get("input") or {}
        shown = " ".join(str(v) for v in args.values() if isinstance(v, str | int))
        self.transcript.tool_call(use["name"], shown.replace("\n", " "), dump_input(args))
        outcome = self.toolbox.call(use["name"], args)
        self.transcript.tool_result(outcome.summary or outcome.text.splitlines()[0][:120]
                                    if outcome.text else "", outcome.text, outcome.is_error)
        return outcome

    # --- the model ---------------------------------------------------------------------------
    def _call(self, client: Any, system: list[dict[str, Any]], tools: list[dict[str, Any]],
              messages: list[dict[str, Any]]) -> Any:
        import anthropic

        request = {"model": self.model, "max_tokens": MAX_TOKENS, "system": system,
                   "tools": tools, "messages": _with_rolling_breakpoint(messages),
                   "metadata": {"user_id": f"superteam/{self.paths.run_id}/{self.role}/"
                                           f"{self.assignment_id}"}}
        base = float(os.environ.get("SUPERTEAM_RETRY_BASE", "1.0"))
        last = ""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                with client.messages.stream(**request) as stream:
                    for text in stream.text_stream:
                        self.transcript.stream(text)
                    return stream.get_final_message()
            except (anthropic.AuthenticationError, anthropic.PermissionDeniedError) as exc:
                raise AgentFatal(f"the model API refused the credentials ({exc.status_code}: "
                                 f"{_message(exc)}). Fix ANTHROPIC_API_KEY, then answer to "
                                 "retry.") from None
            except anthropic.APIStatusError as exc:
                if exc.status_code not in (408, 409, 429) and exc.status_code < 500:
                    raise AgentFatal(f"the model API rejected the request ({exc.status_code}: "
                                     f"{_message(exc)})") from None
                last = f"{exc.status_code} {_message(exc)}"
                wait = _retry_after(exc) or min(base * 2 ** (attempt - 1), 60.0)
            except anthropic.APIConnectionError as exc:
                last = f"connection failed ({exc})"
                wait = min(base * 2 ** (attempt - 1), 60.0)
            self.transcript.note(f"model API: {last}; retrying in {wait:.1f}s "
                                 f"({attempt}/{MAX_ATTEMPTS})")
            time.sleep(wait)  # backing off from an overloaded or rate-limited API
        raise AgentFatal(f"the model API kept failing ({last}) after {MAX_ATTEMPTS} attempts")

    def _record_usage(self, message: Any) -> None:
        u = message.usage
        EventLog(self.paths.events).append(
            "usage", role=self.role, assignment=self.assignment_id, model=self.model,
            input_tokens=u.input_tokens or 0, output_tokens=u.output_tokens or 0,
            cache_read_input_tokens=getattr(u, "cache_read_input_tokens", 0) or 0,
            cache_creation_input_tokens=getattr(u, "cache_creation_input_tokens", 0) or 0)

    def _escalate(self, question: str) -> int:
        self.transcript.failed(question)
        outcome = self.toolbox.call("escalate", {"question": question})
        self.transcript.note(outcome.text)
        return 1


def _block(block: Any) -> dict[str, Any]:
    if block.type == "text":
        return {"type": "text", "text": block.text}
    if block.type == "tool_use":
        return {"type": "tool_use", "id": block.id, "name": block.name, "input": block.input}
    return dict(block.model_dump(exclude_none=True))


def _with_rolling_breakpoint(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A copy with `cache_control` on the newest message's last block only."""
    out = [dict(m) for m in messages]
    last = dict(out[-1])
    content = [dict(b) for b in last["content"]]
    content[-1] = {**content[-1], "cache_control": CACHE}
    last["content"] = content
    out[-1] = last
    return out


def _message(exc: Any) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
    return str(getattr(exc, "message", exc))


def _retry_after(exc: Any) -> float | None:
    try:
        value = exc.response.headers.get("retry-after")
        return min(float(value), 60.0) if value else None
    except (AttributeError, ValueError):
        return None


def run_assignment(paths: RunPaths, role: str, assignment_id: str) -> int:
    data = loads_assignment(paths.dir / "assignments" / f"{assignment_id}.json")
    meta = read_run_yaml(paths)
    cfg = data["role"]
    model = str(meta["roles"][role]["model"])
    context = data["context"]
    workspace = Workspace(Path(data["worktree"]), writable=cfg.get("access") == "write",
                          deny=cfg["shell"]["deny"], allow=cfg["shell"]["allow"],
                          shell_timeout=int(cfg["shell"]["timeout"]),
                          output_bytes=int(cfg["limits"]["tool_output_bytes"]))
    toolbox = Toolbox(workspace, list(cfg["tools"]), paths.run_id, paths.dir,
                      Path(context["contract"]["inbox"]), Path(context["contract"]["question"]))
    transcript = Transcript(paths.logs / f"{role}.log")
    a = data["assignment"]
    what = {"plan": "planning", "handoff": f"task {a['task']} #{a['number']}",
            "review": f"reviewing {a['task']} #{a['number']}"}[a["duty"]]
    transcript.header(f"superteam · {role} · {what} · {assignment_id} · model {model}")
    if os.environ.get("SUPERTEAM_REPLAY"):
        transcript.note(REPLAY_NOTICE)
    return AgentRun(paths, role, data, model, Path(data["prompt_file"]).read_text(encoding="utf-8"),
                    toolbox, transcript, int(cfg["limits"]["max_turns"])).run()
