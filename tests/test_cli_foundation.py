"""The CLI skeleton through the real `superteam` process: init, roles, doctor, errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import superteam


def test_version_and_help(tmp_path: Path) -> None:
    out = superteam("--version", cwd=tmp_path)
    assert out.returncode == 0 and "superteam, version" in out.stdout
    helptext = superteam("--help", cwd=tmp_path).stdout
    assert "init" in helptext and "roles" in helptext and "doctor" in helptext
    commands = [line.split()[0] for line in helptext.split("Commands:")[1].splitlines() if line.strip()]
    assert "supervise" not in commands and "agent" not in commands


def test_init_writes_team_file_and_excludes(repo: Path) -> None:
    out = superteam("init", cwd=repo)
    assert out.returncode == 0, out.stderr
    team = (repo / ".superteam/team.yaml").read_text()
    assert team.startswith("# superteam team configuration")
    exclude = (repo / ".git/info/exclude").read_text().splitlines()
    assert ".superteam/runs/" in exclude and ".superteam/worktrees/" in exclude
    assert not (repo / ".gitignore").exists()
    # Idempotent excludes, and an existing file is not overwritten without --force.
    (repo / ".superteam/team.yaml").write_text("model: mine\n")
    again = superteam("init", cwd=repo)
    assert again.returncode == 1 and "--force" in again.stderr
    assert (repo / ".superteam/team.yaml").read_text() == "model: mine\n"
    assert superteam("init", "--force", cwd=repo).returncode == 0
    assert (repo / ".superteam/team.yaml").read_text() == team
    assert (repo / ".git/info/exclude").read_text().count(".superteam/runs/") == 1


def test_init_from_a_subdirectory_uses_the_repo_root(repo: Path) -> None:
    (repo / "sub").mkdir()
    assert superteam("init", cwd=repo / "sub").returncode == 0
    assert (repo / ".superteam/team.yaml").is_file()


def test_init_outside_git_repo_exits_1(tmp_path: Path) -> None:
    out = superteam("init", cwd=tmp_path)
    assert out.returncode == 1
    assert "not inside a git repository" in out.stderr
    assert "Traceback" not in out.stderr
    assert not (tmp_path / ".superteam").exists()


def test_roles_list_shows_builtins(tmp_path: Path) -> None:
    out = superteam("roles", "list", cwd=tmp_path)
    assert out.returncode == 0
    for name in ("pm", "builder", "reviewer"):
        assert name in out.stdout
    assert "Implements one task at a time" in out.stdout


def test_roles_validate_misspelt_key_exits_2(repo: Path) -> None:
    (repo / ".superteam").mkdir()
    (repo / ".superteam/team.yaml").write_text("roles: [pm, builder, reviewer]\nreveiw:\n  max_rounds: 2\n")
    out = superteam("roles", "validate", cwd=repo)
    assert out.returncode == 2
    assert f"{repo / '.superteam/team.yaml'}:2: reveiw: unknown key" in out.stderr
    assert "Traceback" not in out.stderr


def test_roles_validate_with_explicit_team_file(repo: Path, tmp_path: Path) -> None:
    team = tmp_path / "other.yaml"
    team.write_text("gates:\n  timeout: -1\n")
    out = superteam("roles", "validate", "--team", str(team), cwd=repo)
    assert out.returncode == 2 and f"{team}:2: gates.timeout" in out.stderr
    assert superteam("roles", "validate", cwd=repo).returncode == 0


def test_roles_validate_catches_broken_template(repo: Path) -> None:
    roles = repo / ".superteam/roles"
    roles.mkdir(parents=True)
    (roles / "reviewer.md").write_text("Check {{ task.id }} for {{ colour }}.\n")
    out = superteam("roles", "validate", cwd=repo)
    assert out.returncode == 2
    assert "reviewer.md" in out.stderr and "colour" in out.stderr


def test_roles_new_copies_and_show_tells_sources(repo: Path) -> None:
    out = superteam("roles", "new", "security", "--from", "reviewer", cwd=repo)
    assert out.returncode == 0, out.stderr
    yaml_path = repo / ".superteam/roles/security.yaml"
    assert "name: security" in yaml_path.read_text()
    builtin_prompt = superteam("roles", "show", "reviewer", cwd=repo)
    assert "prompt template: built-in" in builtin_prompt.stdout
    shown = superteam("roles", "show", "security", cwd=repo)
    assert shown.returncode == 0
    assert f"definition: project ({yaml_path})" in shown.stdout
    assert "prompt template: project" in shown.stdout
    assert "access: read" in shown.stdout
    # Copying over an existing role is refused.
    again = superteam("roles", "new", "security", "--from", "builder", cwd=repo)
    assert again.returncode == 1 and "already exists" in again.stderr
    assert "name: security" in yaml_path.read_text()
    listed = superteam("roles", "list", cwd=repo).stdout
    assert "security" in listed and "project" in listed


def test_roles_show_override_merges(repo: Path) -> None:
    roles = repo / ".superteam/roles"
    roles.mkdir(parents=True)
    (roles / "builder.yaml").write_text("model: claude-opus-4\n")
    shown = superteam("roles", "show", "builder", cwd=repo).stdout
    assert "override merged over it: project" in shown
    assert "model: claude-opus-4" in shown and "access: write" in shown


def test_roles_show_unknown_role_exits_2(tmp_path: Path) -> None:
    out = superteam("roles", "show", "nobody", cwd=tmp_path)
    assert out.returncode == 2 and "unknown role 'nobody'" in out.stderr


def test_roles_new_bad_name(repo: Path) -> None:
    out = superteam("roles", "new", "Bad Name", "--from", "builder", cwd=repo)
    assert out.returncode == 2 and "not a valid role name" in out.stderr
    assert not (repo / ".superteam/roles").exists()


def test_doctor_reports_and_fails_without_key(repo: Path) -> None:
    out = superteam("doctor", cwd=repo)
    assert out.returncode == 1
    assert "ok   tmux >= 3.2" in out.stdout and "ok   git >= 2.30" in out.stdout
    assert "FAIL ANTHROPIC_API_KEY set" in out.stdout and "fix: export ANTHROPIC_API_KEY" in out.stdout
    ok = superteam("doctor", cwd=repo, env={"ANTHROPIC_API_KEY": "sk-test"})
    assert ok.returncode == 0, ok.stdout
    assert "sk-test" not in ok.stdout


def test_doctor_without_tmux_says_how_to_install(repo: Path, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "git").symlink_to(subprocess.run(["which", "git"], capture_output=True, text=True)
                                 .stdout.strip())
    out = superteam("doctor", cwd=repo, env={"PATH": str(bin_dir), "ANTHROPIC_API_KEY": "k"})
    assert out.returncode == 1
    assert "FAIL tmux >= 3.2: not found" in out.stdout and "apt-get install -y tmux" in out.stdout


def test_doctor_command_backend_needs_no_key(repo: Path) -> None:
    roles = repo / ".superteam/roles"
    roles.mkdir(parents=True)
    for name in ("pm", "builder", "reviewer"):
        (roles / f"{name}.yaml").write_text("backend: command\ncommand: [my-agent, '{prompt_file}']\n")
    out = superteam("doctor", cwd=repo)
    assert out.returncode == 0, out.stdout
    assert "every role uses a command backend" in out.stdout


def test_doctor_invalid_config(repo: Path) -> None:
    (repo / ".superteam").mkdir()
    (repo / ".superteam/team.yaml").write_text("modle: x\n")
    out = superteam("doctor", cwd=repo, env={"ANTHROPIC_API_KEY": "k"})
    assert out.returncode == 1
    assert "FAIL configuration valid" in out.stdout and "team.yaml:1: modle" in out.stdout


def test_team_file_that_is_a_directory_is_a_clear_error(repo: Path) -> None:
    (repo / ".superteam/team.yaml").mkdir(parents=True)
    out = superteam("roles", "validate", cwd=repo)
    assert out.returncode == 2 and "team.yaml: cannot read" in out.stderr
    assert "Traceback" not in out.stderr


def test_unexpected_error_points_to_log_without_traceback(
        isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from superteam import cli as cli_module

    monkeypatch.setitem(cli_module.COMMANDS, "crash", ("crashy_cmd", "crash", "test only"))
    result = CliRunner().invoke(cli_module.cli, ["crash"])
    assert result.exit_code == 3
    log = isolated_env / ".superteam-home" / "crash.log"
    assert "internal error (RuntimeError: boom)" in result.output and str(log) in result.output
    assert "Traceback" not in result.output
    assert "Traceback" in log.read_text() and "boom" in log.read_text()


def test_cli_does_not_import_anthropic() -> None:
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", "import superteam.cli"],
                         capture_output=True, text=True)
    imported = {line.rsplit("|", 1)[-1].strip() for line in out.stderr.splitlines()}
    assert "superteam.cli" in imported
    assert "anthropic" not in imported
