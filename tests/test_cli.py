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


def test_list_finds_a_theorem_by_its_number(escape):
    """A reader finds a theorem's claim by the number the paper gives it, in any of its spellings."""
    from theory import get_claim

    thm41, thm45 = get_claim("battash.thm4_1"), get_claim("battash.thm4_5")
    for spelling in ("Thm 4.1", "theorem 4.1", "THEOREM4.1"):
        assert cli._matches(thm41, spelling) and not cli._matches(thm45, spelling)
    assert not cli._matches(thm41, "Thm 4.10")                                     # 4.1 is not 4.10
    assert cli._matches(thm41, "Thm 4") and cli._matches(thm45, "Thm 4")            # a section finds its theorems
    result = escape("list", "--find", "Theorem 4.1")
    assert result.exit_code == 0 and "battash.thm4_1" in result.output
    result = escape("list", "--find", "Theorem 99.9")
    assert result.exit_code == 2 and "no claim matches" in result.output


def test_derive_limit_returns_the_simplified_expression(escape):
    result = escape("derive", "limit", "kramers.asymmetric_quartic_time", "c", "0")
    assert result.exit_code == 0
    assert result.output.strip().splitlines()[-1] == "sqrt(2)*pi*exp(1/(4*D))"


@pytest.mark.parametrize("args, answer", [
    # a positive D tends to 0 from above without being told (the two-sided limit does not exist)
    (("kramers.symmetric_quartic_time", "D", "0"), "oo"),
    # SymPy needs the sign of c's polynomial: declared, or c given a value, it answers
    (("kramers.asymmetric_quartic_time", "D", "0", "--positive", "c"), "oo"),
    (("kramers.asymmetric_quartic_time", "D", "0", "--define", "c=1/2"), "oo"),
])
def test_derive_limit_takes_the_side_from_the_domain(escape, args, answer):
    result = escape("derive", "limit", *args)
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == answer


@pytest.mark.parametrize("args, message", [
    (("kramers.asymmetric_quartic_time", "D", "0"), "declare what decides it (e.g. that c is positive"),
    (("kramers.symmetric_quartic_time", "--", "D", "-1"), "outside D's declared domain (0, oo)"),
    (("kramers.symmetric_quartic_time", "D", "0", "--direction", "-"), "tends to 0 only from above"),
    (("kramers.symmetric_quartic_time", "D", "0", "--define", "q=1"), "'q' is not a symbol"),
])
def test_derive_limit_refuses_in_one_line(escape, args, message):
    result = escape("derive", "limit", *args)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_limit_sympy_cannot_take_falls_back_to_mpmath_and_says_so():
    """lim x -> 0+ of Gamma(x) x = 1, computed numerically when SymPy is not used, and labelled numeric."""
    import sympy as sp

    from theory.claim import numeric_limit

    x = sp.Symbol("x", positive=True)
    value = numeric_limit(sp.gamma(x) * x, x, sp.Integer(0), "+", NotImplementedError("test"))
    assert abs(float(value) - 1) < 1e-12
    with pytest.raises(Exception, match="choose a side"):
        numeric_limit(sp.gamma(x) * x, x, sp.Integer(0), "+-", NotImplementedError("test"))


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


@pytest.mark.parametrize("args", [
    ("verify", "--only", "kramers.mean_escape_time.units", "--json", "/proc/escape/r.json"),
    ("verify", "--only", "kramers.mean_escape_time.units", "--markdown", "/proc/r.md"),
    ("derive", "check", "kramers.symmetric_quartic_time", "--limit-of", "kramers.asymmetric_quartic_time", "c", "0",
     "--json", "/proc/escape/x.json"),
    ("sweep", "kramers", "--json", "/proc/x.json"),
    ("sweep", "kramers", "--checkpoint", "/proc/escape-ck"),
    ("catalogue", "-o", "/proc/c.md"),
    ("notebook", "kramers.exact_mfpt.units", "-o", "/proc/nb"),
    ("bench", "--quick", "--json", "/proc/b.json"),
])
def test_an_unwritable_output_is_refused_before_any_work(escape, args):
    """Every command checks its output paths first: one line, exit 2, and nothing ran (no table was printed)."""
    result = escape(*args)
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: ") and len(result.output.strip().splitlines()) == 1
    assert "/proc" in result.output


