"""A user's own claim (theory.user_claim) checked like the papers' ones (verify.user_check), from Python and
from the `escape derive` command line; and `escape show` printing the steps of every derived claim."""

import pytest
import sympy as sp
from click.testing import CliRunner

from numerics.exact.quadrature import mean_exit_time
from theory import all_claims, get_claim
from theory import battash as B
from theory.errors import UnknownIdError, UserInputError
from theory.kramers import DOUBLE_WELL
from theory.user_claim import context_symbols, known_models, parse_expression, resolve_context, user_claim
from verify import cli
from verify.outcome import Verdict
from verify.user_check import against_limit, against_model, check_user_claim, to_leading_order

D = DOUBLE_WELL.parameters[0]
CORRECTED_KRAMERS = "sqrt(2)*pi*exp(1/(4*D))*(1 + 3*D/2)"
#: Thm 4.1 keeps m_bar_l and beta_l as symbols; at gamma = 1 they are (seed 000, Thm 4.1):
THM_4_1_DEFINITIONS = {"beta_l": "2*epsilon**(rho*alpha_l)/alpha_l",
                       "m_bar_l": "lambda_bar_l**alpha_l*epsilon**alpha_l/alpha_l"}


@pytest.fixture
def escape():
    runner = CliRunner()
    return lambda *args: runner.invoke(cli.main, list(args))


# ------------------------------------------------------------------------------ reading a claim
def test_text_names_resolve_to_the_models_symbols():
    claim = user_claim(CORRECTED_KRAMERS, model="kramers.DOUBLE_WELL", relation="~")
    assert claim.rhs.free_symbols == {D} and next(iter(claim.rhs.free_symbols)).is_positive
    assert claim.model is DOUBLE_WELL and claim.relation == "~"
    assert sp.simplify(claim.rhs - sp.sqrt(2) * sp.pi * sp.exp(1 / (4 * D)) * (1 + sp.Rational(3, 2) * D)) == 0
    assert "user" in claim.source and claim.derivation.steps[0].description.startswith("read from the text")


def test_a_sympy_expression_adopts_the_models_symbols_by_name():
    plain_D = sp.Symbol("D")  # no assumptions: a different symbol to SymPy
    claim = user_claim(sp.exp(1 / plain_D), model=DOUBLE_WELL)
    assert claim.rhs == sp.exp(1 / D)


def test_x_caret_and_exact_fractions():
    symbols = context_symbols(model=DOUBLE_WELL)
    assert parse_expression("x^2 + 1/2", symbols) == symbols["x"] ** 2 + sp.Rational(1, 2)


def test_unknown_name_lists_the_known_symbols():
    with pytest.raises(UserInputError, match=r"unknown name 'q': the known symbols are D, x"):
        user_claim("q*D", model="kramers.DOUBLE_WELL")


@pytest.mark.parametrize("text, message", [
    ("__import__('os').system('true')", "not an allowed function"),
    ("D.__class__", "not allowed"),
    ("exp(D)[0]", "not allowed"),
    ("(lambda: 1)()", "cannot call"),
    ("'D'", "not a number"),
    ("exp(D, evaluate=False)", "positional arguments only"),
    ("D if D else 1", "not allowed"),
    ("9**9**9", "too large"),
    ("(10**9)**2", "nested"),
    ("tau = D", "right-hand side only"),
    ("2D", "write products with *"),
    ("1/0", "undefined"),
    ("", "empty"),
])
def test_text_that_is_not_a_formula_is_refused_before_evaluation(text, message):
    with pytest.raises(UserInputError, match=message):
        parse_expression(text, context_symbols(model=DOUBLE_WELL))


def test_a_symbol_shadows_the_function_of_the_same_name():
    # battash's gamma is the scheduler exponent, so gamma(2) is not the Gamma function there
    with pytest.raises(UserInputError, match="gamma is a symbol here"):
        user_claim("gamma(2)", model="battash.thm4_1")


def test_context_ids_and_errors():
    assert known_models()["kramers.DOUBLE_WELL"] is DOUBLE_WELL
    assert resolve_context("kramers.double_well") == (DOUBLE_WELL, None)
    assert resolve_context("kramers.symmetric_quartic_time") == (DOUBLE_WELL, get_claim("kramers.symmetric_quartic_time"))
    with pytest.raises(UnknownIdError, match="did you mean"):
        resolve_context("kramers.DOUBLE_WEL")
    with pytest.raises(UserInputError, match="relation must be one of"):
        user_claim("D", model=DOUBLE_WELL, relation="<")
    with pytest.raises(UserInputError, match="needs a context"):
        user_claim("1")


