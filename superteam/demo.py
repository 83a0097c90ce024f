"""`superteam demo`: the whole team on a throw-away repository, driven by a replayed model."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from superteam.errors import SuperteamError
from superteam.launch import Launched, launch
from superteam.replay import REPLAY_NOTICE
from superteam.resources import templates_dir
from superteam.runs import RunPaths

GOAL = "Count words correctly across any whitespace, and add top_words(text, n)"
BRANCH = "feature/word-stats"
DEMO_IDENTITY = {"GIT_AUTHOR_NAME": "superteam demo", "GIT_AUTHOR_EMAIL": "demo@superteam.invalid",
                 "GIT_COMMITTER_NAME": "superteam demo",
                 "GIT_COMMITTER_EMAIL": "demo@superteam.invalid"}


def make_demo_repo(base: Path) -> Path:
    repo = base / "wordcount"
    shutil.copytree(templates_dir() / "demo" / "repo", repo)
    env = {**os.environ, **DEMO_IDENTITY}
    # A throw-away repository gets its own identity: the demo must work on a fresh machine.
    for args in (["init", "-q", "-b", "main"], ["config", "user.name", "superteam demo"],
                 ["config", "user.email", "demo@superteam.invalid"], ["add", "-A"],
                 ["commit", "-q", "-m", "wordcount"]):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)
    gate = f"{sys.executable} -m unittest -q"
    (repo / ".superteam").mkdir()
    (repo / ".superteam" / "team.yaml").write_text(yaml.safe_dump(
        {"gates": {"plan": [], "handoff": [gate], "integrate": [gate], "timeout": 120}}))
    return repo


def start_replay(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    """The replayed model in its own process (it outlives this command when it attaches)."""
    port_file = folder / "replay.port"
    log = (folder / "replay.log").open("ab")
    proc = subprocess.Popen([sys.executable, "-m", "superteam", "replay", "--script",
                             str(templates_dir() / "demo" / "replay.yaml"), "--port-file",
                             str(port_file), "--idle-exit", "900"], stdout=log, stderr=log,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 15
    while not (port_file.exists() and port_file.read_text().strip()):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise SuperteamError(f"the replayed model did not start; see {folder / 'replay.log'}")
        time.sleep(0.02)  # waiting for the child to bind its port
    return proc, f"http://127.0.0.1:{port_file.read_text().strip()}"


def run_demo(where: Path | None) -> tuple[Launched, Path]:
    base = Path(tempfile.mkdtemp(prefix="superteam-demo-", dir=where))
    repo = make_demo_repo(base)
    proc, url = start_replay(base)
    # The agents talk to the replayed model only; a real key, if set, is not sent anywhere.
    os.environ.update({"ANTHROPIC_BASE_URL": url, "ANTHROPIC_API_KEY": "replay-no-key",
                       "SUPERTEAM_REPLAY": "1"})
    try:
        launched = launch(repo, GOAL, BRANCH)
    except BaseException:
        proc.kill()
        raise
    procs = RunPaths(repo, launched.run_id).procs
    procs.mkdir(parents=True, exist_ok=True)
    (procs / "replay-model.pid").write_text(str(proc.pid))  # `superteam stop` ends it too
    return launched, repo


def intro(launched: Launched, repo: Path) -> str:
    return (f"superteam demo ({REPLAY_NOTICE})\n"
            f"  repository: {repo}\n  run: {launched.run_id}   branch: {launched.branch}\n"
            f"  watch:  cd {repo} && superteam attach {launched.run_id}\n"
            f"  status: cd {repo} && superteam status\n"
            "The PM plans two tasks; the builder's first attempt fails the test gate; the "
            "reviewer sends one back; then both land on the branch.")
