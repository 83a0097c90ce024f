"""The run's event log, events.jsonl: append-only, one JSON object per line, the source of truth.

Each line is {"seq", "ts", "type", "data"}. Several processes append (the supervisor, agents
reporting token usage, `superteam stop`), so appends hold a lock, and the sequence number is
taken from the last complete line under that lock. A torn last line (a writer killed mid-
write) is never visible to readers and is cut off by the next writer.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from superteam.locks import locked


class Event(NamedTuple):
    seq: int
    ts: str
    type: str
    data: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "ts": self.ts, "type": self.type, "data": self.data}


def now_iso() -> str:
    # time, not datetime: this module is on launch's import path, and datetime costs a ms.
    now = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1000):03d}Z"


def _parse(line: bytes) -> Event | None:
    try:
        obj = json.loads(line)
        return Event(int(obj["seq"]), str(obj["ts"]), str(obj["type"]), dict(obj.get("data") or {}))
    except (ValueError, KeyError, TypeError):
        return None


def _last_complete_line(fh: Any, size: int) -> bytes | None:
    """The last newline-terminated line of an open binary file, reading backwards."""
    block = 4096
    end = size
    buf = b""
    while end > 0:
        start = max(0, end - block)
        fh.seek(start)
        buf = fh.read(end - start) + buf
        end = start
        stripped = buf.rstrip(b"\n")
        idx = stripped.rfind(b"\n")
        if idx >= 0 or start == 0:
            return stripped[idx + 1:] if stripped else None
    return None


class EventLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock_path = path.with_name(".events.lock")

    def append(self, type: str, **data: Any) -> Event:
        """Append an event and fsync it: once this returns, the event survives a power loss."""
        return self._append(type, data, sync=True)

    def append_unsynced(self, type: str, **data: Any) -> Event:
        """Append without the fsync, for a writer whose next ``append`` makes it durable (a
        launch, which is undone as a whole if it fails before then)."""
        return self._append(type, data, sync=False)

    def _append(self, type: str, data: dict[str, Any], *, sync: bool) -> Event:
        with locked(self.lock_path), open(self.path, "a+b") as fh:
            size = fh.seek(0, os.SEEK_END)
            if size:
                fh.seek(size - 1)
                if fh.read(1) != b"\n":  # torn by a killed writer: drop the partial line
                    fh.seek(0)
                    keep = fh.read().rfind(b"\n") + 1
                    fh.truncate(keep)
                    size = keep
            last = _last_complete_line(fh, size) if size else None
            prev = _parse(last) if last else None
            event = Event((prev.seq if prev else 0) + 1, now_iso(), type, data)
            fh.seek(0, os.SEEK_END)
            fh.write(json.dumps(event.to_json(), sort_keys=True).encode() + b"\n")
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
        return event

    def read(self, offset: int = 0) -> tuple[list[Event], int]:
        """Complete events from byte ``offset`` on, and the offset after the last one."""
        try:
            with open(self.path, "rb") as fh:
                fh.seek(offset)
                chunk = fh.read()
        except FileNotFoundError:
            return [], offset
        end = chunk.rfind(b"\n") + 1
        events = [e for line in chunk[:end].splitlines() if (e := _parse(line)) is not None]
        return events, offset + end

    def __iter__(self) -> Iterator[Event]:
        return iter(self.read()[0])
