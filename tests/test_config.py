"""Team and role configuration: defaults, overrides, and errors that name file:line:key."""

from __future__ import annotations

from pathlib import Path

import pytest

from superteam.config.load import load_role, load_team
from superteam.config.yamlfile import parse_yaml
from superteam.errors import ConfigError
from superteam.prompts import render, sample_context


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_defaults_without_any_file(repo: Path) -> None:
    team = load_team(repo)
    assert list(team.roles) == ["pm", "builder", "reviewer"]
    assert team.config.gates.handoff == ["python -m pytest -q"]
    assert team.config.review.max_rounds == 3
    assert team.model_for("builder") == "claude-sonnet-4-6"
    assert team.role_with_duty("handoff").name == "builder"  # type: ignore[union-attr]
    assert [r.name for r in team.reviewers()] == ["reviewer"]


def test_team_file_overrides_defaults(repo: Path) -> None:
    write(repo / ".superteam/team.yaml", "model: claude-opus-4\nreview:\n  max_rounds: 5\n")
    team = load_team(repo)
    assert team.config.model == "claude-opus-4"
    assert team.config.review.max_rounds == 5
    assert team.config.gates.timeout == 900  # untouched keys keep their defaults


def test_misspelt_key_names_file_line_and_key(repo: Path) -> None:
    path = write(repo / ".superteam/team.yaml", "roles: [pm, builder, reviewer]\ngates:\n  handof: []\n")
    with pytest.raises(ConfigError) as err:
        load_team(repo)
    assert err.value.exit_code == 2
    assert f"{path}:3: gates.handof: unknown key (did you mean 'handoff'?)" in err.value.message


def test_every_problem_is_reported_in_line_order(repo: Path) -> None:
    path = write(repo / ".superteam/team.yaml",
                 "plan:\n  approval: sometimes\nreview:\n  max_rounds: 0\nbudgt: {}\n")
    with pytest.raises(ConfigError) as err:
        load_team(repo)
    lines = err.value.message.splitlines()
    assert lines[0].startswith(f"{path}:2: plan.approval: input should be 'auto' or 'human'")
    assert lines[1].startswith(f"{path}:4: review.max_rounds:")
    assert lines[2] == f"{path}:5: budgt: unknown key (did you mean 'budget'?)"


def test_yaml_syntax_error_names_line(repo: Path) -> None:
    path = write(repo / ".superteam/team.yaml", "roles: [pm\n")
    with pytest.raises(ConfigError) as err:
        load_team(repo)
    assert err.value.message.startswith(f"{path}:2: invalid YAML")


def test_not_a_mapping(repo: Path) -> None:
    write(repo / ".superteam/team.yaml", "- a\n- b\n")
    with pytest.raises(ConfigError, match="expected a mapping"):
        load_team(repo)


def test_unknown_role_in_team_points_at_its_line(repo: Path) -> None:
    path = write(repo / ".superteam/team.yaml", "roles:\n  - pm\n  - bilder\n  - reviewer\n")
    with pytest.raises(ConfigError) as err:
        load_team(repo)
    assert f"{path}:3: roles[1]: unknown role 'bilder'" in err.value.message


def test_team_needs_planner_builder_and_reviewer(repo: Path) -> None:
    write(repo / ".superteam/team.yaml", "roles: [pm, reviewer]\n")
    with pytest.raises(ConfigError, match="exactly one role with the submit_handoff tool"):
        load_team(repo)


def test_project_role_overrides_builtin_key_by_key(repo: Path) -> None:
    override = write(repo / ".superteam/roles/builder.yaml",
                     "model: claude-opus-4\nlimits:\n  max_turns: 10\n")
    role = load_role("builder", repo)
    assert role.config.model == "claude-opus-4"
    assert role.config.limits.max_turns == 10
    assert role.config.limits.tool_output_bytes == 20000  # merged, not replaced
    assert role.yaml_sources[-1] == override
    assert role.prompt_source.name == "builder.md"


def test_project_role_error_points_into_project_file(repo: Path) -> None:
    override = write(repo / ".superteam/roles/builder.yaml", "limits:\n  max_turn: 10\n")
    with pytest.raises(ConfigError) as err:
        load_role("builder", repo)
    assert f"{override}:2: limits.max_turn: unknown key (did you mean 'max_turns'?)" in err.value.message


def test_new_role_adds_to_available(repo: Path) -> None:
    write(repo / ".superteam/roles/docs.yaml",
          "name: docs\ndescription: Writes docs.\ntools: [read_file, submit_review]\n")
    write(repo / ".superteam/roles/docs.md", "Review the docs of {{ goal }}.\n")
    write(repo / ".superteam/team.yaml", "roles: [pm, builder, reviewer, docs]\n")
    team = load_team(repo)
    assert [r.name for r in team.reviewers()] == ["reviewer", "docs"]


@pytest.mark.parametrize(("text", "expected"), [
    ("name: x\ndescription: d\naccess: read\ntools: [write_file]\n",
     "a read role cannot have write tools (write_file)"),
    ("name: x\ndescription: d\nbackend: command\n", "needs a `command` argv list"),
    ("name: x\ndescription: d\ntools: [read_file, teleport]\n", "tools[1]"),
    ("name: x\ndescription: d\nshell:\n  deny: ['(unclosed']\n", "not a valid regular expression"),
    ("name: y\ndescription: d\n", "is 'y' but the file defines role 'x'"),
    ("description: d\n", "name: field required"),
])
def test_invalid_role_files(repo: Path, text: str, expected: str) -> None:
    write(repo / ".superteam/roles/x.yaml", text)
    write(repo / ".superteam/roles/x.md", "prompt\n")
    with pytest.raises(ConfigError) as err:
        load_role("x", repo)
    assert expected in err.value.message
    assert str(repo / ".superteam/roles/x.yaml") in err.value.message


def test_yaml_lines_are_indexed() -> None:
    doc = parse_yaml("a:\n  b:\n    - 1\n    - c: 2\n", Path("f.yaml"))
    assert doc.locate(("a", "b", 1, "c")) == (4, 4)
    assert doc.locate(("a", "zzz")) == (1, 1)


@pytest.mark.parametrize("role", ["pm", "builder", "reviewer"])
@pytest.mark.parametrize("backend", ["anthropic", "command"])
def test_builtin_prompts_render_strictly(role: str, backend: str) -> None:
    resolved = load_role(role, None)
    text = render(resolved.prompt, sample_context(resolved.config.duty, backend))
    assert "Add CSV export" in text
    if backend == "command":
        assert "/tmp/inbox.json" in text


def test_template_with_unknown_variable_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown variable"):
        render("Hello {{ nobody }}", sample_context("plan"), source="x.md")
    with pytest.raises(ConfigError, match="x.md:1: template syntax error"):
        render("Hello {% if %}", sample_context("plan"), source="x.md")
