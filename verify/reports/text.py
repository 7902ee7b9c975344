"""Reports of a suite run: JSON (schema in the foundation issue), Markdown (here) and HTML (html.py)."""

from __future__ import annotations

import json
from pathlib import Path

from theory.errors import UserInputError

from ..outcome import Outcome, Verdict
from ..outputs import write_text_atomic
from ..runner import Report
from ..verdicts import (
    BASIS_MEANINGS,
    VERDICT_MEANINGS,
    basis_label,
    claim_bases,
    claim_verdict_label,
    correction_entries,
    correction_status,
    outcomes_by_claim,
)


def write_json(report: Report, path: str | Path) -> Path:
    path = Path(path)
    write_text_atomic(path, json.dumps(report.to_json(), indent=2, allow_nan=False) + "\n")
    return path


def read_json(path: str | Path) -> Report:
    """A report written by `write_json`, read back (for the catalogue, or to re-render it as HTML)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text())
        outcomes = [Outcome(**{**o, "verdict": Verdict(o["verdict"])}) for o in data["outcomes"]]
        return Report(data["suite"], data["started"], float(data["seconds"]), data["device"], data["versions"],
                      outcomes, only=data.get("only"), seed=data.get("seed", 0), command=data.get("command"),
                      robustness=data.get("robustness"))
    except FileNotFoundError:
        raise UserInputError(f"no report at {path}: run `escape verify --json {path}` first") from None
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        raise UserInputError(f"{path} is not a JSON report of `escape verify` ({type(error).__name__}: {error})") \
            from None


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


#: characters of a summary shown where a reader scans (tables, headings); the whole text stays in the evidence
SUMMARY_CHARACTERS = 240


def short_summary(summary: str, limit: int = SUMMARY_CHARACTERS) -> str:
    """A summary for a table cell: at most `limit` characters, cut at a word and marked, so that a raw SymPy
    difference never fills the report (the full summary is kept in the outcome and shown with the evidence)."""
    summary = " ".join(str(summary).split())
    if len(summary) <= limit:
        return summary
    cut = summary[:limit].rsplit(" ", 1)[0] if " " in summary[:limit] else summary[:limit]
    return cut + " … (full text with the evidence)"


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
            lines += [indent + "  | " + " | ".join(_cell(format_value(row.get(k))) for k in keys) + " |" for row in value]
            lines.append("")
        else:
            lines.append(f"{indent}- **{key}**: {format_value(value)}")
    return lines


def format_value(value) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    return str(value)


def correction_markdown(outcome: Outcome, outcomes: list[Outcome]) -> list[str]:
    """The derived replacement, gated by correction_status: printed as a correction only when confirmed; otherwise
    the report says that the correct form is not known and shows what was derived, with the reasons."""
    status, reasons = correction_status(outcome, outcomes)
    if status == "none":
        return []
    derived = "; ".join(f"`{value}`" if label == "derived" else f"{label}: `{value}`"
                        for label, value in correction_entries(outcome.correction))
    if status == "confirmed":
        lines = [f"- derived replacement (checked by: {', '.join(reasons)}): {derived}"]
    elif status == "not run":
        lines = [f"- derived replacement, not confirmed in this report: {derived} ({'; '.join(reasons)})"]
    else:
        lines = [f"- the correct form is not known; what was derived: {derived} (not a checked correction: "
                 f"{'; '.join(reasons)})"]
    if outcome.correction.get("claim"):
        lines.append(f"  - as the claim `{outcome.correction['claim']}`")
    if outcome.correction.get("latex"):
        lines.append(f"  - LaTeX: `{outcome.correction['latex']}`")
    return lines


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {v}" for v, n in counts.items() if n) or "none"


def legend_markdown() -> list[str]:
    lines = ["## Legend", "", "Verdicts (of a check; a claim's verdict combines the checks that judge it: its truth is "
             "decided by the independent bases, REFUTED first; a claim only cited by other checks as a comparator "
             "reads \"only cited\"):", ""]
    lines += [f"- **{v.value}**: {meaning}" for v, meaning in VERDICT_MEANINGS.items()]
    lines += ["", "Bases (what a verdict rests on):", ""]
    lines += [f"- *{b.value}*: {meaning}" for b, meaning in BASIS_MEANINGS.items()]
    lines += ["", "Comparators are other claims a check cites (a parent theorem, a competing formula): they keep their "
              "own verdicts. A remark is a reading in another convention (units, clock, Itô or kinetic form) that "
              "would change the verdict; the verdict itself is in the paper's convention."]
    return lines


def robustness_markdown(robustness: dict | None) -> list[str]:
    """The robustness table (`escape verify --seeds`): every stochastic check's verdict at each base seed, the ones
    that move first."""
    if not robustness:
        return []
    from ..runner import robustness_rows

    finding, seeds, rows = robustness_rows(robustness)
    lines = ["", "## Robustness over base seeds", "", finding, "",
             "| check | " + " | ".join(f"seed {s}" for s in seeds) + " | moves |",
             "| --- | " + " | ".join("---" for _ in seeds) + " | --- |"]
    lines += [f"| {check} | " + " | ".join(verdicts) + f" | {'**yes**' if moves else 'no'} |"
              for check, verdicts, moves in rows]
    return lines


def render_markdown(report: Report) -> str:
    verdicts = report.claim_verdicts()
    grouped = outcomes_by_claim(report.outcomes)
    lines = [f"# escape-theory verification report: suite `{report.suite}`", "",
             f"- started: {report.started}, wall time {report.seconds:.1f} s"
             + (f", only `{report.only}`" if report.only else ""),
             f"- command: `{report.command or '(run from Python)'}`, base seed {report.seed}",
             f"- device: {report.device}",
             "- versions: " + ", ".join(f"{k} {v}" for k, v in report.versions.items()),
             f"- checks: {len(report.outcomes)}: {_counts(report.counts())}",
             f"- claims: {len(verdicts)}: {_counts(report.claim_counts())}", ""]
    lines += legend_markdown()
    lines += robustness_markdown(report.robustness)
    lines += ["", "## Checks", "",
              "| check | claim | comparators | method | basis | verdict | summary | seconds |",
              "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    lines += [f"| {o.check} | {_cell(o.claim)} | {_cell(', '.join(o.comparators)) or '—'} | {o.method} | "
              f"{_cell(basis_label(o))} | **{o.verdict.value}** | {_cell(short_summary(o.summary))} | {o.seconds:.2f} |"
              for o in report.outcomes]
    lines += ["", "## Claims", "", "| claim | verdict | bases | judged by | cited by |",
              "| --- | --- | --- | --- | --- |"]
    for claim_id, verdict in verdicts.items():
        judged = [o for o in grouped[claim_id] if o.claim == claim_id]
        cited = [o for o in grouped[claim_id] if o.claim != claim_id]
        judged_by = ", ".join(f"{o.check} ({o.verdict.value}, {basis_label(o)})" for o in judged)
        cited_by = ", ".join(f"{o.check} (judges {o.claim})" for o in cited)
        lines.append(f"| `{claim_id}` | **{claim_verdict_label(verdict)}** | "
                     f"{_cell(', '.join(claim_bases(claim_id, judged))) or '—'} | {_cell(judged_by) or '—'} | "
                     f"{_cell(cited_by) or '—'} |")
    for o in report.outcomes:
        lines += ["", f"## {o.check} — {o.verdict.value} ({basis_label(o)})", "", f"- claim: `{o.claim}`"]
        if o.comparators:
            lines.append("- comparators (cited; they keep their own verdicts): "
                         + ", ".join(f"`{c}` ({claim_verdict_label(verdicts.get(c))})" for c in o.comparators))
        lines += [f"- source: {o.source}", f"- method: {o.method}, seed {o.seed}, {o.seconds:.2f} s",
                  f"- basis: {basis_label(o)}", f"- verdict: **{o.verdict.value}**", f"- summary: {o.summary}"]
        lines += [f"- remark: {remark}" for remark in o.remarks]
        lines += correction_markdown(o, report.outcomes)
        lines += evidence_markdown(o.evidence)
    return "\n".join(lines) + "\n"


def write_markdown(report: Report, path: str | Path) -> Path:
    path = Path(path)
    write_text_atomic(path, render_markdown(report))
    return path
