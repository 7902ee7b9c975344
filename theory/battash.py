"""The scheduler theorems of Battash & Lindenbaum: seed 000_6ac092e84b589a62.txt (conference version,
with appendices) and seed 001_8289d68cf3bd5d68.txt (review version).

Every theorem is a sum over parameters l of one term; the Claims below state that term (the summand),
since every derivation and comparison acts on it term by term. Symbols follow the papers:
m_bar_l = lambda_bar_l^alpha_l eps^alpha_l / alpha_l, beta_bar_l = 2 eps^(rho alpha_l) / alpha_l, A = A_{l,nu},
s_t = t^(gamma - 1) (the "exponential" scheduler), Phi_l = (-d_l^-)^-alpha_l + (d_l^+)^-alpha_l.
"""

from __future__ import annotations

import sympy as sp

from .claim import Claim, Source
from .derivation import Derivation
from .domain import Ball
from .levy import CLOCK, NOISE, SEED_000, nu_tail
from .levy import alpha as levy_alpha
from .model import AlphaStable, Model
from .registry import register

SEED_001 = "001_8289d68cf3bd5d68.txt"

alpha_l = sp.Symbol("alpha_l", positive=True)
alpha_i = sp.Symbol("alpha_i", positive=True)
alpha_nu = sp.Symbol("alpha_nu", positive=True)
gamma = sp.Symbol("gamma", positive=True)
rho = sp.Symbol("rho", positive=True)
eps = sp.Symbol("epsilon", positive=True)
lam_bar = sp.Symbol("lambda_bar_l", positive=True)
Phi = sp.Symbol("Phi_l", positive=True)
Phi_i = sp.Symbol("Phi_i", positive=True)
A = sp.Symbol("A_lnu", positive=True)
beta_l = sp.Symbol("beta_l", positive=True)
beta_S = sp.Symbol("beta_S", positive=True)
beta_i = sp.Symbol("beta_i", positive=True)
m_i = sp.Symbol("m_bar_i", positive=True)
d_plus_i = sp.Symbol("d_i_plus", positive=True)
u = sp.Symbol("u", positive=True)
t = sp.Symbol("t", positive=True)

m_bar = lam_bar**alpha_l * eps**alpha_l / alpha_l           # Thm 4.1 of both versions
beta_bar = 2 * eps ** (rho * alpha_l) / alpha_l               # Thm 4.1 of both versions
CONDITIONS = (alpha_l < 2, alpha_nu < 2, rho < 1, gamma < 1)
REGIME = "small eps; exits only at large jumps; s_t = t^(gamma-1) with 1 + (gamma-1)(alpha_l-1) > 0"

# ------------------------------------------------------------------------------ Theorem 4.1
C_main = (2 + (gamma - 1) * (alpha_l - 1 + rho * (alpha_l - alpha_nu))) / (1 + (gamma - 1) * (alpha_l - 1))
C_appendix = (2 + (gamma - 1) * (alpha_l - 1 + rho * (alpha_l - alpha_nu))) / (1 + (gamma - 1) * rho * (alpha_l - 1))
m_sym = sp.Symbol("m_bar_l", positive=True)   # m_bar_l kept as one symbol in the theorem terms

THM_4_1 = register(Claim(
    id="battash.thm4_1",
    title="mean transition time, exponential scheduler (term l of the sum)",
    lhs=sp.Symbol("E[sigma_G]_l"),
    rhs=beta_l * (m_sym * Phi) ** (1 - C_main) * sp.gamma(C_main) / (A * beta_S * (1 + (gamma - 1) * (alpha_l - 1))),
    relation="<=",
    sources=(Source(SEED_000, "sec. 4, Theorem 4.1"), Source(SEED_001, "sec. 4, Theorem 4.1 (same statement)")),
    regime=REGIME, conditions=CONDITIONS, clock=CLOCK, interpretation=NOISE,
))

THM_4_1_APPENDIX = register(Claim(
    id="battash.thm4_1_appendix",
    title="mean transition time as the proof in appendix B.1 ends (term l)",
    lhs=sp.Symbol("E[sigma_G]_l"),
    rhs=beta_l * m_sym * Phi * (m_sym * Phi) ** (-C_appendix) * sp.gamma(C_appendix)
    / (A * beta_S * (1 + (gamma - 1) * rho * (alpha_l - 1))),
    relation="<=", sources=(Source(SEED_000, "appendix B.1, eq. 27 (last line)"),),
    regime=REGIME, conditions=CONDITIONS, clock=CLOCK, interpretation=NOISE,
    relations={"compare_with": ("battash.thm4_1",)},
))

