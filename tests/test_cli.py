"""The `escape` command line, run in-process with click's runner."""

import json

import pytest
from click.testing import CliRunner

from verify import cli
from verify.check import Check, Finding
from verify.outcome import Basis, Verdict
from verify.suite import _CHECKS, register_check


@pytest.fixture
def escape():
    runner = CliRunner()
    return lambda *args: runner.invoke(cli.main, list(args))


def test_list_and_show(escape):
    result = escape("list")
    assert result.exit_code == 0 and "kramers.mean_escape_time" in result.output
    result = escape("list", "--checks")
    assert result.exit_code == 0 and "kramers.mc_vs_exact" in result.output
    result = escape("show", "kramers.symmetric_quartic_time")
    assert result.exit_code == 0 and "derivation:" in result.output and "H_a = U''(a)" in result.output
    result = escape("show", "kramers.mean_escape_time", "--latex")
    assert result.exit_code == 0 and "\\sim" in result.output


def test_derive_limit_returns_the_simplified_expression(escape):
    result = escape("derive", "limit", "kramers.asymmetric_quartic_time", "c", "0")
    assert result.exit_code == 0
    assert result.output.strip().splitlines()[-1] == "sqrt(2)*pi*exp(1/(4*D))"


def test_derive_compare(escape):
    result = escape("derive", "compare", "kramers.symmetric_quartic_time", "kramers.symmetric_quartic_time")
    assert result.exit_code == 0 and "identical (decided by sympy)" in result.output


@pytest.mark.parametrize("args, message", [
    (("show", "kramers.nope"), "unknown claim"),
    (("derive", "limit", "kramers.asymmetric_quartic_time", "q", "0"), "has no symbol 'q'"),
    (("derive", "limit", "kramers.asymmetric_quartic_time", "c", "1+"), "cannot read the limit value"),
    (("verify", "--suite", "nightly"), "unknown suite"),
    (("verify", "--device", "tpu"), "device"),
    (("notebook", "nothing", "-o", "out"), "unknown check or suite"),
])
def test_user_errors_are_one_line_with_exit_code_2(escape, args, message):
    result = escape(*args)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_verify_writes_reports_and_exit_codes(escape, tmp_path):
    result = escape("verify", "--suite", "quick", "--only", "kramers.mean_escape_time.units", "--json",
                    str(tmp_path / "r.json"), "--markdown", str(tmp_path / "r.md"))
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "r.json").read_text())
    assert [o["check"] for o in data["outcomes"]] == ["kramers.mean_escape_time.units"]
    assert (tmp_path / "r.md").exists()


@pytest.fixture
def failing_checks():
    refuted = Check("test.refuted", ("kramers.mean_escape_time",), "symbolic", "", lambda c, p: Finding(
        Verdict.REFUTED, "found a gap"), suites=("quick",), basis=Basis.MODEL)
    broken = Check("test.broken", ("kramers.mean_escape_time",), "symbolic", "", lambda c, p: 1 / 0,
                   suites=("quick",), basis=Basis.MODEL)
    register_check(refuted)
    register_check(broken)
    yield
    del _CHECKS["test.refuted"], _CHECKS["test.broken"]


def test_refuted_is_a_finding_error_is_a_failure(escape, failing_checks):
    assert escape("verify", "--only", "test.refuted").exit_code == 0
    assert escape("verify", "--only", "test.refuted", "--fail-on", "refuted").exit_code == 1
    result = escape("verify", "--only", "test.broken")
    assert result.exit_code == 1 and "ERROR" in result.output


REMARK = "in 001's clock (per iteration) the verdict would be REFUTED"


@pytest.fixture
def basis_checks():
    """A statement that agrees with its own proof only (CONSISTENT WITH ITS PROOF), citing a comparator and carrying a
    remark, and one VERIFIED by a model derivation."""
    consistent = Check("test.consistent", ("kramers.mean_escape_time", "kramers.symmetric_quartic_time"), "symbolic",
                       "", lambda c, p: Finding(Verdict.VERIFIED, "agrees with its proof", remarks=(REMARK,)),
                       suites=("quick",), basis=Basis.PAPER)
    verified = Check("test.verified", ("kramers.exact_mfpt",), "symbolic", "",
                     lambda c, p: Finding(Verdict.VERIFIED, "agrees with the generator"), suites=("quick",),
                     basis=Basis.MODEL)
    register_check(consistent)
    register_check(verified)
    yield
    del _CHECKS["test.consistent"], _CHECKS["test.verified"]


def test_verify_prints_basis_comparators_remarks_and_counts_consistent_apart(escape, basis_checks, tmp_path,
                                                                             monkeypatch):
    from rich.console import Console

    # a wide terminal with colours, so that lines do not wrap and each verdict's colour can be read
    monkeypatch.setattr(cli, "console", Console(force_terminal=True, color_system="standard", width=400))
    result = escape("verify", "--only", "test.[cv]*", "--json", str(tmp_path / "r.json"))
    assert result.exit_code == 0, result.output   # CONSISTENT is not a failure
    lines = result.output.splitlines()
    stream = next(line for line in lines if "test.consistent (" in line)
    assert "\x1b[36mCONSISTENT WITH ITS PROOF" in stream      # its own colour (cyan), not VERIFIED's green
    assert "test.consistent (the paper's own proof, " in stream
    assert "(comparators: kramers.symmetric_quartic_time)" in stream
    assert "\x1b[32m" in next(line for line in lines if "test.verified (" in line)
    assert "test.verified (model derivation, " in result.output
    assert any(f"remark: {REMARK}" in line for line in lines)     # under the summary, in the table
    assert any("agrees with its proof (comparators: kramers.symmetric_quartic_time)" in line for line in lines)
    plain = [line for line in lines if "checks in" in line or " claims:" in line]
    assert plain[0].endswith(": 1 VERIFIED, 1 CONSISTENT WITH ITS PROOF")
    assert plain[1] == "3 claims: 1 VERIFIED, 1 CONSISTENT WITH ITS PROOF, 1 only cited"
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["counts"]["CONSISTENT WITH ITS PROOF"] == 1 and data["counts"]["VERIFIED"] == 1
    assert data["claims"] == {"kramers.mean_escape_time": "CONSISTENT WITH ITS PROOF",
                              "kramers.symmetric_quartic_time": None, "kramers.exact_mfpt": "VERIFIED"}
    consistent = next(o for o in data["outcomes"] if o["check"] == "test.consistent")
    assert consistent["verdict"] == "CONSISTENT WITH ITS PROOF" and consistent["basis"] == "the paper's own proof"
    assert consistent["comparators"] == ["kramers.symmetric_quartic_time"] and consistent["remarks"] == [REMARK]
