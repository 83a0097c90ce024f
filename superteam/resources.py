"""Where the built-in roles, hooks and templates live.

In an installed wheel they are package data under ``superteam/_data``; in a
source checkout (editable install) they are the repo's top-level folders.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_root() -> Path:
    bundled = _PACKAGE_DIR / "_data"
    if (bundled / "roles").is_dir():
        return bundled
    checkout = _PACKAGE_DIR.parent
    if (checkout / "roles").is_dir():
        return checkout
    raise RuntimeError(f"superteam's built-in data is missing (looked in {bundled} and {checkout})")


def builtin_roles_dir() -> Path:
    return data_root() / "roles"


def hooks_dir() -> Path:
    return data_root() / "hooks"


def templates_dir() -> Path:
    return data_root() / "templates"
