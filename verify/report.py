"""Reports of a suite run: JSON (schema in the foundation issue), Markdown (here) and HTML (html_report.py)."""

from __future__ import annotations

import json
from pathlib import Path

from theory.errors import UserInputError

from .outcome import Outcome, Verdict
from .runner import Report


def write_json(report: Report, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.to_json(), indent=2, allow_nan=False) + "\n")
    return path


def read_json(path: str | Path) -> Report:
    """A report written by `write_json`, read back (for the catalogue, or to re-render it as HTML)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text())
        outcomes = [Outcome(**{**o, "verdict": Verdict(o["verdict"])}) for o in data["outcomes"]]
        return Report(data["suite"], data["started"], float(data["seconds"]), data["device"], data["versions"],
                      outcomes, only=data.get("only"))
    except FileNotFoundError:
        raise UserInputError(f"no report at {path}: run `escape verify --json {path}` first") from None
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        raise UserInputError(f"{path} is not a JSON report of `escape verify` ({type(error).__name__}: {error})") \
            from None


#: how the verdicts of several checks of one claim combine: a refutation by any check stands (DESIGN.md: REFUTED
#: needs strong evidence, which each check states); then an error, then an open question; VERIFIED only if all agree
_VERDICT_PRECEDENCE = (Verdict.REFUTED, Verdict.ERROR, Verdict.INCONCLUSIVE, Verdict.VERIFIED)


def outcome_claims(outcome: Outcome) -> list[str]:
    """The claim ids an outcome is about (Outcome.claim joins them with ', ')."""
    return [c.strip() for c in outcome.claim.split(",") if c.strip()]


def outcomes_by_claim(outcomes: list[Outcome]) -> dict[str, list[Outcome]]:
    """Claim id -> the outcomes of every check that names it, in run order; claims in order of first appearance."""
    grouped: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        for claim_id in outcome_claims(outcome):
            grouped.setdefault(claim_id, []).append(outcome)
    return grouped


def deciding_outcomes(claim_id: str, outcomes: list[Outcome]) -> list[Outcome]:
    """The outcomes that decide a claim's verdict: those of checks that name it first (the claim they test; later
    claims are the parent or comparison it is tested against), or all of them where no check names it first."""
    primary = [o for o in outcomes if outcome_claims(o)[:1] == [claim_id]]
    return primary or list(outcomes)


def claim_verdict(claim_id: str, outcomes: list[Outcome]) -> Verdict:
    """One verdict for a claim from its checks' outcomes: among the deciding ones, precedence REFUTED > ERROR >
    INCONCLUSIVE > VERIFIED. Reports list every check's own verdict beside it."""
    deciding = deciding_outcomes(claim_id, outcomes)
    if not deciding:
        raise ValueError(f"claim {claim_id}: a verdict needs at least one outcome")
    return next(v for v in _VERDICT_PRECEDENCE if any(o.verdict is v for o in deciding))


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
