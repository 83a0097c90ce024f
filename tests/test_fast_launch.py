"""`superteam launch` parsed without click, and launched without pydantic, PyYAML or click.

The fast parser may only ever accept what click parses to the same values; anything else must
fall through to click, so `--help` and every usage error read as before.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import superteam
from hypothesis import given, settings
from hypothesis import strategies as st

from superteam.cli.fast_launch import LaunchOptions, parse
from superteam.cli.run_cmds import launch as click_launch


def click_values(args: list[str]) -> LaunchOptions | None:
    try:
        ctx = click_launch.make_context("launch", list(args), resilient_parsing=False)
    except Exception:  # a usage error: click's to report
        return None
    p = ctx.params
    return LaunchOptions(p["goal"], p["branch"], p["base"], p["team_file"], p["attach_"],
                         p["as_json"])


TOKENS = st.sampled_from(["--branch", "--base", "--team", "--attach", "--detach", "--json",
                          "--help", "-h", "--", "-", "--branch=feat/x", "--base=HEAD~1",
                          "--team=t.yaml", "--bogus", "feat/x", "Add CSV export", "",
                          "-x", "main", "=", "--json=1", "my goal --branch", "--team=",
                          "--branch="])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(TOKENS, st.text(max_size=8)), max_size=7))
def test_fast_parse_accepts_only_what_click_parses_the_same(args: list[str]) -> None:
    fast = parse(args)
    if fast is not None:
        assert click_values(args) == fast


@pytest.mark.parametrize("args, expected", [
    (["Add CSV", "--branch", "feat/csv"], LaunchOptions("Add CSV", "feat/csv")),
    (["--branch=feat/csv", "--detach", "--json", "Add CSV", "--base", "v1", "--team", "t.yaml"],
     LaunchOptions("Add CSV", "feat/csv", "v1", Path("t.yaml"), False, True)),
    (["Add CSV", "--branch", "b", "--attach"], LaunchOptions("Add CSV", "b", attach=True)),
])
def test_fast_parse_plain_forms(args: list[str], expected: LaunchOptions) -> None:
    assert parse(args) == expected == click_values(args)


@pytest.mark.parametrize("args", [
    [], ["--help"], ["Add CSV"], ["Add CSV", "--branch"], ["a", "b", "--branch", "x"],
    ["Add CSV", "--branch", "x", "--branch", "y"], ["Add CSV", "--branch", "-x"],
    ["Add CSV", "--branch", "x", "--detach", "--attach"], ["--", "Add CSV", "--branch", "x"],
    ["Add CSV", "--branch", "x", "--bogus"],
])
def test_everything_else_goes_to_click(args: list[str]) -> None:
    assert parse(args) is None


def test_usage_errors_still_read_as_click_writes_them(repo: Path) -> None:
    out = superteam("launch", "--branch", "x", cwd=repo)
    assert out.returncode == 2 and "Missing argument 'GOAL'" in out.stderr
    out = superteam("launch", "goal", cwd=repo)
    assert out.returncode == 2 and "Missing option '--branch'" in out.stderr
    out = superteam("launch", "--help", cwd=repo)
    assert out.returncode == 0 and "--branch" in out.stdout and "--detach" in out.stdout


def imported_by(argv: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "superteam", *argv],
                         cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                         env=dict(os.environ))
    names = {line.rsplit("|", 1)[-1].strip() for line in out.stderr.splitlines()
             if line.startswith("import time:")}
    return out, names


HEAVY = {"click", "pydantic", "yaml", "jinja2", "anthropic", "rich"}


def test_second_launch_imports_no_click_pydantic_or_yaml(repo: Path, tmux_socket: str) -> None:
    # The first launch validates the team with the full loader and caches the record...
    first, names = imported_by(["launch", "one", "--branch", "feat/one", "--json"], repo)
    assert first.returncode == 0, first.stderr
    assert "pydantic" in names  # the team was validated, not taken on trust
    # ...the next one, with nothing changed, needs none of the heavy libraries.
    second, names = imported_by(["launch", "two", "--branch", "feat/two", "--json"], repo)
    assert second.returncode == 0, second.stderr
    assert not HEAVY & names, HEAVY & names
    run = json.loads(second.stdout.splitlines()[-1])
    import yaml

    meta = yaml.safe_load((repo / ".superteam/runs" / run["run"] / "run.yaml").read_text())
    first_run = json.loads(first.stdout.splitlines()[-1])["run"]
    first_meta = yaml.safe_load((repo / ".superteam/runs" / first_run / "run.yaml").read_text())
    # The cached record is the record: run.yaml says the same about the team either way.
    for key in ("team_file", "team", "roles", "settings"):
        assert meta[key] == first_meta[key]
    assert meta["goal"] == "two" and meta["branch"] == "feat/two"


def test_fast_launch_errors_go_through_the_same_boundary(tmp_path: Path,
                                                         tmux_socket: str) -> None:
    out = superteam("launch", "goal", "--branch", "x", "--detach", cwd=tmp_path)
    assert out.returncode == 1 and out.stderr.startswith("superteam: ")
    assert "is not inside a git repository" in out.stderr and "Traceback" not in out.stderr
