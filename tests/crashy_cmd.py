"""A command with a bug, to exercise the CLI's error boundary."""

from __future__ import annotations

import click


@click.command()
def crash() -> None:
    raise RuntimeError("boom")
