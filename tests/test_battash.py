"""Scheduler theorems of seeds 000/001, one test per claim id: the evidence each check computes."""

import numpy as np
import sympy as sp

from theory import battash as B
from theory import levy
from verify import Context, Verdict, get_check
from verify.outcome import Basis


def run(check_id):
    return get_check(check_id).run(Context(suite="quick"))


def parse(text, *symbols):
    return sp.sympify(text, locals={s.name: s for s in symbols})


def test_battash_thm4_1():
    """Thm 4.1 equals its own proof's integral: consistency, not truth (the model and simulation judge it)."""
    outcome = run("battash.thm4_1")
    assert outcome.verdict is Verdict.CONSISTENT and outcome.evidence["difference"] == "0"
    assert outcome.basis == str(Basis.PAPER)


def test_battash_thm4_1_model():
    outcome = run("battash.thm4_1.model")
    assert outcome.verdict is Verdict.VERIFIED and outcome.basis == str(Basis.MODEL)
    assert outcome.evidence["number failing"] == 0 and outcome.evidence["worst point"]["stated / exact"] > 1
    # every grid point outside the paper's regime is reported, not judged
    assert outcome.evidence["grid points"] > 50


def test_battash_thm4_1_sim():
    outcome = run("battash.thm4_1.sim")
    assert outcome.verdict is Verdict.VERIFIED
    assert all(r["stated"] > r["interval"][1] for r in outcome.evidence["rows"])  # a loose upper bound


def test_battash_thm4_1_appendix():
    outcome = run("battash.thm4_1_appendix")
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.evidence["the appendix's own last integrand integrates to its result"] is True
    # the recomputed integral (the main-text theorem) is evidence, not a correction: the basis is the proof
    derived = B.power_exponential_integral(B.EQ27_INTEGRAND).result
    assert outcome.evidence["derived"] == str(derived) and outcome.correction is None
    assert not B.THM_4_1_APPENDIX.compare(B.THM_4_1).identical
    # against the model the appendix version fails where the main text holds, and the main text is its replacement
    model = run("battash.thm4_1_appendix.model")
    assert model.verdict is Verdict.REFUTED and model.evidence["number failing"] > 0
    assert model.correction["claim"] == "battash.thm4_1"


def test_battash_cor4_2():
    outcome = run("battash.cor4_2")
    assert outcome.verdict is Verdict.REFUTED
    symbols = (B.eps, B.alpha_l, B.rho, B.A, B.Phi, B.beta_S, B.lam_bar)
    ratio = parse(outcome.evidence["ratio"], *symbols)
    # derived / stated = 2 lambda_bar^(1 - alpha): a factor 2 and lambda^alpha for lambda
    assert sp.simplify(ratio - 2 * B.lam_bar ** (1 - B.alpha_l)) == 0


def test_battash_cor4_2_model_and_sim():
    """As a bound Cor 4.2 holds (model, simulation); its units do not (lambda_bar for lambda_bar^alpha)."""
    assert run("battash.cor4_2.model").verdict is Verdict.VERIFIED
    sim = run("battash.cor4_2.sim")
    assert sim.verdict is Verdict.VERIFIED and all(r["stated"] > 2 * r["simulated"] for r in sim.evidence["rows"])
    units = run("battash.cor4_2.units")
    assert units.verdict is Verdict.REFUTED and "lambda_L**(alpha_l - 1)" in units.summary


def test_battash_cor4_6():
    outcome = run("battash.cor4_6")
    assert outcome.verdict is Verdict.CONSISTENT and outcome.evidence["difference"] == "0"


def test_battash_eq31():
    outcome = run("battash.eq31")
    assert outcome.verdict is Verdict.CONSISTENT and outcome.evidence["difference"] == "0"
    # a bound that holds everywhere and is vacuous everywhere (>= 1), and whose units are wrong (d_i counted twice)
    model = run("battash.eq31.model")
    assert model.verdict is Verdict.VERIFIED
    assert model.evidence["grid points where the bound is vacuous (>= 1 for a probability, +inf)"] \
        == model.evidence["grid points"]
    assert run("battash.eq31.units").verdict is Verdict.REFUTED


def test_battash_thm4_3():
    outcome = run("battash.thm4_3_face")
    assert outcome.verdict is Verdict.REFUTED and outcome.basis == str(Basis.PAPER)
    assert outcome.evidence["derived"] == "m_bar_i/(beta_i*d_i_plus**alpha_i)" and outcome.correction is None
    assert run("battash.thm4_3.model").verdict is Verdict.VERIFIED    # as a (vacuous) bound it holds


