"""Claude Code as a `command`-backend agent: the role's policy enforced by its own hook.

superteam writes `.claude/settings.local.json` into the role's worktree with a PreToolUse hook
that runs `superteam policy check`; exit code 2 blocks the tool call and its stderr goes back
to the model. So the role's shell policy and write rules hold inside Claude Code too.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from superteam.fsutil import atomic_write_text
from superteam.policy import refusal
from superteam.session import superteam_argv

SETTINGS = Path(".claude") / "settings.local.json"
WRITE_TOOLS = ("Edit", "Write", "MultiEdit", "NotebookEdit")


def uses_claude_code(command: list[str]) -> bool:
    return any(Path(part.split()[0]).name == "claude" or " claude " in f" {part} "
               for part in command if part.strip())


def write_settings(worktree: Path) -> Path:
    path = worktree / SETTINGS
    settings = {"hooks": {"PreToolUse": [{
        "matcher": "Bash|" + "|".join(WRITE_TOOLS),
        "hooks": [{"type": "command", "command": superteam_argv("policy", "check")}]}]}}
    atomic_write_text(path, json.dumps(settings, indent=2) + "\n")
    return path


def check_call(call: dict[str, Any], role: dict[str, Any], worktree: Path) -> str | None:
    """Why a Claude Code tool call must be blocked, or None to let it run."""
    name = str(call.get("tool_name", ""))
    args = call.get("tool_input") or {}
    if name == "Bash":
        shell = role.get("shell", {})
        return refusal(str(args.get("command", "")), shell.get("deny", []), shell.get("allow", []))
    if name in WRITE_TOOLS:
        if role.get("access") != "write":
            return f"the {role.get('name')} role is read-only; it may not change files"
        target = args.get("file_path") or args.get("notebook_path") or ""
        root = Path(os.path.realpath(worktree))
        real = Path(os.path.realpath(Path(call.get("cwd") or worktree) / str(target)))
        if real != root and not real.is_relative_to(root):
            return f"{target} is outside the worktree {root}; refused"
        if ".git" in real.relative_to(root).parts:
            return f"{target} is inside .git; refused"
    return None
