"""The power-law dynamic of seeds 002 (meng) and 004 (chen), one test per claim id: the evidence each check computes.

Statistical checks inside use false-alarm rates of 1e-4 (stated in their evidence)."""

import math

import pytest
import sympy as sp

from numerics.exact.quadrature import mean_exit_time
from theory import ParameterError, get_claim
from theory import power_law as P
from theory.units import CONVENTIONS
from verify import Context, Verdict, get_check
from verify.outcome import Basis
from verify.suite import all_checks


def run(check_id):
    return get_check(check_id).run(Context(suite="quick"))


def parse(text):
    symbols = (P.w, P.h, P.eta, P.sigma, P.rho, P.t, P.kappa_symbol, P.epsilon_radius, P.mu)
    return sp.sympify(text, locals={s.name: s for s in symbols})


def test_meng_stationary_density_is_the_kinetic_not_the_ito_density():
    outcome = run("meng.stationary_density")
    assert outcome.verdict is Verdict.REFUTED and outcome.basis == str(Basis.MODEL)
    assert outcome.evidence["identical to the Smoluchowski (kinetic) form's density"] is True
    ratio = parse(outcome.evidence["ratio"])
    # derived / stated = (1 + rho w^2 / sigma)^-1: the 1/D factor of the Itô density
    assert sp.simplify(ratio - 1 / (1 + P.rho * P.w**2 / P.sigma)) == 0
    # judged in 002's convention (Itô); the kinetic reading, under which it would hold, is a remark beside it
    assert len(outcome.remarks) == 1 and "would solve" in outcome.remarks[0]


def test_chen_thm1_ii():
    outcome = run("chen.thm1_ii")
    assert outcome.verdict is Verdict.VERIFIED and outcome.basis == str(Basis.MODEL)
    assert "would not solve" in outcome.remarks[0]


def test_conventions_of_002_and_004():
    for claim_id, seed in (("meng.thm6", P.SEED_002), ("chen.thm3", P.SEED_004)):
        convention = get_claim(claim_id).unit_convention
        assert convention is CONVENTIONS[seed] and convention.clock == "gradient_flow"
    assert "Itô" in P.CONVENTION_002.description and "Itô" in P.CONVENTION_004.description


def test_units_of_002_and_004():
    """Every claim of the family is judged (no ERROR); the inhomogeneous statements are refuted with what differs."""
    outcomes = {c.claim: c.run(Context(suite="quick")) for c in all_checks()
                if c.method == "scaling" and c.claim.split(".")[0] in ("meng", "chen")}
    assert not [k for k, o in outcomes.items() if o.verdict is Verdict.ERROR]
    refuted = {k for k, o in outcomes.items() if o.verdict is Verdict.REFUTED}
    assert refuted == {"chen.eq3_3", "chen.eq6_9", "chen.thm3", "meng.prop2", "meng.thm9_moment",
                       "meng.thm4_escaping_time"}
    # eq. 3.3 adds h (1/time) to rho (1/time^2): the eta of the generator is missing
    assert "terms scale differently" in outcomes["chen.eq3_3"].summary
    # eq. 5.1 takes the log of sigma + rho zeta^2, a squared gradient
    assert "log takes r**2*rho + sigma" in outcomes["chen.thm3"].summary
    # the epsilon-escaping time scales as a time times length^-kappa (kappa = eta rho / h)
    escaping = outcomes["meng.thm4_escaping_time"].evidence
    assert escaping["lhs_factor"] == "lambda_L**2/lambda_loss" and "eta*rho/h" in escaping["rhs_factor"]
    # a statement whose sides agree in units passes: Thm 6 is a time
    assert outcomes["meng.thm6"].evidence["lhs_factor"] == "lambda_L**2/lambda_loss"


def test_meng_gaussian_limit():
    outcome = run("meng.gaussian_limit")
    assert outcome.verdict is Verdict.VERIFIED


def test_chen_remark1_variance_threshold_is_minus_three_halves():
    outcome = run("chen.remark1_variance")
    assert outcome.verdict is Verdict.REFUTED and outcome.evidence["derived"] == "-3/2"
    assert outcome.evidence["density normalisable only for kappa <"] == "-1/2"


