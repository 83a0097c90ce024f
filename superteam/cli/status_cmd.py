from __future__ import annotations

import json
import time

import click

from superteam.git import repo_root


@click.command()
@click.argument("run", required=False)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def status(run: str | None, as_json: bool) -> None:
    """A table of runs (or one run): phase, task, lease, tokens, cost, age."""
    from superteam.runinfo import all_runs, load_info
    from superteam.runs import find_run
    from superteam.status import human_age, summarize

    repo = repo_root(".")
    infos = [load_info(find_run(repo, run))] if run else all_runs(repo)
    rows = [summarize(i) for i in infos]
    if as_json:
        click.echo(json.dumps(rows[0] if run else rows, indent=2))
        return
    if not rows:
        click.echo("no runs yet; start one with `superteam launch GOAL --branch BR`")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    for col in ("run", "branch", "phase", "task", "attempts", "lease", "tokens", "cost", "age",
                "panes"):
        table.add_column(col)
    for r in rows:
        task = f"{r['task'] or '-'} {r['tasks_done']}/{r['tasks_total']}"
        alive = sum(r["panes"].values())
        panes = f"{alive}/{len(r['panes'])} live" if r["panes"] else "-"
        if not r["session_alive"] and r["phase"] not in ("done", "stopped", "cleaned_up"):
            panes = "[red]session gone: superteam resume[/red]"
        table.add_row(r["run"], r["branch"], r["phase"], task, f"{r['attempt']} ({r['rework']} back)",
                      r["lease"] or "-", f"{r['tokens']:,}", f"${r['cost_usd']:.2f}",
                      human_age(r["age_seconds"]), panes)
    import sys

    console = Console(width=None if sys.stdout.isatty() else 200)
    console.print(table)
    if run:  # one run: its tokens and cost per role too
        per_role = Table(box=None, pad_edge=False, title=None)
        for col in ("role", "requests", "input", "cache read", "cache write", "output", "cost"):
            per_role.add_column(col)
        for role, usage in rows[0]["tokens_by_role"].items():
            per_role.add_row(role, str(usage.get("requests", 0)), f"{usage.get('input_tokens', 0):,}",
                             f"{usage.get('cache_read_input_tokens', 0):,}",
                             f"{usage.get('cache_creation_input_tokens', 0):,}",
                             f"{usage.get('output_tokens', 0):,}",
                             f"${rows[0]['cost_by_role'].get(role, 0):.4f}")
        if rows[0]["tokens_by_role"]:
            console.print(per_role)
    for r in rows:
        if r["question"]:
            console.print(f"[bold]{r['run']}[/bold] asks ({r['question']['id']}): "
                          f"{r['question']['text']}\n  answer with `superteam answer {r['run']} TEXT`",
                          markup=True, highlight=False)


@click.command()
@click.argument("run")
@click.option("--role", help="Show this role's agent transcript instead of the events.")
@click.option("-f", "--follow", is_flag=True, help="Keep printing as it grows.")
def logs(run: str, role: str | None, follow: bool) -> None:
    """RUN's event log, rendered for people, or one role's transcript."""
    from superteam.errors import SuperteamError
    from superteam.events import EventLog
    from superteam.runs import find_run, read_run_yaml
    from superteam.status import format_event

    paths = find_run(repo_root("."), run)
    if role is not None:
        roles = read_run_yaml(paths).get("roles", {})
        if role not in roles and role != "supervisor":
            raise SuperteamError(f"run {run} has no role '{role}'",
                                 hint=f"Its roles: {', '.join(roles)}.")
        path = paths.logs / f"{role}.log"
        offset = 0
        while True:
            if path.exists():
                with path.open("rb") as fh:
                    fh.seek(offset)
                    chunk = fh.read()
                offset += len(chunk)
                click.echo(chunk.decode("utf-8", "replace"), nl=False)
            elif not follow:
                click.echo(f"({role} has no transcript yet)")
            if not follow:
                return
            time.sleep(0.2)  # following a file a person watches; no event to wait on
    log = EventLog(paths.events)
    offset = 0
    while True:
        events, offset = log.read(offset)
        for e in events:
            click.echo(format_event(e))
        if not follow:
            return
        time.sleep(0.2)


@click.command()
@click.argument("run")
@click.option("--html", "as_html", is_flag=True, help="An HTML page instead of text.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file.")
def report(run: str, as_html: bool, output: str | None) -> None:
    """RUN's report: timeline, tasks, gates, verdicts, tokens and cost per role."""
    from pathlib import Path

    from superteam.report import collect, render_html, render_text
    from superteam.runinfo import load_info
    from superteam.runs import find_run

    data = collect(load_info(find_run(repo_root("."), run)))
    text = render_html(data) if as_html else render_text(data)
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}")
    else:
        click.echo(text, nl=False)
