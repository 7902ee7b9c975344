"""Seed 003 (ibayashi), one test per claim id, and the minimum-action solver on cases with known answers."""

import math

import numpy as np
import pytest
import sympy as sp

from numerics.rare.quasipotential import NotConvergedError, minimum_action_path
from theory import Ball, Model, get_claim
from theory import large_deviations as L
from verify import Context, Verdict, get_check
from verify.outcome import Basis
from verify.suite import all_checks


def run(check_id):
    return get_check(check_id).run(Context(suite="quick"))


def test_ibayashi_def4_weights_by_c_inverse_not_its_root():
    outcome = run("ibayashi.def4")
    assert outcome.verdict is Verdict.REFUTED
    assert sp.simplify(sp.sympify(outcome.evidence["ratio"], locals={"c": L.c_scalar}) - L.c_scalar ** sp.Rational(-1, 2)) == 0


def test_ibayashi_lemma3():
    assert run("ibayashi.lemma3").verdict is Verdict.VERIFIED


def test_ibayashi_prop1_is_twice_delta_l():
    # against Theorem 1 + Lemma 3, from which it is said to follow: the paper's own lines
    outcome = run("ibayashi.prop1")
    assert outcome.verdict is Verdict.REFUTED and outcome.evidence["derived"] == "2*Delta_L"
    assert outcome.basis == str(Basis.PAPER) and outcome.summary.startswith("does not follow from Theorem 1 + Lemma 3")


def test_ibayashi_prop1_quadrature():
    # and against exact exit times of the proximal system: independent of the paper's lines
    outcome = run("ibayashi.prop1_quadrature")
    assert outcome.verdict is Verdict.REFUTED and outcome.basis == str(Basis.EXACT)
    assert abs(outcome.evidence["extrapolated limit"] - 2 * outcome.evidence["Delta_L = h r^2 / 2"]) < 0.01


def test_ibayashi_thm1_by_exact_quadrature():
    outcome = run("ibayashi.thm1")
    assert outcome.verdict is Verdict.VERIFIED and abs(outcome.evidence["extrapolated limit"] - 1) < 0.01


def test_ibayashi_thm2_exponent_of_lambda_max_is_minus_one():
    outcome = run("ibayashi.thm2")
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.evidence["derived"] == "2*Delta_L/lambda_max"
    assert outcome.evidence["the same derivation with 003's C^-1/2 weighting"] == "2*Delta_L/sqrt(lambda_max)"
    assert outcome.evidence["solver relative error"] < 1e-6


def test_ibayashi_lemma4_and_thm4():
    assert run("ibayashi.lemma4").verdict is Verdict.REFUTED
    outcome = run("ibayashi.thm4")
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.evidence["residual with the Freidlin-Wentzell weight C"] == "0"


def test_exact_quasi_potential_solves_its_hamilton_jacobi_equation():
    derivation = L.exact_quasi_potential(L.HESSIAN)
    assert derivation.result == L.THETA[0] ** 2 + L.THETA[1] ** 2
    assert derivation.verified and all(residual == 0 for _, residual in derivation.verified)


def _quadratic(covariance):
    x, y = sp.symbols("x y", real=True)
    H = sp.diag(3, 1)
    return Model("quadratic", (x, y), -H * sp.Matrix([x, y]), sp.Matrix(covariance), Ball((0, 0), 5), (0, 0))


def test_solver_matches_exact_quadratic_quasi_potentials():
    # C = H: V = |theta|^2; C = I: V = 2 L = 3 x^2 + y^2 (both exact, sec. 4.3 of Freidlin & Wentzell)
    assert math.isclose(minimum_action_path(_quadratic(sp.diag(sp.sqrt(3), 1)), [0, 0], [1.0, 0.5]).action, 1.25,
                        rel_tol=1e-6)
    assert math.isclose(minimum_action_path(_quadratic(sp.eye(2)), [0, 0], [1.0, 0.5]).action, 3.25, rel_tol=1e-6)


