"""The one family of user-facing errors.

Expected failures raise a subclass of ``SuperteamError``; the CLI's error
boundary turns it into a one-paragraph message and its exit code. Anything else
is a bug and gets a pointer to a log file instead of a traceback.
"""

from __future__ import annotations


class SuperteamError(Exception):
    """An expected failure: the operation was refused or failed (exit 1)."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def render(self) -> str:
        return self.message if not self.hint else f"{self.message}\n{self.hint}"


class ConfigError(SuperteamError):
    """Invalid configuration or usage (exit 2); the message names file:line."""

    exit_code = 2


class ContractError(SuperteamError):
    """A contract file or tool input failed validation; the message lists each problem."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{source} is not a valid contract:\n{lines}")
