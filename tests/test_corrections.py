"""Every correction the toolkit can print passes the checks its original failed (issue 14, item 4).

A refuted outcome may carry a derived replacement; the report prints it as a correction only when the replacement
is a registered claim whose own checks all pass and cover every method by which the original was refuted
(verify.verdicts.correction_status). This test runs, for every such pair, the checks that judge the original and the
replacement (quick sizes, fixed seeds) and asserts the gate opens: the replacement is confirmed."""

import pytest

from theory import all_claims
from verify import Context, checks_in
from verify.outcome import Verdict
from verify.reports import correction_status


def correction_pairs():
    """(original, replacement) for every replacement a check can attach: claims registered with relations
    "corrects", and the replacements the Battash model checks name (the main-text theorems among them)."""
    from verify.checks.battash_model import CORRECTIONS

    pairs = {(original, claim.id) for claim in all_claims() for original in claim.relations.get("corrects", ())}
    pairs |= set(CORRECTIONS.items())
    return sorted(pairs)


def judging(claim_id):
    return [check for check in checks_in("full") if check.claim == claim_id]


@pytest.mark.slow
@pytest.mark.parametrize("original, replacement", correction_pairs())
def test_correction_passes_the_checks_its_original_failed(original, replacement):
    outcomes = [check.run(Context(suite="quick")) for check in judging(original) + judging(replacement)]
    refuted = [o for o in outcomes if o.claim == original and o.verdict is Verdict.REFUTED]
    assert refuted, f"{original} is not refuted by any check: nothing to correct"
    carrying = [o for o in refuted if o.correction and o.correction.get("claim") == replacement] or refuted
    status, reasons = correction_status(
        type(carrying[0])(**{**carrying[0].__dict__, "correction": {"claim": replacement, "text": ""}}), outcomes)
    assert status == "confirmed", reasons
