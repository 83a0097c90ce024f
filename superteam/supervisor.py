"""Placeholder until the supervisor lands: shows that the run waits."""

from __future__ import annotations

import signal
from pathlib import Path


def supervise(cwd: Path, run_id: str) -> int:
    print(f"supervisor for {run_id}: waiting (the supervisor is not implemented yet)", flush=True)
    signal.pause()
    return 0