def test_solver_refuses_an_unconverged_answer():
    with pytest.raises(NotConvergedError, match="use more points"):
        x, y = sp.symbols("x y", real=True)
        loss = (x**2 - 1) ** 2 / 4 + y**2 / 2 + x * y / 4
        model = Model("double well", (x, y), sp.Matrix([-sp.diff(loss, x), -sp.diff(loss, y)]), sp.eye(2),
                      Ball((0, 0), 5), (-1, 0))
        minimum_action_path(model, np.array([-1.0307763, 0.2576942]), [0.0, 0.1], n_points=5, rtol=1e-6)


def test_ibayashi_thm2_exponent_from_exact_exit_times():
    outcome = run("ibayashi.thm2_exponent")
    assert outcome.verdict is Verdict.REFUTED
    assert abs(outcome.evidence["fitted exponent of lambda_max"] + 1) < 0.01


def test_ibayashi_lemma5_gap_order():
    outcome = get_check("ibayashi.lemma5").run(Context(suite="large_deviations"))
    assert outcome.verdict is Verdict.VERIFIED
    assert abs(outcome.evidence["fitted power of the step in the gap"] - 0.5) < 0.15


def test_ibayashi_table1_xie_has_the_derived_order():
    outcome = run("ibayashi.table1_xie")
    assert outcome.verdict is Verdict.VERIFIED and outcome.evidence["ratio"] == "2"


def test_ibayashi_sec5_sharpness_and_depth_exponents():
    outcome = get_check("ibayashi.sec5").run(Context(suite="large_deviations"))
    assert outcome.verdict is Verdict.REFUTED
    sgd = outcome.evidence["fitted exponents"]["SGD (C = H)"]
    proximal = outcome.evidence["fitted exponents"]["proximal (C = 1)"]
    assert abs(sgd["exponent of a"] + 1) < 0.01 and abs(sgd["exponent of b"]) < 0.01
    assert abs(proximal["exponent of a"]) < 0.01 and abs(proximal["exponent of b"] - 1) < 0.01


def test_ibayashi_thm3():
    outcome = run("ibayashi.thm3")
    assert outcome.verdict is Verdict.REFUTED and outcome.evidence["derived"] == "2*Delta_L/lambda_max"


def test_solver_and_exit_times_agree_with_the_exact_state_dependent_quasi_potential():
    outcome = get_check("ibayashi.solver_state_dependent").run(Context(suite="large_deviations"))
    assert outcome.verdict is Verdict.VERIFIED
    assert max(outcome.evidence["relative errors: solver, exit-time limit"]) < 2e-3


def test_monte_carlo_sweep_matches_exact_exit_times():
    outcome = get_check("ibayashi.mc_sweep").run(Context(suite="large_deviations"))
    assert outcome.verdict is Verdict.VERIFIED
    assert all(r["bias within [0.5, 1.5] x predicted +- z SE"] for r in outcome.evidence["rows"])


def test_bad_input_is_named():
    from numerics.rare.quasipotential import quasi_potential_on_boundary
    from theory import ParameterError
    with pytest.raises(ParameterError, match="C"):
        L.continuous_sgd(sp.diag(1, 2), covariance=sp.Matrix([[1, 2], [2, 1]]))
    with pytest.raises(ParameterError, match="does not enclose"):
        quasi_potential_on_boundary(_quadratic(sp.eye(2)), [0, 0], lambda u: (3 + math.cos(2 * math.pi * u),
                                                                             math.sin(2 * math.pi * u)))


