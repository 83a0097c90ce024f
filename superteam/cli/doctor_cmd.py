from __future__ import annotations

from pathlib import Path

import click

from superteam.doctor import run_checks


@click.command()
def doctor() -> None:
    """Check tmux, git, Python, the API key and the configuration."""
    checks = run_checks(Path("."))
    for check in checks:
        mark = click.style("ok  ", fg="green") if check.ok else click.style("FAIL", fg="red")
        click.echo(f"{mark} {check.name}: {check.detail}")
        if not check.ok:
            click.echo(f"     fix: {check.fix}")
    failed = sum(not c.ok for c in checks)
    if failed:
        click.echo(f"{failed} check(s) failed.")
        raise SystemExit(1)
    click.echo("All checks passed.")