#: eq. 27, the line before the last: the integrand in t, with beta_l(t)/beta_S(t) -> beta_l/beta_S
EQ27_INTEGRAND = (beta_l / beta_S) * t * t ** ((gamma - 1) * (alpha_l - 1 + rho * (alpha_l - alpha_nu))) * m_sym * Phi \
    * sp.exp(-t ** ((gamma - 1) * (alpha_l - 1)) * m_sym * Phi * t) / A
#: eq. 27, the last line: the same integrand as the paper rewrote it (exponent 1 + (gamma-1) rho (alpha_l-1))
EQ27_LAST_INTEGRAND = (beta_l / beta_S) * t ** (1 + (gamma - 1) * (alpha_l - 1 + rho * (alpha_l - alpha_nu))) \
    * m_sym * Phi * sp.exp(-t ** (1 + (gamma - 1) * rho * (alpha_l - 1)) * m_sym * Phi) / A


def power_exponential_integral(integrand: sp.Expr, variable: sp.Symbol = t, lower: sp.Expr = sp.S.Zero) -> Derivation:
    """int_lower^oo c0 t^a exp(-c t^b) dt = c0 Gamma((a+1)/b, c lower^b) / (b c^((a+1)/b)), derived by
    substituting v = c t^b (SymPy's integrate does not close the general case); the integrand must have that
    shape. lower = 0 gives the complete Gamma function."""
    d = Derivation("int_0^oo of a power times a stretched exponential", sp.S.Zero)
    expanded = sp.powsimp(sp.expand_power_base(integrand, force=True), force=True)
    d.step("integrand", expanded)
    exponential = [f for f in sp.Mul.make_args(expanded) if isinstance(f, sp.exp)]
    if len(exponential) != 1:
        raise ValueError(f"integrand {integrand} is not a power times one exponential")
    argument = sp.powsimp(-exponential[0].args[0], force=True)
    c_coeff, power = argument.as_coeff_exponent(variable)
    rest = sp.powsimp(sp.simplify(expanded / exponential[0]), force=True)
    c0, a = rest.as_coeff_exponent(variable)
    if variable in (c_coeff * c0).free_symbols:
        raise ValueError(f"integrand {integrand} is not c0 t^a exp(-c t^b)")
    d.step("identified (a, b, c) in c0 t^a exp(-c t^b)", sp.Tuple(sp.simplify(a), sp.simplify(power), c_coeff))
    k = sp.simplify((a + 1) / power)
    d.step("substitute v = c t^b: c0 / (b c^k) int_{c lower^b}^oo v^(k-1) e^-v dv with k = (a+1)/b > 0", k)
    gamma_value = sp.gamma(k) if lower == 0 else sp.uppergamma(k, c_coeff * lower**power)
    d.result = d.step("= c0 Gamma(k, c lower^b) / (b c^k)", sp.simplify(c0 * gamma_value / (power * c_coeff**k)))
    return d


# ------------------------------------------------------------------------------ Corollary 4.2 / eq. 28
COR_4_2 = register(Claim(
    id="battash.cor4_2",
    title="mean transition time as gamma -> 1 (term l)",
    lhs=sp.Symbol("E[sigma_G]_l"),
    rhs=1 / (A * beta_S * lam_bar * eps ** (alpha_l * (1 - rho)) * Phi),
    relation="<=",
    sources=(Source(SEED_000, "sec. 4, Corollary 4.2, eq. 16; appendix B.1 eq. 28 (with lambda_l)"),
             Source(SEED_001, "sec. 4, Corollary 4.2, eq. 16")),
    regime="gamma -> 1 (constant learning rate), small eps", conditions=CONDITIONS, clock=CLOCK, interpretation=NOISE,
    relations={"corollary_of": ("battash.thm4_1",), "limit_of": ("battash.thm4_1",)},
))

