"""Render a role's prompt template (Jinja2, StrictUndefined) with an assignment's context."""

from __future__ import annotations

from functools import cache
from typing import Any

from superteam.errors import ConfigError


@cache
def _compile(template_text: str) -> Any:
    import jinja2  # deferred: only commands that render prompts pay for it

    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             trim_blocks=True, lstrip_blocks=True, autoescape=False)
    return env.from_string(template_text)


def render(template_text: str, context: dict[str, Any], *, source: str = "<prompt>") -> str:
    import jinja2

    try:
        return str(_compile(template_text).render(**context))
    except jinja2.TemplateSyntaxError as exc:
        raise ConfigError(f"{source}:{exc.lineno}: template syntax error: {exc.message}") from None
    except jinja2.UndefinedError as exc:
        raise ConfigError(f"{source}: template uses an unknown variable: {exc.message}",
                          hint=f"Known variables: {', '.join(sorted(context))}.") from None


_SAMPLE_TASK = {"id": "T1", "title": "Sample task", "description": "Do the thing.",
                "acceptance": ["`python -m pytest` passes"]}


def sample_context(duty: str | None, backend: str = "anthropic") -> dict[str, Any]:
    """A complete context of the kind the supervisor gives, used to check templates."""
    return {
        "run_id": "sample-0000",
        "goal": "Add CSV export",
        "branch": "feat/csv",
        "build_branch": "superteam/sample-0000/build",
        "role": {"name": "sample", "description": "", "tools": []},
        "backend": backend,
        "spec": "" if duty == "plan" else "# Spec\nExport tables as CSV.",
        "tasks": [] if duty == "plan" else [_SAMPLE_TASK],
        "task": None if duty == "plan" else _SAMPLE_TASK,
        "done_tasks": [],
        "attempt": 1,
        "round": 1,
        "gate_failure": {"gate": "handoff", "command": "pytest", "outcome": "exited 1",
                         "tail": "1 failed"},
        "findings": [{"severity": "major", "message": "m", "file": "a.py", "line": 1}],
        "feedback": "the plan had no tasks",
        "answers": [{"question": "q?", "answer": "a"}],
        "handoff": {"task_id": "T1", "summary": "did it", "commit": "abc1234",
                    "base": "def5678"},
        "contract": {"tool": "submit_plan", "inbox": "/tmp/inbox.json",
                     "question": "/tmp/question.json"},
    }
