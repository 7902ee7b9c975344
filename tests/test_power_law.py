"""The power-law dynamic of seeds 002 (meng) and 004 (chen), one test per claim id: the evidence each check computes.

Statistical checks inside use false-alarm rates of 1e-4 (stated in their evidence)."""

import math

import pytest
import sympy as sp

from numerics.quadrature import mean_exit_time
from theory import ParameterError
from theory import power_law as P
from verify import Context, Verdict, get_check


def run(check_id):
    return get_check(check_id).run(Context(suite="quick"))


def parse(text):
    symbols = (P.w, P.h, P.eta, P.sigma, P.rho, P.t, P.kappa_symbol, P.epsilon_radius)
    return sp.sympify(text, locals={s.name: s for s in symbols})


def test_meng_stationary_density_is_the_kinetic_not_the_ito_density():
    outcome = run("meng.stationary_density")
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.evidence["identical to the Smoluchowski (kinetic) form's density"] is True
    ratio = parse(outcome.evidence["ratio"])
    # derived / stated = (1 + rho w^2 / sigma)^-1: the 1/D factor of the Itô density
    assert sp.simplify(ratio - 1 / (1 + P.rho * P.w**2 / P.sigma)) == 0


def test_chen_thm1_ii():
    assert run("chen.thm1_ii").verdict is Verdict.VERIFIED


def test_meng_gaussian_limit():
    outcome = run("meng.gaussian_limit")
    assert outcome.verdict is Verdict.VERIFIED


def test_chen_remark1_variance_threshold_is_minus_three_halves():
    outcome = run("chen.remark1_variance")
    assert outcome.verdict is Verdict.REFUTED and outcome.evidence["derived"] == "-3/2"
    assert outcome.evidence["density normalisable only for kappa <"] == "-1/2"


def test_chen_remark1_drift_is_off_by_two():
    outcome = run("chen.remark1_drift")
    assert outcome.verdict is Verdict.REFUTED
    assert parse(outcome.evidence["derived drift at 004's kappa (must be the model's -h z)"]) == -P.h * P.w


def test_chen_thm1_i_moment_rate():
    outcome = run("chen.thm1_i")
    assert outcome.verdict is Verdict.REFUTED
    k = P.k_
    assert sp.simplify(sp.sympify(outcome.evidence["derived"], locals={"k": k, "h": P.h, "eta": P.eta, "rho": P.rho})
                       - (-2 * k * P.h + k * (2 * k - 1) * P.eta * P.rho)) == 0
    assert outcome.evidence["the two thresholds agree"] is True


def test_chen_eq6_9_fails_as_a_bound_when_sigma_exceeds_rho():
    outcome = run("chen.eq6_9")
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.evidence["stated - exact, worst"] < 0 and outcome.evidence["at"]["sigma"] > outcome.evidence["at"]["rho"]


def test_meng_prop2_solves_no_fokker_planck_equation():
    outcome = run("meng.prop2")
    assert outcome.verdict is Verdict.REFUTED
    assert min(outcome.evidence["relative residual |dp/dt - L* p| / |dp/dt|, max over points"].values()) > 0.1


def test_meng_thm9_moment():
    outcome = run("meng.thm9_moment")
    assert outcome.verdict is Verdict.REFUTED
    assert all(r["ratio"] > 1.5 for r in outcome.evidence["rows"])


def test_meng_thm4_power_of_t_is_one():
    outcome = run("meng.thm4")
    assert outcome.verdict is Verdict.REFUTED and outcome.evidence["derived"] == "1"


def test_meng_thm4_escaping_time():
    outcome = run("meng.thm4_escaping_time")
    assert outcome.verdict is Verdict.REFUTED
    assert parse(outcome.evidence["derived"]) == P.epsilon_radius**2 / (P.eta * P.sigma)


def test_meng_langevin_limit_has_twice_the_exponent():
    outcome = run("meng.langevin_limit")
    assert outcome.verdict is Verdict.REFUTED
    assert "exp(2*Delta_L/(eta*sigma))" in outcome.evidence["derived"]


def test_meng_table1_and_thm10():
    assert run("meng.table1").verdict is Verdict.REFUTED
    outcome = run("meng.thm10")
    assert outcome.verdict is Verdict.REFUTED and parse(outcome.evidence["ratio"]) in (-1, sp.Integer(-1))


def test_meng_thm6_is_its_proof_recomputed():
    assert run("meng.thm6_proof").verdict is Verdict.VERIFIED


def test_meng_thm6_against_exact_exit_times():
    outcome = run("meng.thm6_quadrature")
    assert outcome.verdict is Verdict.REFUTED
    last = outcome.evidence["rows"][-1]
    factor = outcome.evidence["1 + mu Delta_L / sigma"]
    assert abs(last["stated / Itô"] - 2 / factor) < 0.02 and abs(last["stated / kinetic"] - 2) < 0.04
    assert abs(last["derived Itô / exact"] - 1) < 0.02 and abs(last["derived kinetic / exact"] - 1) < 0.02


def test_chen_generator_misses_one_half():
    outcome = run("chen.generator_A1")
    assert outcome.verdict is Verdict.REFUTED and "/2" in outcome.correction["text"]


