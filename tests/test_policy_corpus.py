"""The default policies against a corpus of commands a builder must not run, and of ordinary
development commands it must be able to run."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from superteam.config.load import load_role
from superteam.policy import refusal

DATA = Path(__file__).parent / "data"


def corpus(name: str) -> list[str]:
    lines = (DATA / name).read_text().splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


DENIED, ALLOWED = corpus("commands_denied.txt"), corpus("commands_allowed.txt")


def test_corpus_sizes() -> None:
    assert len(DENIED) >= 50 and len(ALLOWED) >= 50


@pytest.mark.parametrize("command", DENIED)
def test_builder_refuses(command: str) -> None:
    policy = load_role("builder", None).config.shell
    assert refusal(command, policy.deny, policy.allow) is not None, command


@pytest.mark.parametrize("command", ALLOWED)
def test_builder_allows(command: str) -> None:
    policy = load_role("builder", None).config.shell
    assert refusal(command, policy.deny, policy.allow) is None, command


@pytest.mark.parametrize("role", ["pm", "reviewer"])
def test_read_roles_refuse_the_corpus_and_writes(role: str) -> None:
    policy = load_role(role, None).config.shell
    for command in [*DENIED, "git commit -m x", "git stash", "git merge other"]:
        assert refusal(command, policy.deny, policy.allow) is not None, command
    for command in ("python -m pytest -q", "git diff HEAD~1 HEAD", "git log --oneline", "ls"):
        assert refusal(command, policy.deny, policy.allow) is None, command


@given(st.text(max_size=200))
def test_any_command_gets_an_answer(command: str) -> None:
    policy = load_role("builder", None).config.shell
    result = refusal(command, policy.deny, policy.allow)
    assert result is None or isinstance(result, str)
