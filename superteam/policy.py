"""A role's shell policy: deny patterns, and when given, allow patterns a command must match."""

from __future__ import annotations

import re
from collections.abc import Sequence

# Where one shell command ends and another may begin: a denied command must not hide behind
# `&&`, `;`, a pipe, a newline, a subshell or a command substitution.
_SEPARATORS = re.compile(r"\|\||&&|[;|&\n()`{}]|\$\(")


def segments(command: str) -> list[str]:
    return [command, *(part for part in _SEPARATORS.split(command) if part.strip())]


def refusal(command: str, deny: Sequence[str], allow: Sequence[str]) -> str | None:
    """Why ``command`` may not run, or None when it may."""
    if not command.strip():
        return "the command is empty"
    if "\x00" in command:
        return "the command contains a NUL byte"
    parts = segments(command)
    for pattern in deny:
        for part in parts:
            if re.search(pattern, part):
                return f"refused by the role's shell policy (deny: {pattern})"
    if allow and not any(re.search(p, command) for p in allow):
        return "refused by the role's shell policy (matches no allow pattern)"
    return None
