"""Scheduler theorems of seeds 000/001, one test per claim id: the evidence each check computes."""

import sympy as sp

from theory import battash as B
from theory import levy
from verify import Context, Verdict, get_check


def run(check_id):
    return get_check(check_id).run(Context(suite="quick"))


def parse(text, *symbols):
    return sp.sympify(text, locals={s.name: s for s in symbols})


def test_battash_thm4_1():
    outcome = run("battash.thm4_1")
    assert outcome.verdict is Verdict.VERIFIED and outcome.evidence["difference"] == "0"


def test_battash_thm4_1_appendix():
    outcome = run("battash.thm4_1_appendix")
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.evidence["the appendix's own last integrand integrates to its result"] is True
    # the derived replacement is the recomputed integral, which test_battash_thm4_1 shows is the main-text theorem
    derived = B.power_exponential_integral(B.EQ27_INTEGRAND).result
    assert outcome.correction["text"] == str(derived)
    assert not B.THM_4_1_APPENDIX.compare(B.THM_4_1).identical


def test_battash_cor4_2():
    outcome = run("battash.cor4_2")
    assert outcome.verdict is Verdict.REFUTED
    symbols = (B.eps, B.alpha_l, B.rho, B.A, B.Phi, B.beta_S, B.lam_bar)
    ratio = parse(outcome.evidence["ratio"], *symbols)
    # derived / stated = 2 lambda_bar^(1 - alpha): a factor 2 and lambda^alpha for lambda
    assert sp.simplify(ratio - 2 * B.lam_bar ** (1 - B.alpha_l)) == 0


def test_battash_cor4_6():
    assert run("battash.cor4_6").evidence["difference"] == "0"


def test_battash_eq31():
    assert run("battash.eq31").evidence["difference"] == "0"


def test_battash_thm4_3():
    outcome = run("battash.thm4_3_face")
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.correction["text"] == "m_bar_i/(beta_i*d_i_plus**alpha_i)"


def test_battash_eq15_001():
    outcome = run("battash.eq15_001")
    assert outcome.verdict is Verdict.REFUTED
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


def test_battash_cor4_2_as_a_bound_on_simulation():
    evidence = run("battash.cor4_2_mc").evidence
    assert all(row["holds"] for row in evidence["rows"])
    # loose by at least a factor 2 for every rho, while the derived jump-rate law is within 10%
    assert min(row["bound / simulated mean"] for row in evidence["rows"]) > 2
    assert abs(evidence["derived / simulated"] - 1) < 0.1


def test_battash_cor4_6_as_a_bound_on_simulation():
    evidence = run("battash.cor4_6_mc").evidence
    assert all(row["holds"] for row in evidence["rows"])
    assert all(row["vacuous (bound >= 1) at u"] for row in evidence["rows"])  # above 1 at the smallest u


def test_battash_thmC1_exponent():
    outcome = run("battash.thmC1_exponent")
    assert outcome.verdict is Verdict.REFUTED and outcome.evidence["difference"] == "2*rho*(alpha_l - alpha_nu)"


def test_battash_eq58():
    assert run("battash.eq58").evidence["difference"] == "0"


def test_battash_thmC2():
    outcome = run("battash.thmC2")
    assert outcome.verdict is Verdict.REFUTED
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
    assert outcome.verdict is Verdict.VERIFIED and outcome.evidence["difference"] == "0"
    assert outcome.evidence["eq. 68 (appendix) equals the recomputed integral"] is False


def test_battash_eq68():
    assert run("battash.eq68").verdict is Verdict.REFUTED


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
    outcome = run("battash.thmC3")
    assert outcome.verdict is Verdict.VERIFIED and outcome.evidence["difference"] == "0"
