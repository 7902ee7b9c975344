"""The `scaling` check of every registered claim (issue 14, "Units on every claim"): both sides must transform
alike when the units its paper allows to change are rescaled (theory.units: Convention, CLOCKS). A claim that
declares no units for some symbol comes out as ERROR, naming them.

This module is loaded last (verify.suite.CHECK_MODULES): a claim's units check joins `quick` and every family
suite of the checks that judge the claim, so `escape verify --suite levy` shows the units of every claim it judges."""

from __future__ import annotations

from theory import all_claims
from theory.claim import Claim

from ..check import Check, Context, Finding
from ..methods import scaling_finding
from ..suite import _CHECKS, register_check

#: claim-id prefix -> the family suite of a claim that no other check judges
FAMILY_SUITES = {"battash": "levy", "levy": "levy", "imkeller": "levy", "kramers": "kramers", "meng": "power_law",
                 "chen": "power_law", "ibayashi": "large_deviations"}


def units_body(claim: Claim):
    def body(context: Context, params: dict) -> Finding:
        return scaling_finding(claim)
    return body


def suites_of(claim: Claim) -> tuple[str, ...]:
    judging = {suite for check in _CHECKS.values() if check.claim == claim.id for suite in check.suites}
    if not judging - {"quick"}:
        judging.add(FAMILY_SUITES.get(claim.id.split(".", 1)[0], "quick"))
    return ("quick", *sorted(judging - {"quick", "full"}))


for claim in all_claims():
    register_check(Check(f"{claim.id}.units", (claim.id,), "scaling",
                         f"units of {claim.id} in its paper's convention", units_body(claim), suites=suites_of(claim)))
