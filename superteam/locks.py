"""Advisory file locks (fcntl.flock). Descriptors are close-on-exec, so children never inherit."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from superteam.errors import SuperteamError


@contextmanager
def locked(path: Path, *, blocking: bool = True, what: str = "") -> Iterator[int]:
    """Hold an exclusive lock on ``path`` for the duration of the block."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            raise SuperteamError(f"{what or path} is locked by another superteam process") from None
        yield fd
    finally:
        os.close(fd)  # closing releases the lock
