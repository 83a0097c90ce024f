"""The supervisor's eyes: inotify (watchdog) events turned into items on its input queue."""

from __future__ import annotations

import queue
from pathlib import Path
from typing import Any


def watch(inbox: queue.Queue[tuple[str, Any]], events_path: Path,
          folders: list[tuple[Path, bool]]) -> Any:
    """Start an observer over ``folders`` ((path, recursive) pairs). A file written and closed,
    or renamed into place, becomes ("file", path); an append to the event log by another
    process becomes ("events", path). Returns the observer (call ``stop()``)."""
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer

    log = str(events_path)

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            if event.is_directory:
                return
            if event.event_type == "closed":
                path = str(event.src_path)
            elif event.event_type == "moved":
                path = str(event.dest_path)
            elif event.event_type == "modified" and event.src_path == log:
                path = log
            else:
                return
            inbox.put(("events" if path == log else "file", path))

    observer = Observer()
    handler = Handler()
    for folder, recursive in folders:
        observer.schedule(handler, str(folder), recursive=recursive)
    observer.start()
    return observer
