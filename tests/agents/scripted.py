"""A stand-in agent for the `command` backend: plays one step of a JSON script per assignment.

    python scripted.py PROMPT_FILE SCRIPT_JSON

The script maps role -> list of steps; the n-th distinct assignment of a role plays step n (the
last step repeats; a restarted assignment replays its step). A step may hold:
  files:     {path: content}        written in the worktree (cwd)
  contract:  {...}                  JSON written atomically to $SUPERTEAM_CONTRACT
  raw:       "text"                 written as-is to $SUPERTEAM_CONTRACT (for invalid files)
  question:  "text"                 written to $SUPERTEAM_QUESTION instead of a contract
  exit:      int                    exit code (default 0)
  hang:      true                   never exit
"{task}" in any string is replaced by the assignment's task id.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import time
from pathlib import Path
from typing import Any


def substitute(value: Any, task: str) -> Any:
    if isinstance(value, str):
        return value.replace("{task}", task)
    if isinstance(value, list):
        return [substitute(v, task) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, task) for k, v in value.items()}
    return value


def step_index(script: Path, role: str, assignment: str) -> int:
    """The n-th distinct assignment of a role plays step n; a restarted one replays its step."""
    counter = script.with_name(f"{script.name}.{role}.steps")
    with open(counter, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        fh.seek(0)
        seen = json.loads(fh.read() or "{}")
        if assignment not in seen:
            seen[assignment] = len(seen)
            fh.seek(0)
            fh.truncate()
            fh.write(json.dumps(seen))
    return int(seen[assignment])


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def main() -> int:
    prompt_file, script_path = Path(sys.argv[1]), Path(sys.argv[2])
    role = os.environ["SUPERTEAM_ROLE"]
    assignment = json.loads(Path(os.environ["SUPERTEAM_ASSIGNMENT_FILE"]).read_text())
    task = (assignment["context"].get("task") or {}).get("id", "")
    script = json.loads(script_path.read_text())
    steps = script[role]
    a = assignment["assignment"]
    # "work" keying: a restart of the same work (after a crash) replays the same step.
    key = (f"{a['duty']}:{a['task']}:{a['number']}:{len(assignment['context']['answers'])}"
           if script.get("key") == "work" else os.environ["SUPERTEAM_ASSIGNMENT"])
    index = step_index(script_path, role, key)
    step = substitute(steps[min(index, len(steps) - 1)], task)
    print(f"[scripted {role}] assignment {os.environ['SUPERTEAM_ASSIGNMENT']} step {index} "
          f"task {task or '-'}; prompt {prompt_file.stat().st_size} bytes", flush=True)
    for name, content in step.get("files", {}).items():
        write_atomic(Path(name), content)
    if "question" in step:
        write_atomic(Path(os.environ["SUPERTEAM_QUESTION"]), json.dumps({"question": step["question"]}))
    elif "raw" in step:
        write_atomic(Path(os.environ["SUPERTEAM_CONTRACT"]), step["raw"])
    elif "contract" in step:
        write_atomic(Path(os.environ["SUPERTEAM_CONTRACT"]), json.dumps(step["contract"]))
    if step.get("hang"):
        while True:
            time.sleep(3600)
    return int(step.get("exit", 0))


if __name__ == "__main__":
    raise SystemExit(main())