# ------------------------------------------------------------------------------ Theorem 4.5 / Corollary 4.6
gamma_l = 1 + (gamma - 1) * (alpha_l - 1)
kappa_numerator = 1 + (gamma - 1) * (alpha_l - 1 + rho * (alpha_l - alpha_nu))
kappa = kappa_numerator / gamma_l
beta_bar_l = sp.Symbol("beta_bar_l", positive=True)
THM_4_5 = register(Claim(
    id="battash.thm4_5",
    title="probability of exiting after time u, exponential scheduler (term l)",
    lhs=sp.Symbol("P(sigma>u)_l"),
    rhs=beta_bar_l * m_sym * Phi * sp.uppergamma(kappa, m_sym * Phi * u ** gamma_l)
    / (A * beta_S * gamma_l * (m_sym * Phi) ** kappa),
    relation="<=",
    sources=(Source(SEED_000, "sec. 4, Theorem 4.5, eq. 21; appendix C.4"),
             Source(SEED_001, "sec. 4, Theorem 4.5, eq. 22 (beta_bar_S for beta_S)")),
    regime=REGIME, conditions=CONDITIONS, clock=CLOCK, interpretation=NOISE,
))
#: appendix C.4, eq. 68: the integrand after s_t = t^(gamma - 1), from the line above it (exponent t^gamma_l)
EQ68_INTEGRAND = beta_bar_l * m_sym * Phi / (A * beta_S) * t ** ((gamma - 1) * (alpha_l - 1 + rho * (alpha_l - alpha_nu))) \
    * sp.exp(-t ** ((gamma - 1) * (alpha_l - 1)) * m_sym * Phi * t)
gamma_rho = 1 + (gamma - 1) * rho * (alpha_l - 1)
EQ_68 = register(Claim(
    id="battash.eq68",
    title="P(sigma > u) as the proof in appendix C.4 ends (term l)",
    lhs=sp.Symbol("P(sigma>u)_l"),
    rhs=beta_bar_l * m_sym * Phi / (A * beta_S) * (m_sym * Phi) ** (-kappa_numerator / gamma_rho)
    * sp.uppergamma(kappa_numerator / gamma_rho, m_sym * Phi * u**gamma_rho) / gamma_rho,
    relation="<=", sources=(Source(SEED_000, "appendix C.4, eq. 68 (last line)"),), regime=REGIME,
    conditions=CONDITIONS, clock=CLOCK, interpretation=NOISE, relations={"compare_with": ("battash.thm4_5",)},
))

COR_4_6 = register(Claim(
    id="battash.cor4_6",
    title="probability of exiting after time u as gamma -> 1 (term l)",
    lhs=sp.Symbol("P(sigma>u)_l"), rhs=beta_bar_l / (A * beta_S) * sp.exp(-m_sym * Phi * u), relation="<=",
    sources=(Source(SEED_000, "sec. 4, Corollary 4.6, eq. 22; appendix C.5"),
             Source(SEED_001, "sec. 4, Corollary 4.6, eq. 23")),
    regime="gamma -> 1", conditions=CONDITIONS, clock=CLOCK, interpretation=NOISE,
    relations={"corollary_of": ("battash.thm4_5",), "limit_of": ("battash.thm4_5",)},
))

# ------------------------------------------------------------------------------ Theorem 4.3 / eqs. 30-31
C_l_main = ((gamma - 1) * (alpha_l - 1 + rho * (2 * alpha_l - alpha_nu - alpha_l)) + 2) / ((gamma - 1) * (alpha_l - 1) + 1)
THM_4_3 = register(Claim(
    id="battash.thm4_3",
    title="probability of exiting through the upper face of parameter i (term l)",
    lhs=sp.Symbol("P(W_sigma in Omega_i^+)_l"),
    rhs=(m_i * Phi_i / beta_i) * d_plus_i ** (-alpha_i) * beta_l**2 * (m_sym * Phi) ** (-C_l_main) * sp.gamma(C_l_main)
    / (A * beta_S * ((gamma - 1) * (alpha_l - 1) + 1)),
    relation="<=",
    sources=(Source(SEED_000, "sec. 4, Theorem 4.3, eq. 17"), Source(SEED_001, "sec. 4, Theorem 4.3, eq. 18")),
    regime=REGIME, conditions=CONDITIONS, clock=CLOCK, interpretation=NOISE,
))
EQ_31 = register(Claim(
    id="battash.eq31",
    title="exit through the upper face of parameter i as gamma -> 1 (term l)",
    lhs=sp.Symbol("P(W_sigma in Omega_i^+)_l"),
    rhs=(m_i * Phi_i / beta_i) * d_plus_i ** (-alpha_i) * beta_l**2 / (A * beta_S * (m_sym * Phi) ** 2),
    relation="<=", sources=(Source(SEED_000, "appendix B.2, eq. 31"),), regime="gamma -> 1",
    conditions=CONDITIONS, clock=CLOCK, interpretation=NOISE, relations={"limit_of": ("battash.thm4_3",)},
))