def test_a_report_that_fails_to_write_does_not_cost_the_others(escape, tmp_path, monkeypatch):
    import verify.reports

    def broken(report, path):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(verify.reports, "write_markdown", broken)
    result = escape("verify", "--only", "kramers.mean_escape_time.units", "--markdown", str(tmp_path / "r.md"),
                    "--json", str(tmp_path / "r.json"))
    assert result.exit_code == 2 and "No space left on device" in result.output and "r.md" in result.output
    assert json.loads((tmp_path / "r.json").read_text())["outcomes"]
    assert not list(tmp_path.glob(".*.tmp"))   # no half-written file left behind


def test_interruption_exits_130_and_says_what_was_saved(escape, monkeypatch):
    import verify.runner

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(verify.runner, "run_suite", interrupted)
    result = escape("verify", "--only", "kramers.mean_escape_time.units")
    assert result.exit_code == 130 and "interrupted" in result.output


def test_seed_reaches_checks_with_their_own_seed_and_seeds_builds_the_robustness_table(escape, tmp_path):
    """--seed 0 keeps a check's own seed; another base seed changes it (derived from both); --seeds reruns the
    stochastic checks and the report carries the table, the command line and the base seed."""
    from verify.check import combined_seed

    assert combined_seed(2026, 0) == 2026 and combined_seed(None, 3) == 3
    assert len({combined_seed(5, 1), combined_seed(6, 0), combined_seed(5, 2)}) == 3
    seen = []
    check = Check("test.seeded", ("kramers.mean_escape_time",), "montecarlo", "",
                  lambda c, p: seen.append(c.seed) or Finding(Verdict.VERIFIED, "ok"), suites=("quick",), seed=7)
    register_check(check)
    try:
        result = escape("verify", "--only", "test.seeded", "--seeds", "0-2", "--json", str(tmp_path / "r.json"))
    finally:
        del _CHECKS["test.seeded"]
    assert result.exit_code == 0, result.output
    assert seen[0] == 7 and len(set(seen)) == 3
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["robustness"] == {"test.seeded": {"0": "VERIFIED", "1": "VERIFIED", "2": "VERIFIED"}}
    assert data["seed"] == 0 and data["command"].startswith("escape verify --only test.seeded --seeds 0-2")
    assert escape("verify", "--seeds", "x-y").exit_code == 2


def test_notebook_keeps_an_existing_one_without_force_and_catalogue_needs_a_report(escape, tmp_path):
    target = tmp_path / "kramers_exact_mfpt_units.ipynb"
    target.write_text("shipped")
    result = escape("notebook", "kramers.exact_mfpt.units", "-o", str(tmp_path))
    assert result.exit_code == 2 and "--force" in result.output and target.read_text() == "shipped"
    assert escape("notebook", "kramers.exact_mfpt.units", "-o", str(tmp_path), "--force").exit_code == 0
    assert target.read_text() != "shipped"
    result = escape("catalogue", "--from", str(tmp_path / "absent.json"))
    assert result.exit_code == 2 and "no report at" in result.output
    result = escape("catalogue", "--from", str(tmp_path / "absent.json"), "--without-verdicts")
    assert result.exit_code == 0 and "not run" in result.output


def test_time_limit_stops_a_computation_in_one_line():
    import time

    from theory.errors import UserInputError

    started = time.perf_counter()
    with pytest.raises(UserInputError, match="took longer than 0.2 s"):
        with cli._time_limit(0.2, "the busy loop"):
            while True:
                pass
    assert time.perf_counter() - started < 5
    with cli._time_limit(5, "a quick sum"):   # and leaves no alarm behind
        assert sum(range(10)) == 45
    time.sleep(0.3)


@pytest.mark.parametrize("text, limit", [
    ("D*factorial(99999999999)", "numeric argument of factorial is at most"),
    ("D*gamma(10**9)", "numeric argument of gamma is at most"),
    ("exp(exp(exp(exp(exp(exp(D))))))", "function calls are nested too deeply"),
    ("D" + "**D" * 600, "nested too deeply"),
    ("(" * 600 + "D" + ")" * 600, "cannot read"),
    ("D*123456789012345678901", "is too large"),
])
def test_hostile_expressions_are_refused_by_the_limit_they_hit(escape, text, limit):
    result = escape("derive", "limit", "--expr", text, "--model", "kramers.DOUBLE_WELL", "D", "1")
    assert result.exit_code == 2 and limit in result.output and len(result.output.strip().splitlines()) == 1
    assert len(result.output) < 400


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
