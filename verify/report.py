"""Reports of a suite run: JSON (schema in the foundation issue) and Markdown."""

from __future__ import annotations

import json
from pathlib import Path

from .runner import Report


def write_json(report: Report, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.to_json(), indent=2, allow_nan=False) + "\n")
    return path


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def evidence_markdown(evidence: dict, indent: str = "") -> list[str]:
    lines = []
    for key, value in evidence.items():
        if key == "traceback":
            continue
        if isinstance(value, dict):
            lines.append(f"{indent}- **{key}**:")
            lines += evidence_markdown(value, indent + "  ")
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            keys = list(value[0])
            lines.append(f"{indent}- **{key}**:\n")
            lines.append(indent + "  | " + " | ".join(keys) + " |")
            lines.append(indent + "  | " + " | ".join("---" for _ in keys) + " |")
            lines += [indent + "  | " + " | ".join(_cell(_format(row.get(k))) for k in keys) + " |" for row in value]
            lines.append("")
        else:
            lines.append(f"{indent}- **{key}**: {_format(value)}")
    return lines


def _format(value) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list):
        return "[" + ", ".join(_format(v) for v in value) + "]"
    return str(value)


def render_markdown(report: Report) -> str:
    counts = ", ".join(f"{n} {v}" for v, n in report.counts().items() if n)
    lines = [f"# escape-theory verification report: suite `{report.suite}`", "",
             f"- started: {report.started}, wall time {report.seconds:.1f} s",
             f"- device: {report.device}",
             "- versions: " + ", ".join(f"{k} {v}" for k, v in report.versions.items()),
             f"- verdicts: {counts}", "",
             "| check | claim | method | verdict | summary | seconds |",
             "| --- | --- | --- | --- | --- | --- |"]
    lines += [f"| {o.check} | {_cell(o.claim)} | {o.method} | **{o.verdict.value}** | {_cell(o.summary)} | "
              f"{o.seconds:.2f} |" for o in report.outcomes]
    for o in report.outcomes:
        lines += ["", f"## {o.check} — {o.verdict.value}", "", f"- claim: `{o.claim}`", f"- source: {o.source}",
                  f"- method: {o.method}, seed {o.seed}, {o.seconds:.2f} s", f"- summary: {o.summary}"]
        if o.correction:
            lines.append("- derived correction:")
            lines += [f"  - {k}: `{v}`" for k, v in o.correction.items()]
        lines += evidence_markdown(o.evidence)
    return "\n".join(lines) + "\n"


def write_markdown(report: Report, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_markdown(report))
    return path