#: the factor of Thm 4.3 that stands for "the jump of parameter i leaves through d_i^+"
FACE_FACTOR_STATED = (m_i * Phi_i / beta_i) * d_plus_i ** (-alpha_i)

# ------------------------------------------------------------------------------ Corollary 4.4
alpha_j = sp.Symbol("alpha_j", positive=True)
lam_l = sp.Symbol("lambda_l", positive=True)
lam_j = sp.Symbol("lambda_j", positive=True)
d_plus_l = sp.Symbol("d_l_plus", positive=True)
d_plus_j = sp.Symbol("d_j_plus", positive=True)

COR_4_4 = register(Claim(
    id="battash.cor4_4",
    title="ratio of the probabilities of exiting through parameter l and parameter j",
    lhs=sp.Symbol("P(Omega_l^+)/P(Omega_j^+)"),
    rhs=lam_l**alpha_l / lam_j**alpha_j * eps ** ((alpha_l - alpha_j) * (1 - rho)) * d_plus_l ** (-alpha_l)
    / d_plus_j ** (-alpha_j),
    relation="<=",
    sources=(Source(SEED_000, "sec. 4, Corollary 4.4, eq. 19; eq. 20 (proportional to eps^(alpha_l - alpha_j))"),
             Source(SEED_001, "sec. 4, Corollary 4.4, eq. 20; eq. 21")),
    regime="gamma -> 1, small eps", conditions=(alpha_l < 2, alpha_j < 2, rho < 1), clock=CLOCK, interpretation=NOISE,
    relations={"corollary_of": ("battash.thm4_3",)},
))


def exit_face_ratio() -> Derivation:
    """With gamma = 1 the exit is the first jump that leaves; jumps of different parameters are independent
    Poisson streams, so P(face l^+) / P(face j^+) is the ratio of their rates nu(y > d^+ / (eps lambda))."""
    d = Derivation("ratio of exit rates through the upper faces of parameters l and j", sp.S.Zero)
    rate_l = d.step("rate of jumps of l beyond d_l^+", nu_tail(d_plus_l / (eps * lam_l)).subs(levy_alpha, alpha_l))
    rate_j = d.step("rate of jumps of j beyond d_j^+", nu_tail(d_plus_j / (eps * lam_j)).subs(levy_alpha, alpha_j))
    d.result = d.step("ratio (competing exponential clocks)", sp.powsimp(sp.expand_power_base(rate_l / rate_j,
                                                                                              force=True), force=True))
    return d


# ------------------------------------------------------------------------------ appendix B.4 (Lemma 3.3)
h_ll = sp.Symbol("h_ll", positive=True)
mu_xi = sp.Symbol("mu_xi", real=True)
p_ = sp.Symbol("p", positive=True)
eps_bar_sym = sp.Symbol("epsilon_bar", positive=True)

EQ_40 = register(Claim(
    id="battash.eq40",
    title="mean of the first-order small-jump process X_t (appendix B.4)",
    lhs=sp.Symbol("E[X_t^l]"), rhs=mu_xi * (2 * t + 1 / h_ll - sp.exp(-h_ll * t) / h_ll),
    sources=(Source(SEED_000, "appendix B.4, eq. 40 (last line); used by Lemma 3.3 and Prop. 3.4"),),
    regime="quadratic U near the minimum (h_ll), E[xi_t] = mu_xi t", clock=CLOCK, interpretation=NOISE,
))