def test_units_of_003():
    """Judged in 003's convention (t = k eta, an action in the unit of eps^2 = eta/B, Lemma 1); Assumption 2 (C = H*)
    makes the loss a pure number and eq. 4 (C = I) the gradient: the claims with lambda_max^(-1/2) Delta_L are not
    homogeneous, the Freidlin-Wentzell forms are."""
    outcomes = {c.claim: c.run(Context(suite="quick")) for c in all_checks()
                if c.method == "scaling" and c.claim.startswith("ibayashi.")}
    assert not [k for k, o in outcomes.items() if o.verdict is Verdict.ERROR]
    assert {k for k, o in outcomes.items() if o.verdict is Verdict.REFUTED} == {
        "ibayashi.def4", "ibayashi.def5", "ibayashi.lemma4", "ibayashi.sec5", "ibayashi.thm2", "ibayashi.thm3",
        "ibayashi.thm4"}
    # eps^2 ln E tau is a squared length when C = H; 2 lambda_max^(-1/2) Delta_L a length
    assert (outcomes["ibayashi.thm2"].evidence["lhs_factor"], outcomes["ibayashi.thm2"].evidence["rhs_factor"]) == (
        "lambda_L**2", "lambda_L")
    assert outcomes["ibayashi.table1_xie"].verdict is Verdict.VERIFIED   # Delta_L / lambda: a squared length
    # Theorem 1 holds in units with the Freidlin-Wentzell V_0; built from Definition 4's action it would not
    assert outcomes["ibayashi.thm1"].verdict is Verdict.VERIFIED and "inconsistent there" in outcomes[
        "ibayashi.thm1"].remarks[0]
    # Lemma 4 is homogeneous only with V_0 in the unit of Definition 4's action: it inherits the C^(-1/2)
    assert "consistent there" in outcomes["ibayashi.lemma4"].remarks[0]
    assert get_claim("ibayashi.thm1").unit_convention is L.CONVENTION_003


def test_ibayashi_def5_and_table1_jastrzebski():
    outcome = run("ibayashi.def5")
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.evidence["003's closed form solves its own Hamilton-Jacobi equation (Thm 4)"] is True
    assert run("ibayashi.table1_jastrzebski").verdict is Verdict.VERIFIED


# ------------------------------------------------------------------------------ derived replacements (corrections)
def test_ibayashi_corrections_name_registered_replacements():
    for check_id, replacement in (("ibayashi.def4", "ibayashi.derived.def4"), ("ibayashi.prop1", "ibayashi.derived.prop1"),
                                  ("ibayashi.prop1_quadrature", "ibayashi.derived.prop1"),
                                  ("ibayashi.thm2_exponent", "ibayashi.derived.thm2"),
                                  ("ibayashi.lemma4", "ibayashi.derived.thm2"), ("ibayashi.thm3", "ibayashi.derived.thm3"),
                                  ("ibayashi.def5", "ibayashi.derived.def5"), ("ibayashi.thm4", "ibayashi.derived.thm4")):
        outcome = run(check_id)
        assert outcome.verdict is Verdict.REFUTED and outcome.correction["claim"] == replacement, check_id
        assert outcome.claim in get_claim(replacement).relations["corrects"]


def test_ibayashi_derived_exponents_against_exact_exit_times():
    prop1 = run("ibayashi.derived.prop1.quadrature")
    assert prop1.verdict is Verdict.VERIFIED and abs(prop1.evidence["extrapolated limit"] - 2) < 1e-3
    thm2 = run("ibayashi.derived.thm2.quadrature")
    assert thm2.verdict is Verdict.VERIFIED and thm2.evidence["the replacement's exponent"] == -1.0
    assert all(r["relative gap"] < 0.005 for r in thm2.evidence["rows"])


def test_ibayashi_derived_hamilton_jacobi():
    outcome = run("ibayashi.derived.thm4.model")
    assert outcome.verdict is Verdict.VERIFIED and outcome.evidence["the slope is not the trivial root V' = 0"] is True
    assert sp.simplify(sp.sympify(outcome.evidence["slope V' (derived)"], locals={"g": L.grad_scalar, "c": L.c_scalar})
                       - 2 * L.grad_scalar / L.c_scalar) == 0


def test_ibayashi_sec5_states_no_correction():
    # the toy model (C -> a b H) and real SGD noise (a b^2 C) give different forms: what holds in the toy model is
    # evidence, not a correction
    outcome = run("ibayashi.sec5")
    assert outcome.verdict is Verdict.REFUTED and outcome.correction is None
    what = sp.sympify(outcome.evidence["what would hold (toy model, C -> a b H)"],
                      locals={s.name: s for s in (L.Delta_L, L.lam_max, L.sharpness_a, L.depth_b)})
    assert sp.simplify(what - 2 * L.Delta_L / (L.sharpness_a * L.lam_max)) == 0