# ------------------------------------------------------------------------------ against a theorem's limit
def test_battash_cor4_2_corrected_against_the_limit_of_thm4_1():
    """Seed 000 Cor 4.2 as stated differs from the gamma -> 1 limit of Thm 4.1 by 2 lambda^(1-alpha); the
    user's corrected corollary equals it."""
    stated = against_limit(B.COR_4_2, "battash.thm4_1", "gamma", 1, definitions=THM_4_1_DEFINITIONS)
    assert stated.verdict is Verdict.REFUTED
    assert sp.simplify(stated.evidence["ratio"] - 2 * B.lam_bar ** (1 - B.alpha_l)) == 0
    corrected = user_claim("2/(A_lnu*beta_S*Phi_l*lambda_bar_l**alpha_l*epsilon**(alpha_l*(1 - rho)))",
                           model="battash.cor4_2")
    finding = against_limit(corrected, "battash.thm4_1", "gamma", 1, definitions=THM_4_1_DEFINITIONS)
    assert finding.verdict is Verdict.VERIFIED and finding.evidence["difference"] == 0
    replacement = parse_expression(stated.correction["text"], context_symbols(claim=corrected))
    assert sp.simplify(replacement - corrected.rhs) == 0
    # written in the theorem's own symbols, no definitions are needed
    in_theorem_symbols = user_claim("beta_l/(A_lnu*beta_S*m_bar_l*Phi_l)", model="battash.cor4_2")
    assert against_limit(in_theorem_symbols, B.THM_4_1, "gamma", 1).verdict is Verdict.VERIFIED


def test_kramers_leading_order():
    corrected = user_claim(CORRECTED_KRAMERS, model="kramers.DOUBLE_WELL", relation="~")
    finding = to_leading_order(corrected, "kramers.symmetric_quartic_time", "D", 0)
    assert finding.verdict is Verdict.VERIFIED and finding.evidence["limit of the ratio"] == 1
    assert sp.simplify(finding.evidence["ratio claim / reference"] - (1 + sp.Rational(3, 2) * D)) == 0
    missing_sqrt2 = user_claim("pi*exp(1/(4*D))", model="kramers.DOUBLE_WELL", relation="~")
    finding = to_leading_order(missing_sqrt2, "kramers.symmetric_quartic_time", "D", 0)
    assert finding.verdict is Verdict.REFUTED and finding.evidence["limit of the ratio"] == sp.sqrt(2) / 2


# ------------------------------------------------------------------------------ against the Model
def test_quadrature_decides_with_the_stated_tolerance():
    exact = float(mean_exit_time(DOUBLE_WELL.bind(D=0.1)))
    corrected = user_claim(CORRECTED_KRAMERS, model="kramers.DOUBLE_WELL", relation="~")
    finding = against_model(corrected, {"D": 0.1}, method="quadrature", tolerance=0.1)
    claim_value = float(corrected.rhs.subs(D, 0.1))
    assert finding.evidence["exact / claim"] == pytest.approx(exact / claim_value, rel=1e-10)
    assert finding.verdict is Verdict.VERIFIED          # 6.5 % off, within the stated 10 %
    kramers = against_model(get_claim("kramers.symmetric_quartic_time"), {"D": 0.1}, method="quadrature",
                            tolerance=0.1)
    assert kramers.evidence["exact / claim"] > 1.2 and kramers.verdict is Verdict.REFUTED


def test_an_exponentially_large_time_is_judged_in_log_space():
    """At D = 1e-9 Kramers' time is exp(2.5e8): no float holds it, the quadrature and the claim meet in log space
    (issue 17: it used to be an ERROR "not finite")."""
    from verify.check import Check, Context

    claim = get_claim("kramers.symmetric_quartic_time")
    finding = against_model(claim, {"D": 1e-9}, method="quadrature")
    assert finding.evidence["log claim"] == pytest.approx(0.25e9, rel=1e-6)
    assert finding.evidence["log exact"] == pytest.approx(finding.evidence["log claim"], rel=1e-12)
    assert isinstance(finding.evidence["claim"], str) and "e+" in finding.evidence["claim"]
    outcome = Check("t", (claim.id,), "quadrature", "", lambda c, p: finding).run(Context())
    assert outcome.verdict is not Verdict.ERROR


@pytest.fixture(scope="module")
def exact_at_half():
    return float(mean_exit_time(DOUBLE_WELL.bind(D=0.5)))


MC = dict(method="montecarlo", n_paths=4000, dt=0.01, seed=3, device="cpu", false_alarm=1e-4)


