"""`superteam report`: a finished run's timeline, tasks, gates, verdicts and cost, as text or HTML."""

from __future__ import annotations

from pathlib import Path

from helpers import superteam
from scripted_team import FULL_RUN, PYTEST_GATES, launch, use_scripted_team, wait_for_event


def test_report_text_and_html(repo: Path, tmux_socket: str, tmp_path: Path) -> None:
    use_scripted_team(repo, FULL_RUN, gates=PYTEST_GATES)
    run = launch(repo)
    wait_for_event(repo, run, "run_finished", timeout=90)
    out = superteam("report", run, cwd=repo)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert f"# Run {run}: Add multiplication" in text
    assert "- T1 Multiply: done, 3 handoff(s), sent back 2 time(s)" in text
    assert "- T1-1 handoff: FAILED (exited 1" in text and "gates/T1-1-handoff.log" in text
    assert "- T1 #2: changes_requested" in text and "[major] mul has no docstring" in text
    assert "integrated" in text and "run_finished" in text
    html_path = tmp_path / "report.html"
    out = superteam("report", run, "--html", "-o", str(html_path), cwd=repo)
    assert out.returncode == 0, out.stderr
    html = html_path.read_text()
    assert html.startswith("<!doctype html>") and "mul has no docstring" in html
    assert '<td class="fail">failed</td>' in html
    assert superteam("report", "nope-0000", cwd=repo).returncode == 1