def test_chen_remark1_drift_is_off_by_two():
    outcome = run("chen.remark1_drift")
    assert outcome.verdict is Verdict.REFUTED and outcome.basis == str(Basis.MODEL)
    assert parse(outcome.evidence["derived drift at 004's kappa (must be the model's -h z)"]) == -P.h * P.w
    assert outcome.evidence["Fokker-Planck operator of the Model with the derived drift, on p_s"] == "0"
    assert outcome.evidence["the recipe gives the derived drift"] is True


def test_chen_eq3_3():
    outcome = run("chen.eq3_3")
    assert outcome.verdict is Verdict.REFUTED and outcome.claim == "chen.eq3_3"
    k = P.k_
    assert sp.simplify(sp.sympify(outcome.evidence["derived"], locals={"k": k, "h": P.h, "eta": P.eta, "rho": P.rho})
                       - (-2 * k * P.h + k * (2 * k - 1) * P.eta * P.rho)) == 0


def test_chen_thm1_i():
    # the theorem holds though its proof's a_k (eq. 3.3) is wrong: the derived recursion and the stationary tail agree
    outcome = run("chen.thm1_i")
    assert outcome.verdict is Verdict.VERIFIED and outcome.comparators == ["chen.eq3_3"]
    assert outcome.evidence["the two thresholds agree"] is True and outcome.evidence["b_k > 0 for k >= 1"] is True
    assert parse(outcome.evidence["stationary density: E|w|^n finite iff n <"]) == 1 + 2 * P.h / (P.eta * P.rho)


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
    assert outcome.verdict is Verdict.REFUTED and outcome.basis == str(Basis.PAPER)
    assert "exp(2*Delta_L/(eta*sigma))" in outcome.evidence["derived"]
    assert outcome.summary.startswith("does not follow from Thm 6")


def test_meng_langevin_limit_quadrature():
    outcome = run("meng.langevin_limit_quadrature")
    assert outcome.verdict is Verdict.REFUTED and outcome.basis == str(Basis.EXACT)
    exponents = [r["eta sigma ln tau exact / Delta_L"] for r in outcome.evidence["rows"]]
    # the exact exponent rises to 2 as eta -> 0 (Kramers with D = eta sigma / 2); stated: 1
    assert exponents == sorted(exponents) and abs(exponents[-1] - 2) < 0.1


def test_meng_table1():
    outcome = run("meng.table1")
    # against Thm 6, the row it summarises: the paper's own lines
    assert outcome.verdict is Verdict.REFUTED and outcome.basis == str(Basis.PAPER)
    assert outcome.summary.startswith("does not follow from Thm 6") and outcome.comparators == ["meng.thm6"]
    assert parse(outcome.evidence["difference"]) in (1 / (P.eta * P.mu), -1 / (P.eta * P.mu))


def test_meng_table1_quadrature():
    outcome = run("meng.table1_quadrature")
    assert outcome.verdict is Verdict.REFUTED and outcome.basis == str(Basis.EXACT)
    exact = outcome.evidence["exact chord d ln tau / d(1/eta)"]
    assert abs(exact / outcome.evidence["derived (Thm 6's base and exponent): (2/mu) ln(1 + mu Delta_L / sigma)"]
               - 1) < 0.05
    assert exact > 2 * outcome.evidence["Table 1: (1/mu) ln(mu Delta_L / sigma)"]


def test_meng_thm10():
    outcome = run("meng.thm10")
    assert outcome.verdict is Verdict.REFUTED and outcome.basis == str(Basis.PAPER)
    assert parse(outcome.evidence["ratio"]) in (-1, sp.Integer(-1))


def test_meng_thm10_quadrature():
    outcome = run("meng.thm10_quadrature")
    assert outcome.verdict is Verdict.REFUTED and outcome.basis == str(Basis.EXACT)
    assert all(r["Thm 10 (d = 1)"] < 0 < math.exp(r["ln exact (Itô)"]) for r in outcome.evidence["rows"])


def test_meng_thm6_is_its_proof_recomputed():
    # agreement with its own proof is consistency, not truth (the exact times refute it: meng.thm6_quadrature)
    outcome = run("meng.thm6_proof")
    assert outcome.verdict is Verdict.CONSISTENT and outcome.basis == str(Basis.PAPER)


def test_meng_thm6_against_exact_exit_times():
    outcome = run("meng.thm6_quadrature")
    assert outcome.verdict is Verdict.REFUTED and outcome.remarks == []
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


