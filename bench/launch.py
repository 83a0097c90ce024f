"""Benchmark: wall time of `superteam launch --detach` (default 3-role team) against a baseline
that does only the raw work from a shell script: three `git worktree add`, `tmux new-session`
and the splits. Both measured in this run, on a private tmux server.

    python bench/launch.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASELINE = r"""
set -e
cd "$1"; n="$2"; sock="$3"
git worktree add -q -b "base/$n/build" ".wt/$n/builder" HEAD
git worktree add -q --detach ".wt/$n/pm" HEAD
git worktree add -q --detach ".wt/$n/reviewer" HEAD
tmux -L "$sock" new-session -d -s "base-$n" -x 220 -y 60 'sleep 600'
tmux -L "$sock" split-window -t "base-$n" -c ".wt/$n/pm" 'sleep 600'
tmux -L "$sock" split-window -t "base-$n" -c ".wt/$n/builder" 'sleep 600'
tmux -L "$sock" split-window -t "base-$n" -c ".wt/$n/reviewer" 'sleep 600'
tmux -L "$sock" select-layout -t "base-$n" tiled
"""


def make_repo(path: Path) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@e", "GIT_COMMITTER_NAME": "b",
           "GIT_COMMITTER_EMAIL": "b@e"}
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    for i in range(50):
        (path / f"mod{i}.py").write_text(f"x = {i}\n")
    subprocess.run(["git", "add", "-A"], cwd=path, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "-m", "init"], cwd=path, check=True, env=env)
    (path / ".git" / "info" / "exclude").write_text(".wt/\n.superteam/runs/\n.superteam/worktrees/\n")


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, check=True, capture_output=True,
                   stdin=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    sock = f"bench-launch-{os.getpid()}"
    env = {**os.environ, "SUPERTEAM_TMUX_SOCKET": sock}
    base_t: list[float] = []
    st_t: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        make_repo(repo)
        try:
            for i in range(args.runs):  # interleaved, so both see the same machine noise
                base_t.append(timed(["bash", "-c", BASELINE, "baseline", str(repo), str(i), sock],
                                    repo, env))
                st_t.append(timed([sys.executable, "-m", "superteam", "launch", "bench goal",
                                   "--branch", f"bench/{i}", "--detach"], repo, env))
                # Not timed: end both sessions, so earlier runs' agents do not load the machine.
                subprocess.run(["tmux", "-L", sock, "kill-session", "-t", f"base-{i}"],
                               capture_output=True)
                for session in subprocess.run(["tmux", "-L", sock, "list-sessions", "-F",
                                               "#{session_name}"], capture_output=True,
                                              text=True).stdout.split():
                    if session.startswith("superteam-"):
                        subprocess.run(["tmux", "-L", sock, "kill-session", "-t", session],
                                       capture_output=True)
        finally:
            subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)
    b, s = statistics.median(base_t), statistics.median(st_t)
    print(f"runs: {args.runs}")
    print(f"baseline (raw git worktree add x3 + tmux session + splits): median {b * 1000:.0f} ms")
    print(f"superteam launch --detach (3 roles):                         median {s * 1000:.0f} ms")
    print(f"ratio: {s / b:.2f}x   (target: <= 2x and < 1000 ms)")


if __name__ == "__main__":
    main()
