"""launch, attach, status, logs, stop and cleanup through the real CLI, real tmux, real git."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import libtmux
import pytest
from helpers import kill_tmux_server, run_git, superteam, wait_until


def launch_json(repo: Path, *args: str, branch: str = "feat/x") -> dict:  # type: ignore[type-arg]
    out = superteam("launch", "Add CSV export", "--branch", branch, "--detach", "--json", *args,
                    cwd=repo)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def snapshot(repo: Path) -> tuple[str, str, str]:
    return (run_git(repo, "status", "--porcelain", "--untracked-files=all"),
            run_git(repo, "stash", "list"), run_git(repo, "rev-parse", "HEAD"))


def nothing_made(repo: Path, socket: str) -> None:
    runs = repo / ".superteam" / "runs"
    assert not runs.exists() or not [p for p in runs.iterdir() if not p.name.startswith(".")]
    assert run_git(repo, "worktree", "list", "--porcelain").count("worktree ") == 1
    assert run_git(repo, "branch", "--list", "superteam/*") == ""
    server = libtmux.Server(socket_name=socket)
    assert not server.is_alive() or not server.sessions


def test_launch_creates_team_panes_and_worktrees(repo: Path, tmux_socket: str) -> None:
    run = launch_json(repo)
    rid = run["run"]
    assert run["session"] == f"superteam-{rid}" and run["branch"] == "feat/x"
    assert set(run["panes"]) == {"supervisor", "pm", "builder", "reviewer"}

    server = libtmux.Server(socket_name=tmux_socket)
    session = server.sessions.get(session_name=run["session"])
    panes = {p.pane_id: p for p in session.panes}
    assert set(panes) == set(run["panes"].values())
    for role, pane_id in run["panes"].items():
        assert panes[pane_id].pane_title.startswith(f"{role}:")

    wt = repo / ".superteam" / "worktrees" / rid
    assert sorted(p.name for p in wt.iterdir()) == ["builder", "pm", "reviewer"]
    assert run_git(wt / "builder", "symbolic-ref", "--short", "HEAD") == f"superteam/{rid}/build"
    for role in ("pm", "reviewer"):
        assert subprocess.run(["git", "symbolic-ref", "-q", "HEAD"], cwd=wt / role).returncode == 1
        assert run_git(wt / role, "config", "--get", "superteam.role") == role
    # Branch created from HEAD; run.yaml and events record the run.
    head = run_git(repo, "rev-parse", "HEAD")
    assert run_git(repo, "rev-parse", "feat/x") == head
    rundir = repo / ".superteam" / "runs" / rid
    events = [json.loads(line) for line in (rundir / "events.jsonl").read_text().splitlines()]
    assert events[0]["type"] == "run_created" and events[0]["data"]["base"] == head
    assert events[1]["type"] == "session_created" and events[1]["data"]["panes"] == run["panes"]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    import yaml
    meta = yaml.safe_load((rundir / "run.yaml").read_text())
    assert meta["goal"] == "Add CSV export" and meta["base"] == head
    assert list(meta["roles"]) == ["pm", "builder", "reviewer"]
    assert {r["model"] for r in meta["roles"].values()} == {"claude-sonnet-4-6"}  # resolved
    # The user's own config and hooks are untouched in the main checkout.
    assert subprocess.run(["git", "config", "--get", "superteam.role"], cwd=repo,
                          capture_output=True).returncode == 1
    assert subprocess.run(["git", "config", "--get", "core.hooksPath"], cwd=repo,
                          capture_output=True).returncode == 1


def test_launch_from_base_ref(repo: Path, tmux_socket: str) -> None:
    first = run_git(repo, "rev-parse", "HEAD")
    (repo / "more.txt").write_text("more\n")
    run_git(repo, "add", "more.txt")
    run_git(repo, "commit", "-q", "-m", "more")
    launch_json(repo, "--base", first)
    assert run_git(repo, "rev-parse", "feat/x") == first


def test_main_checkout_untouched_by_launch_stop_cleanup(repo: Path, tmux_socket: str) -> None:
    (repo / "calc.py").write_text("# uncommitted edit\n")
    (repo / "scratch.txt").write_text("untracked\n")
    run_git(repo, "stash", "push", "-q", "-m", "kept", "--", "calc.py")
    (repo / "calc.py").write_text("# another uncommitted edit\n")
    run_git(repo, "add", "scratch.txt")
    before = snapshot(repo)
    rid = launch_json(repo)["run"]
    assert snapshot(repo) == before
    assert superteam("stop", rid, cwd=repo).returncode == 0
    assert snapshot(repo) == before
    assert superteam("cleanup", rid, cwd=repo).returncode == 0
    assert snapshot(repo) == before
    assert (repo / "calc.py").read_text() == "# another uncommitted edit\n"


def test_attach_selects_and_zooms_role_pane(repo: Path, tmux_socket: str, tmp_path: Path) -> None:
    run = launch_json(repo)
    # `attach` needs a terminal: run it inside a pane of a second, outer tmux server.
    outer = libtmux.Server(socket_name=f"{tmux_socket}-outer")
    try:
        cmd = f"{sys.executable} -m superteam attach {run['run']} --role builder"
        outer.new_session(session_name="outer", start_directory=str(repo), window_command=cmd,
                          environment={k: v for k, v in os.environ.items() if k != "TMUX"})
        server = libtmux.Server(socket_name=tmux_socket)
        wait_until(lambda: server.cmd("list-clients").stdout, message="a client to attach")
        session = server.sessions.get(session_name=run["session"])
        active = session.cmd("display-message", "-p", "#{pane_id} #{window_zoomed_flag}").stdout[0]
        assert active == f"{run['panes']['builder']} 1"
        # A second attach to another role unzooms, selects and zooms that one.
        focus = superteam("attach", run["run"], "--role", "pm", cwd=repo,
                          env={"TMUX": "/nonexistent,1,0"})
        active = session.cmd("display-message", "-p", "#{pane_id} #{window_zoomed_flag}").stdout[0]
        assert active == f"{run['panes']['pm']} 1", focus.stderr
    finally:
        kill_tmux_server(f"{tmux_socket}-outer")


def test_attach_from_inside_tmux_switches_the_client(repo: Path, tmux_socket: str) -> None:
    run = launch_json(repo)
    server = libtmux.Server(socket_name=tmux_socket)
    # A person works in another session of the same tmux server ...
    attach_cmd = (f"while [ -z \"$(tmux -L {tmux_socket} list-clients)\" ]; do sleep 0.05; done; "
                  f"{sys.executable} -m superteam attach {run['run']} --role pm; sleep 60")
    server.new_session(session_name="work", start_directory=str(repo), window_command=attach_cmd,
                       environment={k: v for k, v in os.environ.items() if k != "TMUX"})
    # ... through a real client (a terminal: a pane of an outer server).
    outer = libtmux.Server(socket_name=f"{tmux_socket}-outer")
    try:
        outer.new_session(session_name="term", window_command=f"tmux -L {tmux_socket} attach -t work",
                          environment={k: v for k, v in os.environ.items() if k != "TMUX"})
        wait_until(lambda: server.cmd("list-clients", "-F", "#{client_session}").stdout
                   == [run["session"]], message="the client to be switched to the run")
        active = server.cmd("display-message", "-p", "-t", run["session"],
                            "#{pane_id} #{window_zoomed_flag}").stdout[0]
        assert active == f"{run['panes']['pm']} 1"
    finally:
        kill_tmux_server(f"{tmux_socket}-outer")


def test_attach_without_run_picks_the_only_live_one(repo: Path, tmux_socket: str) -> None:
    launch_json(repo, branch="a")
    launch_json(repo, branch="b")
    out = superteam("attach", cwd=repo)
    assert out.returncode == 1 and "several runs are live" in out.stderr
    assert "feat" not in out.stderr and "  a  " in out.stderr and "  b  " in out.stderr


def test_attach_unknown_role(repo: Path, tmux_socket: str) -> None:
    rid = launch_json(repo)["run"]
    out = superteam("attach", rid, "--role", "painter", cwd=repo)
    assert out.returncode == 1 and "has no role 'painter'" in out.stderr


def test_concurrent_launches_on_one_branch_exactly_one_wins(repo: Path, tmux_socket: str) -> None:
    procs = [subprocess.Popen([sys.executable, "-m", "superteam", "launch", "goal", "--branch",
                               "feat/race", "--detach", "--json"], cwd=repo, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL) for _ in range(3)]
    results = [(p.wait(timeout=60), p.stdout.read(), p.stderr.read()) for p in procs]  # type: ignore[union-attr]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 1, 1], results
    losers = [err for code, _, err in results if code == 1]
    assert all("is used by run" in err for err in losers)
    runs = [p for p in (repo / ".superteam/runs").iterdir() if not p.name.startswith(".")]
    assert len(runs) == 1
    assert run_git(repo, "worktree", "list", "--porcelain").count("worktree ") == 4


def test_concurrent_launches_on_different_branches_all_succeed(repo: Path,
                                                              tmux_socket: str) -> None:
    # Concurrent `git worktree add`s in one repository trip over each other's half-made admin
    # folders; launch serialises its adds under the launch lock, so all four runs are made.
    procs = [subprocess.Popen([sys.executable, "-m", "superteam", "launch", "goal", "--branch",
                               f"feat/{i}", "--detach", "--json"], cwd=repo, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL) for i in range(4)]
    results = [(p.wait(timeout=60), p.stdout.read(), p.stderr.read()) for p in procs]  # type: ignore[union-attr]
    assert [code for code, _, _ in results] == [0, 0, 0, 0], results
    assert run_git(repo, "worktree", "list", "--porcelain").count("worktree ") == 13
    for _, out, _ in results:
        rid = json.loads(out)["run"]
        for role in ("pm", "builder", "reviewer"):
            assert (repo / ".superteam/worktrees" / rid / role / "README.md").is_file()


def test_stop_ends_processes_and_keeps_state(repo: Path, tmux_socket: str) -> None:
    run = launch_json(repo)
    server = libtmux.Server(socket_name=tmux_socket)
    pids = [int(p.pane_pid) for p in server.sessions.get(session_name=run["session"]).panes]
    out = superteam("stop", run["run"], cwd=repo)
    assert out.returncode == 0, out.stderr
    for pid in pids:
        wait_until(lambda pid=pid: not Path(f"/proc/{pid}").exists() or
                   "Z" in Path(f"/proc/{pid}/stat").read_text().split(")")[1][:3],
                   message=f"pane process {pid} to end")
    assert not server.is_alive() or not server.sessions.filter(session_name=run["session"])
    rid = run["run"]
    assert (repo / ".superteam/worktrees" / rid / "builder").is_dir()
    assert run_git(repo, "branch", "--list", f"superteam/{rid}/build") != ""
    status = json.loads(superteam("status", rid, "--json", cwd=repo).stdout)
    assert status["phase"] == "stopped" and status["session_alive"] is False
    events = (repo / ".superteam/runs" / rid / "events.jsonl").read_text()
    assert '"type": "stopped"' in events


def test_cleanup_refuses_to_lose_commits(repo: Path, tmux_socket: str) -> None:
    rid = launch_json(repo)["run"]
    builder = repo / ".superteam/worktrees" / rid / "builder"
    (builder / "feature.py").write_text("x = 1\n")
    run_git(builder, "add", "feature.py")
    env = {**os.environ, "SUPERTEAM_SUPERVISOR": "1"}  # commit as the supervisor would
    subprocess.run(["git", "commit", "-q", "-m", "T1: feature"], cwd=builder, env=env, check=True)
    out = superteam("cleanup", rid, cwd=repo)
    assert out.returncode == 1
    assert "T1: feature" in out.stderr and "--force" in out.stderr
    assert builder.is_dir() and run_git(repo, "branch", "--list", f"superteam/{rid}/build")
    forced = superteam("cleanup", rid, "--force", cwd=repo)
    assert forced.returncode == 0, forced.stderr
    assert not builder.exists()
    assert run_git(repo, "branch", "--list", f"superteam/{rid}/build") == ""
    assert run_git(repo, "branch", "--list", "feat/x") != ""  # BR is never deleted
    assert run_git(repo, "worktree", "list", "--porcelain").count("worktree ") == 1
    # A cleaned-up run no longer holds the branch.
    assert superteam("launch", "again", "--branch", "feat/x", "--detach", cwd=repo).returncode == 0


def test_hooks_refuse_commits_without_lease_and_on_feature_branch(repo: Path, tmux_socket: str) -> None:
    rid = launch_json(repo)["run"]
    reviewer = repo / ".superteam/worktrees" / rid / "reviewer"
    (reviewer / "x.txt").write_text("x\n")
    run_git(reviewer, "add", "x.txt")
    out = subprocess.run(["git", "commit", "-m", "sneaky", "--no-verify"], cwd=reviewer,
                         capture_output=True, text=True)
    assert out.returncode != 0 and "does not hold the write lease" in out.stderr
    builder = repo / ".superteam/worktrees" / rid / "builder"
    (repo / ".superteam/runs" / rid / "lease").write_text("builder")
    out = subprocess.run(["git", "update-ref", "refs/heads/feat/x", "HEAD"], cwd=builder,
                         capture_output=True, text=True)
    assert out.returncode != 0 and "only the supervisor moves the feature branch" in out.stderr
    # The main checkout has no superteam hooks: the user commits as always.
    (repo / "mine.txt").write_text("mine\n")
    run_git(repo, "add", "mine.txt")
    run_git(repo, "commit", "-q", "-m", "mine")


def test_status_and_logs(repo: Path, tmux_socket: str) -> None:
    rid = launch_json(repo)["run"]
    st = json.loads(superteam("status", "--json", cwd=repo).stdout)
    assert len(st) == 1 and st[0]["run"] == rid and st[0]["branch"] == "feat/x"
    assert set(st[0]["panes"]) == {"supervisor", "pm", "builder", "reviewer"}
    assert st[0]["session_alive"] is True and st[0]["tokens"] == 0
    table = superteam("status", cwd=repo)
    assert rid in table.stdout and "feat/x" in table.stdout
    logs = superteam("logs", rid, cwd=repo)
    assert "run_created" in logs.stdout and "Add CSV export" in logs.stdout
    assert "session_created" in logs.stdout
    no_log = superteam("logs", rid, "--role", "builder", cwd=repo)
    assert no_log.returncode == 0
    assert superteam("logs", rid, "--role", "chef", cwd=repo).returncode == 1


def test_team_yaml_socket_is_used(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name = f"st-cfg-{os.getpid()}"
    (repo / ".superteam").mkdir()
    (repo / ".superteam/team.yaml").write_text(f"tmux:\n  socket: {name}\n")
    monkeypatch.delenv("SUPERTEAM_TMUX_SOCKET", raising=False)
    try:
        run = launch_json(repo)
        assert libtmux.Server(socket_name=name).sessions.get(session_name=run["session"])
    finally:
        kill_tmux_server(name)


# --- bad input: a clear message, exit 1 or 2, and nothing half-made --------------------------
def test_launch_outside_git_repo(tmp_path: Path, tmux_socket: str) -> None:
    out = superteam("launch", "goal", "--branch", "b", "--detach", cwd=tmp_path)
    assert out.returncode == 1 and "not inside a git repository" in out.stderr
    assert not (tmp_path / ".superteam").exists()


def test_bare_repository_is_refused_by_launch_and_status(tmp_path: Path,
                                                         tmux_socket: str) -> None:
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    for args in (["launch", "goal", "--branch", "b", "--detach"], ["status"]):
        out = superteam(*args, cwd=bare)
        assert out.returncode == 1 and "is a bare repository" in out.stderr, out.stderr
        assert "Traceback" not in out.stderr
    assert not (bare / ".superteam").exists()


def test_an_interrupted_launchs_run_folder_still_claims_its_branch(repo: Path,
                                                                   tmux_socket: str) -> None:
    # A run folder whose log lost its first event (a launch killed mid-way) is read from
    # run.yaml: its branch stays claimed until the run is cleaned up.
    rid = launch_json(repo)["run"]
    (repo / ".superteam/runs" / rid / "events.jsonl").write_text("")
    out = superteam("launch", "again", "--branch", "feat/x", "--detach", cwd=repo)
    assert out.returncode == 1 and f"is used by run {rid}" in out.stderr, out.stderr


def test_launch_unknown_base(repo: Path, tmux_socket: str) -> None:
    out = superteam("launch", "goal", "--branch", "b", "--base", "nope", "--detach", cwd=repo)
    assert out.returncode == 1 and "--base: unknown ref 'nope'" in out.stderr
    nothing_made(repo, tmux_socket)
    assert run_git(repo, "branch", "--list", "b") == ""


def test_launch_branch_checked_out_in_main_worktree(repo: Path, tmux_socket: str) -> None:
    out = superteam("launch", "goal", "--branch", "main", "--detach", cwd=repo)
    assert out.returncode == 1 and "checked out in" in out.stderr
    nothing_made(repo, tmux_socket)


def test_launch_invalid_team_file(repo: Path, tmux_socket: str) -> None:
    (repo / ".superteam").mkdir()
    (repo / ".superteam/team.yaml").write_text("review:\n  max_round: 2\n")
    out = superteam("launch", "goal", "--branch", "b", "--detach", cwd=repo)
    assert out.returncode == 2 and "team.yaml:2: review.max_round: unknown key" in out.stderr
    nothing_made(repo, tmux_socket)
    assert run_git(repo, "branch", "--list", "b") == ""


def test_launch_without_tmux(repo: Path, tmux_socket: str, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "git").symlink_to(shutil.which("git"))  # type: ignore[arg-type]
    out = superteam("launch", "goal", "--branch", "b", "--detach", cwd=repo,
                    env={"PATH": str(bin_dir)})
    assert out.returncode == 1 and "tmux is not installed" in out.stderr
    nothing_made(repo, tmux_socket)


def test_launch_bad_branch_name_and_empty_goal(repo: Path, tmux_socket: str) -> None:
    out = superteam("launch", "goal", "--branch", "bad..name", "--detach", cwd=repo)
    assert out.returncode == 2 and "not a usable branch name" in out.stderr
    out = superteam("launch", "  ", "--branch", "b", "--detach", cwd=repo)
    assert out.returncode == 2 and "GOAL is empty" in out.stderr
    nothing_made(repo, tmux_socket)


def test_launch_failure_midway_rolls_back(repo: Path, tmux_socket: str) -> None:
    # A path in the way of the worktrees folder makes worktree creation fail after the run
    # folder and the branch were made: all of it must be undone.
    (repo / ".superteam").mkdir()
    (repo / ".superteam/worktrees").write_text("in the way\n")
    out = superteam("launch", "goal", "--branch", "b", "--detach", cwd=repo)
    assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr
    nothing_made(repo, tmux_socket)
    assert run_git(repo, "branch", "--list", "b") == ""


@pytest.mark.parametrize("command", [["attach", "nope-0000"], ["stop", "nope-0000"],
                                     ["cleanup", "nope-0000"], ["logs", "nope-0000"],
                                     ["status", "nope-0000"]])
def test_unknown_run_id(repo: Path, tmux_socket: str, command: list[str]) -> None:
    out = superteam(*command, cwd=repo)
    assert out.returncode == 1 and "unknown run 'nope-0000'" in out.stderr
    assert "Traceback" not in out.stderr


def test_tmux_failing_while_git_works_rolls_back(repo: Path, tmux_socket: str,
                                                 tmp_path: Path) -> None:
    # The session is created while the worktrees are added and checked out: when tmux fails
    # (here: its socket folder would be inside a file), launch waits for git and undoes all.
    (tmp_path / "a-file").write_text("")
    out = superteam("launch", "goal", "--branch", "b", "--detach", cwd=repo,
                    env={"TMUX_TMPDIR": str(tmp_path / "a-file")})
    assert out.returncode == 1 and "tmux new-session failed" in out.stderr, out.stderr
    assert "Traceback" not in out.stderr
    nothing_made(repo, tmux_socket)
    assert run_git(repo, "branch", "--list", "b") == ""
    worktrees = repo / ".superteam/worktrees"
    assert not worktrees.exists() or not any(worktrees.iterdir())


def test_supervisor_pane_waits_for_launch_to_finish(tmp_path: Path, tmux_socket: str) -> None:
    from superteam.session import after_file

    def gated_session(name: str) -> tuple[Path, Path, libtmux.Pane]:
        folder = tmp_path / name
        folder.mkdir()
        started = tmp_path / f"{name}-started"
        subprocess.run(["tmux", "-L", tmux_socket, "new-session", "-d", "-s", name,
                        after_file(folder / ".launched", f"touch {started}; exec sleep 60")],
                       check=True)
        pane = libtmux.Server(socket_name=tmux_socket).sessions.get(session_name=name).panes[0]
        # Wait until the pane is in its waiting loop, then check it has not started.
        wait_until(lambda: pane.cmd("display", "-p", "#{pane_current_command}").stdout[0]
                   in ("sh", "sleep"), message="the gate loop")
        assert not started.exists()
        return folder, started, pane

    folder, started, _ = gated_session("go")
    (folder / ".launched").touch()
    wait_until(started.exists, message="the command to start once the gate file exists")

    # A launch that failed removes the run folder: the waiting pane gives up, runs nothing.
    folder, started, _ = gated_session("undone")
    shutil.rmtree(folder)
    server = libtmux.Server(socket_name=tmux_socket)
    wait_until(lambda: not server.has_session("undone"), message="the gate loop to give up")
    assert not started.exists()
