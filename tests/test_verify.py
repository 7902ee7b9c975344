"""The harness: outcomes, error handling, suites, the runner and the reports."""

import json
import math

import pytest

from numerics.sde.estimators import CensoredError
from theory import UnknownIdError
from verify import Check, Context, Finding, Report, Verdict, all_checks, checks_in, get_check, run_suite
from verify.outcome import Basis
from verify.reports import read_json, render_markdown, write_json, write_markdown
from verify.suite import SUITES

CLAIM = ("kramers.mean_escape_time",)


def make(body, **kwargs):
    return Check("test.check", CLAIM, "symbolic", "a test check", body, **{"basis": Basis.MODEL, **kwargs})


def test_an_exception_becomes_an_error_outcome_with_its_reason():
    def body(context, params):
        raise RuntimeError("boom")
    outcome = make(body).run()
    assert outcome.verdict is Verdict.ERROR and "RuntimeError: boom" in outcome.summary
    assert "traceback" in outcome.evidence


def test_a_non_finite_number_is_never_silent():
    outcome = make(lambda c, p: Finding(Verdict.VERIFIED, "fine", {"value": math.nan})).run()
    assert outcome.verdict is Verdict.ERROR and "not finite" in outcome.summary
    outcome = make(lambda c, p: Finding(Verdict.VERIFIED, "fine", {"rows": [{"x": math.inf}]})).run()
    assert outcome.verdict is Verdict.ERROR


def test_censored_simulation_is_inconclusive():
    def body(context, params):
        raise CensoredError("3 of 10 paths had not exited")
    assert make(body).run().verdict is Verdict.INCONCLUSIVE


def test_suite_params_override_and_seed():
    seen = {}

    def body(context, params):
        seen.update(params, seed=context.seed)
        return Finding(Verdict.VERIFIED, "ok")
    check = make(body, params={"n": 10}, suite_params={"quick": {"n": 2}}, seed=42)
    check.run(Context(suite="quick"))
    assert seen == {"n": 2, "seed": 42}
    check.run(Context(suite="full"))
    assert seen["n"] == 10


def test_unknown_method_is_rejected():
    with pytest.raises(ValueError, match="method"):
        Check("x", CLAIM, "guess", "", lambda c, p: None)


def test_suites_and_filters():
    quick = {c.id for c in checks_in("quick")}
    assert "kramers.mc_vs_exact" in quick and quick <= {c.id for c in checks_in("full")}
    assert [c.id for c in checks_in("quick", only="kramers.mean_escape_time.units")] == ["kramers.mean_escape_time.units"]
    # every registered claim has its units check, in quick
    from theory import all_claims
    assert {c.id for c in checks_in("quick", only="*.units")} == {f"{claim.id}.units" for claim in all_claims()}
    with pytest.raises(UnknownIdError):
        checks_in("nightly")
    with pytest.raises(UnknownIdError):
        checks_in("quick", only="no-such-check")
    assert set(SUITES) >= {"quick", "full", "kramers"}
    with pytest.raises(UnknownIdError, match="did you mean"):
        get_check("kramers.unit")


def test_report_schema_and_markdown(tmp_path):
    report = run_suite("quick", only="kramers.[ag]*", device="cpu")
    data = json.loads(write_json(report, tmp_path / "r.json").read_text())
    assert {"suite", "started", "seconds", "device", "versions", "counts", "claims", "claim_counts", "outcomes"} \
        <= set(data)
    assert data["versions"]["torch"].startswith("2.") and data["device"].startswith("cpu")
    assert list(data["counts"]) == ["VERIFIED", "CONSISTENT WITH ITS PROOF", "REFUTED", "INCONCLUSIVE", "ERROR"]
    assert set(data["claims"]) == {c for o in report.outcomes for c in (o.claim, *o.comparators)}
    for outcome in data["outcomes"]:
        assert {"check", "claim", "comparators", "source", "method", "basis", "remarks", "verdict", "evidence",
                "seconds", "seed"} <= set(outcome)
        assert ", " not in outcome["claim"] and outcome["basis"]   # one claim per verdict, every verdict its basis
        assert outcome["verdict"] == "VERIFIED"
    markdown = write_markdown(report, tmp_path / "r.md").read_text()
    assert markdown.startswith("# escape-theory verification report") and "| kramers.asymmetric_limit |" in markdown
    assert "| check | claim | comparators | method | basis | verdict | summary | seconds |" in markdown
    for outcome in report.outcomes:
        assert f"| {outcome.check} | {outcome.claim} | " in markdown and f"## {outcome.check} — " \
            f"{outcome.verdict.value} ({outcome.basis})" in markdown
    assert render_markdown(report) == markdown
    assert read_json(tmp_path / "r.json").to_json() == data


