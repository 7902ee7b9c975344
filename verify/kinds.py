"""Check kinds that are data (issue 15: "checks as data where they are data"): a statement against a derivation is
declared, not written out as a body. `Identity(...)` is a row of a table; `identity_checks(rows)` registers them.

An Identity compares its claim's right-hand side with what `derive()` returns (a Derivation, or a SymPy expression)
with theory.identity.decide_identity: VERIFIED when identical, REFUTED with the exact difference. Its basis says what
the derivation rests on: the Model (Basis.MODEL), mathematics (Basis.MATHEMATICS), or only the paper's own lines
(Basis.PAPER: agreement is then CONSISTENT WITH ITS PROOF). Evidence beyond the comparison (a diagnosis, what the
paper's own integrand gives) is declared as `notes`: a text, or a function of the finding's evidence returning a
value, shown when `notes_when` says (always, or only when refuted)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import sympy as sp

from theory import get_claim
from theory.claim import Claim
from theory.derivation import Derivation

from .check import Check, Context, Finding
from .methods import derived_claim, identity_finding
from .outcome import Basis, Verdict
from .suite import register_check


@dataclass(frozen=True)
class Identity:
    """A claim against a derivation (see the module docstring)."""

    claim: Claim | str
    #: () -> the derived right-hand side: a Derivation (its result and steps are kept) or a SymPy expression
    derive: Callable[[], Derivation | sp.Basic]
    #: the comparison, in words, for the summary ("Thm 4.1 vs the integral of eq. 27 recomputed")
    what: str
    basis: Basis
    suites: tuple[str, ...]
    #: the check id (default: the claim id)
    id: str | None = None
    #: a registered claim stating the correct form, attached as the correction when refuted
    replacement: str | None = None
    #: other claims the check cites
    comparators: tuple[str, ...] = ()
    #: evidence name -> text, or a function of the evidence dict (the comparison's) returning the value
    notes: dict = field(default_factory=dict)
    #: "always" or "refuted": when the notes are added
    notes_when: str = "always"
    #: how the derived side is read against the stated one (derived_claim's suffix, shown in the evidence)
    label: str = "derived"
    #: the Check's description (default: what)
    description: str | None = None
    #: "symbolic", or "limit" for a statement against the limit of the theorem it is said to follow from
    method: str = "symbolic"

    def __post_init__(self) -> None:
        if self.notes_when not in ("always", "refuted"):
            raise ValueError(f"{self.check_id}: notes_when must be 'always' or 'refuted'")

    @property
    def stated(self) -> Claim:
        return get_claim(self.claim) if isinstance(self.claim, str) else self.claim

    @property
    def check_id(self) -> str:
        return self.id or (self.claim if isinstance(self.claim, str) else self.claim.id)

    def finding(self) -> Finding:
        stated = self.stated
        derived = self.derive()
        derivation = derived if isinstance(derived, Derivation) else None
        rhs = derived.result if derivation is not None else derived
        finding = identity_finding(stated, derived_claim(stated, rhs, derivation, self.label), self.what,
                                   replacement=self.replacement)
        if self.notes_when == "always" or finding.verdict is Verdict.REFUTED:
            for name, note in self.notes.items():
                finding.evidence[name] = note(finding.evidence) if callable(note) else note
        return finding

    def body(self, context: Context, params: dict) -> Finding:
        return self.finding()

    def check(self) -> Check:
        return Check(self.check_id, (self.stated.id, *self.comparators), self.method, self.description or self.what,
                     self.body, suites=self.suites, basis=self.basis)


def identity_checks(rows) -> list[Check]:
    """Register one Check per Identity row, in order."""
    return [register_check(row.check()) for row in rows]
