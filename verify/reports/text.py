"""Reports of a suite run: JSON (schema in the foundation issue), Markdown (here) and HTML (html_report.py)."""

from __future__ import annotations

import json
from pathlib import Path

from theory.errors import UserInputError

from .outcome import Basis, Outcome, Verdict
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


def outcome_basis(outcome: Outcome) -> Basis | None:
    try:
        return Basis(outcome.basis)
    except ValueError:
        return None


def outcomes_by_claim(outcomes: list[Outcome]) -> dict[str, list[Outcome]]:
    """Claim id -> the outcomes that judge it or cite it as a comparator, in run order; claims in order of first
    appearance."""
    grouped: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        for claim_id in (outcome.claim, *outcome.comparators):
            grouped.setdefault(claim_id, []).append(outcome)
    return grouped


def deciding_outcomes(claim_id: str, outcomes: list[Outcome]) -> list[Outcome]:
    """The outcomes that judge the claim (an outcome judges one claim; the claims it cites are comparators)."""
    return [o for o in outcomes if o.claim == claim_id]


def claim_verdict(claim_id: str, outcomes: list[Outcome]) -> Verdict | None:
    """One verdict for a claim from the outcomes that judge it (DESIGN.md, "What a verdict means").

    Its truth is decided by the independent bases (a derivation from the Model, mathematics, exact numerics,
    simulation, experiment), with precedence REFUTED > ERROR > INCONCLUSIVE > VERIFIED; a units check can refute
    but never verify on its own. Outcomes on the paper's own proof decide only where nothing independent judged the
    claim: then a disagreement is REFUTED (the statement does not follow from its proof) and agreement is
    CONSISTENT WITH ITS PROOF. A claim judged by nothing but its units is INCONCLUSIVE; one only cited as a comparator
    has no verdict here (None). Reports list every check's own verdict and basis beside it."""
    deciding = deciding_outcomes(claim_id, outcomes)
    if not deciding:
        return None  # only cited as a comparator: it keeps the verdict of the checks that judge it, elsewhere
    # an outcome whose basis was not recorded (a report written before bases existed) counts as it did then
    bases = [outcome_basis(o) for o in deciding]
    independent = [o for o, b in zip(deciding, bases) if b is None or b.independent]
    substantive = [o for o, b in zip(deciding, bases) if b is None or b.decides_truth]
    errors = [o for o in deciding if o.verdict is Verdict.ERROR]
    if any(o.verdict is Verdict.REFUTED for o in independent):
        return Verdict.REFUTED
    if errors:
        return Verdict.ERROR
    if substantive:
        return next(v for v in _VERDICT_PRECEDENCE if any(o.verdict is v for o in substantive))
    paper = [o for o, b in zip(deciding, bases) if b is Basis.PAPER]
    if any(o.verdict is Verdict.REFUTED for o in paper):
        return Verdict.REFUTED
    if any(o.verdict is Verdict.CONSISTENT for o in paper):
        return Verdict.CONSISTENT
    return Verdict.INCONCLUSIVE


#: a correction is printed as one only when its claim passed every check of these kinds that its original failed
def correction_status(outcome: Outcome, outcomes: list[Outcome]) -> tuple[str, list[str]]:
    """("confirmed" | "unconfirmed" | "unchecked" | "not run" | "none", reasons) for an outcome's derived replacement.

    confirmed: the replacement is a registered claim, judged in this report by at least one check on a basis that
    decides truth, with every method the original was refuted by (besides the units) among them, and every one of
    its outcomes VERIFIED. unconfirmed: it was judged here and some check did not verify it, or a method is missing.
    unchecked: the replacement is not a registered claim: the report then says that the correct form is not known
    and shows what was derived. not run: it is a registered claim but none of its checks ran in this report (a
    filtered or smaller suite): the report shows it as a replacement not confirmed here."""
    if not outcome.correction:
        return "none", []
    replacement = outcome.correction.get("claim")
    if not replacement:
        return "unchecked", ["the derived form is not a claim with checks of its own"]
    judged = deciding_outcomes(replacement, outcomes)
    if not judged:
        return "not run", [f"no check of {replacement} ran in this report (`escape verify --suite full` runs them)"]
    # a replacement's own proof-only checks can at most agree (CONSISTENT); every other check must verify it
    reasons = [f"{o.check}: {o.verdict.value}" for o in judged if o.verdict is not Verdict.VERIFIED
               and not (o.verdict is Verdict.CONSISTENT and outcome_basis(o) is Basis.PAPER)]
    failed_methods = {o.method for o in deciding_outcomes(outcome.claim, outcomes) if o.verdict is Verdict.REFUTED}
    missing = failed_methods - {o.method for o in judged}
    reasons += [f"no {m} check of {replacement}" for m in sorted(missing)]
    if not any(outcome_basis(o) is not None and outcome_basis(o).decides_truth for o in judged):
        reasons.append(f"{replacement} has no check on a basis that decides truth (units alone do not)")
    return ("unconfirmed", reasons) if reasons else ("confirmed", [o.check for o in judged])


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