def test_experiment_checks_run_on_one_thread_and_restore_the_setting():
    import torch

    seen = {}

    def body(context, params):
        seen["threads"] = torch.get_num_threads()
        return Finding(Verdict.VERIFIED, "ran")
    before = torch.get_num_threads()
    Check("test.threads", ("kramers.mean_escape_time",), "experiment", "threads", body).run()
    assert seen["threads"] == 1 and torch.get_num_threads() == before


def test_suite_order_does_not_depend_on_import_order():
    import subprocess
    import sys

    script = ("import verify.checks.{first}\nfrom verify import checks_in\n"
              "print(','.join(c.id for c in checks_in('full')))")
    orders = {subprocess.run([sys.executable, "-c", script.format(first=first)], capture_output=True, text=True,
                             check=True).stdout for first in ("rare_events", "networks_plsgd", "battash")}
    assert len(orders) == 1


def test_agreement_with_its_own_proof_is_consistent_not_verified(tmp_path):
    proof = make(lambda c, p: Finding(Verdict.VERIFIED, "the statement is its proof's last line"), basis=Basis.PAPER)
    model = Check("test.model", ("kramers.exact_mfpt", "kramers.mean_escape_time"), "symbolic", "", lambda c, p:
                  Finding(Verdict.VERIFIED, "agrees with the generator", remarks=("another clock reads it otherwise",)),
                  basis=Basis.MODEL)
    outcomes = [proof.run(), model.run()]
    assert [(o.verdict, o.basis) for o in outcomes] == [(Verdict.CONSISTENT, "the paper's own proof"),
                                                        (Verdict.VERIFIED, "model derivation")]
    assert (outcomes[1].claim, outcomes[1].comparators) == ("kramers.exact_mfpt", ["kramers.mean_escape_time"])
    report = Report("test", "now", 0.1, "cpu", {}, outcomes)
    assert report.counts() == {"VERIFIED": 1, "CONSISTENT WITH ITS PROOF": 1, "REFUTED": 0, "INCONCLUSIVE": 0,
                               "ERROR": 0}
    # kramers.mean_escape_time is judged by its proof only (CONSISTENT), and cited by test.model, whose VERIFIED is
    # about kramers.exact_mfpt
    assert report.claim_verdicts() == {"kramers.mean_escape_time": Verdict.CONSISTENT,
                                       "kramers.exact_mfpt": Verdict.VERIFIED}
    markdown = render_markdown(report)
    assert "- checks: 2: 1 VERIFIED, 1 CONSISTENT WITH ITS PROOF" in markdown
    assert "- claims: 2: 1 VERIFIED, 1 CONSISTENT WITH ITS PROOF" in markdown
    assert "| test.check | kramers.mean_escape_time | — | symbolic | the paper's own proof | " \
           "**CONSISTENT WITH ITS PROOF** |" in markdown
    assert "| test.model | kramers.exact_mfpt | kramers.mean_escape_time | symbolic | model derivation | " \
           "**VERIFIED** |" in markdown
    assert "- remark: another clock reads it otherwise" in markdown
    data = json.loads(write_json(report, tmp_path / "r.json").read_text())
    assert data["claims"] == {"kramers.mean_escape_time": "CONSISTENT WITH ITS PROOF", "kramers.exact_mfpt": "VERIFIED"}


def test_a_symbolic_check_must_declare_its_basis():
    """A symbolic or limit check says whether it derived from the Model, computed mathematics, or only recomputed the
    paper's own proof; the other methods imply their basis."""
    with pytest.raises(ValueError, match="must declare its basis"):
        Check("x", CLAIM, "symbolic", "", lambda c, p: None)
    assert Check("y", CLAIM, "montecarlo", "", lambda c, p: None).basis is Basis.SIMULATION
    assert all(check.basis is not None for check in all_checks())


def test_every_claim_has_a_units_check_in_its_papers_convention():
    from theory import all_claims

    for claim in all_claims():
        check = get_check(f"{claim.id}.units")
        assert check.method == "scaling" and check.claim == claim.id
        assert claim.unit_convention is not None, f"{claim.id} states no convention"


def test_scaling_rescales_indexed_entries_inside_sums():
    """An entry x[i] of an IndexedBase carries the base's unit, inside a Sum too (SymPy counts x[i] as an atom)."""
    import sympy as sp

    from theory.claim import Claim, Source
    from theory.units import LENGTH
    from verify.methods import scaling_finding

    u, i, n = sp.IndexedBase("u"), sp.Symbol("i", integer=True), sp.Symbol("N", positive=True, integer=True)
    lhs = sp.Symbol("total")

    def claim(unit):
        return Claim("test.indexed", "a sum", lhs, sp.Sum(u[i], (i, 1, n)), (Source("x", "y"),),
                     units={lhs: LENGTH**2, u: unit, n: LENGTH**0})

    assert scaling_finding(claim(LENGTH**2)).verdict is Verdict.VERIFIED
    refuted = scaling_finding(claim(LENGTH))
    assert refuted.verdict is Verdict.REFUTED and "lambda_L" in refuted.summary
