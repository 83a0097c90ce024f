"""The built wheel carries roles/, hooks/ and templates/ and finds them when installed."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from helpers import wait_until

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv that sees the already-installed dependencies but gets superteam itself
    only from the wheel (no network, no checkout on the path); returns its bin folder."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, system_site_packages=True, with_pip=True)
    subprocess.run([str(env_dir / "bin/python"), "-m", "pip", "install", "-q", "--no-deps",
                    str(wheel)], check=True, capture_output=True)
    return env_dir / "bin"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True, text=True)
    return next(out.glob("superteam-*.whl"))


def test_wheel_contains_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("superteam/_data/roles/builder.yaml", "superteam/_data/roles/builder.md",
                     "superteam/_data/roles/pm.md", "superteam/_data/roles/reviewer.yaml",
                     "superteam/_data/hooks/reference-transaction",
                     "superteam/_data/templates/team.yaml"):
        assert expected in names


def test_installed_wheel_lists_roles(installed: Path, tmp_path: Path) -> None:
    where = subprocess.run([str(installed / "python"), "-c",
                            "import superteam; print(superteam.__file__)"],
                           cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(installed.parent))
    out = subprocess.run([str(installed / "superteam"), "roles", "list"], cwd=tmp_path,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    for name in ("pm", "builder", "reviewer"):
        assert name in out.stdout
    assert "Implements one task at a time" in out.stdout


def test_installed_wheel_runs_the_demo(installed: Path, tmp_path: Path, tmux_socket: str) -> None:
    out = subprocess.run([str(installed / "superteam"), "demo", "--dir", str(tmp_path),
                          "--detach"], cwd=tmp_path, capture_output=True, text=True,
                         stdin=subprocess.DEVNULL, env={**os.environ, "PATH": f"{installed}:"
                                                        f"{os.environ['PATH']}"})
    assert out.returncode == 0, out.stderr
    repo = next(tmp_path.glob("superteam-demo-*/wordcount"))
    run = next(p for p in (repo / ".superteam/runs").iterdir() if p.is_dir())
    wait_until(lambda: '"run_finished"' in (run / "events.jsonl").read_text(), timeout=120,
               interval=0.2, message="the demo to finish")
    shown = subprocess.run(["git", "show", "feature/word-stats:wordcount.py"], cwd=repo,
                           capture_output=True, text=True).stdout
    assert "def top_words" in shown