#: the legend every report prints: what each verdict means (DESIGN.md, "What a verdict means")
VERDICT_MEANINGS = {
    Verdict.VERIFIED: "an independent basis (a derivation from the Model, an independent computation, exact numerics, "
                      "simulation or a real-network experiment) agrees with the statement",
    Verdict.CONSISTENT: "the statement agrees with its own proof (or the theorem it is said to follow from) and "
                        "nothing independent judged it: consistency, not truth; counted apart from VERIFIED",
    Verdict.REFUTED: "the statement disagrees with the basis named beside it, with the confidence stated in the "
                     "evidence",
    Verdict.INCONCLUSIVE: "the computation could not decide at its budget; for a claim, also: judged by nothing but "
                          "its units (a necessary condition only)",
    Verdict.ERROR: "the check did not run to a verdict; the reason is in its summary",
}
#: the legend of the bases a verdict rests on
BASIS_MEANINGS = {
    Basis.MODEL: "derived by the toolkit from the Model (generator, Fokker-Planck operator, jump intensity, exact "
                 "solution)",
    Basis.MATHEMATICS: "the statement is pure mathematics (an integral, a limit, a special-function identity), "
                       "computed independently",
    Basis.EXACT: "exact quadrature or a PDE solution of the Model, with its own error estimate",
    Basis.SIMULATION: "Monte Carlo simulation of the Model, with an interval test",
    Basis.EXPERIMENT: "training real networks",
    Basis.UNITS: "both sides transform alike under a change of units: a necessary condition, never VERIFIED alone",
    Basis.PAPER: "only the paper's own lines (its proof recomputed, or the theorem it is said to follow from): never "
                 "VERIFIED, at most CONSISTENT WITH ITS PROOF",
}
#: said of an outcome with no basis recorded (a report written before bases were recorded)
NO_BASIS = "not recorded"


def basis_label(outcome: Outcome) -> str:
    """The basis as reports print it; a value that is not a Basis (e.g. "undeclared") is printed as it is."""
    return outcome.basis or NO_BASIS


def decisive_outcome(claim_id: str, outcomes: list[Outcome], verdict: Verdict | None) -> Outcome | None:
    """The outcome a claim's verdict repeats (for its key number): among those that judge the claim, one with that
    verdict on a basis that decides truth, else on an independent basis, else any; None for a claim only cited.
    A claim judged only by its units is INCONCLUSIVE although its units check may say VERIFIED: then the first."""
    deciding = deciding_outcomes(claim_id, outcomes)
    if not deciding:
        return None

    def rank(outcome: Outcome) -> tuple:
        basis = outcome_basis(outcome)
        return (outcome.verdict is not verdict, not (basis and basis.decides_truth),
                not (basis and basis.independent))
    return min(deciding, key=rank)


def claim_bases(claim_id: str, outcomes: list[Outcome]) -> list[str]:
    """The bases of the outcomes that judge a claim, each once, in run order."""
    return list(dict.fromkeys(basis_label(o) for o in deciding_outcomes(claim_id, outcomes)))


def claim_verdict_label(verdict: Verdict | None) -> str:
    from .runner import ONLY_CITED

    return verdict.value if verdict is not None else ONLY_CITED


def correction_entries(correction: dict) -> list[tuple[str, str]]:
    """(label, value) of what was derived: "derived" for the text, other forms by their names; the LaTeX and the
    replacement's claim id are not entries (renderers show them apart)."""
    return [("derived" if key == "text" else key, str(value)) for key, value in correction.items()
            if key not in ("latex", "claim")]


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


def render_markdown(report: Report) -> str:
    verdicts = report.claim_verdicts()
    grouped = outcomes_by_claim(report.outcomes)
    lines = [f"# escape-theory verification report: suite `{report.suite}`", "",
             f"- started: {report.started}, wall time {report.seconds:.1f} s"
             + (f", only `{report.only}`" if report.only else ""),
             f"- device: {report.device}",
             "- versions: " + ", ".join(f"{k} {v}" for k, v in report.versions.items()),
             f"- checks: {len(report.outcomes)}: {_counts(report.counts())}",
             f"- claims: {len(verdicts)}: {_counts(report.claim_counts())}", ""]
    lines += legend_markdown()
    lines += ["", "## Checks", "",
              "| check | claim | comparators | method | basis | verdict | summary | seconds |",
              "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    lines += [f"| {o.check} | {_cell(o.claim)} | {_cell(', '.join(o.comparators)) or '—'} | {o.method} | "
              f"{_cell(basis_label(o))} | **{o.verdict.value}** | {_cell(o.summary)} | {o.seconds:.2f} |"
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
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_markdown(report))
    return path