def test_meng_prop1():
    # the proposition under its own hypotheses (H_tilde diagonal, the covariances zero): an identity
    outcome = run("meng.prop1")
    assert outcome.verdict is Verdict.VERIFIED and outcome.basis == str(Basis.MATHEMATICS)
    assert outcome.evidence["residual"] == str(sp.zeros(3, 3))
    general = outcome.evidence["Cov(g(w)) in general (K: covariance of g(w*), h)"]
    assert "K_g1_h1" in general and "K_h1_h2" in general   # what the hypotheses remove


def test_meng_prop1_example():
    # the linear-regression example after Prop. 1: a per-batch X^T X / b is not diagonal
    outcome = run("meng.prop1_example")
    assert outcome.verdict is Verdict.REFUTED and outcome.claim == "meng.prop1_example"
    assert outcome.evidence["largest off-diagonal covariance"] > 0.05


def test_meng_stationary_density_against_simulation():
    outcome = run("meng.stationary_mc")
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.claim == "meng.stationary_density" and outcome.comparators == ["chen.thm1_ii"]
    assert outcome.evidence["rows"]["Itô (derived) = chen.thm1_ii"]["p-value"] > 1e-4
    assert "Smoluchowski" in outcome.remarks[0]


def test_chen_thm1_ii_mc():
    # the same simulation judges 004 Thm 1 (ii): its density fits, and the test has the power to reject 002's
    outcome = run("chen.thm1_ii_mc")
    assert outcome.verdict is Verdict.VERIFIED and outcome.claim == "chen.thm1_ii"
    assert outcome.evidence["rows"] == run("meng.stationary_mc").evidence["rows"]
    assert outcome.evidence["power against 002's density at this size"] > 1 - 1e-4


def test_second_moment_against_simulation():
    outcome = run("meng.second_moment_mc")
    assert outcome.verdict is Verdict.REFUTED and outcome.claim == "meng.thm9_moment"
    rows = outcome.evidence["rows"]
    assert all(r["exact within interval"] for r in rows)
    assert all(abs(r["Thm 9 (proof of Thm 4)"] - r["MC"]) > r["allowance"] for r in rows)


def test_chen_eq6_9_mc():
    # sigma > rho: the simulated second moment exceeds eq. 6.9's bound
    outcome = run("chen.eq6_9_mc")
    assert outcome.verdict is Verdict.REFUTED and outcome.claim == "chen.eq6_9"
    assert outcome.evidence["parameters"]["sigma"] > outcome.evidence["parameters"]["rho"]
    assert all(r["MC"] - r["allowance"] > r["eq. 6.9"] for r in outcome.evidence["rows"])


def test_chen_coupling_bounds_hold():
    outcome = run("chen.coupling_mc")
    assert outcome.verdict is Verdict.VERIFIED and outcome.claim == "chen.thm2"
    assert all(r["Thm 2 (d lambda - theta) holds"] for r in outcome.evidence["rows"])
    one_d = [r for r in outcome.evidence["rows"] if r["model"].startswith("1-D")]
    assert one_d and all(r["E r (MC)"] <= r["derived (eta rho - 2h)"] for r in one_d)


def test_chen_remark2_mc():
    outcome = run("chen.remark2_mc")
    assert outcome.verdict is Verdict.VERIFIED and outcome.claim == "chen.remark2"
    assert outcome.evidence["rows"] and all(r["Remark 2 (c_s) holds"] for r in outcome.evidence["rows"])


def test_chen_eq4_4():
    outcome = run("chen.eq4_4")
    assert outcome.verdict is Verdict.VERIFIED and outcome.basis == str(Basis.MODEL)
    assert parse(outcome.evidence["rate at eta = h / rho (eq. 4.4's edge)"]) == -P.h


def test_synchronous_coupling_of_additive_noise_is_deterministic():
    # dX = -h X dt + s dB: X - Y = (x0 - y0)(1 - h dt)^k exactly under shared increments
    from numerics.sde.coupling import synchronous_coupling
    from theory.domain import Interval
    from theory.model import Model
    model = Model("OU", (P.w,), sp.Matrix([-2 * P.w]), sp.Matrix([[1]]), Interval(-50, 50), (0,))
    result = synchronous_coupling(model, [1.0], [-1.0], n_paths=100, dt=0.01, times=[0.5], seed=1)
    assert math.isclose(result.mean_squared_distance[0], 4 * (1 - 0.02) ** 100, rel_tol=1e-12)


def test_coupled_form_needs_positive_definite_covariances():
    with pytest.raises(ParameterError, match="Sigma_g"):
        P.coupled_model([[1, 0], [0, 1]], [[1, 2], [2, 1]], [[1, 0], [0, 1]], 0.1)