def mean_of_x() -> Derivation:
    """E[X_t] from eq. 39, X_t = xi_t - int_0^t xi_p h e^{-h (t-p)} dp, with E[xi_p] = mu_xi p (Fubini)."""
    d = Derivation("E[X_t] from eq. 39", sp.S.Zero)
    integral = d.step("E int_0^t xi_p h e^(-h(t-p)) dp = int_0^t mu_xi p h e^(-h(t-p)) dp",
                      sp.integrate(mu_xi * p_ * h_ll * sp.exp(-h_ll * (t - p_)), (p_, 0, t)))
    d.result = d.step("E[X_t] = mu_xi t - that", sp.simplify(mu_xi * t - integral))
    return d


EQ_41 = register(Claim(
    id="battash.eq41",
    title="first moment of the small-jump process xi_t (appendix B.4)",
    lhs=sp.Symbol("E[xi_t^l]"),
    rhs=2 * t * (eps_bar_sym ** (-rho * (1 - alpha_l)) - 1) / (1 - alpha_l),
    sources=(Source(SEED_000, "appendix B.4, eq. 41"),),
    regime="small jumps |y| <= eps_bar^-rho of the symmetric measure |y|^(-1-alpha) dy", clock=CLOCK,
    interpretation=NOISE, conditions=(alpha_l < 2, rho < 1),
))


def mean_of_small_jumps() -> Derivation:
    """E[xi_t] = t int_{|y| <= O} y nu(dy): the integrand is odd and nu symmetric, so the mean is 0 (for
    alpha >= 1 each side diverges at 0 and the compensation of eq. 23 pairs them; the sum is still 0).
    eq. 41 integrates y^-alpha over one side, from 1, and doubles it instead."""
    y = sp.Symbol("y", positive=True)
    cutoff = eps_bar_sym ** -rho
    d = Derivation("E[xi_t] for the symmetric small-jump process", sp.S.Zero)
    positive = d.step("t int_0^O y y^(-1-alpha) dy", t * sp.integrate(y * y ** (-1 - alpha_l), (y, 0, cutoff),
                                                                    conds="none"))
    negative = d.step("t int_-O^0 y |y|^(-1-alpha) dy (substitute y -> -y)", -positive)
    d.result = d.step("sum", sp.simplify(positive + negative))
    d.step("what eq. 41 computes: 2 t int_1^O y^-alpha dy (one-sided absolute moment beyond 1, doubled)",
           sp.simplify(2 * t * sp.integrate(y ** (-alpha_l), (y, 1, cutoff), conds="none")))
    return d


# ------------------------------------------------------------------------------ appendix C.1 (multistep scheduler)
gamma_p = sp.Symbol("gamma_p", positive=True)
C_lnup = sp.Symbol("C_lnup", positive=True)
T_p = sp.Symbol("T_p", positive=True)
T_p1 = sp.Symbol("T_p1", positive=True)

THM_C1_EXPONENT = register(Claim(
    id="battash.thmC1_exponent",
    title="Thm C.1: exponent of gamma_p in the mean transition time, multistep scheduler",
    lhs=sp.Symbol("exponent of gamma_p"), rhs=alpha_l * (1 - rho) - 1 + rho * alpha_nu,
    sources=(Source(SEED_000, "appendix C.1, Theorem C.1"),), regime=REGIME, conditions=CONDITIONS, clock=CLOCK,
    interpretation=NOISE, relations={"compare_with": ("battash.eq58",)},
))
EQ58_EXPONENT = alpha_l - 1 + rho * (alpha_l - alpha_nu)   # the same power in the proof, eq. 58

EQ_58 = register(Claim(
    id="battash.eq58",
    title="eq. 58: integral of t exp(-C t) over one step of the multistep scheduler",
    lhs=sp.Integral(t * sp.exp(-C_lnup * t), (t, T_p, T_p1)),
    rhs=(sp.exp(-C_lnup * T_p) * (C_lnup * T_p + 1) - sp.exp(-C_lnup * T_p1) * (C_lnup * T_p1 + 1)) / C_lnup**2,
    sources=(Source(SEED_000, "appendix C.1, eq. 58 (second line)"),), regime="T_p < T_p1", clock=CLOCK,
    interpretation=NOISE,
))

