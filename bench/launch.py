"""Benchmark: wall time of `superteam launch --detach` (default 3-role team) against a baseline
that does only the raw work from a shell script: three `git worktree add`, `tmux new-session`
and the splits. Both measured in this run, interleaved, on a private tmux server.

Also measured in the same run, for context: the cold launch (the first after the team's files
changed, when the team is validated with the full loader rather than taken from the cache) and
the bare interpreter (`python -c pass`), the floor under any Python command on this machine.

    python bench/launch.py [--runs N]
"""

from __future__ import annotations

import argparse
import compileall
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


def superteam_command() -> list[str]:
    """The console script people run, from this interpreter's environment."""
    script = Path(sys.executable).parent / "superteam"
    return [str(script)] if script.exists() else [sys.executable, "-m", "superteam"]


def end_sessions(sock: str, baseline: str) -> None:
    """Not timed: end both sessions, so earlier runs' agents do not load the machine."""
    subprocess.run(["tmux", "-L", sock, "kill-session", "-t", baseline], capture_output=True)
    for session in subprocess.run(["tmux", "-L", sock, "list-sessions", "-F", "#{session_name}"],
                                  capture_output=True, text=True).stdout.split():
        if session.startswith("superteam-"):
            subprocess.run(["tmux", "-L", sock, "kill-session", "-t", session],
                           capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    sock = f"bench-launch-{os.getpid()}"
    # As installed from a wheel, whose bytecode pip compiles. A source checkout run with
    # PYTHONDONTWRITEBYTECODE (set on some machines) would recompile superteam on every start.
    import superteam

    compileall.compile_dir(str(Path(superteam.__file__).parent), quiet=1)
    times: dict[str, list[float]] = {"baseline": [], "warm": [], "cold": [], "python": []}
    superteam = superteam_command()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "SUPERTEAM_TMUX_SOCKET": sock, "SUPERTEAM_HOME": f"{tmp}/home"}
        commands = {
            "baseline": lambda i, repo: ["bash", "-c", BASELINE, "baseline", str(repo), str(i),
                                         sock],
            "python": lambda i, repo: [sys.executable, "-c", "pass"],
            "cold": lambda i, repo: [*superteam, "launch", "bench goal", "--branch", f"cold/{i}",
                                     "--detach"],
            "warm": lambda i, repo: [*superteam, "launch", "bench goal", "--branch", f"warm/{i}",
                                     "--detach"],
        }
        # One tmux server for the whole run, so neither side pays for starting one.
        subprocess.run(["tmux", "-L", sock, "new-session", "-d", "-s", "keep", "sleep 3600"],
                       check=True)
        try:
            for i in range(args.runs):  # interleaved, so all see the same machine noise
                for name, command in commands.items():
                    # Each timed command gets a repository of its own (untimed), so none pays
                    # for the worktrees of the ones before it (git scans them all on `worktree
                    # add`). New paths, not one path deleted and remade: on this machine that
                    # churn slows every later file write, whichever side makes it.
                    repo = Path(tmp) / f"{name}-{i}"
                    make_repo(repo)
                    if name == "warm":  # the team validated beforehand, as `roles validate` does
                        subprocess.run([*superteam, "roles", "validate"], cwd=repo, env=env,
                                       check=True, capture_output=True)
                    os.sync()  # and a quiet disk at the start of each
                    times[name].append(timed(command(i, repo), repo, env))
                    end_sessions(sock, f"base-{i}")
        finally:
            subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)
    if os.environ.get("BENCH_VERBOSE"):
        for k, v in times.items():
            print(k, " ".join(f"{x * 1000:.0f}" for x in v))
    med = {k: statistics.median(v) * 1000 for k, v in times.items()}
    b = med["baseline"]
    print(f"runs: {args.runs}   command: {' '.join(superteam)}")
    print(f"baseline (raw git worktree add x3 + tmux session + splits): median {b:.0f} ms")
    print(f"superteam launch --detach, team cached (the usual case):     median {med['warm']:.0f} ms"
          f"  = {med['warm'] / b:.2f}x   (target: <= 2x and < 1000 ms)")
    print(f"superteam launch --detach, first after a team file changed:  median {med['cold']:.0f} ms"
          f"  = {med['cold'] / b:.2f}x")
    print(f"for context, python -c pass:                                 median {med['python']:.0f} ms")


if __name__ == "__main__":
    main()