def test_meng_thm6_quadrature_against_simulation():
    # validates the quadrature used against Thm 6, so it judges the exact MFPT, not Thm 6
    outcome = run("meng.thm6_mc")
    assert outcome.verdict is Verdict.VERIFIED and outcome.claim == "kramers.exact_mfpt"


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
    from numerics.sde.coupling import simulate_states
    from theory.domain import Interval
    from theory.model import Model
    model = Model("BM", (P.w,), sp.Matrix([0]), sp.Matrix([[1]]), Interval(-50, 50), (0,))
    states = simulate_states(model, [0.0], n_paths=20_000, dt=0.01, times=[1.0], seed=2)
    assert states[1.0].shape == (20_000, 1)
    assert abs(float((states[1.0] ** 2).mean()) - 1) < 4.42 * math.sqrt(2 / 20_000)


# ------------------------------------------------------------------------------ derived replacements (corrections)
def test_every_power_law_correction_names_a_registered_replacement():
    # a correction is a claim with checks of its own, registered as correcting the claim that carries it
    outcomes = [run(i) for i in ("chen.generator_A1", "chen.eq6_9", "meng.thm9_moment", "meng.thm4",
                                 "meng.thm4_escaping_time", "chen.remark1_drift", "chen.remark1_variance",
                                 "chen.eq3_3", "meng.table1", "meng.thm10", "meng.langevin_limit",
                                 "meng.stationary_density")]
    for outcome in outcomes:
        assert outcome.verdict is Verdict.REFUTED and outcome.correction, outcome.check
        replacement = get_claim(outcome.correction["claim"])
        assert outcome.claim in replacement.relations["corrects"]
        assert replacement.sources[0].paper == "derived by escape-theory"
        # judged in its original paper's convention
        assert replacement.unit_convention == get_claim(outcome.claim).unit_convention
    assert {o.correction["claim"] for o in outcomes} >= {"chen.derived.generator_A1", "meng.derived.thm6"}


def test_meng_derived_thm6_is_the_ito_time_from_the_generator():
    # the Itô time from the generator's scale and speed densities is the kinetic (proof's) time times D(b)/D(a) at
    # leading order in eta
    ito, kinetic = P.time_to_saddle().result, P.thm6_recomputed_product().result
    assert sp.simplify(sp.limit(sp.gammasimp(ito / kinetic), P.eta, 0) - (1 + P.mu * P.Delta_L / P.sigma)) == 0
    outcome = run("meng.derived.thm6.quadrature")
    assert outcome.verdict is Verdict.VERIFIED and outcome.basis == str(Basis.EXACT)
    ratios = [r["meng.derived.thm6 / exact"] for r in outcome.evidence["rows"]]
    assert abs(ratios[-1] - 1) < 0.005 and abs(ratios[-1] - 1) < abs(ratios[0] - 1)
    assert run("meng.thm6_quadrature").correction["claim"] == "meng.derived.thm6"


def test_meng_derived_langevin_time():
    limit = run("meng.derived.langevin_limit.limit")
    assert limit.verdict is Verdict.VERIFIED and limit.basis == str(Basis.MODEL)
    outcome = run("meng.derived.langevin_limit.quadrature")
    ratios = [r["replacement / exact"] for r in outcome.evidence["rows"]]
    assert outcome.verdict is Verdict.VERIFIED and abs(ratios[-1] - 1) < 0.005
    assert ratios == sorted(ratios)        # approaching 1 from below as eta -> 0
    assert run("meng.langevin_limit_quadrature").correction["claim"] == "meng.derived.langevin_limit"


def test_meng_derived_table1_rate():
    outcome = run("meng.derived.table1.quadrature")
    assert outcome.verdict is Verdict.VERIFIED
    assert abs(outcome.evidence["exact chord d ln tau / d(1/eta)"] / outcome.evidence["its value"] - 1) < 1e-3
    assert run("meng.derived.table1.model").verdict is Verdict.VERIFIED


def test_second_moment_replacements_on_the_shared_simulation():
    for check_id in ("meng.derived.thm9_moment.mc", "chen.derived.eq6_9.mc"):
        outcome = run(check_id)
        assert outcome.verdict is Verdict.VERIFIED and all(r["within"] for r in outcome.evidence["rows"])
    assert run("meng.second_moment_mc").correction["claim"] == "meng.derived.thm9_moment"
    assert run("chen.eq6_9_mc").correction["claim"] == "chen.derived.eq6_9"