def test_battash_eq15_001():
    outcome = run("battash.eq15_001")
    assert outcome.verdict is Verdict.REFUTED and outcome.correction["claim"] == "battash.eq15"
    ratio = parse(outcome.evidence["ratio"], levy.s_t, levy.rho, levy.alpha)
    assert sp.simplify(ratio - levy.s_t ** levy.rho) == 0  # differs from eq. 12 unless s_t = 1


def test_power_exponential_integral_matches_sympy_on_a_numeric_case():
    t = B.t
    derived = B.power_exponential_integral(3 * t**2 * sp.exp(-2 * t**3)).result
    assert sp.simplify(derived - sp.integrate(3 * t**2 * sp.exp(-2 * t**3), (t, 0, sp.oo))) == 0


def test_battash_cor4_4():
    outcome = run("battash.cor4_4")
    assert outcome.verdict is Verdict.REFUTED
    assert 0 < outcome.evidence["counterexample"]["rho"] < 1  # sampled inside the corollary's own regime
    mc = run("battash.cor4_4_mc")
    evidence = mc.evidence
    # the simulated interval excludes Cor 4.4 for every rho in [0, 1] and contains the derived rate ratio
    assert evidence["mc ratio interval"][0] > max(evidence["Cor 4.4 ratio over rho in [0, 1]"])
    assert evidence["derived ratio within interval + tolerance"]
    assert mc.verdict is Verdict.REFUTED
    assert outcome.correction["claim"] == mc.correction["claim"] == "battash.derived.exit_face_ratio"


def test_battash_eq40():
    outcome = run("battash.eq40")
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.evidence["difference"] == "-2*mu_xi*t"   # eq. 40 adds 2 mu_xi t to E[X_t]


def test_battash_eq41():
    outcome = run("battash.eq41")
    assert outcome.verdict is Verdict.REFUTED and outcome.evidence["derived"] == "0"
    # what eq. 41 actually computed is its own right-hand side: a one-sided absolute moment
    computed = parse(outcome.evidence["what eq. 41 computes instead"], B.t, B.rho, B.alpha_l, B.eps_bar_sym)
    assert sp.simplify(computed - B.EQ_41.rhs) == 0


def test_battash_cor4_6_as_a_bound_on_simulation():
    outcome = run("battash.cor4_6.sim")
    assert outcome.verdict is Verdict.VERIFIED
    assert all(r["stated"] >= r["interval"][0] for r in outcome.evidence["rows"])
    assert any(r["stated"] >= 1 for r in outcome.evidence["rows"])   # vacuous at the smallest u


def test_battash_thmC1_exponent():
    outcome = run("battash.thmC1_exponent")
    assert outcome.verdict is Verdict.REFUTED and outcome.evidence["difference"] == "2*rho*(alpha_l - alpha_nu)"


def test_battash_eq58_integral():
    assert run("battash.eq58_integral").evidence["difference"] == "0"


def test_battash_thmC2():
    outcome = run("battash.thmC2")
    assert outcome.verdict is Verdict.REFUTED and outcome.basis == str(Basis.PAPER)
    # the model: under s_t = t^(gamma-1) with gamma_l > 0 the cumulative hazard diverges, P(sigma < oo) = 1
    model = run("battash.thmC2.model")
    assert model.verdict is Verdict.REFUTED and model.evidence["worst point"]["exact (model)"] == 1.0
    assert model.correction["claim"] == "battash.derived.escape_power"
    sim = run("battash.thmC2.sim")
    assert sim.verdict is Verdict.REFUTED and all(r["interval"][0] > 0.99 for r in sim.evidence["rows"])
    stated, recomputed = outcome.evidence["at gamma = 1: stated, recomputed"]
    # at gamma = 1 the bound grows with c_l = 2 beta_bar_l - m_bar_l Phi_l where the integral decays as 1 / c_l
    assert stated == "Phi_l*c_l*m_bar_l/(K_l*beta_bar_S)" and recomputed == "Phi_l*m_bar_l/(K_l*beta_bar_S*c_l)"


def test_battash_lemma3_1():
    assert run("battash.lemma3_1").evidence["bound - exact"] == "0"


def test_battash_eq14():
    assert run("battash.eq14").evidence["lim T_R / |ln eps_bar|"] == "zeta/h"


def test_battash_prop3_2():
    outcome = run("battash.prop3_2")
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.evidence["derived"] == "-2*rho - 2*theta_l + 2"
    difference = parse(outcome.evidence["difference"], B.rho, B.alpha_l, B.theta)
    assert sp.simplify(difference + B.rho * (1 + B.alpha_l)) == 0  # stated exceeds derived by rho (1 + alpha)


def test_battash_thm4_5():
    outcome = run("battash.thm4_5")
    assert outcome.verdict is Verdict.CONSISTENT and outcome.evidence["difference"] == "0"
    assert outcome.evidence["eq. 68 (appendix) equals the recomputed integral"] is False


