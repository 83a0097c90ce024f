"""superteam: a supervised team of AI coding agents on one feature of a git repository."""

from __future__ import annotations

__version__ = "0.1.0"