@pytest.mark.parametrize("factor, relation, verdict", [
    (1.0, "=", Verdict.VERIFIED),
    (1.3, "=", Verdict.REFUTED),
    (0.7, "=", Verdict.REFUTED),
    (1.3, "<=", Verdict.VERIFIED),
    (0.7, "<=", Verdict.REFUTED),
    (0.7, ">=", Verdict.VERIFIED),
])
def test_montecarlo_interval_test(exact_at_half, factor, relation, verdict):
    claim = user_claim(sp.Float(factor * exact_at_half, 20), model=DOUBLE_WELL, relation=relation)
    finding = against_model(claim, {"D": 0.5}, **MC)
    evidence = finding.evidence
    assert "1 - 0.0001" in evidence["confidence"] and evidence["simulation"]["seed"] == 3
    assert evidence["predicted Euler bias"] > 0       # discrete monitoring exits late
    low, high = evidence["allowed gap"]
    assert (low <= evidence["gap (simulated - claim)"] <= high) == (verdict is Verdict.VERIFIED)
    assert finding.verdict is verdict


def test_montecarlo_reproduces_and_reports_censoring(exact_at_half):
    claim = user_claim(sp.Float(exact_at_half, 20), model=DOUBLE_WELL)
    first, second = (against_model(claim, {"D": 0.5}, **MC) for _ in range(2))
    assert first.evidence["simulated mean"] == second.evidence["simulated mean"]
    short = against_model(claim, {"D": 0.5}, **{**MC, "n_paths": 500}, max_time=1.0)
    assert short.verdict is Verdict.INCONCLUSIVE and "raise max_time" in short.summary


def test_model_inputs_are_checked_before_running():
    corrected = user_claim(CORRECTED_KRAMERS, model="kramers.DOUBLE_WELL", relation="~")
    with pytest.raises(UserInputError, match="missing D"):
        against_model(corrected, {}, method="quadrature")
    with pytest.raises(UserInputError, match="cannot set 'E'"):
        against_model(corrected, {"D": 0.1, "E": 1}, method="quadrature")
    with pytest.raises(UserInputError, match="has no Model"):
        against_model(B.COR_4_2, {"rho": 0.5}, method="quadrature")
    with pytest.raises(UserInputError, match="nothing to check"):
        check_user_claim(corrected)


def test_check_user_claim_returns_outcomes():
    corrected = user_claim(CORRECTED_KRAMERS, model="kramers.DOUBLE_WELL", relation="~")
    outcomes = check_user_claim(corrected, leading_order=("kramers.symmetric_quartic_time", "D", "0"),
                                at={"D": 0.1}, methods=("quadrature",), tolerance=0.1)
    assert [o.method for o in outcomes] == ["limit", "quadrature"]
    assert all(o.claim == "user.claim" and "stated by the user" in o.source for o in outcomes)
    assert [o.verdict for o in outcomes] == [Verdict.VERIFIED, Verdict.VERIFIED]


# ------------------------------------------------------------------------------ command line
def test_cli_derive_check_user_claim(escape, tmp_path):
    result = escape("derive", "check", "--expr", CORRECTED_KRAMERS, "--model", "kramers.DOUBLE_WELL",
                    "--relation", "~", "--leading-order", "kramers.symmetric_quartic_time", "D", "0",
                    "--at", "D=0.1", "--method", "quadrature", "--tolerance", "0.1", "--json", str(tmp_path / "o.json"))
    assert result.exit_code == 0, result.output
    assert "derivation:" in result.output and "read from the text" in result.output
    assert result.output.count("VERIFIED") == 2 and "exact / claim: 1.06" in result.output
    assert (tmp_path / "o.json").exists()


def test_cli_derive_check_corollary(escape):
    args = ["--limit-of", "battash.thm4_1", "gamma", "1"]
    for name, value in THM_4_1_DEFINITIONS.items():
        args += ["--define", f"{name}={value}"]
    result = escape("derive", "check", "battash.cor4_2", *args)
    assert result.exit_code == 0, result.output
    # what the parent's limit gives, labelled as not a checked correction (battash.derived.cor4_2 is that claim)
    assert "REFUTED" in result.output and "not a checked correction" in result.output
    assert "passes its own checks): 2*epsilon**" in result.output
    assert "limit gamma -> 1" in result.output   # the steps of the derived limit


