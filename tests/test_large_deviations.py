"""Seed 003 (ibayashi), one test per claim id, and the minimum-action solver on cases with known answers."""

import math

import numpy as np
import pytest
import sympy as sp

from numerics.quasipotential import NotConvergedError, minimum_action_path
from theory import Ball, Model
from theory import large_deviations as L
from verify import Context, Verdict, get_check


def run(check_id):
    return get_check(check_id).run(Context(suite="quick"))


def test_ibayashi_def4_weights_by_c_inverse_not_its_root():
    outcome = run("ibayashi.def4")
    assert outcome.verdict is Verdict.REFUTED
    assert sp.simplify(sp.sympify(outcome.evidence["ratio"], locals={"c": L.c_scalar}) - L.c_scalar ** sp.Rational(-1, 2)) == 0


def test_ibayashi_lemma3():
    assert run("ibayashi.lemma3").verdict is Verdict.VERIFIED


def test_ibayashi_prop1_is_twice_delta_l():
    outcome = run("ibayashi.prop1")
    assert outcome.verdict is Verdict.REFUTED and outcome.evidence["derived"] == "2*Delta_L"
    limit, depth = outcome.evidence["1-D: extrapolated limit, Delta_L"]
    assert abs(limit - 2 * depth) < 0.01


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
    from numerics.quasipotential import quasi_potential_on_boundary
    from theory import ParameterError
    with pytest.raises(ParameterError, match="C"):
        L.continuous_sgd(sp.diag(1, 2), covariance=sp.Matrix([[1, 2], [2, 1]]))
    with pytest.raises(ParameterError, match="does not enclose"):
        quasi_potential_on_boundary(_quadratic(sp.eye(2)), [0, 0], lambda u: (3 + math.cos(2 * math.pi * u),
                                                                             math.sin(2 * math.pi * u)))


def test_ibayashi_def5_and_table1_jastrzebski():
    outcome = run("ibayashi.def5")
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.evidence["003's closed form solves its own Hamilton-Jacobi equation (Thm 4)"] is True
    assert run("ibayashi.table1_jastrzebski").verdict is Verdict.VERIFIED