def test_chen_eq5_2():
    outcome = run("chen.eq5_2")
    assert outcome.verdict is Verdict.REFUTED and outcome.evidence["ratio"] > 1.5


def test_chen_thm3_needs_a_radius_dependent_constant():
    outcome = run("chen.thm3")
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.evidence["largest |exact - derived limit|"] < 0.01 < 1 < outcome.evidence["spread of C"]


def test_chen_thm4_error_term_does_not_vanish():
    outcome = run("chen.thm4")
    assert outcome.verdict is Verdict.INCONCLUSIVE and outcome.evidence["limit eps -> 0 at fixed T"] != "0"


def test_discrete_exit_time_approaches_the_continuous_one_like_sqrt_eps():
    outcome = run("chen.thm4_mc")
    assert outcome.evidence["gaps resolved (each > z SE)"] is True
    assert abs(outcome.evidence["fitted power of the step in the gap"] - 0.5) < 0.15


def test_meng_prop1_on_the_regression_example():
    outcome = run("meng.prop1")
    assert outcome.verdict is Verdict.REFUTED and outcome.evidence["largest off-diagonal covariance"] > 0.05


def test_meng_stationary_density_against_simulation():
    outcome = run("meng.stationary_mc")
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.evidence["rows"]["Itô (derived) = chen.thm1_ii"]["p-value"] > 1e-4


def test_second_moment_against_simulation():
    outcome = run("meng.second_moment_mc")
    assert outcome.verdict is Verdict.REFUTED
    assert all(r["exact within interval"] for r in outcome.evidence["rows"])


def test_chen_coupling_bounds_hold():
    outcome = run("chen.coupling_mc")
    assert outcome.verdict is Verdict.VERIFIED
    one_d = [r for r in outcome.evidence["rows"] if r["model"].startswith("1-D")]
    assert one_d and all(r["E r (MC)"] <= r["derived (eta rho - 2h)"] for r in one_d)


def test_synchronous_coupling_of_additive_noise_is_deterministic():
    # dX = -h X dt + s dB: X - Y = (x0 - y0)(1 - h dt)^k exactly under shared increments
    from numerics.coupling import synchronous_coupling
    from theory.domain import Interval
    from theory.model import Model
    model = Model("OU", (P.w,), sp.Matrix([-2 * P.w]), sp.Matrix([[1]]), Interval(-50, 50), (0,))
    result = synchronous_coupling(model, [1.0], [-1.0], n_paths=100, dt=0.01, times=[0.5], seed=1)
    assert math.isclose(result.mean_squared_distance[0], 4 * (1 - 0.02) ** 100, rel_tol=1e-12)


def test_coupled_form_needs_positive_definite_covariances():
    with pytest.raises(ParameterError, match="Sigma_g"):
        P.coupled_model([[1, 0], [0, 1]], [[1, 2], [2, 1]], [[1, 0], [0, 1]], 0.1)


def test_meng_thm6_quadrature_against_simulation():
    assert run("meng.thm6_mc").verdict is Verdict.VERIFIED


def test_float_parameters_give_the_same_exit_time_as_rationals():
    # SymPy integrates -2.0 w/(0.05 w^2 + 0.025) to -40.0 log(w): the scale density must not depend on that
    floats = P.POWER_LAW.bind({"h": 1.0, "eta": 0.05, "sigma": 0.5, "rho": 1.0, "r": 1.0})
    rationals = P.POWER_LAW.bind({"h": 1, "eta": sp.Rational(1, 20), "sigma": sp.Rational(1, 2), "rho": 1, "r": 1})
    assert math.isclose(mean_exit_time(floats, x0=0).log_value, mean_exit_time(rationals, x0=0).log_value,
                        rel_tol=1e-10)


def test_exponent_domain_is_checked():
    assert P.normalisable_exponent(-1.0) == -1.0
    with pytest.raises(ParameterError, match="integrable"):
        P.normalisable_exponent(-0.25)
    with pytest.raises(ParameterError, match="kappa"):
        P.kappa_constraint(0.8, 2 / 3, "the second moment of the kappa-distribution is finite only for kappa < 2/3")


def test_meng_table1_langevin():
    outcome = run("meng.table1_langevin")
    assert outcome.verdict is Verdict.VERIFIED


def test_stationary_second_moment_needs_eta_rho_below_2h():
    assert math.isclose(P.stationary_second_moment(1.0, 0.1, 1.0, 2.0), 0.1 / 1.8)
    with pytest.raises(ParameterError, match="eta\\*rho < 2h"):
        P.stationary_second_moment(1.0, 0.5, 1.0, 4.0)


def test_simulate_states_of_brownian_motion():
    # dX = dW from 0: Var X(1) = 1; 20 000 paths, z = 4.42 on the variance estimate (sd sqrt(2/n))
    from numerics.coupling import simulate_states
    from theory.domain import Interval
    from theory.model import Model
    model = Model("BM", (P.w,), sp.Matrix([0]), sp.Matrix([[1]]), Interval(-50, 50), (0,))
    states = simulate_states(model, [0.0], n_paths=20_000, dt=0.01, times=[1.0], seed=2)
    assert states[1.0].shape == (20_000, 1)
    assert abs(float((states[1.0] ** 2).mean()) - 1) < 4.42 * math.sqrt(2 / 20_000)