# ------------------------------------------------------------------------------ appendix C.2 (trapping probability)
K_l = sp.Symbol("K_l", positive=True)    # beta_bar_l / beta_bar_S (1 - m_bar_nu Phi_nu / beta_bar_nu)
c_l = sp.Symbol("c_l", positive=True)    # 2 beta_bar_l - m_bar_l Phi_l
beta_bar_S = sp.Symbol("beta_bar_S", positive=True)
E_c2 = ((gamma - 1) * (alpha_l - 1 + rho * (alpha_nu - 1)) + 1) / ((gamma - 1) * (rho * (alpha_l - 1)) + 1)
THM_C2 = register(Claim(
    id="battash.thmC2",
    title="Thm C.2: bound on P(sigma < oo), exponential scheduler (term l)",
    lhs=sp.Symbol("P(sigma<oo)_l"),
    rhs=m_sym * Phi / beta_bar_S / K_l * c_l**E_c2 / ((gamma - 1) * (rho * (alpha_l - 1)) + 1) * sp.gamma(E_c2),
    relation="<=", sources=(Source(SEED_000, "appendix C.2, Theorem C.2, eq. 59 (and the end of eq. 61)"),),
    regime=REGIME, conditions=CONDITIONS, clock=CLOCK, interpretation=NOISE,
))
#: eq. 61, the integral the proof evaluates (with s_t = t^(gamma - 1))
EQ61_INTEGRAND = m_sym * Phi / beta_bar_S / K_l * t ** ((gamma - 1) * (alpha_l - 1 + rho * (alpha_nu - 1))) \
    * sp.exp(-c_l * t ** ((gamma - 1) * rho * (alpha_l - 1)) * t)

# ------------------------------------------------------------------------------ Lemma 3.1 and eq. 14
mu = sp.Symbol("mu", positive=True)
w0 = sp.Symbol("w", real=True)
LEMMA_3_1 = register(Claim(
    id="battash.lemma3_1",
    title="gradient flow converges exponentially in a mu-strongly convex basin",
    lhs=sp.Symbol("|Y_t - W*|^2"), rhs=2 * sp.Symbol("U_tilde", positive=True) / mu * sp.exp(-2 * mu * t),
    relation="<=", sources=(Source(SEED_000, "sec. 3, Lemma 3.1, eq. 6; proof appendix B.6"),
                            Source(SEED_001, "sec. 3, Lemma 3.1")),
    regime="U mu-strongly convex on G, U_tilde = U(w) - U(W*)", clock=CLOCK, interpretation="deterministic (no noise)",
))
zeta = sp.Symbol("zeta", positive=True)
RELAXATION = register(Claim(
    id="battash.eq14",
    title="relaxation time of the deterministic flow into an eps_bar^zeta neighbourhood",
    lhs=sp.Symbol("T_R"), rhs=sp.Symbol("C_1", positive=True) * sp.Abs(sp.log(eps_bar_sym)), relation="<=",
    sources=(Source(SEED_000, "sec. 4, eq. 14"), Source(SEED_001, "sec. 4, eq. 14")),
    regime="eps_bar -> 0", clock=CLOCK, interpretation="deterministic (no noise)",
))

# ------------------------------------------------------------------------------ Proposition 3.2 (appendix B.3)
theta = sp.Symbol("theta_l", positive=True)
PROP_3_2_EXPONENT = register(Claim(
    id="battash.prop3_2",
    title="Prop. 3.2: exponent theta_bar of the small-jump deviation bound C eps_bar^theta_bar",
    lhs=sp.Symbol("theta_bar_l"), rhs=-rho * (1 - alpha_l) + 2 - 2 * theta,
    sources=(Source(SEED_000, "sec. 3, Proposition 3.2, eq. 9; proof appendix B.3, eqs. 34-35"),
             Source(SEED_001, "sec. 3, Proposition 3.2")),
    regime="theta_l in (0, (2 - alpha_l)/4), rho in (0, 1), horizon T_eps ~ Exp(beta_l)", conditions=CONDITIONS,
    clock=CLOCK, interpretation=NOISE,
))


