"""verify.kinds.Identity: a claim against a derivation as a row of a table (issue 15). The rows keep their declaring
module's place in the suite's order, and the fields that the converted checks need behave as documented."""

import sympy as sp

from theory.claim import Claim
from theory.kramers import ASYMMETRIC_QUARTIC_TIME, SYMMETRIC_QUARTIC_TIME, tilt
from verify import checks_in, get_check
from verify.kinds import Identity
from verify.outcome import Basis, Verdict

x = sp.Symbol("x", positive=True)
CLAIM = Claim(id="test.kinds.square", title="a square", lhs=sp.Symbol("f"), rhs=x**2, sources=SYMMETRIC_QUARTIC_TIME.sources)


def test_identity_checks_keep_their_modules_place_in_the_suite():
    """A table's checks sort with the module that declares them (verify.suite orders by body module), not last."""
    for check_id, module in (("battash.derived.cor4_2.limit", "verify.checks.battash_model"),
                             ("battash.lemma3_3", "verify.checks.battash_between_jumps"),
                             ("ibayashi.def4", "verify.checks.large_deviations"),
                             ("kramers.asymmetric_limit", "verify.checks.kramers")):
        assert get_check(check_id).body.__module__ == module
    order = [c.id for c in checks_in("kramers")]
    assert order.index("kramers.exact_mfpt_generator") < order.index("kramers.asymmetric_limit") < order.index(
        "kramers.asymmetric_ratio")
    ld = [c.id for c in checks_in("quick", "ibayashi.*")]
    assert ld[:3] == ["ibayashi.def4", "ibayashi.lemma3", "ibayashi.prop1"]


def test_identity_fields():
    verified = Identity(CLAIM, lambda: x * x, "x^2 vs x x", Basis.MATHEMATICS, ("quick",))
    assert verified.finding().verdict is Verdict.VERIFIED
    refuted = Identity(CLAIM, lambda: x**3, lambda derivation: f"named after {derivation}", Basis.MATHEMATICS,
                       ("quick",), refuted_prefix="prefix: ", notes={"n": "only when refuted"}, notes_when="refuted",
                       claims=("test.kinds.square", "other"), description="described")
    finding = refuted.finding()
    assert finding.verdict is Verdict.REFUTED
    assert finding.summary.startswith("prefix: named after None: they differ by")
    assert finding.evidence["n"] == "only when refuted"
    check = refuted.check("some.module")
    assert check.claims == ("test.kinds.square", "other") and check.body.__module__ == "some.module"


def test_a_derived_claim_is_compared_as_it_is():
    row = Identity(SYMMETRIC_QUARTIC_TIME, lambda: ASYMMETRIC_QUARTIC_TIME.limit(tilt, 0), "limit c -> 0",
                   Basis.MATHEMATICS, ("quick",), method="limit")
    finding = row.finding()
    assert finding.verdict is Verdict.VERIFIED and finding.evidence["derived"] == SYMMETRIC_QUARTIC_TIME.rhs