def test_chen_derived_eq5_2_is_the_two_sided_exit_time():
    model = run("chen.derived.eq5_2.model")
    assert model.verdict is Verdict.VERIFIED and set(model.evidence["residuals"].values()) == {"0"}
    outcome = run("chen.derived.eq5_2.quadrature")
    assert outcome.verdict is Verdict.VERIFIED and max(r["relative gap"] for r in outcome.evidence["rows"]) < 1e-9
    assert run("chen.eq5_2").correction["claim"] == "chen.derived.eq5_2"


def test_chen_derived_thm3_limit():
    outcome = run("chen.derived.thm3.quadrature")
    assert outcome.verdict is Verdict.VERIFIED and max(r["gap"] for r in outcome.evidence["rows"]) < 1e-3
    assert run("chen.thm3").correction["claim"] == "chen.derived.thm3"


def test_meng_derived_stationary_density_against_simulation():
    outcome = run("meng.derived.stationary_density.mc")
    assert outcome.verdict is Verdict.VERIFIED
    assert outcome.evidence["meng.derived.stationary_density"]["p-value"] > 1e-4
    assert outcome.evidence["power against 002's density at this size"] > 1 - 1e-4


# ------------------------------------------------------------------------------ the four-basin model (002 sec. 5.2)
def _away_from_kinks(generator, size):
    """Points u of one coordinate of w - x_m, spread over the three pieces of l_1 and never within 1e-3 of +-1."""
    import torch

    u = 6 * torch.rand(size, generator=generator, dtype=torch.float64) - 3
    return u[((u - 1).abs() > 1e-3) & ((u + 1).abs() > 1e-3)]


def test_identity_rows_register_in_the_table_order():
    """verify/checks/power_law.py declares its checks as two tables (Identity rows among Checks): registered in the
    tables' order, which the suite and the notebooks list."""
    from verify.checks import power_law as PL
    from verify.suite import _CHECKS

    declared = [row.check_id if hasattr(row, "check_id") else row.id for row in PL.ORIGINALS + PL.REPLACEMENT_CHECKS]
    registered = [check_id for check_id, check in _CHECKS.items() if check.body.__module__ == PL.__name__]
    assert registered == declared and len(declared) == 58
    assert get_check("meng.thm6_proof").params == {"eta_mu": [0.5, 0.2, 0.1, 0.02], "tolerance": 0.01}
    assert get_check("meng.table1").claims == ("meng.table1", "meng.thm6")


def test_power_law_quadrature_helpers():
    """numerics.exact.power_law_quadrature: the exit time from 0 is numerics.exact.quadrature on the bound Model, and
    the time to reach b of the kinetic form is that of the Model with drift b + a'/2 (theory.power_law.kinetic_model)."""
    from numerics.exact.power_law_quadrature import (
        eq52_value,
        log_exit_time_from_0,
        log_time_to_saddle,
    )

    model = P.POWER_LAW.bind({"h": 1, "eta": sp.Rational(1, 10), "sigma": 1, "rho": 4, "r": 1})
    assert log_exit_time_from_0(1.0, 0.1, 1.0, 4.0, 1.0) == float(mean_exit_time(model, x0=0).log_value)
    kinetic = P.kinetic_model(P.barrier_model(1, 1, 2, sp.Rational(1, 10)))
    assert sp.simplify(kinetic.drift[0] - (-4 * P.w * (P.w**2 - 1) + sp.Rational(1, 10) * 2 * 4 * P.w * (P.w**2 - 1)
                                           / 2)) == 0
    assert log_time_to_saddle(1, 1, 2, sp.Rational(1, 10), kinetic=True) == float(mean_exit_time(kinetic).log_value)
    # eq. 5.2 as printed is positive and finite at the parameters of chen.eq5_2
    assert 0 < float(eq52_value(1.0, 0.1, 1.0, 4.0, -1.0, 1.0, 0)) < math.inf


