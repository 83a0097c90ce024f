"""The agent's tools, confined to a real git worktree, and the shell policy."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from superteam.agent.workspace import ToolError, Workspace, cut
from superteam.config.load import load_role
from superteam.policy import refusal


def workspace(repo: Path, writable: bool = True, limit: int = 20_000) -> Workspace:
    builder = load_role("builder", None).config
    return Workspace(repo, writable=writable, deny=builder.shell.deny, allow=[],
                     shell_timeout=5, output_bytes=limit)


def test_read_list_search(repo: Path) -> None:
    ws = workspace(repo)
    assert "     1\tdef add(a, b):" in ws.read_file("calc.py")
    assert ws.read_file("calc.py", offset=2, limit=1).startswith("     2\t    return a + b")
    (repo / ".gitignore").write_text("ignored.txt\n")
    (repo / "ignored.txt").write_text("x")
    (repo / "new.py").write_text("y = 1\n")
    files = ws.list_files().splitlines()
    assert "calc.py" in files and "new.py" in files and "ignored.txt" not in files
    assert ws.list_files(pattern="test_*.py") == "test_calc.py"
    assert "calc.py:2:    return a + b" in ws.search(r"return a \+ b")
    assert ws.search("nothing-like-this") == "(no matches)"


def test_write_and_edit(repo: Path) -> None:
    ws = workspace(repo)
    ws.write_file("pkg/mod.py", "x = 1\nx = 1\n")
    assert (repo / "pkg/mod.py").read_text() == "x = 1\nx = 1\n"
    with pytest.raises(ToolError, match="occurs 2 times"):
        ws.edit_file("pkg/mod.py", "x = 1", "x = 2")
    ws.edit_file("pkg/mod.py", "x = 1\nx = 1", "x = 2")
    assert (repo / "pkg/mod.py").read_text() == "x = 2\n"
    with pytest.raises(ToolError, match="occurs 0 times"):
        ws.edit_file("pkg/mod.py", "zzz", "y")


def test_read_only_role_cannot_write(repo: Path) -> None:
    ws = workspace(repo, writable=False)
    with pytest.raises(ToolError, match="read-only"):
        ws.write_file("a.txt", "x")
    with pytest.raises(ToolError, match="read-only"):
        ws.edit_file("calc.py", "a", "b")


@pytest.mark.parametrize("path", ["../x", "../../etc/passwd", "/etc/passwd", "~/x", "a/../../x",
                                  "calc.py\x00", "sub/../../x"])
def test_paths_leading_out_are_refused(repo: Path, path: str) -> None:
    ws = workspace(repo)
    with pytest.raises(ToolError):
        ws.read_file(path)
    with pytest.raises(ToolError):
        ws.write_file(path, "x")


def test_symlinks_leading_out_are_refused(repo: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("secret")
    (repo / "out").symlink_to(tmp_path)
    (repo / "out-file").symlink_to(tmp_path / "secret.txt")
    ws = workspace(repo)
    for path in ("out/secret.txt", "out-file"):
        with pytest.raises(ToolError, match="outside your worktree"):
            ws.read_file(path)
    with pytest.raises(ToolError, match="outside your worktree"):
        ws.write_file("out/new.txt", "x")
    assert not (tmp_path / "new.txt").exists()


def test_git_internals_are_not_writable(repo: Path) -> None:
    ws = workspace(repo)
    with pytest.raises(ToolError, match="not a file you may write"):
        ws.write_file(".git/hooks/pre-commit", "exit 0")


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture],
          deadline=None)
@given(st.lists(st.sampled_from(["..", ".", "a", "b", "ü", "link", "", "/", "x y"]), max_size=6))
def test_no_path_resolves_outside(repo: Path, parts: list[str]) -> None:
    if not (repo / "link").exists():
        (repo / "link").symlink_to(repo.parent)
    path = "/".join(parts)
    try:
        resolved = workspace(repo).resolve(path)
    except ToolError:
        return
    real = Path(os.path.realpath(repo))
    assert resolved == real or resolved.is_relative_to(real)


def test_run_shell_policy_timeout_and_cap(repo: Path) -> None:
    ws = workspace(repo, limit=1000)
    out, failed = ws.run_shell("echo hi; exit 3")
    assert out == "hi\n[exit 3]" and failed
    with pytest.raises(ToolError, match="not run: refused by the role's shell policy"):
        ws.run_shell("git push origin main")
    with pytest.raises(ToolError, match="not run"):
        ws.run_shell("true\n  git checkout other")
    out, failed = ws.run_shell("sleep 30", timeout=1)
    assert "[timed out after 1s; killed]" in out and failed
    out, _ = ws.run_shell("seq 1 5000")
    assert len(out.encode()) <= 1000 and "output cut" in out and out.endswith("[exit 0]")


def test_run_shell_does_not_see_the_key(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-hidden")
    out, _ = workspace(repo).run_shell("echo key=$ANTHROPIC_API_KEY")
    assert out == "key=\n[exit 0]"


def test_cut_keeps_head_and_tail() -> None:
    text = "".join(f"line {i}\n" for i in range(1000))
    short = cut(text, 500)
    assert len(short.encode()) <= 500 and short.startswith("line 0") and "line 999" in short
    assert cut("é" * 600, 500).encode()  # never splits a character
    assert cut("small", 500) == "small"


@pytest.mark.parametrize("command", ["git push", "  git push --force origin x", "sudo rm -rf /",
                                     "git reset --hard HEAD~1", "git switch main"])
def test_builder_policy_denies(command: str) -> None:
    builder = load_role("builder", None).config
    assert refusal(command, builder.shell.deny, builder.shell.allow) is not None


@pytest.mark.parametrize("command", ["python -m pytest -q", "git status", "git diff HEAD~1",
                                     "ls -la", "git commit -m x"])
def test_builder_policy_allows(command: str) -> None:
    builder = load_role("builder", None).config
    assert refusal(command, builder.shell.deny, builder.shell.allow) is None


def test_allow_list_must_match() -> None:
    assert refusal("make test", [], ["^make "]) is None
    assert "no allow pattern" in str(refusal("rm x", [], ["^make "]))