def small_jump_deviation_exponent() -> Derivation:
    """The proof's route with the moments recomputed: Kolmogorov's inequality P(sup |eps_bar xi| >= c eps_bar^theta)
    <= E[(eps_bar xi_T)^2] / (c eps_bar^theta)^2, E[xi_T^2] = T int_{|y| <= O} y^2 nu(dy), O = eps_bar^-rho, then the
    horizon T ~ Exp(beta) with beta = 2 eps_bar^(rho alpha) / alpha (eq. 12 at s_t = 1) averaged out (eq. 35)."""
    y = sp.Symbol("y", positive=True)
    T = sp.Symbol("T", positive=True)
    e = eps_bar_sym
    d = Derivation("exponent of eps_bar in Prop. 3.2, recomputed", sp.S.Zero)
    cutoff = e ** -rho
    moment = sp.integrate(y ** (1 - alpha_l), (y, 0, cutoff), conds="none")
    # SymPy leaves the lower limit as 0^(2 - alpha), which is 0 for alpha < 2
    moment = moment.replace(lambda z: z.is_Pow and z.base == 0, lambda z: sp.S.Zero)
    second = d.step("E[xi_T^2] = 2 T int_0^O y^(1-alpha) dy", 2 * T * moment)
    kolmogorov = d.step("Kolmogorov: E[(eps_bar xi_T)^2] / eps_bar^(2 theta) (constants dropped)",
                        e**2 * second / e ** (2 * theta))
    rate = 2 * e ** (rho * alpha_l) / alpha_l
    averaged = d.step("average over T ~ Exp(beta)", sp.integrate(kolmogorov * rate * sp.exp(-rate * T), (T, 0, sp.oo),
                                                                 conds="none"))
    combined = sp.powsimp(sp.expand_power_base(sp.simplify(averaged), force=True), force=True)
    _, exponent = combined.as_independent(e)[1].as_coeff_exponent(e)
    d.result = d.step("exponent of eps_bar", sp.expand(exponent))
    return d


# ------------------------------------------------------------------------------ sec. 5 escape-axis experiment
def ackley_model(alpha_1, alpha_2, sigma, radius, smoothing=sp.Rational(1, 10**12)):
    """Gradient descent on the 2-D Ackley function with independent SaS noise per axis, started at the global
    minimum 0 and stopped past a radius (seed 000 sec. 5, "Escaping Axis", Fig. 9). The square root is
    smoothed by 1e-12 so that the gradient exists at the start (the Ackley function has a cusp there)."""
    x1, x2 = sp.symbols("x1 x2", real=True)
    half_square = (x1**2 + x2**2) / 2
    ackley = (-20 * sp.exp(-sp.Rational(1, 5) * sp.sqrt(half_square + smoothing))
              - sp.exp((sp.cos(2 * sp.pi * x1) + sp.cos(2 * sp.pi * x2)) / 2) + sp.E + 20)
    return Model(f"Ackley (alpha = {alpha_1}, {alpha_2})", (x1, x2),
                 sp.Matrix([-sp.diff(ackley, x1), -sp.diff(ackley, x2)]), sigma * sp.eye(2), Ball((0, 0), radius),
                 (0, 0), noise=AlphaStable((alpha_1, alpha_2), measure="standard"), potential=ackley)


# ------------------------------------------------------------------------------ appendix C.3 (multistep trapping)
THM_C3 = register(Claim(
    id="battash.thmC3",
    title="Thm C.3: bound on P(sigma < oo), multistep scheduler (term l, step p)",
    lhs=sp.Symbol("P(sigma<oo)_lp"),
    rhs=m_sym * Phi / (beta_bar_S * K_l) * gamma_p ** (rho * (1 - alpha_nu) + alpha_l - 1 - rho * (alpha_l - 1))
    * sp.exp(-c_l * gamma_p ** (rho * (alpha_l - 1)) * T_p)
    * (1 - sp.exp(-c_l * gamma_p ** (rho * (alpha_l - 1)) * (T_p1 - T_p))) / c_l,
    relation="<=", sources=(Source(SEED_000, "appendix C.3, Theorem C.3, eq. 62",
                                   note="T in eq. 62 read as T_{p+1} - T_p, the only reading that makes it an identity"),),
    regime="multistep scheduler: s_t = gamma_p on [T_p, T_{p+1})", clock=CLOCK, interpretation=NOISE,
))
#: eq. 63's last integral before evaluation (constant scheduler value gamma_p on the step)
EQ63_STEP = m_sym * Phi / (beta_bar_S * K_l) * gamma_p ** (rho * (1 - alpha_nu) + alpha_l - 1) \
    * sp.Integral(sp.exp(-c_l * gamma_p ** (rho * (alpha_l - 1)) * t), (t, T_p, T_p1))
