"""The cached team record: used only while every file it came from is unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from superteam.config.load import load_team
from superteam.errors import ConfigError
from superteam.teamrecord import _cache_dir, record_of, team_record


def entries() -> list[Path]:
    return sorted(_cache_dir().glob("*.json")) if _cache_dir().is_dir() else []


def tamper(marker: str) -> None:
    """Change what the cache says, so a test can tell a hit from a fresh load."""
    (entry,) = entries()
    data = json.loads(entry.read_text())
    data["record"]["settings"]["marker"] = marker
    entry.write_text(json.dumps(data))


def project_role(repo: Path, text: str) -> Path:
    path = repo / ".superteam" / "roles" / "builder.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_cached_record_equals_the_loaded_one_and_is_used(repo: Path) -> None:
    loaded = team_record(repo, None)
    assert loaded == record_of(load_team(repo))
    assert len(entries()) == 1
    tamper("from-cache")
    assert team_record(repo, None).settings["marker"] == "from-cache"


def test_a_file_changed_during_the_load_is_not_cached(repo: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    team = repo / ".superteam" / "team.yaml"
    team.parent.mkdir(parents=True)
    team.write_text("review:\n  max_rounds: 5\n")
    import superteam.config.load as loader

    real_load = loader.load_team

    def load_then_edit(*args: object) -> object:
        loaded = real_load(*args)  # type: ignore[arg-type]
        team.write_text("review:\n  max_rounds: 6\n")  # someone saves while we load
        return loaded

    monkeypatch.setattr(loader, "load_team", load_then_edit)
    assert team_record(repo, None).settings["max_rounds"] == 5
    assert entries() == []  # a record of the old bytes must not stand for the new ones
    monkeypatch.setattr(loader, "load_team", real_load)
    assert team_record(repo, None).settings["max_rounds"] == 6
    assert len(entries()) == 1


def test_roles_validate_and_doctor_leave_the_cache_warm(repo: Path) -> None:
    from superteam.roles import validate_roles

    assert validate_roles(repo, None) == []
    assert len(entries()) == 1
    tamper("warmed")
    assert team_record(repo, None).settings["marker"] == "warmed"


@pytest.mark.parametrize("change", ["edit team", "remove team", "add role file", "edit prompt"])
def test_any_change_to_an_input_is_a_miss(repo: Path, change: str) -> None:
    team = repo / ".superteam" / "team.yaml"
    team.parent.mkdir(parents=True)
    team.write_text("review:\n  max_rounds: 5\n")
    team_record(repo, None)
    tamper("stale")
    if change == "edit team":
        team.write_text("review:\n  max_rounds: 6\n")
        assert team_record(repo, None).settings["max_rounds"] == 6
    elif change == "remove team":
        team.unlink()
        assert team_record(repo, None).settings["max_rounds"] == 3
    elif change == "add role file":
        project_role(repo, "limits:\n  max_turns: 7\n")
        record = team_record(repo, None)
        assert record.roles["builder"]["config"]["limits"]["max_turns"] == 7
    else:
        prompt = repo / ".superteam" / "roles" / "pm.md"
        prompt.parent.mkdir(parents=True, exist_ok=True)
        prompt.write_text("You plan. {{ goal }}\n")
        assert team_record(repo, None).prompts["pm"] == "You plan. {{ goal }}\n"
    assert "marker" not in team_record(repo, None).settings


def test_an_invalid_edit_is_reported_not_hidden_by_the_cache(repo: Path) -> None:
    project_role(repo, "limits:\n  max_turns: 7\n")
    team_record(repo, None)
    project_role(repo, "limits:\n  max_turnz: 7\n")
    with pytest.raises(ConfigError, match=r"builder.yaml:2: limits.max_turnz"):
        team_record(repo, None)


def test_a_damaged_entry_is_a_miss_and_is_rewritten(repo: Path) -> None:
    team_record(repo, None)
    (entry,) = entries()
    entry.write_text('{"repo": ')
    assert team_record(repo, None) == record_of(load_team(repo))
    assert json.loads(entry.read_text())["repo"] == str(repo)


def test_an_unwritable_cache_only_costs_time(repo: Path) -> None:
    _cache_dir().parent.mkdir(parents=True)
    _cache_dir().write_text("not a folder")
    assert team_record(repo, None) == record_of(load_team(repo))


def test_explicit_team_file_missing_is_the_loaders_error(repo: Path) -> None:
    with pytest.raises(ConfigError, match="nope.yaml"):
        team_record(repo, repo / "nope.yaml")


def test_init_leaves_the_cache_warm(repo: Path) -> None:
    from superteam.project import init_project

    init_project(repo)
    assert len(entries()) == 1
    tamper("after-init")
    assert team_record(repo, None).settings["marker"] == "after-init"
