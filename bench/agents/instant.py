"""Benchmark agent: hands over at once and records when its contract landed (after rename)."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

role = os.environ["SUPERTEAM_ROLE"]
assignment = json.loads(Path(os.environ["SUPERTEAM_ASSIGNMENT_FILE"]).read_text())
task = (assignment["context"].get("task") or {}).get("id")
out = Path(sys.argv[1])
n_tasks = int(sys.argv[2])
if role == "pm":
    if n_tasks == 0:  # the idle measurement: an agent that thinks forever
        while True:
            time.sleep(3600)
    contract = {"spec": "bench", "tasks": [{"id": f"T{i}", "title": "t", "description": "d",
                                            "acceptance": ["a"]} for i in range(1, n_tasks + 1)]}
elif role == "builder":
    contract = {"task_id": task, "summary": "nothing"}
else:
    contract = {"task_id": task, "verdict": "approve"}
target = Path(os.environ["SUPERTEAM_CONTRACT"])
tmp = target.with_name(f".{target.name}.tmp")
tmp.write_text(json.dumps(contract))
os.replace(tmp, target)
with out.open("a") as fh:
    fh.write(f"handoff {time.time():.6f} {os.environ['SUPERTEAM_ASSIGNMENT']}\n")
