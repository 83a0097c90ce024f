"""Benchmark: 20 runs launched at once on this machine, each a 3-task flow against the replayed
model (built-in agents, real `anthropic` client) with one gate failure and one rejected review.

Reports runs completed, wall time, handoff latency under load (a contract file landing ->
the supervisor's next action: the next agent's start, or the gate), peak RSS of all superteam
processes together, the supervisors' CPU, and checks that no event was lost or applied twice.
The baseline, measured in the same run, is one such run alone.

    python bench/scale.py [--runs 20]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from superteam.replay import ReplayServer

ENV = {"GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@e", "GIT_COMMITTER_NAME": "b",
       "GIT_COMMITTER_EMAIL": "b@e"}
BASE = "def add(a, b):\n    return a + b\n"


def tool(name: str, **input: Any) -> dict[str, Any]:
    return {"name": name, "input": input}


def handoff(task: str, content: str) -> list[dict[str, Any]]:
    return [{"text": f"Working on {task}.", "tools": [tool("write_file", path="calc.py", content=content)]},
            {"tools": [tool("submit_handoff", task_id=task, summary=f"{task} done")]}]


def approve(task: str) -> list[dict[str, Any]]:
    return [{"tools": [tool("run_shell", command="grep -c def calc.py")]},
            {"tools": [tool("submit_review", task_id=task, verdict="approve",
                            evidence=["grep: ok"])]}]


def script() -> dict[str, Any]:
    t1_bad = BASE + "\ndef mul(a, b):\n    return a + b\n"
    t1 = BASE + "\ndef mul(a, b):\n    return a * b\n"
    t1_doc = t1 + "\n# mul multiplies\n"
    t2 = t1_doc + "\ndef sub(a, b):\n    return a - b\n"
    t3 = t2 + "\ndef neg(a):\n    return -a\n"
    plan = {"spec": "arithmetic", "tasks": [
        {"id": f"T{i}", "title": f"t{i}", "description": "d", "acceptance": ["a"]} for i in (1, 2, 3)]}
    return {"roles": {
        "pm": [[{"text": "Planning three tasks.", "tools": [tool("submit_plan", **plan)]}]],
        "builder": [handoff("T1", t1_bad), handoff("T1", t1), handoff("T1", t1_doc),
                    handoff("T2", t2), handoff("T3", t3)],
        "reviewer": [[{"tools": [tool("submit_review", task_id="T1", verdict="changes_requested",
                                      findings=[{"severity": "minor", "message": "comment mul"}])]}],
                     approve("T1"), approve("T2"), approve("T3")]}}


def make_repo(path: Path) -> None:
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    (path / "calc.py").write_text(BASE)
    subprocess.run(["git", "add", "-A"], cwd=path, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "init"], cwd=path, check=True, env={**os.environ, **ENV})
    (path / ".superteam").mkdir()
    (path / ".superteam" / "team.yaml").write_text(yaml.safe_dump({
        "gates": {"plan": [], "handoff": ["grep -q 'a \\* b' calc.py"],
                  "integrate": ["grep -q 'def neg' calc.py"], "timeout": 120}}))


class Sampler(threading.Thread):
    """Peak RSS of all superteam processes together, and each supervisor's last CPU time."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_rss = 0
        self.cpu: dict[int, float] = {}
        self.stop_flag = False
        self.tick = os.sysconf("SC_CLK_TCK")

    def run(self) -> None:
        while not self.stop_flag:
            total = 0
            for pid in (int(p) for p in os.listdir("/proc") if p.isdigit()):
                try:
                    cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                    if b"superteam" not in cmd[:3] and b"-m" not in cmd[:2]:
                        continue
                    if b"superteam" not in b" ".join(cmd):
                        continue
                    status = Path(f"/proc/{pid}/status").read_text()
                    total += int(next(line.split()[1] for line in status.splitlines()
                                      if line.startswith("VmRSS")))
                    if b"supervise" in cmd:
                        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                        self.cpu[pid] = (int(fields[11]) + int(fields[12])) / self.tick
                except (OSError, StopIteration, ValueError):
                    continue
            self.peak_rss = max(self.peak_rss, total)
            time.sleep(0.5)  # sampling, in a benchmark