def test_battash_eq68():
    assert run("battash.eq68").verdict is Verdict.REFUTED
    model = run("battash.eq68.model")
    assert model.verdict is Verdict.REFUTED and model.correction["claim"] == "battash.thm4_5"


def test_power_exponential_integral_with_a_lower_limit():
    t, u = B.t, B.u
    derived = B.power_exponential_integral(2 * t * sp.exp(-3 * t**2), lower=u).result
    assert sp.simplify(derived - sp.integrate(2 * t * sp.exp(-3 * t**2), (t, u, sp.oo))) == 0


def test_battash_escape_axis_ackley_quick_cell():
    outcome = get_check("battash.escape_axis_ackley").run(Context(suite="quick"))
    (row,) = outcome.evidence["rows"]
    assert row["interval"][0] > row["Cor 4.4 P(x1) range"][1]      # outside Cor 4.4 for every rho
    assert row["interval"][0] <= row["derived P(x1)"] <= row["interval"][1] + 0.05  # rate law, asymptotic slack
    assert outcome.verdict is Verdict.REFUTED


def test_battash_thmC3():
    """Thm C.3 equals its proof's step integral (consistency) but bounds P(sigma <= T) far below the model's and the
    simulation's value."""
    outcome = run("battash.thmC3")
    assert outcome.verdict is Verdict.CONSISTENT and outcome.evidence["difference"] == "0"
    model, sim = run("battash.thmC3.model"), run("battash.thmC3.sim")
    assert model.verdict is Verdict.REFUTED and sim.verdict is Verdict.REFUTED
    assert all(r["stated"] < r["interval"][0] for r in sim.evidence["rows"])
    assert model.correction["claim"] == sim.correction["claim"] == "battash.derived.multistep_escape"


def test_battash_thmC1():
    """Thm C.1 (~) does not approach the model's multistep mean as eps -> 0, and misses the simulation."""
    model = run("battash.thmC1.model")
    assert model.verdict is Verdict.REFUTED
    assert model.evidence["not within tolerance at the smallest eps"] == model.evidence["settings"]
    assert run("battash.thmC1.sim").verdict is Verdict.REFUTED


def test_battash_eq58():
    assert run("battash.eq58.model").verdict is Verdict.REFUTED


def test_battash_eq27_laguerre():
    """The sum that defines A_{l,nu}: the Laguerre generating function gives the prefactor 1/(1 - x), the paper 1/x;
    direct summation agrees with the generating function."""
    outcome = run("battash.eq27_laguerre")
    assert outcome.verdict is Verdict.REFUTED and outcome.basis == str(Basis.MATHEMATICS)
    for x, z, summed, stated, derived in outcome.evidence["direct summation (x, z, sum, stated, generating function)"]:
        assert abs(summed - derived) < 1e-12 * abs(summed) and abs(stated - summed) > 1e-3


def test_battash_eq30_has_the_spurious_rho():
    outcome = run("battash.eq30")
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.evidence["eq. 30 equals the integral of its own last integrand"] is True


def test_battash_thm4_3_integral_conflates_i_and_l():
    outcome = run("battash.thm4_3_integral")
    assert outcome.verdict is Verdict.REFUTED and outcome.evidence["identical when alpha_i = alpha_l"] is True


def test_battash_eq20_power_of_eps():
    outcome = run("battash.eq20")
    assert outcome.verdict is Verdict.VERIFIED
    # Cor 4.4 of the same paper has (alpha_l - alpha_j)(1 - rho): the two agree only at rho = 0
    cor = parse(outcome.evidence["Cor 4.4's power of eps (same paper)"], B.alpha_l, B.alpha_j, B.rho)
    assert sp.simplify(cor - (B.alpha_l - B.alpha_j) * (1 - B.rho)) == 0


def test_battash_eq17_001():
    outcome = run("battash.eq17_001")
    assert outcome.verdict is Verdict.REFUTED
    derived = B.learning_rate_powers().result
    assert sp.simplify(derived - (B.alpha_l - 1 + B.rho * (B.alpha_i - B.alpha_l))) == 0
    # one parameter (alpha_i = alpha_l): E[sigma] ~ eta^-(alpha - 1), not eta^0
    assert sp.simplify(derived.subs(B.alpha_i, B.alpha_l) - (B.alpha_l - 1)) == 0


