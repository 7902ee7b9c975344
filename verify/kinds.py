"""Check kinds that are data (issue 15: "checks as data where they are data"): a statement against a derivation is
declared, not written out as a body. `Identity(...)` is a row of a table; `identity_checks(rows)` registers them.

An Identity compares its claim's right-hand side with what `derive()` returns (a Derivation, a SymPy expression, or a
derived Claim, compared as it is) with theory.identity.decide_identity: VERIFIED when identical, REFUTED with the exact
difference. Its basis says what the derivation rests on: the Model (Basis.MODEL), mathematics (Basis.MATHEMATICS), or
only the paper's own lines (Basis.PAPER: agreement is then CONSISTENT WITH ITS PROOF). Evidence beyond the comparison (a
diagnosis, what the paper's own integrand gives) is declared as `notes`: a text, or a function of the finding's evidence
returning a value, shown when `notes_when` says (always, or only when refuted).

A table's checks keep the place of the module that declares it in the suite's order (verify.suite orders by the
module of a check's body, then by registration): identity_checks gives each body that module's name."""

from __future__ import annotations

import dataclasses
import sys
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
    #: () -> the derived right-hand side: a Derivation (its result and steps are kept), a SymPy expression, or a
    #: derived Claim (compared as it is, with its own conditions)
    derive: Callable[[], Derivation | sp.Basic | Claim]
    #: the comparison, in words, for the summary ("Thm 4.1 vs the integral of eq. 27 recomputed"); or a function of
    #: the Derivation returning it (to name the derivation by its title)
    what: str | Callable[[Derivation], str]
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
    #: the check's claims, judged first, where they are not (claim, *comparators)
    claims: tuple[str, ...] = ()
    #: put before the summary when refuted ("does not follow from Theorem 1 + Lemma 3: ")
    refuted_prefix: str = ""
    #: reads the stated side off the claim before the comparison (normalised at 0, its exponent, its rate); the
    #: check still judges the claim itself
    restate: Callable[[Claim], Claim] | None = None
    #: parameters the check declares (shown with the outcome)
    params: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.notes_when not in ("always", "refuted"):
            raise ValueError(f"{self.check_id}: notes_when must be 'always' or 'refuted'")

    @property
    def stated(self) -> Claim:
        claim = get_claim(self.claim) if isinstance(self.claim, str) else self.claim
        return self.restate(claim) if self.restate is not None else claim

    @property
    def claim_id(self) -> str:
        return self.claim if isinstance(self.claim, str) else self.claim.id

    @property
    def check_id(self) -> str:
        return self.id or self.claim_id

    def finding(self) -> Finding:
        stated = self.stated
        derived = self.derive()
        derivation = derived if isinstance(derived, Derivation) else None
        if isinstance(derived, Claim):
            other = derived
        else:
            other = derived_claim(stated, derived.result if derivation is not None else derived, derivation, self.label)
        what = self.what(derivation) if callable(self.what) else self.what
        finding = identity_finding(stated, other, what, replacement=self.replacement)
        if self.notes_when == "always" or finding.verdict is Verdict.REFUTED:
            for name, note in self.notes.items():
                finding.evidence[name] = note(finding.evidence) if callable(note) else note
        if self.refuted_prefix and finding.verdict is Verdict.REFUTED:
            finding = dataclasses.replace(finding, summary=self.refuted_prefix + finding.summary)
        return finding

    def check(self, module: str | None = None) -> Check:
        """The Check; its body carries `module` as its __module__ (the declaring module: its place in the suite)."""
        def body(context: Context, params: dict) -> Finding:
            return self.finding()

        body.__module__ = module or __name__
        body.__qualname__ = f"Identity({self.check_id})"
        description = self.description or (self.what if isinstance(self.what, str) else None)
        if description is None:
            raise ValueError(f"{self.check_id}: a `what` given as a function needs a description")
        return Check(self.check_id, self.claims or (self.claim_id, *self.comparators), self.method, description,
                     body, params=dict(self.params), suites=self.suites, basis=self.basis)


def identity_checks(rows, module: str | None = None) -> list[Check]:
    """Register one Check per Identity row, in order (a Check among the rows is registered as it is, keeping its
    place); `module` defaults to the caller's, so that the checks keep the declaring module's place in the suite."""
    module = module or sys._getframe(1).f_globals["__name__"]
    return [register_check(row.check(module) if isinstance(row, Identity) else row) for row in rows]
