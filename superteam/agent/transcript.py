"""What an agent shows in its pane (readable, live) and keeps in logs/<role>.log (everything)."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

DIM, BOLD, RED, GREEN, CYAN, RESET = "\033[2m", "\033[1m", "\033[31m", "\033[32m", "\033[36m", "\033[0m"


def secrets() -> list[str]:
    values = (os.environ.get(n) for n in ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"))
    return [v for v in values if v and len(v) >= 4]


def redact(text: str) -> str:
    """Secrets never reach a pane or a log, whatever a tool printed or the model said."""
    for secret in secrets():
        text = text.replace(secret, "[redacted]")
    return text


def _held_back(text: str) -> int:
    """How much of ``text``'s end could be the start of a secret still streaming in."""
    return max((k for secret in secrets() for k in range(min(len(secret) - 1, len(text)), 0, -1)
                if secret.startswith(text[-k:])), default=0)


class Transcript:
    def __init__(self, log_path: Path, out: TextIO = sys.stdout) -> None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = log_path.open("a", encoding="utf-8")
        self.out = out
        self.streaming = False
        self.pending = ""  # streamed text not shown yet: it may end in part of a secret

    def _pane(self, text: str) -> None:
        self.out.write(redact(text))
        self.out.flush()

    def _log(self, text: str) -> None:
        self.log.write(redact(text))
        self.log.flush()

    def _end_stream(self) -> None:
        if self.streaming:
            self._pane(self.pending + "\n")
            self._log(self.pending + "\n")
            self.pending = ""
            self.streaming = False

    def header(self, text: str) -> None:
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        self._pane(f"{BOLD}{text}{RESET}\n")
        self._log(f"\n=== {stamp} {text}\n")

    def note(self, text: str) -> None:
        self._end_stream()
        self._pane(f"{DIM}{text}{RESET}\n")
        self._log(f"-- {text}\n")

    def stream(self, text: str) -> None:
        if not self.streaming:
            self._log("assistant: ")
            self.streaming = True
        buffered = redact(self.pending + text)
        keep = _held_back(buffered)
        ready, self.pending = buffered[:len(buffered) - keep], buffered[len(buffered) - keep:]
        self._pane(ready)
        self._log(ready)

    def tool_call(self, name: str, shown: str, full: str) -> None:
        self._end_stream()
        self._pane(f"{CYAN}→ {name}{RESET} {shown[:160]}\n")
        self._log(f"tool call {name}: {full}\n")

    def tool_result(self, summary: str, full: str, is_error: bool) -> None:
        color = RED if is_error else DIM
        self._pane(f"  {color}← {summary[:160]}{RESET}\n")
        self._log(f"tool result{' (error)' if is_error else ''}:\n{full}\n")

    def done(self, text: str) -> None:
        self._end_stream()
        self._pane(f"{GREEN}{BOLD}✓ {text}{RESET}\n")
        self._log(f"== {text}\n")

    def failed(self, text: str) -> None:
        self._end_stream()
        self._pane(f"{RED}{BOLD}✗ {text}{RESET}\n")
        self._log(f"!! {text}\n")
