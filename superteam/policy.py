"""A role's shell policy: deny patterns, and when given, allow patterns a command must match."""

from __future__ import annotations

import re
from collections.abc import Sequence


def refusal(command: str, deny: Sequence[str], allow: Sequence[str]) -> str | None:
    """Why ``command`` may not run, or None when it may. Each line is checked on its own, so a
    denied command cannot hide after a newline."""
    if not command.strip():
        return "the command is empty"
    if "\x00" in command:
        return "the command contains a NUL byte"
    for pattern in deny:
        for line in [command, *command.splitlines()]:
            if re.search(pattern, line):
                return f"refused by the role's shell policy (deny: {pattern})"
    if allow and not any(re.search(p, command) for p in allow):
        return "refused by the role's shell policy (matches no allow pattern)"
    return None
