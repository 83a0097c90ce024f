"""Shared fixtures: real git repos in temp dirs, a real tmux server per test, a temp HOME.

Nothing here mocks tmux or git. Every test gets its own tmux socket (killed afterwards), a
HOME with no user configuration, and git with a fixed author and no system/global config.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from helpers import kill_tmux_server, make_repo  # noqa: E402

FIXED_IDENTITY = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_COMMITTER_NAME": "Test Committer",
    "GIT_COMMITTER_EMAIL": "committer@example.com",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00+00:00",
}


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory: pytest.TempPathFactory,
                 monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("SUPERTEAM_HOME", str(home / ".superteam-home"))
    monkeypatch.setenv("SHELL", "/bin/sh")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig-empty"))
    (home / ".gitconfig-empty").write_text("")
    for key, value in FIXED_IDENTITY.items():
        monkeypatch.setenv(key, value)
    for key in ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "TMUX", "TMUX_PANE",
                "SUPERTEAM_TMUX_SOCKET", "GIT_DIR", "GIT_WORK_TREE"):
        monkeypatch.delenv(key, raising=False)
    yield home


@pytest.fixture
def tmux_socket(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A private tmux server for this test, selected through SUPERTEAM_TMUX_SOCKET."""
    name = f"st-test-{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("SUPERTEAM_TMUX_SOCKET", name)
    yield name
    kill_tmux_server(name)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A small git repository with one commit on `main`."""
    return make_repo(tmp_path / "repo")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--soak", action="store_true",
                     help="the long fault-injection runs (36 seeded kill points instead of 3)")
