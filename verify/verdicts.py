"""A claim's verdict from the outcomes that judge it, and the gate on derived corrections (DESIGN.md, "What a verdict
means"): the one verdict policy, which the runner and every report (JSON, Markdown, HTML, catalogue, notebooks)
share. Imports only the outcome types."""

from __future__ import annotations

from .outcome import Basis, Outcome, Verdict

#: the order in which reports list verdicts: agreement with an independent basis, then agreement with the paper's
#: own proof (counted apart: consistency, not truth), then the rest
VERDICT_ORDER = (Verdict.VERIFIED, Verdict.CONSISTENT, Verdict.REFUTED, Verdict.INCONCLUSIVE, Verdict.ERROR)
#: what reports print for a claim that no outcome judges, only cites as a comparator (claim_verdict is None)
ONLY_CITED = "only cited"


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
