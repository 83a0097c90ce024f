"""The replayed model: a small Messages API server on 127.0.0.1 that plays scripted turns.

Scripts are YAML: for each role, a list of conversations (one per assignment, in order); each
conversation a list of turns. A turn has `text`, `tools` ([{name, input}]), optional `errors`
served before it ([{status, type, message}]), `usage` overrides and `delay` (seconds between
streamed chunks). Which conversation and turn a request gets is derived from the request
itself, so a retried request gets the same answer: the role and assignment come from
`metadata.user_id` ("superteam/<run>/<role>/<assignment>"), the turn from the number of
assistant messages already in the conversation.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

from superteam.errors import ConfigError

REPLAY_NOTICE = "replayed model: no API calls"


def load_script(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot load the replay script ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("roles"), dict):
        raise ConfigError(f"{path}: a replay script needs `roles:` mapping role -> conversations")
    return data


def _blocks(request: dict[str, Any]) -> list[tuple[str, bool]]:
    """Every cacheable block in API order (tools, system, messages): (json without its
    cache_control marker, whether it had one). Like the API, the cache matches content."""
    items: list[dict[str, Any]] = list(request.get("tools") or [])
    system = request.get("system") or []
    items += [{"type": "text", "text": system}] if isinstance(system, str) else list(system)
    for message in request.get("messages") or []:
        content = message["content"]
        blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content
        items += [{**b, "role": message["role"]} for b in blocks]
    return [(json.dumps({k: v for k, v in b.items() if k != "cache_control"}, sort_keys=True),
             "cache_control" in b) for b in items]


def cache_split(request: dict[str, Any]) -> tuple[str, str]:
    """(the request up to its last cache_control marker, the rest), serialized."""
    blocks = _blocks(request)
    last = max((i for i, (_, marked) in enumerate(blocks) if marked), default=-1)
    return "".join(b for b, _ in blocks[:last + 1]), "".join(b for b, _ in blocks[last + 1:])


class ReplayState:
    def __init__(self, script: dict[str, Any]) -> None:
        self.script = script
        self.lock = threading.Lock()
        # (run, role) -> assignment -> conversation index: many runs may share one server.
        self.conversations: dict[tuple[str, str], dict[str, int]] = {}
        self.errors_served: dict[tuple[str, int], int] = {}
        self.cached: list[str] = []                           # prefixes already "written"
        self.requests: list[dict[str, Any]] = []
        self.counter = 0

    def pick(self, request: dict[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any] | None]:
        user = str((request.get("metadata") or {}).get("user_id", ""))
        parts = user.split("/")
        run, role, assignment = (parts[1], parts[2], parts[3]) if len(parts) >= 4 else ("", "?", user)
        turn_no = sum(1 for m in request.get("messages", []) if m.get("role") == "assistant")
        with self.lock:
            self.requests.append(request)
            by_role = self.conversations.setdefault((run, role), {})
            index = by_role.setdefault(assignment, len(by_role))
            conversations = self.script["roles"].get(role) or []
            turns = conversations[index] if index < len(conversations) else []
            turn: dict[str, Any] = turns[turn_no] if turn_no < len(turns) else {
                "text": f"(the replay script has no turn {turn_no + 1} for {role}'s "
                        f"assignment {index + 1})"}
            errors: list[dict[str, Any]] = turn.get("errors") or []
            served = self.errors_served.get((f"{run}/{assignment}", turn_no), 0)
            if served < len(errors):
                self.errors_served[(f"{run}/{assignment}", turn_no)] = served + 1
                return role, turn, errors[served]
            self.counter += 1
        return role, turn, None

    def usage(self, request: dict[str, Any], turn: dict[str, Any]) -> dict[str, int]:
        prefix, rest = cache_split(request)
        with self.lock:
            hit = max((len(p) for p in self.cached if prefix.startswith(p)), default=0)
            if prefix and prefix not in self.cached:
                self.cached.append(prefix)
        usage = {"input_tokens": len(rest) // 4, "cache_read_input_tokens": hit // 4,
                 "cache_creation_input_tokens": (len(prefix) - hit) // 4,
                 "output_tokens": max(1, len(json.dumps(turn.get("tools", []))
                                            + turn.get("text", "")) // 4)}
        usage.update(turn.get("usage") or {})
        return usage


def _message(state: ReplayState, request: dict[str, Any], turn: dict[str, Any]) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    if turn.get("text"):
        content.append({"type": "text", "text": str(turn["text"])})
    for i, tool in enumerate(turn.get("tools") or []):
        content.append({"type": "tool_use", "id": f"toolu_{state.counter:04d}_{i}",
                        "name": tool["name"], "input": tool.get("input") or {}})
    return {"id": f"msg_replay_{state.counter:04d}", "type": "message", "role": "assistant",
            "model": request.get("model", "replay"), "content": content,
            "stop_reason": "tool_use" if turn.get("tools") else "end_turn",
            "stop_sequence": None, "usage": state.usage(request, turn)}


def _sse(message: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    events: list[tuple[str, dict[str, Any]]] = []
    start = {**message, "content": [], "stop_reason": None,
             "usage": {**message["usage"], "output_tokens": 1}}
    events.append(("message_start", {"type": "message_start", "message": start}))
    for i, block in enumerate(message["content"]):
        if block["type"] == "text":
            events.append(("content_block_start", {"type": "content_block_start", "index": i,
                                                   "content_block": {"type": "text", "text": ""}}))
            text = block["text"]
            for k in range(0, len(text), 24):
                events.append(("content_block_delta", {"type": "content_block_delta", "index": i,
                                                       "delta": {"type": "text_delta",
                                                                 "text": text[k:k + 24]}}))
        else:
            events.append(("content_block_start", {"type": "content_block_start", "index": i,
                                                   "content_block": {**block, "input": {}}}))
            events.append(("content_block_delta", {"type": "content_block_delta", "index": i,
                                                   "delta": {"type": "input_json_delta",
                                                             "partial_json": json.dumps(block["input"])}}))
        events.append(("content_block_stop", {"type": "content_block_stop", "index": i}))
    events.append(("message_delta", {"type": "message_delta",
                                     "delta": {"stop_reason": message["stop_reason"],
                                               "stop_sequence": None},
                                     "usage": {"output_tokens": message["usage"]["output_tokens"]}}))
    events.append(("message_stop", {"type": "message_stop"}))
    return events


def make_handler(state: ReplayState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _json(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.send_header("request-id", f"req_replay_{state.counter:04d}")
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path.startswith("/_requests"):
                with state.lock:
                    self._json(200, {"requests": state.requests})
            else:
                self._json(200, {"ok": True, "notice": REPLAY_NOTICE})

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            try:
                request = json.loads(self.rfile.read(length))
            except ValueError:
                self._json(400, {"type": "error", "error": {"type": "invalid_request_error",
                                                            "message": "body is not JSON"}})
                return
            if not self.path.startswith("/v1/messages"):
                self._json(404, {"type": "error", "error": {"type": "not_found_error",
                                                            "message": self.path}})
                return
            _, turn, error = state.pick(request)
            if error is not None:
                status = int(error.get("status", 500))
                kind = error.get("type") or {401: "authentication_error", 429: "rate_limit_error",
                                             529: "overloaded_error"}.get(status, "api_error")
                self._json(status, {"type": "error", "error": {
                    "type": kind, "message": error.get("message", f"replayed {status}")}})
                return
            message = _message(state, request, turn)
            if not request.get("stream"):
                self._json(200, message)
                return
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("cache-control", "no-cache")
            self.send_header("connection", "close")
            self.end_headers()
            delay = float(turn.get("delay", state.script.get("delay", 0)))
            for name, payload in _sse(message):
                self.wfile.write(f"event: {name}\ndata: {json.dumps(payload)}\n\n".encode())
                self.wfile.flush()
                if delay and name == "content_block_delta":
                    time.sleep(delay)  # a readable pace for people watching the demo
            self.close_connection = True

    return Handler


class ReplayServer:
    """Serve a script on 127.0.0.1 in a background thread (``port=0`` picks a free port)."""

    def __init__(self, script: dict[str, Any], port: int = 0) -> None:
        self.state = ReplayState(script)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), make_handler(self.state))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> ReplayServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
