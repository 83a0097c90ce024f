"""Benchmark: latency from a contract file's atomic rename to the start of the next agent
process in its pane (p50, p99 over >= 200 handoffs), and the supervisor's CPU and RSS while it
waits on an agent for 60 s. The baseline, measured in the same run, is the bare mechanism: a
watchdog observer that respawns a tmux pane when a file is renamed into a folder.

    python bench/handoff.py [--tasks 100] [--idle 60]
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
AGENT = HERE / "agents" / "instant.py"
ENV = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@e", "GIT_COMMITTER_NAME": "b",
       "GIT_COMMITTER_EMAIL": "b@e"}


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def make_repo(path: Path, tasks: int, record: Path) -> None:
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    (path / "a.txt").write_text("a\n")
    subprocess.run(["git", "add", "-A"], cwd=path, check=True, env=ENV)
    subprocess.run(["git", "commit", "-q", "-m", "init"], cwd=path, check=True, env=ENV)
    roles = path / ".superteam" / "roles"
    roles.mkdir(parents=True)
    # bash's $EPOCHREALTIME stamps the process start without forking anything.
    start = (f'echo "start $EPOCHREALTIME $SUPERTEAM_ASSIGNMENT" >> {record}; '
             f'exec {sys.executable} {AGENT} {record} {tasks}')
    for role in ("pm", "builder", "reviewer"):
        (roles / f"{role}.yaml").write_text(yaml.safe_dump(
            {"backend": "command", "command": ["bash", "-c", start]}))
    (path / ".superteam" / "team.yaml").write_text(yaml.safe_dump(
        {"gates": {"plan": [], "handoff": [], "integrate": []}, "budget": {"tokens": None}}))


def launch(repo: Path, sock: str) -> str:
    out = subprocess.run([sys.executable, "-m", "superteam", "launch", "bench", "--branch", "bench",
                          "--detach", "--json"], cwd=repo, env={**ENV, "SUPERTEAM_TMUX_SOCKET": sock},
                         capture_output=True, text=True, check=True)
    return str(json.loads(out.stdout)["run"])


def wait_for(predicate, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit("benchmark timed out")
        time.sleep(0.1)


def superteam_latencies(tmp: Path, tasks: int, sock: str) -> list[float]:
    record = tmp / "record.txt"
    repo = tmp / "repo"
    make_repo(repo, tasks, record)
    run = launch(repo, sock)
    events = repo / ".superteam" / "runs" / run / "events.jsonl"
    wait_for(lambda: events.exists() and '"run_finished"' in events.read_text(), 600)
    lines = [line.split() for line in record.read_text().splitlines()]
    latencies = []
    for prev, nxt in zip(lines, lines[1:], strict=False):
        if prev[0] == "handoff" and nxt[0] == "start":
            latencies.append(float(nxt[1]) - float(prev[1]))
    return latencies


def baseline_latencies(tmp: Path, count: int, sock: str) -> list[float]:
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer

    inbox = tmp / "inbox"
    inbox.mkdir()
    record = tmp / "base.txt"
    subprocess.run(["tmux", "-L", sock, "new-session", "-d", "-s", "base", "sleep 600"], check=True)
    events: queue.Queue[str] = queue.Queue()

    class Handler(FileSystemEventHandler):
        def on_moved(self, event: FileSystemEvent) -> None:
            events.put(str(event.dest_path))

    observer = Observer()
    observer.schedule(Handler(), str(inbox))
    observer.start()
    latencies = []
    try:
        for i in range(count):
            tmpfile = inbox / f".c{i}.tmp"
            tmpfile.write_text("{}")
            t0 = time.time()
            os.replace(tmpfile, inbox / f"c{i}.json")
            events.get(timeout=10)
            subprocess.run(["tmux", "-L", sock, "respawn-pane", "-k", "-t", "base",
                            f'echo "$EPOCHREALTIME" >> {record}; exec sleep 600'], check=True)
            wait_for(lambda i=i: record.exists() and len(record.read_text().split()) > i, 10)
            latencies.append(float(record.read_text().split()[i]) - t0)
    finally:
        observer.stop()
    return latencies


def idle_cost(tmp: Path, seconds: float, sock: str) -> tuple[float, float]:
    record = tmp / "idle-record.txt"
    repo = tmp / "idle-repo"
    make_repo(repo, 0, record)  # the PM never hands over: the supervisor just waits
    run = launch(repo, sock)
    events = repo / ".superteam" / "runs" / run / "events.jsonl"
    wait_for(lambda: events.exists() and '"assignment_started"' in events.read_text(), 30)
    started = [json.loads(line) for line in events.read_text().splitlines()
               if '"supervisor_started"' in line]
    pid = int(started[-1]["data"]["pid"])
    tick = os.sysconf("SC_CLK_TCK")

    def cpu() -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick

    c0, t0 = cpu(), time.monotonic()
    time.sleep(seconds)
    c1, t1 = cpu(), time.monotonic()
    rss = next(int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
               if line.startswith("VmRSS")) / 1024
    return 100 * (c1 - c0) / (t1 - t0), rss


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=100, help="two handoffs per task")
    parser.add_argument("--idle", type=float, default=60.0)
    args = parser.parse_args()
    sock = f"bench-handoff-{os.getpid()}"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            st = superteam_latencies(Path(tmp), args.tasks, sock)
            base = baseline_latencies(Path(tmp), len(st), sock)
            cpu, rss = idle_cost(Path(tmp), args.idle, sock)
    finally:
        subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)
    ms = 1000
    print(f"handoffs measured: {len(st)}")
    print(f"baseline (watchdog + respawn-pane): p50 {pct(base, 50) * ms:.1f} ms  "
          f"p99 {pct(base, 99) * ms:.1f} ms")
    print(f"superteam supervisor:               p50 {pct(st, 50) * ms:.1f} ms  "
          f"p99 {pct(st, 99) * ms:.1f} ms   (target p50 <= 50, p99 <= 250)")
    print(f"ratio p50: {pct(st, 50) / pct(base, 50):.2f}x   mean {statistics.mean(st) * ms:.1f} ms")
    print(f"supervisor idle for {args.idle:.0f} s with an agent at work: CPU {cpu:.2f} %  "
          f"RSS {rss:.0f} MB   (target <= 0.5 %, <= 80 MB)")


if __name__ == "__main__":
    main()