def ts(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def check_run(repo: Path, run: str, branch: str) -> tuple[bool, list[float], str]:
    evs = [json.loads(line) for line in (repo / ".superteam/runs" / run / "events.jsonl")
           .read_text().splitlines()]
    latencies = []
    for i, e in enumerate(evs):
        if e["type"].endswith("_accepted") and e["data"].get("file_id"):
            landed = int(e["data"]["file_id"].rsplit("-", 1)[1]) / 1e9
            nxt = next((x for x in evs[i + 1:] if x["type"] in ("assignment_started",
                                                                "gate_started")), None)
            if nxt is not None:
                latencies.append(ts(nxt["ts"]) - landed)
    accepted = [e["data"]["file_id"] for e in evs if e["type"].endswith("_accepted")]
    ok = ([e["seq"] for e in evs] == list(range(1, len(evs) + 1)) and len(accepted) == len(set(accepted))
          and sum(e["type"] == "run_finished" for e in evs) == 1
          and [e["data"]["task"] for e in evs if e["type"] == "integrated"] == ["T1", "T2", "T3"])
    content = subprocess.run(["git", "show", f"{branch}:calc.py"], cwd=repo, capture_output=True,
                             text=True).stdout
    return ok and "def neg" in content, latencies, "done" if ok else "incomplete"


def run_batch(base: Path, n: int, sock: str, server: ReplayServer, tag: str) -> dict[str, Any]:
    repo = base / f"repo-{tag}"
    make_repo(repo)
    env = {**os.environ, **ENV, "SUPERTEAM_TMUX_SOCKET": sock, "ANTHROPIC_BASE_URL": server.url,
           "ANTHROPIC_API_KEY": "bench", "SUPERTEAM_RETRY_BASE": "0.2"}
    sampler = Sampler()
    sampler.start()
    t0 = time.monotonic()
    procs = [subprocess.Popen([sys.executable, "-m", "superteam", "launch", f"scale {i}", "--branch",
                               f"scale/{tag}-{i}", "--detach", "--json"], cwd=repo, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(n)]
    runs = []
    for p in procs:
        out, err = p.communicate()
        if p.returncode != 0:
            print("launch failed:", err.strip(), file=sys.stderr)
            continue
        data = json.loads(out)
        runs.append((data["run"], data["branch"]))
    deadline = time.monotonic() + 1500
    pending = set(r for r, _ in runs)
    while pending and time.monotonic() < deadline:
        for run in list(pending):
            text = (repo / ".superteam/runs" / run / "events.jsonl").read_text()
            if '"run_finished"' in text or '"question_asked"' in text:
                pending.discard(run)
        time.sleep(1.0)
    wall = time.monotonic() - t0
    sampler.stop_flag = True
    sampler.join()
    results = [check_run(repo, run, branch) for run, branch in runs]
    latencies = [x for _, lat, _ in results for x in lat]
    return {"completed": sum(ok for ok, _, _ in results), "launched": len(runs), "wall": wall,
            "latencies": sorted(latencies), "peak_rss_mb": sampler.peak_rss / 1024,
            "supervisor_cpu_s": sum(sampler.cpu.values())}


def pct(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    sock = f"bench-scale-{os.getpid()}"
    with tempfile.TemporaryDirectory() as tmp, ReplayServer(script()) as server:
        try:
            alone = run_batch(Path(tmp), 1, sock, server, "alone")
            many = run_batch(Path(tmp), args.runs, sock, server, "many")
        finally:
            subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)
    for name, r in (("baseline: 1 run alone", alone), (f"{args.runs} runs at once", many)):
        lat = r["latencies"]
        print(f"{name}: {r['completed']}/{r['launched']} completed, no event lost or applied "
              f"twice in those; wall {r['wall']:.1f} s")
        print(f"  handoff latency p50 {pct(lat, 50) * 1000:.0f} ms, p99 {pct(lat, 99) * 1000:.0f} ms "
              f"(n={len(lat)}; mean {statistics.mean(lat) * 1000 if lat else 0:.0f} ms)")
        print(f"  peak RSS of all superteam processes {r['peak_rss_mb']:.0f} MB; supervisors' CPU "
              f"{r['supervisor_cpu_s']:.1f} s ({100 * r['supervisor_cpu_s'] / r['wall']:.1f} % "
              "of one core over the wall time)")
    print("target: 20 of 20 complete, handoff p99 <= 1 s, no event lost or applied twice")


if __name__ == "__main__":
    main()