def test_battash_eq17_001_against_simulation():
    outcome = run("battash.eq17_001_mc")
    assert outcome.verdict is Verdict.REFUTED
    simulated = outcome.evidence["E(eta_3)/E(eta_2) simulated"]
    assert max(outcome.evidence["E(eta_3)/E(eta_2) from eq. 17's form fitted to E(eta_2)/E(eta_1)"]) < \
        outcome.evidence["interval"][0] <= simulated
    assert outcome.evidence["last slope within z SE + tolerance of derived"] is True


def test_battash_lemma3_3_both_versions():
    for check in ("battash.lemma3_3", "battash.lemma3_3_001"):
        outcome = run(check)
        assert outcome.verdict is Verdict.REFUTED
        assert outcome.correction["claim"] == "battash.derived.small_jump_cross_moment"
        assert outcome.correction["text"] == str(B.w_j * B.w_l * sp.exp(-B.t * (B.h_jj + B.h_ll)))


def test_small_jump_variance_is_larger_than_eps_squared():
    remainder = B.small_jump_second_moments().steps[-1].expression
    # order eps_bar^(2 - rho (2 - alpha)) >> eps_bar^2 as eps_bar -> 0
    power = sp.powsimp(sp.expand_power_base(remainder, force=True), force=True).as_independent(B.eps_bar_l)[1]
    assert sp.simplify(power - B.eps_bar_l ** (2 - B.rho * (2 - B.alpha_l))) == 0


def test_battash_lemma3_3_against_simulation():
    for check in ("battash.lemma3_3_mc", "battash.lemma3_3_001_mc"):
        outcome = run(check)
        assert outcome.verdict is Verdict.REFUTED
        assert abs(outcome.evidence["simulated - Euler mean (in SE)"]) < 4.06
        assert abs(outcome.evidence["stated - simulated (in SE)"]) > 100
    derived = run("battash.derived.small_jump_cross_moment.sim")
    assert derived.verdict is Verdict.VERIFIED


def test_battash_prop3_4_against_exact_covariances():
    for check, comparator in (("battash.prop3_4", "battash.prop3_4_001"), ("battash.prop3_4_001", "battash.prop3_4")):
        outcome = run(check)
        assert outcome.verdict is Verdict.REFUTED and outcome.claim == check and outcome.comparators == [comparator]
        rows = {r["claim"]: r for r in outcome.evidence["rows"]}
        assert rows[check]["largest relative error"] > 0.1


def test_sgd_noise_row_sums_add_up():
    g, h = np.random.default_rng(0).normal(size=(10, 2)), np.stack([np.eye(2) * (1 + k) for k in range(10)])
    parts = B.sgd_noise_row_sums(g, h, np.array([0.3, -0.2]), 4)
    assert np.allclose(parts["total"], parts["gradient"] + parts["cross"] + parts["hessian"])


def test_scheduled_exit_law_reduces_to_the_constant_rate_at_gamma_1():
    survival = B.scheduled_exit_survival().result
    assert sp.simplify(survival.subs(B.gamma, 1) - sp.exp(-B.m_sym * B.Phi * B.u)) == 0


def test_battash_thm4_5_holds_at_gamma_below_one():
    for check in ("battash.thm4_5.model", "battash.thm4_5.sim"):
        assert run(check).verdict is Verdict.VERIFIED


def test_derived_exit_laws_against_model_and_simulation():
    """The replacements derived from the model agree with the model's exit law (to rounding) and with simulation."""
    for law in ("battash.derived.escape_power", "battash.derived.multistep_mean", "battash.derived.multistep_escape"):
        model, sim = run(f"{law}.model"), run(f"{law}.sim")
        assert model.verdict is Verdict.VERIFIED and model.evidence["largest relative gap"] < 1e-8
        assert sim.verdict is Verdict.VERIFIED


def test_jump_clock_law_matches_the_closed_form_multistep_mean():
    """numerics.exact.jump_clock on a multistep scheduler against the hand-summed exponential pieces."""
    import math

    from numerics.exact.jump_clock import JumpClockLaw

    switches, factors = (5.0, 20.0), (1.0, 0.1, 0.01)
    law = JumpClockLaw(B.box_model((1.2, 1.6), 0.1, 1.0, 4, B.multistep_scheduler(switches, factors)))
    rate = lambda g: 2 * (0.1**1.2 / 1.2 * g**0.2) + 2 * (0.1**1.6 / 1.6 * g**0.6)  # noqa: E731
    h0, h1, h2 = (rate(g) for g in factors)
    s5, s20 = math.exp(-h0 * 5), math.exp(-h0 * 5 - h1 * 15)
    mean = (1 - s5) / h0 + s5 * (1 - math.exp(-h1 * 15)) / h1 + s20 / h2
    assert abs(law.mean.value - mean) < 1e-12 * mean and abs(law.escape_probability(20.0) - (1 - s20)) < 1e-12
    assert law.escape_probability() == 1.0
