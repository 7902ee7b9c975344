"""The harness: outcomes, error handling, suites, the runner and the reports."""

import json
import math

import pytest

from numerics.estimators import CensoredError
from theory import UnknownIdError
from verify import Check, Context, Finding, Verdict, checks_in, get_check, run_suite
from verify.report import render_markdown, write_json, write_markdown
from verify.suite import SUITES

CLAIM = ("kramers.mean_escape_time",)


def make(body, **kwargs):
    return Check("test.check", CLAIM, "symbolic", "a test check", body, **kwargs)


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
    assert [c.id for c in checks_in("quick", only="kramers.units")] == ["kramers.units"]
    assert {c.id for c in checks_in("quick", only="units")} == {"kramers.units", "imkeller.units", "battash.eq12_units"}
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
    assert {"suite", "started", "seconds", "device", "versions", "outcomes"} <= set(data)
    assert data["versions"]["torch"].startswith("2.") and data["device"].startswith("cpu")
    for outcome in data["outcomes"]:
        assert {"check", "claim", "source", "method", "verdict", "evidence", "seconds", "seed"} <= set(outcome)
        assert outcome["verdict"] == "VERIFIED"
    markdown = write_markdown(report, tmp_path / "r.md").read_text()
    assert markdown.startswith("# escape-theory verification report") and "| kramers.asymmetric_limit |" in markdown
    assert render_markdown(report) == markdown


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