@pytest.mark.parametrize("args, message", [
    (("derive", "check", "--expr", "D"), "--expr with --model"),
    (("derive", "check", "--expr", "D", "--model", "kramers.DOUBLE_WEL", "--at", "D=1"), "did you mean"),
    (("derive", "check", "--expr", "D", "--model", "kramers.DOUBLE_WELL"), "nothing to check"),
    (("derive", "check", "--expr", "D", "--model", "kramers.DOUBLE_WELL", "--at", "D"), "write NAME=VALUE"),
    (("derive", "check", "--expr", "D", "--model", "kramers.DOUBLE_WELL", "--at", "D=1", "--device", "tpu"),
     "device"),
    (("derive", "limit", "--expr", "D", "D", "0"), "--expr needs --model"),
    (("derive", "limit", "kramers.asymmetric_quartic_time", "c", "__import__('os')"), "cannot read the limit value"),
    (("derive", "compare", "kramers.symmetric_quartic_time"), "usage:"),
])
def test_cli_user_errors_are_one_line(escape, args, message):
    result = escape(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output and len(result.output.strip().splitlines()) == 1


def test_cli_limit_and_compare_of_a_user_claim(escape):
    result = escape("derive", "limit", "--expr", "D*exp(-1/(4*D))", "--model", "kramers.DOUBLE_WELL", "D", "oo")
    assert result.exit_code == 0 and result.output.strip().splitlines()[-1] == "oo"
    result = escape("derive", "compare", "--expr", CORRECTED_KRAMERS, "--model", "kramers.DOUBLE_WELL",
                    "kramers.symmetric_quartic_time")
    assert result.exit_code == 0 and "different" in result.output and "3⋅D" in result.output


# ------------------------------------------------------------------------------ `escape show` and derived claims
DERIVED = [c.id for c in all_claims() if c.derivation is not None]
#: claims whose source says the toolkit derived them; each must carry its Derivation
TOOLKIT_DERIVED = [c.id for c in all_claims() if any(s.paper.startswith("derived") for s in c.sources)]
KNOWN_GAPS: dict[str, str] = {}   # claim id -> why it has no derivation yet (strict xfail flags a fix)


@pytest.mark.parametrize("claim_id", DERIVED)
def test_show_prints_every_derivation_step(escape, claim_id):
    result = escape("show", claim_id)
    assert result.exit_code == 0 and "derivation:" in result.output
    steps = get_claim(claim_id).derivation.steps
    assert steps and all(step.description in result.output for step in steps)


@pytest.mark.parametrize("claim_id", [pytest.param(i, marks=pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[i]))
                                      if i in KNOWN_GAPS else i for i in TOOLKIT_DERIVED])
def test_every_toolkit_derived_claim_has_its_derivation(claim_id):
    assert get_claim(claim_id).derivation is not None


def test_derive_limit_steps(escape):
    result = escape("derive", "limit", "--steps", "kramers.asymmetric_quartic_time", "c", "0")
    assert result.exit_code == 0
    assert "kramers.asymmetric_quartic_time as stated" in result.output and "limit c -> 0" in result.output
    assert result.output.strip().splitlines()[-1] == "sqrt(2)*pi*exp(1/(4*D))"


def test_predicted_euler_bias_is_the_one_shifted_boundary_model():
    """verify.user_check's wrapper and the Kramers checks use numerics.sde.predicted_euler_bias: the exact mean exit
    time with each finite end moved out by 0.5826 sigma sqrt(dt) (Broadie, Glasserman & Kou 1997), minus the exact
    one; the moved end is the model's end plus numerics.sde.boundary_shift."""
    import dataclasses
    import math

    from numerics.exact.quadrature import exit_probability
    from theory.domain import Interval
    from numerics.sde import boundary_shift, predicted_euler_bias, shifted_boundary
    from verify.user_check import predicted_euler_bias as user_bias

    model, dt = DOUBLE_WELL.bind(D=0.5), 0.04
    bias = predicted_euler_bias(model, dt)
    assert user_bias(model, dt)[0] == bias > 0
    moved = shifted_boundary(model, dt)
    assert float(moved.domain.upper - model.domain.upper) == pytest.approx(boundary_shift(math.sqrt(2 * 0.5), dt))
    assert moved.domain.lower == model.domain.lower  # -oo stays
    assert bias == float(mean_exit_time(moved)) - float(mean_exit_time(model))
    # any exit quantity: P(exit upper) between two absorbing ends, the known exact value passed in
    two_ended = dataclasses.replace(model, domain=Interval(-1.4, 1.2))
    exact_p = float(exit_probability(two_ended))
    assert predicted_euler_bias(two_ended, dt, exit_probability, exact=exact_p) == float(
        exit_probability(shifted_boundary(two_ended, dt))) - exact_p