def test_four_basin_torch_kernels_equal_the_sympy_derivatives():
    """The hand-factored torch kernels the check evaluates are the SymPy derivatives of l_1 (002 sec. 5.2)."""
    import torch

    from numerics.sde import four_basin as FB

    u = _away_from_kinks(torch.Generator().manual_seed(0), 2000)
    for kernel, derived in zip((FB.loss_1d, FB.loss_1d_derivative, FB.loss_1d_second_derivative),
                               FB.derived_kernels()):
        torch.testing.assert_close(kernel(u), derived(u), rtol=1e-12, atol=1e-9)
    # and symbolically, on each piece u < -1, -1 < u < 1, u > 1 (the signs of u - 1 and u + 1 fixed there)
    _, first, second = P.four_basin_coordinate_derivatives()
    v = P.four_basin_u
    a, b = sp.Abs(v - 1), sp.Abs(v + 1)
    factored = (15 * sp.sqrt(a) * b * (sp.Rational(5, 2) * (v - 1) * b**2 + 3 * a**2 * (v + 1)),
                15 * sp.sqrt(a) * b * (sp.Rational(15, 4) * b**2 + 15 * a * b * sp.sign(v - 1) * sp.sign(v + 1)
                                       + 6 * a**2))
    for s1, s2 in ((-1, -1), (-1, 1), (1, 1)):
        on_piece = {sp.Abs(v - 1): s1 * (v - 1), sp.Abs(v + 1): s2 * (v + 1), sp.sign(v - 1): s1, sp.sign(v + 1): s2}
        for derived, hand in zip((first, second), factored):
            assert sp.simplify((derived - hand).subs(on_piece)) == 0


def test_four_basin_loss_gradient_and_hessian_by_sympy():
    """grad and Hessian of L = (1/n) sum_m l(w - x_m) from theory.power_law.FOUR_BASIN_LOSS against the torch model."""
    import torch

    from numerics.sde.four_basin import FourBasinLoss

    gen = torch.Generator().manual_seed(1)
    data = 0.1 * torch.randn(3, 2, generator=gen, dtype=torch.float64)
    w_point = torch.tensor([0.8, 1.15], dtype=torch.float64)
    values = {P.FOUR_BASIN_DATA[m + 1, j + 1]: float(data[m, j]) for m in range(3) for j in range(2)}
    values.update(dict(zip(P.FOUR_BASIN_WEIGHTS, w_point.tolist())))
    loss = P.FOUR_BASIN_LOSS.subs(P.four_basin_n, 3).doit()
    gradient = [float(sp.diff(loss, wj).subs(values)) for wj in P.FOUR_BASIN_WEIGHTS]
    problem = FourBasinLoss(data)
    torch.testing.assert_close(problem.gradient(w_point[None])[0], torch.tensor(gradient, dtype=torch.float64),
                               rtol=1e-12, atol=1e-12)
    hessian = P.four_basin_sample_hessian()
    assert hessian[0, 1] == 0 and hessian[1, 0] == 0      # l is a sum over coordinates: the Hessian is diagonal
    mean_hessian = [sum(float(hessian[j, j].subs(dict(zip(P.FOUR_BASIN_WEIGHTS, w_point.tolist())))
                              .subs(dict(zip(P.FOUR_BASIN_POINT, data[m].tolist())))) for m in range(3)) / 3
                    for j in range(2)]
    torch.testing.assert_close(problem.hessian_diagonal(w_point), torch.tensor(mean_hessian, dtype=torch.float64),
                               rtol=1e-12, atol=1e-12)
    # Tr Sigma(w) of 002 eq. 2 with b = 2
    trace = P.four_basin_noise_trace().subs({P.four_basin_n: 3, P.four_basin_b: 2}).doit().subs(values)
    assert float(problem.gradient_covariance_trace(w_point[None], 2)[0]) == pytest.approx(float(trace), rel=1e-10)
    assert P.FOUR_BASIN_LOSS.has(P.FOUR_BASIN_DATA) and all(P.FOUR_BASIN_LOSS.has(wj) for wj in P.FOUR_BASIN_WEIGHTS)


def test_four_basin_escape_steps_use_the_shared_exit_loop():
    """numerics.sde.four_basin.escape_steps: first step below 0 (1-based), 0 where the path stayed."""
    import torch

    from numerics.sde.four_basin import escape_steps

    start = torch.tensor([[0.35, 1.0], [1.0, 1.0], [1.0, 0.05]], dtype=torch.float64)
    shift = torch.tensor([[0.1, 0.0], [0.0, 0.0], [0.0, 0.1]], dtype=torch.float64)
    assert escape_steps(start, 10, lambda w, alive: w - shift[alive]).tolist() == [4, 0, 1]
    assert escape_steps(start[:1], 3, lambda w, alive: w * float("inf")).tolist() == [1]
