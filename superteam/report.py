"""`superteam report RUN [--html]`: timeline, tasks, gates, verdicts, tokens and cost per role."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from superteam.events import EventLog
from superteam.resources import templates_dir
from superteam.runinfo import RunInfo
from superteam.status import describe_event, summarize


def _ts(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def collect(info: RunInfo) -> dict[str, Any]:
    events = list(EventLog(info.paths.events))
    state = info.state
    summary = summarize(info, check_panes=False)
    start = _ts(events[0].ts) if events else None
    timeline = [{"at": f"+{(_ts(e.ts) - start).total_seconds():7.1f}s" if start else "",
                 "type": e.type, "text": describe_event(e)}
                for e in events if e.type != "usage"]
    gates = [{"label": e.data.get("label"), "gate": e.data.get("gate"),
              "passed": e.data.get("passed"), "outcome": e.data.get("outcome"),
              "seconds": e.data.get("seconds"),
              "log": f"gates/{e.data.get('label')}-{e.data.get('gate')}.log"}
             for e in events if e.type == "gate_finished"]
    reviews = [{"task": e.data["contract"].get("task_id"), "number": e.data.get("number"),
                "verdict": e.data["contract"].get("verdict"),
                "findings": e.data["contract"].get("findings", []),
                "evidence": e.data["contract"].get("evidence", [])}
               for e in events if e.type == "review_accepted"]
    tasks = [t.model_dump() for t in state.tasks] if state else []
    duration = (_ts(events[-1].ts) - start).total_seconds() if start else 0.0
    return {"run": info.run_id, "goal": info.meta.get("goal"), "branch": info.branch,
            "base": str(info.meta.get("base", ""))[:10],
            "head": (state.branch_head[:10] if state else ""), "phase": info.phase,
            "duration": f"{duration:.0f}s", "timeline": timeline, "tasks": tasks, "gates": gates,
            "reviews": reviews, "tokens": summary["tokens_by_role"],
            "cost": summary["cost_by_role"], "total_tokens": summary["tokens"],
            "total_cost": summary["cost_usd"], "spec": state.spec if state else None}


def render_text(data: dict[str, Any]) -> str:
    out = [f"# Run {data['run']}: {data['goal']}",
           f"branch {data['branch']}: {data['base']} -> {data['head']}; phase {data['phase']}; "
           f"{data['duration']}; {data['total_tokens']:,} tokens, ${data['total_cost']:.2f}", "",
           "## Tasks"]
    for t in data["tasks"]:
        out.append(f"- {t['id']} {t['title']}: {t['status']}, {t['handoffs']} handoff(s), "
                   f"sent back {t['rework']} time(s)"
                   + (f", integrated at {t['integrated'][:10]}" if t.get("integrated") else ""))
    out += ["", "## Gates"]
    out += [f"- {g['label']} {g['gate']}: {'passed' if g['passed'] else 'FAILED'} "
            f"({g['outcome']}, {g['seconds']}s) {g['log']}" for g in data["gates"]]
    out += ["", "## Reviews"]
    for r in data["reviews"]:
        out.append(f"- {r['task']} #{r['number']}: {r['verdict']}")
        out += [f"  - [{f['severity']}] {f['message']}" for f in r["findings"]]
    out += ["", "## Tokens and cost per role"]
    out += [f"- {role}: {u.get('requests', 0)} requests, {u.get('input_tokens', 0):,} in, "
            f"{u.get('cache_read_input_tokens', 0):,} cache read, "
            f"{u.get('cache_creation_input_tokens', 0):,} cache write, "
            f"{u.get('output_tokens', 0):,} out, ${data['cost'].get(role, 0):.4f}"
            for role, u in data["tokens"].items()]
    out += ["", "## Timeline"]
    out += [f"{x['at']}  {x['type']:<20} {x['text']}" for x in data["timeline"]]
    return "\n".join(out) + "\n"


def render_html(data: dict[str, Any]) -> str:
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates_dir())),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    return env.get_template("report.html.j2").render(**data)
